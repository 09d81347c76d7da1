"""Ranked full-text search over articles, with tantivy, held in memory.

MongoDB stays the record: the index is rebuilt from it at start and each
write is applied to it (see :mod:`hub.knowledge.indexer`), so it is right on any
engine and after any restart. It keeps the revision it holds of each article,
so hearing of a change twice, or late, never puts older text back.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Collection, Iterable

import tantivy

from hub.errors import BadInput
from hub.knowledge.models import ArticleKind, KnowledgeArticle, SearchHit

log = logging.getLogger(__name__)

MAX_QUERY = 500
MAX_RESULTS = 100
SNIPPET_CHARS = 180
TITLE_BOOST = 2.5
WRITER_HEAP = 15_000_000


WORD = re.compile(r"\w+")
PHRASE = re.compile(r'"([^"]*)"')


def plain_query(text: str) -> str:
    """``text`` as words only, quoted phrases kept: "" when it holds no word.

    People type "5xx (checkout", "C++" or "title:" rather than query syntax,
    and "*" would match everything; so only words reach tantivy's parser,
    lowercased so none reads as an operator (AND, OR, NOT, TO).
    """
    parts = []
    for n, piece in enumerate(PHRASE.split(text)):
        words = WORD.findall(piece.lower())
        if n % 2 and len(words) > 1:  # inside a pair of quotes
            parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend(words)
    return " ".join(parts)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    for name in ("kind", "tags", "service_ids", "incident_id"):
        builder.add_text_field(name, tokenizer_name="raw")
    return builder.build()


class SearchIndex:
    def __init__(self) -> None:
        self._schema = _schema()
        self._index = tantivy.Index(self._schema)
        self._writer = self._index.writer(WRITER_HEAP, 1)
        self._revisions: dict[str, int] = {}
        # tantivy has one writer per index; writes come from the event loop
        # and from rebuilds, so they take turns.
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self._revisions)

    def indexed_revision(self, article_id: str) -> int:
        return self._revisions.get(article_id, 0)

    def replace_all(self, articles: Iterable[KnowledgeArticle]) -> None:
        with self._lock:
            self._writer.delete_all_documents()
            self._revisions.clear()
            self._add(articles)
            self._commit()

    def upsert(self, articles: Iterable[KnowledgeArticle]) -> int:
        """Index the articles newer than what the index holds; returns how many."""
        with self._lock:
            fresh = [a for a in articles if a.revision > self._revisions.get(a.id, 0)]
            for article in fresh:
                self._writer.delete_documents_by_term("id", article.id)
            self._add(fresh)
            if fresh:
                self._commit()
            return len(fresh)

    def _add(self, articles: Iterable[KnowledgeArticle]) -> None:
        for a in articles:
            self._writer.add_document(
                tantivy.Document(
                    id=a.id,
                    title=a.title,
                    body=a.body,
                    kind=a.kind.value,
                    tags=[t.lower() for t in a.tags],
                    service_ids=list(a.service_ids),
                    incident_id=[a.incident_id] if a.incident_id else [],
                )
            )
            self._revisions[a.id] = a.revision

    def _commit(self) -> None:
        self._writer.commit()
        self._index.reload()

    def search(
        self,
        text: str,
        *,
        kind: ArticleKind | None = None,
        tag: str | None = None,
        service_id: str | None = None,
        limit: int = 10,
        hide_incidents: Collection[str] = (),
        without_tag: str | None = None,
    ) -> list[SearchHit]:
        """Best first; each hit carries highlighted snippets of body and title.

        Articles linked to ``hide_incidents`` are left out before ranking, so
        ``limit`` still fills with what the caller may read.
        """
        if not 1 <= limit <= MAX_RESULTS:
            raise BadInput(f"first must be between 1 and {MAX_RESULTS}", argument="first")
        query = self._parse(text)
        filters = [
            ("kind", kind.value if kind else None),
            ("tags", tag and tag.lower()),
            ("service_ids", service_id),
        ]
        clauses = [(tantivy.Occur.Must, query)]
        for name, value in filters:
            if value:
                term = tantivy.Query.term_query(self._schema, name, value)
                clauses.append((tantivy.Occur.Must, term))
        if without_tag:
            unwanted = tantivy.Query.term_query(self._schema, "tags", without_tag.lower())
            clauses.append((tantivy.Occur.MustNot, unwanted))
        if hide_incidents:
            hidden = tantivy.Query.term_set_query(
                self._schema, "incident_id", sorted(hide_incidents)
            )
            clauses.append((tantivy.Occur.MustNot, hidden))
        searcher = self._index.searcher()
        found = searcher.search(tantivy.Query.boolean_query(clauses), limit)
        body_gen = self._snippets(searcher, query, "body")
        title_gen = self._snippets(searcher, query, "title")
        hits = []
        for score, address in found.hits:
            doc = searcher.doc(address)
            hits.append(
                SearchHit(
                    article_id=str(doc["id"][0]),
                    score=float(score),
                    snippet=body_gen.snippet_from_doc(doc).to_html(),
                    title_snippet=title_gen.snippet_from_doc(doc).to_html(),
                )
            )
        return hits

    def _parse(self, text: str) -> tantivy.Query:
        text = text.strip()
        if not text:
            raise BadInput("a search needs some text", argument="query")
        if len(text) > MAX_QUERY:
            raise BadInput(f"a search is at most {MAX_QUERY} characters", argument="query")
        plain = plain_query(text)
        if not plain:
            raise BadInput("give some words to search for", argument="query")
        query, _errors = self._index.parse_query_lenient(
            plain, ["title", "body"], field_boosts={"title": TITLE_BOOST}
        )
        return query

    def _snippets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, field: str
    ) -> tantivy.SnippetGenerator:
        generator = tantivy.SnippetGenerator.create(searcher, query, self._schema, field)
        generator.set_max_num_chars(SNIPPET_CHARS)
        return generator
