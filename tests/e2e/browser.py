"""Finding (and, on first use, installing) the Chromium the browser tests drive."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
INSTALLER = Path(__file__).with_name("install-browser.sh")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def ensure_chromium() -> Path:
    """The browser binary, installed by the project's script when absent."""
    if not CHROMIUM.exists():
        done = subprocess.run(
            ["sh", str(INSTALLER)], capture_output=True, text=True, timeout=900, check=False
        )
        if done.returncode != 0 or not CHROMIUM.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            pytest.skip(f"Chromium could not be installed by {INSTALLER.name}: {tail}")
    return CHROMIUM
