"""API tokens: issued once, stored only as a hash, checked on every request.

A token is 32 random bytes, so a plain SHA-256 of it is as hard to reverse as
the token is to guess; lookups go by that hash, which needs no constant-time
comparison.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from hub.auth.models import ApiToken, ApiTokenCreate, Principal, Role
from hub.clock import Clock
from hub.errors import BadInput, Conflict, Unauthenticated
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey
from hub.storage.ids import new_id
from hub.storage.repository import Repository
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

TOKEN_PREFIX = "ih_"
PREFIX_SHOWN = 8
MAX_LIFETIME = timedelta(days=730)
DEFAULT_LIFETIME = timedelta(days=90)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def bearer_secret(header: str | None) -> str | None:
    """The secret in an ``Authorization: Bearer <secret>`` header, if any."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > 256:
        return None
    return value


class TokenService:
    def __init__(self, db: Database, clock: Clock, teams: TeamService) -> None:
        self._clock = clock
        self._teams = teams
        self.repo = Repository(db["api_tokens"], ApiToken, "API token")

    async def create(self, *, data: ApiTokenCreate, actor: str) -> tuple[str, ApiToken]:
        """A new token and its secret; the secret is never stored or shown again."""
        now = self._clock.now()
        expires = data.expires_at or now + DEFAULT_LIFETIME
        if not now < expires <= now + MAX_LIFETIME:
            raise BadInput(
                f"expiresAt must be in the future and at most {MAX_LIFETIME.days} days away",
                argument="expiresAt",
            )
        await self._check_scope(data)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = await self._store(data.model_copy(update={"expires_at": expires}), secret, actor)
        log.info(
            "event=auth.token_created name=%s role=%s actor=%s", token.name, token.role, actor
        )
        return secret, token

    async def ensure(self, *, data: ApiTokenCreate, secret: str, actor: str) -> ApiToken:
        """A token with a secret chosen by the operator, created or replaced by name."""
        now = self._clock.now()
        doc = {
            **data.model_dump(mode="json"),
            "token_hash": digest(secret),
            "prefix": secret[:PREFIX_SHOWN],
            "created_by": actor,
            "revoked_at": None,
        }
        await self.repo.collection.update_one(
            {"name": data.name},
            {"$set": doc, "$setOnInsert": {"created_at": now}},
            upsert=True,
        )
        found = await self.repo.collection.find_one({"name": data.name})
        assert found is not None, "the upsert above created it"
        return ApiToken.model_validate(found)

    async def _check_scope(self, data: ApiTokenCreate) -> None:
        await self._teams.regions.require_all(data.region_ids)
        await self._teams.teams.require_all(data.team_ids)

    async def _store(self, data: ApiTokenCreate, secret: str, actor: str) -> ApiToken:
        doc = {
            "id": new_id(),
            **data.model_dump(mode="json"),
            "token_hash": digest(secret),
            "prefix": secret[:PREFIX_SHOWN],
            "created_by": actor,
            "created_at": self._clock.now(),
            "expires_at": data.expires_at,
            "revoked_at": None,
        }
        try:
            await self.repo.collection.insert(doc)
        except DuplicateKey as exc:
            raise Conflict(f"a token named {data.name!r} already exists") from exc
        return ApiToken.model_validate(doc)

    async def authenticate(self, secret: str | None) -> Principal:
        """The principal behind ``secret``, or :class:`Unauthenticated`."""
        if secret is None:
            raise Unauthenticated("send an API token: Authorization: Bearer <token>")
        doc = await self.repo.collection.find_one({"token_hash": digest(secret)})
        token = ApiToken.model_validate(doc) if doc else None
        if token is None or not token.usable_at(self._clock.now()):
            raise Unauthenticated("this API token is unknown, expired or revoked")
        return Principal.of(token)

    async def revoke(self, *, token_id: str, actor: str) -> ApiToken:
        token = await self.repo.get(token_id)
        if token.revoked_at is None:
            now = self._clock.now()
            await self.repo.collection.update_one({"id": token_id}, {"$set": {"revoked_at": now}})
            token = token.model_copy(update={"revoked_at": now})
        log.info("event=auth.token_revoked name=%s actor=%s", token.name, actor)
        return token


def admin_token(name: str = "admin") -> ApiTokenCreate:
    return ApiTokenCreate(name=name, role=Role.ADMIN)
