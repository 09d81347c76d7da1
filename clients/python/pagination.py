"""Walking a Relay-style connection page by page, for any query that has one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from clients.python.http import GraphQLHTTP


async def paginate(
    gql: GraphQLHTTP,
    document: str,
    field: str,
    variables: dict[str, Any] | None = None,
    *,
    page_size: int = 50,
) -> AsyncIterator[dict[str, Any]]:
    """Each node of connection ``field``, following ``pageInfo.endCursor``.

    ``document`` must take ``$first`` and ``$after`` and select
    ``pageInfo { hasNextPage endCursor }`` and ``edges { node { ... } }``.
    """
    after: str | None = None
    while True:
        data = await gql.execute(
            document, {**(variables or {}), "first": page_size, "after": after}
        )
        connection = data[field]
        for edge in connection["edges"]:
            yield edge["node"]
        info = connection["pageInfo"]
        if not info["hasNextPage"] or not info["endCursor"]:
            return
        after = info["endCursor"]
