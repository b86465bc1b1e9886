"""Progress and cancellation for long tasks, without Qt.

A long task is a plain function ``run(..., progress: Progress) -> Result`` (the Orange3 way).
It calls ``progress.update(done, total)`` now and then and ``progress.check()`` where stopping
is safe; ``check`` raises ``Cancelled`` once someone asked to cancel. The CLI passes a
``StderrProgress``, the GUI a Qt-bridged one (ui/ops.py), tests the plain ``Progress``.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Cancelled(Exception):
    """The task was cancelled; whatever it wrote in its transaction is rolled back."""


class Progress:
    """Collects progress; thread-safe cancellation. Subclasses show it somewhere."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.done = 0
        self.total: int | None = None
        self.message = ""

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if message is not None:
            self.message = message
        self.changed()

    def changed(self) -> None:
        """Hook for subclasses: called after every update."""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if cancellation was asked for."""
        if self._cancel.is_set():
            raise Cancelled()

    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


class StderrProgress(Progress):
    """Progress lines on stderr for the CLI, at most one every ``interval`` seconds."""

    def __init__(self, label: str, stream: TextIO | None = None, interval: float = 1.0) -> None:
        super().__init__()
        self.label = label
        self.stream = stream or sys.stderr
        self.interval = interval
        self._last = 0.0

    def changed(self) -> None:
        now = time.monotonic()
        finished = self.total is not None and self.done >= self.total
        if now - self._last < self.interval and not finished:
            return
        self._last = now
        fraction = self.fraction()
        share = f" ({fraction:.0%})" if fraction is not None else ""
        total = f"/{self.total}" if self.total else ""
        text = f" {self.message}" if self.message else ""
        print(f"{self.label}: {self.done}{total}{share}{text}", file=self.stream, flush=True)
