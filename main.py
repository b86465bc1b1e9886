"""Start the Expo Desk window: ``python main.py [--demo] [--db PATH_OR_URL]``."""

from ui.app import run

if __name__ == "__main__":
    raise SystemExit(run())
