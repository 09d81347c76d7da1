"""GraphQL types for knowledge articles."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from hub.knowledge import models as km
from schema.types.enums import ArticleKindEnum

from schema.context import Context


@strawberry.federation.type(name="KnowledgeArticle", keys=["id"])
class ArticleType:
    id: strawberry.ID
    title: str
    body: str
    kind: ArticleKindEnum  # type: ignore[valid-type]
    tags: list[str]
    service_ids: list[strawberry.ID]
    owner: str | None
    review_by: date | None
    source_url: str | None
    incident_id: strawberry.ID | None
    revision: int
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, a: km.KnowledgeArticle) -> ArticleType:
        values = a.model_dump()
        values["service_ids"] = [strawberry.ID(s) for s in a.service_ids]
        return cls(**values)

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> ArticleType | None:
        found = await info.context.hub.knowledge.repo.get_many([str(id)])
        return cls.from_model(found[0]) if found[0] else None
