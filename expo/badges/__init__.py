"""Badges: signed codes, QR symbols, badge layouts and PDFs, bulk badge runs (no Qt)."""
