"""The check-in desk: scan, result, badge printing, search and walk-ins."""
