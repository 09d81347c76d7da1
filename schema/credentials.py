"""Who sends an HTTP request: one bearer token, looked up once per request.

The response cache and the GraphQL router both need the caller. Whichever
asks first looks the token up and keeps the outcome in the request's scope, so
a request costs one lookup and both act on the same principal. A request with
more than one ``Authorization`` header is refused outright: parts of a stack
that read the first and parts that read the last would disagree on who asks.
"""

from __future__ import annotations

from starlette.types import Scope

from hub.auth.models import Principal
from hub.auth.tokens import bearer_secret
from hub.core import Hub
from hub.errors import BadInput, HubError

_KEPT = "hub.principal"


class ManyCredentials(BadInput):
    """Raised for a request carrying more than one ``Authorization`` header."""


def authorization(scope: Scope) -> str | None:
    """The request's one ``Authorization`` header, or :class:`ManyCredentials`."""
    values = [v for k, v in scope.get("headers", ()) if k.lower() == b"authorization"]
    if len(values) > 1:
        raise ManyCredentials("send one Authorization header, not several")
    return values[0].decode("latin-1") if values else None


async def authenticate(hub: Hub, scope: Scope) -> Principal:
    """The request's principal; raises :class:`HubError` when there is none."""
    state = scope.setdefault("state", {})
    kept = state.get(_KEPT)
    if kept is None:
        try:
            kept = await hub.tokens.authenticate(bearer_secret(authorization(scope)))
        except HubError as exc:
            kept = exc
        state[_KEPT] = kept
    if isinstance(kept, HubError):
        raise kept
    assert isinstance(kept, Principal), "only principals and errors are kept"
    return kept
