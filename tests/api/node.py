"""Running the JavaScript clients under tests/js from Python tests."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parents[1] / "js"


def install() -> None:
    """The pinned npm packages, installed once by the project's own script."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the JavaScript conformance tests")
    subprocess.run(["sh", str(JS / "install.sh")], check=True, timeout=600)


async def run_node(script: str, *args: str, timeout: float = 120) -> Any:
    """Run ``tests/js/<script>`` and parse what it prints as JSON."""
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(JS / script),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=JS,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode == 0, f"{script} failed:\n{err.decode()[-4000:]}"
    # The last line is the script's answer; libraries may log lines before it.
    lines = out.decode().strip().splitlines()
    assert lines, f"{script} printed nothing:\n{err.decode()[-4000:]}"
    return json.loads(lines[-1])
