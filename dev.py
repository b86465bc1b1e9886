#!/usr/bin/env python3
"""Expo Desk's developer entry point. Needs only Python 3.11+; everything else it installs.

    python3 dev.py app      start Expo Desk on the demo event (built on first start)
    python3 dev.py test     run the whole test suite (ruff, mypy on expo/, then pytest)
    python3 dev.py bench    run the benchmarks
    python3 dev.py revision -m "what changed"   autogenerate an Alembic migration

Both create or reuse a virtual environment in .venv and install what is missing: the Python
packages from pyproject.toml and, when run as root on Debian/Ubuntu, the system packages the
tests or the window need (poppler-utils, PostgreSQL, Xvfb, Qt's xcb libraries).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".expo-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

# Debian packages: what the tests use, and what a real Qt window needs on X11.
TEST_PACKAGES = {
    "pdftoppm": "poppler-utils",
    "pdffonts": "poppler-utils",
    "Xvfb": "xvfb",
    "xdotool": "xdotool",  # the real-window scanner test types as a scanner does
}
QT_XCB_LIBRARIES = [
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-xinerama0",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
]


def log(message: str) -> None:
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is
        sys.exit("Expo Desk needs Python 3.11 or newer.")
    if not PYTHON.exists():
        log(f"creating the virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    log("installing Python packages (first run, or pyproject.toml changed)")
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-q", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def _apt_install(packages: list[str]) -> None:
    if not packages:
        return
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None:
        log(f"please install: {' '.join(packages)}")
        return
    if os.geteuid() != 0:
        log(f"missing system packages; run: sudo apt-get install {' '.join(packages)}")
        return
    log(f"installing system packages: {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _deb_installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return True
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return "install ok installed" in result.stdout


def _postgres_installed() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb")) or shutil.which("initdb")


def ensure_test_system_packages() -> None:
    missing = sorted({pkg for tool, pkg in TEST_PACKAGES.items() if shutil.which(tool) is None})
    if not _postgres_installed():
        missing.append("postgresql")
    missing += [lib for lib in QT_XCB_LIBRARIES if not _deb_installed(lib)]
    _apt_install(missing)


def ensure_window_system_packages() -> None:
    if sys.platform.startswith("linux"):
        _apt_install([lib for lib in QT_XCB_LIBRARIES if not _deb_installed(lib)])


def run(args: list[str]) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT).returncode


def cmd_app(extra: list[str]) -> int:
    ensure_venv()
    ensure_window_system_packages()
    return run(["main.py", "--demo", *extra])


def cmd_test(extra: list[str]) -> int:
    ensure_venv()
    ensure_test_system_packages()
    code = run(["-m", "ruff", "check", "."])
    if code != 0:
        log("ruff found problems (fix them, or `ruff check --fix .`)")
        return code
    code = run(["-m", "mypy"])  # the core's types ([tool.mypy] packages = expo)
    if code != 0:
        log("mypy found type errors in expo/")
        return code
    return run(["-m", "pytest", *extra])


def cmd_bench(extra: list[str]) -> int:
    ensure_venv()
    return run(["benchmarks/run_all.py", *extra])


def cmd_revision(extra: list[str]) -> int:
    ensure_venv()
    return run(["-m", "expo.migrations.autogenerate", *extra])


COMMANDS = {"app": cmd_app, "test": cmd_test, "bench": cmd_bench, "revision": cmd_revision}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
