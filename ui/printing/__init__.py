"""Printing badges through Qt: QPainter drawing of badge layouts, QPrinter and its dialog."""
