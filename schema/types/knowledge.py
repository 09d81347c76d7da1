"""GraphQL types for knowledge articles and escalation policies."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from hub.escalation import models as em
from hub.knowledge import models as km
from schema.types.enums import ArticleKindEnum, TargetKindEnum
from schema.types.teams import ServiceType

from schema.context import Context
from schema.types.enums import ArticleKindEnum, TargetKindEnum


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

    @strawberry.field
    async def services(self, info: Info[Context, None]) -> list[ServiceType]:
        found = await info.context.loaders.service.load_many([str(s) for s in self.service_ids])
        return [ServiceType.from_model(s) for s in found if s is not None]

    @classmethod
    def from_model(cls, a: km.KnowledgeArticle) -> ArticleType:
        values = a.model_dump()
        values["service_ids"] = [strawberry.ID(s) for s in a.service_ids]
        return cls(**values)

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> ArticleType | None:
        found = await info.context.loaders.article.load(str(id))
        return cls.from_model(found) if found else None


@strawberry.type(name="EscalationTarget")
class TargetType:
    kind: TargetKindEnum  # type: ignore[valid-type]
    value: str


@strawberry.type(name="EscalationLevel")
class LevelType:
    targets: list[TargetType]
    delay_minutes: int


@strawberry.federation.type(name="EscalationPolicy", keys=["id"])
class PolicyType:
    id: strawberry.ID
    name: str
    description: str
    levels: list[LevelType]
    repeat: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, p: em.EscalationPolicy) -> PolicyType:
        return cls(
            id=strawberry.ID(p.id),
            name=p.name,
            description=p.description,
            levels=[
                LevelType(
                    targets=[TargetType(kind=t.kind, value=t.value) for t in lvl.targets],
                    delay_minutes=lvl.delay_minutes,
                )
                for lvl in p.levels
            ],
            repeat=p.repeat,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> PolicyType | None:
        found = await info.context.loaders.policy.load(str(id))
        return cls.from_model(found) if found else None
