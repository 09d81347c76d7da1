"""Knowledge articles: runbooks, postmortems, how-tos and references."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class ArticleKind(StrEnum):
    RUNBOOK = "RUNBOOK"
    POSTMORTEM = "POSTMORTEM"
    HOWTO = "HOWTO"
    REFERENCE = "REFERENCE"


class ArticleBase(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(default="", max_length=200_000)
    kind: ArticleKind = ArticleKind.RUNBOOK
    tags: list[str] = Field(default_factory=list, max_length=50)
    service_ids: list[str] = Field(default_factory=list, max_length=50)
    owner: str | None = Field(default=None, max_length=64)
    review_by: date | None = None
    source_url: str | None = Field(default=None, max_length=2000)
    incident_id: str | None = None


class ArticleCreate(ArticleBase):
    pass


class ArticleUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, max_length=200_000)
    kind: ArticleKind | None = None
    tags: list[str] | None = None
    service_ids: list[str] | None = None
    owner: str | None = None
    review_by: date | None = None
    change_summary: str = Field(default="", max_length=500)


class KnowledgeArticle(ArticleBase):
    id: str
    revision: int = 1
    created_by: str
    created_at: datetime
    updated_at: datetime
