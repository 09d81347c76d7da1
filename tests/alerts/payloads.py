"""Where the alert example payloads live, for the parametrised tests.

The project's own fixtures are always present. The real captured payloads in
``<repo>/../shared/data/alerts`` exist only in the maintainers' layout; a
git worktree finds them beside its main checkout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OWN_DIR = ROOT / "tests" / "fixtures" / "alerts"
SHARED_MISSING = (
    "../shared/data/alerts not present (a user's clone has no ../shared); "
    "own fixtures cover the same shapes"
)


def _main_checkout(root: Path) -> Path | None:
    # In a worktree `.git` is a file naming <main>/.git/worktrees/<name>.
    git = root / ".git"
    if not git.is_file():
        return None
    text = git.read_text().strip()
    if not text.startswith("gitdir:"):
        return None
    gitdir = Path(text.removeprefix("gitdir:").strip())
    return gitdir.parents[2] if gitdir.parent.name == "worktrees" else None


def shared_dir() -> Path | None:
    # HUB_SHARED_DIR, when set, is the only place looked at: pointing it at a
    # missing folder runs the suite as a clone without ../shared would.
    configured = os.environ.get("HUB_SHARED_DIR")
    if configured:
        candidate = Path(configured) / "data" / "alerts"
        return candidate if candidate.is_dir() else None
    for base in (ROOT, _main_checkout(ROOT)):
        if base is not None:
            candidate = base.parent / "shared" / "data" / "alerts"
            if candidate.is_dir():
                return candidate
    return None


def examples(path: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(path.read_text())
    return list(data["examples"])
