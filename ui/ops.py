"""The one way to run work off the GUI thread: ``tasks.op(fn, ...).on_success(cb).run()``.

``fn`` runs on a worker thread and must open its own session (sessions are not thread-safe).
Its result (typed: ``Op[T]`` for ``fn`` returning ``T``) or exception comes back on the GUI
thread through queued signals. With ``.with_progress(...)`` the function receives ``progress=``
(an ``expo.progress.Progress``) and a progress dialog with a Cancel button is shown; cancelling
makes ``progress.check()`` raise ``Cancelled`` inside the task, which then rolls back. Progress
reaches the GUI at most every ``PROGRESS_INTERVAL_S`` (a task may update it 100,000 times).

``.writes()`` puts the op on the write lane: one worker, so this station's own writes run one
after another, in order, and never wait on each other's database lock (as Anki's serial
collection ops). ``.owned_by(widget)``: if the widget is gone when the op ends, its callbacks
are skipped instead of touching a deleted object.

Tests build ``TaskRunner(synchronous=True)``: the same code path, run inline.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from expo.errors import ExpoError
from expo.progress import Cancelled, Progress

log = logging.getLogger(__name__)

T = TypeVar("T")
PROGRESS_INTERVAL_S = 0.1


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)  # done, total (0: unknown), message


class QtProgress(Progress):
    """Bridges ``expo.progress.Progress`` to a Qt signal (emitted from the worker thread)."""

    def __init__(self, signals: _Signals) -> None:
        super().__init__()
        self._signals = signals
        self._last = 0.0

    def changed(self) -> None:
        # Throttled: the GUI thread repaints a few times a second, not once per row; the last
        # step (done == total) always gets through.
        now = time.monotonic()
        finished = self.total is not None and self.done >= self.total
        if not finished and now - self._last < PROGRESS_INTERVAL_S:
            return
        self._last = now
        self._signals.progressed.emit(self.done, self.total or 0, self.message)


class _Runnable(QRunnable):
    def __init__(self, op: Op[Any]) -> None:
        super().__init__()
        self.op = op
        self.setAutoDelete(True)

    def run(self) -> None:
        self.op._execute()


class Op(Generic[T]):
    """A piece of background work returning ``T``; build it with ``TaskRunner.op``."""

    def __init__(self, runner: TaskRunner, fn: Callable[..., T], args: tuple, kwargs: dict):
        self._runner = runner
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._owner: QWidget | None = None
        self.write_lane = False
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._cancelled: Callable[[], None] | None = None
        self._progress_label: str | None = None
        self._progress_parent: QWidget | None = None
        self._on_progress: Callable[[int, int, str], None] | None = None
        self.signals = _Signals()
        self.progress = QtProgress(self.signals)
        self.dialog: QProgressDialog | None = None
        self.finished = False

    def on_success(self, callback: Callable[[T], None]) -> Op[T]:
        self._success = callback
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        self._failure = callback
        return self

    def on_cancelled(self, callback: Callable[[], None]) -> Op[T]:
        self._cancelled = callback
        return self

    def owned_by(self, owner: QWidget) -> Op[T]:
        """Skip the callbacks if ``owner`` has been deleted by the time the op ends."""
        self._owner = owner
        return self

    def writes(self) -> Op[T]:
        """Run on the write lane: after this station's earlier writes, before its later ones."""
        self.write_lane = True
        return self

    def on_progress(self, callback: Callable[[int, int, str], None]) -> Op[T]:
        """Receive progress on the GUI thread (the function gets ``progress=``)."""
        self._on_progress = callback
        self._kwargs["progress"] = self.progress
        return self

    def with_progress(self, label: str, parent: QWidget | None) -> Op[T]:
        """Show a progress dialog with Cancel; the function gets ``progress=``."""
        self._progress_label = label
        self._progress_parent = parent
        self._kwargs["progress"] = self.progress
        return self

    def cancel(self) -> None:
        self.progress.cancel()

    def run(self) -> Op[T]:
        # Results cross from the worker thread to the GUI thread through the event queue; the
        # synchronous runner (tests) delivers them at once, on the same code path.
        kind = (
            Qt.ConnectionType.DirectConnection
            if self._runner.synchronous
            else Qt.ConnectionType.QueuedConnection
        )
        self.signals.succeeded.connect(self._succeeded, kind)
        self.signals.failed.connect(self._failed, kind)
        self.signals.progressed.connect(self._progressed, kind)
        if self._progress_label is not None:
            dialog = QProgressDialog(self._progress_label, "Cancel", 0, 0, self._progress_parent)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self.cancel)
            self.dialog = dialog
        self._runner._start(self)
        return self

    # -- worker thread
    def _execute(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
            if not isinstance(exc, Cancelled | Exception):
                raise
            if isinstance(exc, ExpoError):  # a refusal with a message for the user: no bug
                log.info("background task refused: %s", exc)
            elif not isinstance(exc, Cancelled):
                log.error("background task failed:\n%s", "".join(traceback.format_exception(exc)))
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)

    # -- GUI thread
    def _progressed(self, done: int, total: int, message: str) -> None:
        if self.dialog is not None and not self.finished:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total) if total else 0)
            if message:
                self.dialog.setLabelText(f"{self._progress_label}\n{message}")
        if self._on_progress is not None:
            self._on_progress(done, total, message)

    def _close(self) -> None:
        self.finished = True
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        self._runner._finished(self)

    def _owner_gone(self) -> bool:
        return self._owner is not None and not shiboken6.isValid(self._owner)

    def _succeeded(self, result: T) -> None:
        self._close()
        if self._success is not None and not self._owner_gone():
            self._success(result)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        if self._owner_gone():
            log.info("op ended after its page was closed: %s", exc)
            return
        if isinstance(exc, Cancelled):
            if self._cancelled is not None:
                self._cancelled()
            return
        if self._failure is not None:
            self._failure(exc)
        else:
            self._runner.report_error(exc)


class TaskRunner:
    """Starts ops on a thread pool and keeps them alive until they finish."""

    def __init__(
        self,
        pool: QThreadPool | None = None,
        *,
        synchronous: bool = False,
        report_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._pool = pool or QThreadPool.globalInstance()
        self._write_lane = QThreadPool()
        self._write_lane.setMaxThreadCount(1)
        self._synchronous = synchronous
        self._running: set[Op[Any]] = set()
        self._report_error = report_error

    def op(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Op[T]:
        return Op(self, fn, args, kwargs)

    def _start(self, op: Op[Any]) -> None:
        self._running.add(op)
        if self._synchronous:
            op._execute()
        elif op.write_lane:
            self._write_lane.start(_Runnable(op))
        else:
            self._pool.start(_Runnable(op))

    def _finished(self, op: Op[Any]) -> None:
        self._running.discard(op)

    @property
    def synchronous(self) -> bool:
        return self._synchronous

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def report_error(self, exc: BaseException) -> None:
        if self._report_error is not None:
            self._report_error(exc)
        else:
            log.error("unhandled background error: %s", exc)

    def wait_for_done(self, msecs: int = 30000) -> bool:
        return self._write_lane.waitForDone(msecs) and self._pool.waitForDone(msecs)
