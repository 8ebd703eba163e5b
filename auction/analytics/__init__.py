"""Bid analytics: the analytics processor and its tables, and the page that charts them.

`streams.analytics` decides (event-time windows, watermarks, summaries); this app's processor
(`processor`) stores its facts and results in PostgreSQL (`loading`, `writing`), `selectors`
read them back and `views` show them (`/analytics/`). Everything here is derived from the log:
`manage.py rebuild analytics` replays it into emptied tables while the processor runs, and
`reset_analytics` empties it for the stopped processor to replay.
"""
