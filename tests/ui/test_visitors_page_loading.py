"""The Visitors page reads every id (sort, cleared search, refresh) on a worker thread: the
table changes when the worker's answer arrives, and a late answer to an older request is
dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QThreadPool

from expo.services import visitor_list
from ui.context import AppContext
from ui.ops import TaskRunner
from ui.visitors import page as page_module
from ui.visitors.page import VisitorsPage
from ui.visitors.table_model import VisitorTableModel


@pytest.fixture
def threaded_ctx(demo_db, settings) -> AppContext:
    return AppContext(db=demo_db, tasks=TaskRunner(QThreadPool()), settings=settings)


def _first_ids(page: VisitorsPage, count: int = 3) -> list[int]:
    return [page.model.visitor_id(row) for row in range(count)]


def test_sorting_reads_the_ids_on_a_worker_and_shows_them_when_it_answers(
    qtbot, threaded_ctx: AppContext, monkeypatch
) -> None:
    threads: list[threading.Thread] = []

    def recording_ids(*args, **kwargs) -> list[int]:
        threads.append(threading.current_thread())
        return visitor_list.visitor_ids(*args, **kwargs)

    monkeypatch.setattr(page_module, "visitor_ids", recording_ids)
    page = VisitorsPage(threaded_ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3000)
    assert _first_ids(page) == [1, 2, 3]

    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    # The answer comes through the event queue: until it is processed the table is unchanged.
    assert _first_ids(page) == [1, 2, 3]
    assert page.model.loading and "sorting" in page.count_label.text()
    qtbot.waitUntil(lambda: not page.model.loading)
    assert _first_ids(page) == [3000, 2999, 2998]
    assert page.count_label.text() == "3,000 位观众 visitors"
    assert threads and all(thread is not threading.main_thread() for thread in threads)
    threaded_ctx.tasks.wait_for_done()


def test_clearing_a_search_reloads_everyone_on_a_worker(
    qtbot, threaded_ctx: AppContext, monkeypatch
) -> None:
    page = VisitorsPage(threaded_ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3000)
    page.set_search("#42")
    assert page.shown_ids() == [42]
    page.set_search("")
    assert page.model.loading and page.shown_ids() == [42]
    qtbot.waitUntil(lambda: page.model.rowCount() == 3000)
    threaded_ctx.tasks.wait_for_done()


def test_the_first_showing_reads_the_ids_once(qtbot, threaded_ctx: AppContext, monkeypatch):
    calls: list[object] = []

    def counting_ids(*args, **kwargs) -> list[int]:
        calls.append(args[1:])
        return visitor_list.visitor_ids(*args, **kwargs)

    monkeypatch.setattr(page_module, "visitor_ids", counting_ids)
    page = VisitorsPage(threaded_ctx)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3000)
    threaded_ctx.tasks.wait_for_done()
    assert len(calls) == 1


class _HeldRunner:
    """A background runner that keeps the jobs until the test answers them, in any order."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], list[int]], Callable[[list[int]], None]]] = []

    def __call__(self, job, deliver) -> None:  # noqa: ANN001
        self.jobs.append((job, deliver))

    def answer(self, index: int) -> None:
        job, deliver = self.jobs[index]
        deliver(job())


def test_a_late_answer_to_an_older_sort_is_dropped() -> None:
    orders = {False: [1, 2, 3], True: [3, 2, 1]}
    held = _HeldRunner()
    model = VisitorTableModel(
        lambda _sort, descending: orders[descending], lambda ids: [], background=held
    )
    model.reload()
    held.answer(0)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    held.answer(2)  # the newest request answers first ...
    assert [model.visitor_id(row) for row in range(3)] == [1, 2, 3]
    held.answer(1)  # ... and the older one, arriving late, changes nothing
    assert [model.visitor_id(row) for row in range(3)] == [1, 2, 3]
    assert not model.loading


def test_a_search_result_set_meanwhile_wins_over_a_pending_reload() -> None:
    held = _HeldRunner()
    model = VisitorTableModel(lambda _sort, _descending: [1, 2, 3], lambda ids: [], background=held)
    model.reload()
    model.set_ids([7])
    held.answer(0)
    assert model.rowCount() == 1 and model.visitor_id(0) == 7
