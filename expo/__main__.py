"""``python -m expo``: the command line."""

from expo.cli import main

raise SystemExit(main())
