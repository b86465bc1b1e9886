"""Signing in at a station, and locking it when left alone."""
