"""Optional system tools the tests use: skip where one is missing, but never in CI."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(tool: str, package: str) -> None:
    """Skip the test if ``tool`` is not installed; in CI a missing tool is a failure."""
    if shutil.which(tool) is not None:
        return
    message = f"{tool} ({package}) is not installed"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it (python3 dev.py test does).")
    pytest.skip(message)
