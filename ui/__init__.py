"""Expo Desk's PySide6 shell over the ``expo`` core: windows, pages, Qt models and workers.

It calls ``expo`` services; it holds no SQL and no business rules.
"""
