#!/usr/bin/env python3
"""Run every benchmark: ``python3 dev.py bench`` (or ``.venv/bin/python benchmarks/run_all.py``).

Each prints its figures with the ratio against a baseline measured in the same run.
Pass names to run some: ``run_all.py demo visitor_table``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def available() -> list[str]:
    folder = Path(__file__).resolve().parent
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(folder)])
        if m.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = set(names) - set(available())
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(available())}",
            file=sys.stderr,
        )
        return 2
    for name in names:
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        module = importlib.import_module(f"benchmarks.bench_{name}")
        module.main([]) if _takes_argv(module.main) else module.main()
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


def _takes_argv(fn) -> bool:  # type: ignore[no-untyped-def]
    import inspect

    params = inspect.signature(fn).parameters
    return "argv" in params


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
