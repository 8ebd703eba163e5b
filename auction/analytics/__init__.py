"""Bid analytics: the analytics processor's tables, and the page that charts them.

`streams.analytics` decides (event-time windows, watermarks, summaries); this app stores its
facts and results in PostgreSQL (`sink`), reads them back (`selectors`) and shows them
(`views`, `/analytics/`). Everything here is derived from the log: `reset_analytics` empties
it, and the processor rebuilds it by replay.
"""
