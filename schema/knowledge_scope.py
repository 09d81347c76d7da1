"""What of the knowledge base a scoped token may read.

Knowledge is shared by everyone: runbooks, how-tos, references and imported
postmortems are read across regions, which is how regions learn from each
other. An article linked to an incident is different: a postmortem drafted on
resolution copies the incident's timeline (notes, actors, times), so it is part
of that incident's record. A token scoped away from the incident sees neither:
such an article is left out of lists, search, suggestions and service pages,
and asked for by id (to read or to edit) it is FORBIDDEN, as the incident is.
Unscoped tokens see every article.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TypeVar
from weakref import WeakKeyDictionary

from hub.auth import scopes
from hub.errors import Forbidden
from hub.knowledge.models import KnowledgeArticle, Suggestion
from schema.context import Context

T = TypeVar("T")

# Per request, computed once even when many resolvers ask at the same time.
_hidden: WeakKeyDictionary[Context, asyncio.Task[frozenset[str]]] = WeakKeyDictionary()


async def hidden_incidents(context: Context) -> frozenset[str]:
    """Ids of incidents whose linked articles this request's token may not read."""
    if not context.principal.scoped:
        return frozenset()
    task = _hidden.get(context)
    if task is None:
        task = asyncio.ensure_future(_compute(context))
        _hidden[context] = task
    return await task


async def _compute(context: Context) -> frozenset[str]:
    # Reads every incident an article links to: cheap for hundreds of
    # postmortems; with many thousands, keeping the linked incident's owning
    # region and team on the article (moved on each handoff) would let the
    # article queries filter by scope themselves.
    linked = await context.hub.knowledge.linked_incident_ids()
    found = await context.loaders.incident.load_many(linked)
    principal = context.principal
    return frozenset(
        i.id for i in found if i is not None and not scopes.allows_incident(principal, i)
    )


async def check_article(context: Context, article: KnowledgeArticle) -> None:
    if article.incident_id and article.incident_id in await hidden_incidents(context):
        raise Forbidden(
            f"article {article.id} documents an incident outside this token's scope",
            id=article.id,
        )


async def check_article_id(context: Context, article_id: str) -> None:
    # Unscoped tokens skip the read, so an admin can still repair an article
    # stored damaged (see hub.knowledge.stored).
    if context.principal.scoped:
        await check_article(context, await context.hub.knowledge.get(article_id))


async def visible(
    context: Context, articles: Iterable[KnowledgeArticle]
) -> list[KnowledgeArticle]:
    hidden = await hidden_incidents(context)
    return [a for a in articles if not (a.incident_id and a.incident_id in hidden)]


async def visible_suggestions(
    context: Context, suggestions: Iterable[Suggestion]
) -> list[Suggestion]:
    hidden = await hidden_incidents(context)
    return [
        s for s in suggestions if not (s.article.incident_id and s.article.incident_id in hidden)
    ]
