"""The JSON API under /api/: one module per resource, request and response shapes as pydantic models."""

PREFIX = "api/"
