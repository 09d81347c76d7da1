"""Knowledge articles: runbooks, postmortems, how-tos and references, and their revisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from hub.text import DisplayText, is_control

MAX_BODY = 200_000
# Marks an article written from a drill, never from a real incident.
DRILL_TAG = "drill"


class ArticleKind(StrEnum):
    RUNBOOK = "RUNBOOK"
    POSTMORTEM = "POSTMORTEM"
    HOWTO = "HOWTO"
    REFERENCE = "REFERENCE"


class ArticleBase(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(default="", max_length=MAX_BODY)
    kind: ArticleKind = ArticleKind.RUNBOOK
    tags: list[str] = Field(default_factory=list, max_length=50)
    service_ids: list[str] = Field(default_factory=list, max_length=50)
    owner: str | None = Field(default=None, max_length=64)
    review_by: date | None = None
    source_url: str | None = Field(default=None, min_length=1, max_length=2000)
    incident_id: str | None = None


class ArticleCreate(ArticleBase):
    title: DisplayText = Field(min_length=1, max_length=300)
    change_summary: str = Field(default="created", max_length=500)

    @field_validator("source_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        # Clients show it as a link to follow: only a web address may be one,
        # never a script or inline document. Checked on writes only, so older
        # stored articles still read back.
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http or https address")
        if any(c.isspace() or is_control(c) for c in value):
            raise ValueError("may not contain spaces or control characters")
        return value


class ArticleUpdate(BaseModel):
    title: DisplayText | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, max_length=MAX_BODY)
    kind: ArticleKind | None = None
    tags: list[str] | None = Field(default=None, max_length=50)
    service_ids: list[str] | None = Field(default=None, max_length=50)
    owner: str | None = Field(default=None, max_length=64)
    review_by: date | None = None
    change_summary: str = Field(default="", max_length=500)

    @field_validator("title", "body", "kind", "tags", "service_ids", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Left out keeps the current value; null would store what no reader reads.
        if value is None:
            raise ValueError("may not be null; leave it out to keep the current value")
        return value


class KnowledgeArticle(ArticleBase):
    id: str
    revision: int = 1
    # Set only on the draft written when an incident resolves: one per incident.
    postmortem_of: str | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime
    updated_by: str | None = None


# The fields a revision keeps: what a reader sees of an article.
CONTENT_FIELDS = ("title", "body", "kind", "tags", "service_ids", "owner", "review_by")


class ArticleRevision(BaseModel):
    """An article as it stood after one change."""

    article_id: str
    revision: int
    title: str
    body: str
    kind: ArticleKind
    tags: list[str] = Field(default_factory=list)
    service_ids: list[str] = Field(default_factory=list)
    owner: str | None = None
    review_by: date | None = None
    author: str
    created_at: datetime
    change_summary: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    article_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    article_id: str
    score: float
    # HTML: the text escaped, matched terms in <b> tags.
    snippet: str
    title_snippet: str


@dataclass(frozen=True)
class Suggestion:
    article: KnowledgeArticle
    score: float
    reasons: tuple[str, ...]
