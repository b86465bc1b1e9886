"""The base of errors that carry a message meant for the person at the keyboard."""

from __future__ import annotations


class ExpoError(Exception):
    """An error whose message says what went wrong and what to do about it.

    The CLI prints it on stderr and exits non-zero; the GUI shows it in a message box.
    """
