"""Where hubctl finds its hub: flags, then environment, then a config file.

The file is TOML with ``url``, ``token`` and ``actor`` keys, read from
``--config`` or ``$XDG_CONFIG_HOME/hubctl/config.toml`` (``~/.config`` when
unset). A missing default file is fine; a missing ``--config`` file is not.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from clients.python.errors import HubClientError

DEFAULT_URL = "http://127.0.0.1:8000"
KEYS = ("url", "token", "actor")


@dataclass(frozen=True)
class Config:
    url: str = DEFAULT_URL
    token: str | None = None
    actor: str | None = None
    # Print JSON instead of tables, for scripts.
    json: bool = False


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hubctl" / "config.toml"


def read_file(path: Path | None) -> dict[str, str]:
    explicit = path is not None
    path = path or default_path()
    if not path.exists():
        if explicit:
            raise HubClientError(f"config file {path} does not exist", code="BAD_USER_INPUT")
        return {}
    try:
        values = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise HubClientError(
            f"cannot read config file {path}: {exc}", code="BAD_USER_INPUT"
        ) from exc
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise HubClientError(
            f"config file {path}: unknown keys {unknown}; known: {KEYS}", code="BAD_USER_INPUT"
        )
    return {k: str(v) for k, v in values.items()}


def resolve(
    *,
    url: str | None,
    token: str | None,
    actor: str | None,
    config: Path | None,
    json: bool = False,
) -> Config:
    """Each setting from the first source that has it: flag, env, file, default."""
    file = read_file(config)
    flags = {"url": url, "token": token, "actor": actor}
    chosen: dict[str, str | None] = {}
    for key in KEYS:
        env = os.environ.get(f"HUBCTL_{key.upper()}")
        chosen[key] = flags[key] or env or file.get(key)
    return Config(
        url=chosen["url"] or DEFAULT_URL,
        token=chosen["token"],
        actor=chosen["actor"],
        json=json,
    )
