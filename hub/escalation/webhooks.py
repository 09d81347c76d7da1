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
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime

import httpx

from hub.clock import Clock
from hub.errors import BadInput
from hub.storage.client import Database
from hub.storage.repository import Repository
from hub.teams.models import Team

MIN_SECRET = 16
MAX_URL = 2000
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Host names after IDNA encoding: dot-separated labels of letters, digits,
# hyphens (not at either end) and underscores (common in internal names).
_LABEL = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
HOST = re.compile(rf"(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*\.?")


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
    """``url`` if the delivery client can send to it; BadInput naming the fault if not.

    Checked with the client's own parser, so a URL stored here never fails at
    delivery for its form (see :mod:`hub.escalation.notify`).
    """
    if len(url) > MAX_URL:
        raise _bad(url, f"is longer than {MAX_URL} characters")
    try:
        parsed = httpx.URL(url)
        # Reading the host decodes its IDNA form: an invalid A-label fails here.
        shown = parsed.host
    except (httpx.InvalidURL, ValueError) as exc:  # IDNA errors are ValueErrors
        raise _bad(url, f"cannot be sent to: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not shown:
        raise _bad(url, "must be an http(s) URL with a host")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise _bad(url, f"names port {parsed.port}; ports are 1-65535")
    if parsed.userinfo:
        raise _bad(url, "must not carry credentials: reads show the URL; sign with the secret")
    host = parsed.raw_host.decode("ascii")
    if not (_is_ip(host) or HOST.fullmatch(host)):
        raise _bad(url, f"has the host {host!r}, which is not a valid host name")
    return url


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _bad(url: str, why: str) -> BadInput:
    return BadInput(f"webhook url {url[:100]!r} {why}", argument="url")


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
