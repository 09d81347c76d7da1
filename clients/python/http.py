"""GraphQL over HTTP: one POST per operation, errors raised with their code."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from clients.python.errors import HubAPIError, HubUnavailable

log = logging.getLogger(__name__)


def graphql_url(url: str) -> str:
    """The endpoint for a hub's base URL; a URL already ending in /graphql is kept."""
    base = url.rstrip("/")
    return base if base.endswith("/graphql") else f"{base}/graphql"


def websocket_url(url: str) -> str:
    endpoint = graphql_url(url)
    if endpoint.startswith("https://"):
        return "wss://" + endpoint.removeprefix("https://")
    return "ws://" + endpoint.removeprefix("http://")


def auth_headers(token: str | None, actor: str | None = None) -> dict[str, str]:
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if actor:
        headers["x-hub-actor"] = actor
    return headers


class GraphQLHTTP:
    def __init__(self, http: httpx.AsyncClient, endpoint: str) -> None:
        self._http = http
        self._endpoint = endpoint

    async def execute(
        self, document: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The operation's ``data``; a GraphQL error raises :class:`HubAPIError`."""
        body = {"query": document, "variables": variables or {}}
        try:
            response = await self._http.post(self._endpoint, json=body)
        except httpx.TransportError as exc:
            raise HubUnavailable(f"cannot reach the hub at {self._endpoint}: {exc!r}") from exc
        payload = _json(response)
        if payload is None:
            raise HubUnavailable(
                f"the hub answered HTTP {response.status_code} without a GraphQL body"
            )
        if payload.get("errors"):
            raise HubAPIError(payload["errors"])
        data = payload.get("data")
        if not isinstance(data, dict):
            raise HubUnavailable(f"the hub answered HTTP {response.status_code} with no data")
        return data


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        payload = response.json()
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
