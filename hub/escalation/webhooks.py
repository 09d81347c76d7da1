"""Each team's outbound webhook: where its notifications go, and the key that signs them.

The secret must be usable to sign, so it is stored as given; it is never
returned by any read a caller can reach (:class:`WebhookInfo` has no secret).
Signatures follow a timestamped scheme: the header
``X-Hub-Signature-256: t=<unix seconds>,v1=<hex>`` carries
HMAC-SHA256(secret, ``"<t>." + body``), so a receiver can refuse replays of an
old body by checking ``t``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from hub.clock import Clock
from hub.errors import BadInput
from hub.storage.client import Database
from hub.storage.repository import Repository
from hub.teams.models import Team

MIN_SECRET = 16
MAX_URL = 2000
SIGNATURE_HEADER = "X-Hub-Signature-256"


@dataclass(frozen=True)
class WebhookInfo:
    team_id: str
    url: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class WebhookKey:
    url: str
    secret: str


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value that signs ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        raise BadInput(
            f"webhook url {url[:100]!r} must be an http(s) URL with a host", argument="url"
        )
    return url


class WebhookService:
    def __init__(self, db: Database, clock: Clock, teams: Repository[Team]) -> None:
        self._hooks = db["webhooks"]
        self._clock = clock
        self._teams = teams

    async def set(self, *, team_id: str, url: str, secret: str, actor: str) -> WebhookInfo:
        await self._teams.get(team_id)
        if len(secret) < MIN_SECRET:
            raise BadInput(
                f"a webhook secret needs at least {MIN_SECRET} characters", argument="secret"
            )
        now = self._clock.now()
        doc = {"url": check_url(url), "secret": secret, "updated_at": now, "updated_by": actor}
        await self._hooks.update_one({"id": team_id}, {"$set": doc}, upsert=True)
        return WebhookInfo(team_id, url, now, actor)

    async def clear(self, *, team_id: str) -> bool:
        return await self._hooks.delete_many({"id": team_id}) > 0

    async def info(self, team_id: str) -> WebhookInfo | None:
        doc = await self._hooks.get(team_id)
        if doc is None:
            return None
        return WebhookInfo(team_id, doc["url"], doc["updated_at"], doc["updated_by"])

    async def keys(self, team_ids: list[str]) -> dict[str, WebhookKey]:
        """Where to send, and how to sign, for each team that has a webhook."""
        docs = await self._hooks.get_many(team_ids)
        return {d["id"]: WebhookKey(d["url"], d["secret"]) for d in docs}
