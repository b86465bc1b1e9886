"""Developer tool: write a new migration for what the models changed (``python3 dev.py revision``).

Builds a scratch SQLite database at the current head and lets Alembic compare it with the models.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from expo.db import alembic_config, make_engine, to_url, upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-m", "--message", required=True)
    parser.add_argument("--rev-id", help="revision id (default: the next number, 0002 ...)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(to_url(Path(folder) / "scratch.sqlite"))
        config = alembic_config()
        script_dir = Path(config.get_main_option("script_location") or "")
        existing = sorted((script_dir / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
        if existing:
            upgrade(engine)
        # Numbered revisions ("0002") read in order and make a second head an obvious conflict.
        rev_id = args.rev_id or f"{len(existing) + 1:04d}"
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            script = command.revision(
                config, message=args.message, autogenerate=True, rev_id=rev_id
            )
        engine.dispose()
    paths = [s.path for s in (script if isinstance(script, list) else [script]) if s]
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", *paths], check=False)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", *paths], check=False)
    print("\n".join(paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
