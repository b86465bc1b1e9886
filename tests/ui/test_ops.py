"""ui.ops: writes run one after another on their lane; callbacks of a closed page are skipped;
progress reaches the GUI throttled, with its last step."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from expo.progress import Progress
from ui import ops
from ui.ops import TaskRunner


def test_writes_never_overlap_on_the_write_lane(qtbot: QtBot) -> None:
    runner = TaskRunner(QThreadPool())
    inside = 0
    overlaps = 0
    order: list[int] = []
    lock = threading.Lock()

    def write(n: int) -> int:
        nonlocal inside, overlaps
        with lock:
            inside += 1
            overlaps += inside > 1
        time.sleep(0.01)
        with lock:
            inside -= 1
            order.append(n)
        return n

    done: list[int] = []
    for n in range(6):
        runner.op(write, n).writes().on_success(done.append).run()
    qtbot.waitUntil(lambda: len(done) == 6, timeout=5000)
    assert overlaps == 0
    assert order == list(range(6))  # in the order they were started


def test_a_deleted_owner_gets_no_callback(qtbot: QtBot) -> None:
    runner = TaskRunner(QThreadPool())
    owner = QWidget()
    release = threading.Event()
    called: list[object] = []
    op = runner.op(release.wait, 5).owned_by(owner).on_success(called.append).run()
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _valid(owner), timeout=2000)
    release.set()
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    assert called == []


def _valid(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_progress_is_throttled_but_its_last_step_arrives(qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ops, "PROGRESS_INTERVAL_S", 10.0)
    runner = TaskRunner(synchronous=True)
    seen: list[tuple[int, int]] = []

    def task(progress: Progress) -> None:
        for done in range(1, 1001):
            progress.update(done, 1000)

    runner.op(task).on_progress(lambda done, total, _m: seen.append((done, total))).run()
    assert seen[0] == (1, 1000)
    assert seen[-1] == (1000, 1000)
    assert len(seen) == 2
