"""Live updates: what the stream decides reaches open pages over websockets (Channels, Redis layer)."""
