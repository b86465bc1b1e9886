"""Start-up, each run a fresh process: the app to a usable main window on an existing event
(goal < 2 s), and ``python -m expo stats`` / ``checkin`` (goal < 0.5 s).

App: from process start to the main window shown with its first page (offscreen). Baseline in
the same run: the same process building all six pages up front and importing the demo
builder, as start-up did before pages were built when first shown.
CLI: the whole command, process start to exit. Both also as CPU time (user + system), which a
loaded machine inflates far less than the wall time. Baseline in the same run: the same command with
every command group imported first, as before lazy registration.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.big_fair import big_fair
from benchmarks.common import int_options, scratch_folder, set_up, summary

_APP = """
import os, sys, time
start = float(sys.argv[3])
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui import app as app_module
from ui.settings import Settings
app = QApplication([])
app_module.install_cjk_font(app)
settings = Settings(QSettings(sys.argv[2], QSettings.Format.IniFormat))
if os.environ.get("EXPO_BENCH_EAGER"):
    import expo.demo  # noqa: F401  (what ui.app imported before)
    window = app_module.open_window(sys.argv[1], settings)
    for key in window.page_keys:  # every page built, as before
        window.show_page(key)
    window.show_page("overview")
else:
    window = app_module.open_window(sys.argv[1], settings)
app.processEvents()
print(time.time() - start)
window.close()
window.ctx.tasks.wait_for_done()
"""

_CLI_EAGER = """
import sys, importlib
from expo.cli import COMMAND_MODULES, main
for module in COMMAND_MODULES:
    importlib.import_module(module)
raise SystemExit(main(sys.argv[1:]))
"""


def _app_start(fair: Path, settings: Path, eager: bool, cpu: list[float]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if eager:
        env["EXPO_BENCH_EAGER"] = "1"
    start_cpu = _children_cpu_ms()
    completed = subprocess.run(
        [sys.executable, "-c", _APP, str(fair), str(settings), repr(time.time())],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    cpu.append(_children_cpu_ms() - start_cpu)  # the whole process, closing included
    return float(completed.stdout.strip().splitlines()[-1]) * 1000


def _children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def _cli(argv: list[str], eager: bool, cpu: list[float]) -> float:
    """The command's wall time in ms; its CPU time (user + system) is appended to ``cpu``."""
    command = [sys.executable, "-c", _CLI_EAGER] if eager else [sys.executable, "-m", "expo"]
    start, start_cpu = time.perf_counter(), _children_cpu_ms()
    subprocess.run([*command, *argv], capture_output=True, check=True)
    cpu.append(_children_cpu_ms() - start_cpu)
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> None:
    args = int_options(argv, visitors=200_000, check_ins=300_000, runs=5)
    print(f"   load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with scratch_folder() as folder:
        fair = set_up(
            lambda: big_fair(folder, args.visitors, args.check_ins),
            lambda _p: f"fair of {args.visitors:,} visitors, {args.check_ins:,} check-ins",
        )
        settings = folder / "settings.ini"
        new, old, new_cpu, old_cpu = [], [], [], []
        for _ in range(args.runs):  # interleaved: both see the same load
            new.append(_app_start(fair, settings, False, new_cpu))
            old.append(_app_start(fair, settings, True, old_cpu))
        _print("app: start to the main window shown, wall", new, old, "< 2000 ms")
        _print("app: the process's cpu (user+sys)", new_cpu, old_cpu, "< 2000 ms")
        for name, command in {
            "stats": ["--db", str(fair), "stats", "--json"],
            "checkin": ["--db", str(fair), "checkin", "R-NOBODY", "--station", "Bench"],
        }.items():
            new, old, new_cpu, old_cpu = [], [], [], []
            for _ in range(args.runs):
                new.append(_cli(command, False, new_cpu))
                old.append(_cli(command, True, old_cpu))
            _print(f"cli: python -m expo {name}, wall", new, old, "< 500 ms")
            _print(f"cli: python -m expo {name}, cpu (user+sys)", new_cpu, old_cpu, "< 500 ms")
    print(f"   load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


def _print(name: str, samples: list[float], baseline: list[float], goal: str) -> None:
    ratio = sorted(baseline)[len(baseline) // 2] / sorted(samples)[len(samples) // 2]
    print(f"{name} (n={len(samples)}, goal {goal})", flush=True)
    print(f"    now       {summary(samples)}", flush=True)
    print(f"    baseline  {summary(baseline)}  ratio(p50) x{ratio:,.1f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
