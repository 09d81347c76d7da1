"""Importing articles from an outside list, idempotently, keyed by their source URL."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from hub.errors import BadInput
from hub.knowledge.models import ArticleCreate, ArticleUpdate, ImportResult, KnowledgeArticle
from hub.knowledge.service import KnowledgeService
from hub.storage.collection import DuplicateKey

log = logging.getLogger(__name__)

MAX_BATCH = 200
SUMMARY = "re-imported from source"


async def import_articles(
    knowledge: KnowledgeService, items: Sequence[ArticleCreate], *, actor: str
) -> ImportResult:
    """Create what is new, revise what changed, leave the rest: twice is once."""
    _check(items)
    # Checked for the whole batch first, so a bad id in it writes nothing.
    await knowledge.check_services(sorted({s for i in items for s in i.service_ids}))
    existing = await knowledge.by_source_urls([i.source_url for i in items if i.source_url])
    result = ImportResult()
    touched: list[KnowledgeArticle] = []
    for item in items:
        assert item.source_url is not None
        article = existing.get(item.source_url)
        if article is None:
            article = await _create(knowledge, item, actor)
            result.created += article is not None
        else:
            revised = await knowledge.update(
                article_id=article.id, data=_as_update(item), actor=actor, reindex=False
            )
            changed = revised.revision != article.revision
            result.updated += changed
            result.unchanged += not changed
            article = revised
        if article is not None:
            touched.append(article)
            result.article_ids.append(article.id)
    knowledge.index.upsert(touched)
    log.info(
        "event=knowledge.imported created=%d updated=%d unchanged=%d actor=%s",
        result.created,
        result.updated,
        result.unchanged,
        actor,
    )
    return result


async def _create(
    knowledge: KnowledgeService, item: ArticleCreate, actor: str
) -> KnowledgeArticle | None:
    try:
        return await knowledge.create(data=item, actor=actor, reindex=False)
    except DuplicateKey:
        # A concurrent import created it first; the next import compares it.
        log.info("event=knowledge.import_raced source_url=%s", item.source_url)
        return None


def _as_update(item: ArticleCreate) -> ArticleUpdate:
    values = item.model_dump(include={"title", "body", "kind", "tags", "service_ids"})
    return ArticleUpdate(**values, change_summary=SUMMARY)


def _check(items: Sequence[ArticleCreate]) -> None:
    if not items:
        raise BadInput("an import needs at least one article", argument="input")
    if len(items) > MAX_BATCH:
        raise BadInput(f"an import batch is at most {MAX_BATCH} articles", argument="input")
    urls = [item.source_url for item in items]
    for position, url in enumerate(urls):
        if url is None:
            raise BadInput(
                f"input[{position}] needs a sourceUrl: it keys the import", argument="input"
            )
    if len(set(urls)) != len(urls):
        raise BadInput("each sourceUrl may appear once per batch", argument="input")
