"""GraphQL types for knowledge articles."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from hub.auth import scopes
from hub.knowledge import models as km
from hub.knowledge import revisions
from schema.context import Context
from schema.knowledge_scope import check_article
from schema.types.enums import ArticleKindEnum
from schema.types.teams import ServiceType

if TYPE_CHECKING:
    from schema.types.incidents import IncidentType


@strawberry.type(name="ArticleRevision")
class RevisionType:
    revision: int
    title: str
    body: str
    kind: ArticleKindEnum  # type: ignore[valid-type]
    tags: list[str]
    service_ids: list[strawberry.ID]
    owner: str | None
    review_by: date | None
    author: str
    created_at: datetime
    change_summary: str

    @classmethod
    def from_model(cls, r: km.ArticleRevision) -> RevisionType:
        values = r.model_dump(exclude={"article_id"})
        values["service_ids"] = [strawberry.ID(s) for s in r.service_ids]
        return cls(**values)


@strawberry.federation.type(name="KnowledgeArticle", keys=["id"])
class ArticleType:
    id: strawberry.ID
    title: str
    body: str = strawberry.field(description="Markdown")
    kind: ArticleKindEnum  # type: ignore[valid-type]
    tags: list[str]
    service_ids: list[strawberry.ID]
    owner: str | None
    review_by: date | None
    source_url: str | None
    incident_id: strawberry.ID | None = strawberry.field(
        description="The incident this article documents, if any"
    )
    revision: int = strawberry.field(description="The current revision number")
    created_by: str
    created_at: datetime
    updated_at: datetime
    updated_by: str | None

    @strawberry.field
    async def revisions(self, info: Info[Context, None]) -> list[RevisionType]:
        """Every revision, oldest first, with author and summary."""
        found = await info.context.loaders.revisions.load(str(self.id))
        return [RevisionType.from_model(r) for r in found]

    @strawberry.field
    async def diff(
        self,
        info: Info[Context, None],
        from_: Annotated[int, strawberry.argument(name="from")],
        to: int,
    ) -> str:
        """A unified diff from one revision to another."""
        found = await info.context.loaders.revisions.load(str(self.id))
        return revisions.diff(found, from_, to)

    @strawberry.field
    async def incident(
        self, info: Info[Context, None]
    ) -> Annotated[IncidentType, strawberry.lazy("schema.types.incidents")] | None:
        from schema.types.incidents import IncidentType

        if self.incident_id is None:
            return None
        found = await info.context.loaders.incident.load(str(self.incident_id))
        if found is None:
            return None
        scopes.check_incident(info.context.principal, found)
        return IncidentType.from_model(found)

    @strawberry.field
    async def services(self, info: Info[Context, None]) -> list[ServiceType]:
        found = await info.context.loaders.service.load_many([str(s) for s in self.service_ids])
        return [ServiceType.from_model(s) for s in found if s is not None]

    @classmethod
    def from_model(cls, a: km.KnowledgeArticle) -> ArticleType:
        values = a.model_dump(exclude={"postmortem_of"})
        values["id"] = strawberry.ID(a.id)
        values["service_ids"] = [strawberry.ID(s) for s in a.service_ids]
        values["incident_id"] = strawberry.ID(a.incident_id) if a.incident_id else None
        return cls(**values)

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> ArticleType | None:
        found = await info.context.loaders.article.load(str(id))
        if found is None:
            return None
        await check_article(info.context, found)
        return cls.from_model(found)


@strawberry.type(name="KnowledgeSearchHit")
class SearchHitType:
    score: float
    snippet: str = strawberry.field(
        description="HTML: a passage of the body, escaped, matched terms in <b>"
    )
    title_snippet: str = strawberry.field(description="HTML: the title, matches in <b>")
    article_id: strawberry.ID

    @strawberry.field
    async def article(self, info: Info[Context, None]) -> ArticleType | None:
        found = await info.context.loaders.article.load(str(self.article_id))
        return ArticleType.from_model(found) if found else None

    @classmethod
    def from_model(cls, h: km.SearchHit) -> SearchHitType:
        return cls(
            score=h.score,
            snippet=h.snippet,
            title_snippet=h.title_snippet,
            article_id=strawberry.ID(h.article_id),
        )


@strawberry.type(name="SuggestedArticle")
class SuggestionType:
    article: ArticleType
    score: float
    reasons: list[str]

    @classmethod
    def from_model(cls, s: km.Suggestion) -> SuggestionType:
        return cls(
            article=ArticleType.from_model(s.article), score=s.score, reasons=list(s.reasons)
        )


@strawberry.type(name="KnowledgeImportResult")
class ImportResultType:
    created: int
    updated: int
    unchanged: int
    article_ids: list[strawberry.ID]

    @classmethod
    def from_model(cls, r: km.ImportResult) -> ImportResultType:
        return cls(
            created=r.created,
            updated=r.updated,
            unchanged=r.unchanged,
            article_ids=[strawberry.ID(i) for i in r.article_ids],
        )
