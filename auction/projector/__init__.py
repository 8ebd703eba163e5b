"""The projector: auction facts → the read models of catalog, bidding and staff (`processor`)."""
