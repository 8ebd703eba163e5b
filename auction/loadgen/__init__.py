"""Simulated users against the HTTP API: the demo's background life and the benchmarks' load.

Runs without Django (it is only an HTTP client): `python -m auction.loadgen --help`.
"""
