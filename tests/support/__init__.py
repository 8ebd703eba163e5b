"""Test support shared by every folder of the suite: waiting for a condition, publishing auctions.

Folder-specific support modules (`tests/integration/*/support.py`) build on these rather than
growing their own copies.
"""
