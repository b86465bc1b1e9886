"""Booth plans without a database: rectangle geometry, prominence and the assignment solver."""
