"""Relay connections: every list in the API pages the same way.

``first``/``after`` read forward and ``last``/``before`` backward; each list has
a fixed order ending in a unique key, so pages neither skip nor repeat items
while others write. ``totalCount`` costs a count query and runs only when it is
selected.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from hub.storage.pages import Page, PageRequest
from schema.context import Context

N = TypeVar("N")
M = TypeVar("M")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The items of this page, without their cursors")
    def nodes(self) -> list[N]:
        return [e.node for e in self.edges]

    @strawberry.field(description="How many items match, over all pages")
    async def total_count(self) -> int:
        return await self.counter()


def page_request(
    info: Info[Context, None],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageRequest:
    limit = info.context.hub.settings.max_page_size
    return PageRequest(first=first, after=after, last=last, before=before).checked(limit)


def connection(page: Page[M], convert: Callable[[M], N]) -> Connection[N]:
    edges = [
        Edge(cursor=c, node=convert(i)) for i, c in zip(page.items, page.cursors, strict=True)
    ]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, counter=page.count)
