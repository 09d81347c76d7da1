"""Queries and mutations for knowledge articles."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from hub.knowledge.imports import import_articles
from hub.knowledge.models import ArticleCreate, ArticleKind, ArticleUpdate
from schema.context import Context
from schema.inputs import build, given
from schema.knowledge_scope import check_article, check_article_id, hidden_incidents
from schema.pagination import Connection, connection, page_request
from schema.types.enums import ArticleKindEnum
from schema.types.knowledge import ArticleType, ImportResultType, SearchHitType


@strawberry.input
class ArticleInput:
    title: str
    body: str = ""
    kind: ArticleKindEnum = ArticleKindEnum.RUNBOOK  # type: ignore[valid-type]
    tags: list[str] = strawberry.field(default_factory=list)
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    owner: str | None = None
    review_by: date | None = None
    source_url: str | None = None


@strawberry.input
class ArticleImportInput:
    source_url: str = strawberry.field(description="Keys the import: same URL, same article")
    title: str
    body: str = ""
    kind: ArticleKindEnum = ArticleKindEnum.POSTMORTEM  # type: ignore[valid-type]
    tags: list[str] = strawberry.field(default_factory=list)
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class ArticleUpdateInput:
    title: str | None = strawberry.UNSET
    body: str | None = strawberry.UNSET
    kind: ArticleKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    tags: list[str] | None = strawberry.UNSET
    service_ids: list[strawberry.ID] | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    review_by: date | None = strawberry.UNSET
    change_summary: str = ""


@strawberry.type
class KnowledgeQueries:
    @strawberry.field
    async def knowledge_articles(
        self,
        info: Info[Context, None],
        kind: ArticleKindEnum | None = None,  # type: ignore[valid-type]
        tag: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ArticleType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.knowledge.page(
            request,
            kind=ArticleKind(kind) if kind else None,
            tag=tag,
            hide_incidents=await hidden_incidents(info.context),
        )
        return connection(page, ArticleType.from_model)

    @strawberry.field
    async def knowledge_article(self, info: Info[Context, None], id: strawberry.ID) -> ArticleType:
        article = await info.context.hub.knowledge.get(str(id))
        await check_article(info.context, article)
        return ArticleType.from_model(article)

    @strawberry.field
    async def search_knowledge(
        self,
        info: Info[Context, None],
        query: str,
        kind: ArticleKindEnum | None = None,  # type: ignore[valid-type]
        tag: str | None = None,
        service_id: strawberry.ID | None = None,
        first: int = 10,
    ) -> list[SearchHitType]:
        """Ranked full-text search over titles and bodies.

        The query is read as plain words ("quoted phrases" kept); query syntax
        such as `title:` or `*` is not interpreted, and a query with no words
        is refused.
        """
        hits = info.context.hub.knowledge.index.search(
            query,
            kind=ArticleKind(kind) if kind else None,
            tag=tag,
            service_id=str(service_id) if service_id else None,
            limit=first,
            hide_incidents=await hidden_incidents(info.context),
        )
        return [SearchHitType.from_model(h) for h in hits]


@strawberry.type
class KnowledgeMutations:
    @strawberry.mutation
    async def create_knowledge_article(
        self, info: Info[Context, None], input: ArticleInput
    ) -> ArticleType:
        data = build(ArticleCreate, strawberry.asdict(input))
        article = await info.context.hub.knowledge.create(
            data=data, actor=info.context.principal.actor
        )
        return ArticleType.from_model(article)

    @strawberry.mutation
    async def update_knowledge_article(
        self, info: Info[Context, None], id: strawberry.ID, input: ArticleUpdateInput
    ) -> ArticleType:
        data = build(ArticleUpdate, given(strawberry.asdict(input)))
        await check_article_id(info.context, str(id))
        article = await info.context.hub.knowledge.update(
            article_id=str(id), data=data, actor=info.context.principal.actor
        )
        return ArticleType.from_model(article)

    @strawberry.mutation
    async def import_knowledge_articles(
        self, info: Info[Context, None], input: list[ArticleImportInput]
    ) -> ImportResultType:
        """Create or revise articles keyed by sourceUrl; idempotent."""
        items = [
            build(ArticleCreate, {**strawberry.asdict(i), "change_summary": "imported"})
            for i in input
        ]
        result = await import_articles(
            info.context.hub.knowledge, items, actor=info.context.principal.actor
        )
        return ImportResultType.from_model(result)
