"""Expo Desk domain core: models, migrations, services and the command line.

Nothing in this package imports Qt: everything the GUI does, the CLI and the tests can do too.
"""

__version__ = "0.1.0"
