"""Full-text search of the corpus: ranked hits with snippets, and the total count.

Hits are marked in snippets with « and » (the same in every output format). Not with
brackets: real transcripts use them ("[Applause]", "[inaudible]"), so "[rights]" could be
the speech's own text. Not with `**word**` either: asterisks appear in pages too ("* * *").
Not with ANSI bold: it is lost in a file, a pipe or JSON, and makes CSV unreadable.
Guillemets do not occur in English-language justice.gov pages, so a «word» is always ours.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from corpus.errors import UserError

MARK_START, MARK_END = "«", "»"
ELLIPSIS = "…"
SNIPPET_TOKENS = 14

# bm25 weights: a word in the title counts five times one in the text.
_HITS = (
    "SELECT s.id, s.date, s.title, s.status,"
    f" snippet(speeches_fts, -1, '{MARK_START}', '{MARK_END}', '{ELLIPSIS}', {SNIPPET_TOKENS})"
    " AS snippet"
    " FROM speeches_fts JOIN speeches s ON s.n = speeches_fts.rowid"
    " WHERE speeches_fts MATCH ? ORDER BY bm25(speeches_fts, 5.0, 1.0), s.id LIMIT ?"
)
_TOTAL = "SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH ?"


@dataclass
class SearchResult:
    total: int  # every match, not only the `limit` shown
    hits: list[dict] = field(default_factory=list)  # id, date, title, status, snippet
    fallback: bool = False  # the query was not FTS syntax: its words were searched instead
    searched: str = ""  # the FTS query actually run
    error: str = ""  # why the query as given did not parse (when fallback)


def plain_words(query: str) -> str:
    """The query's words as quoted FTS terms, so operators and quotes mean nothing."""
    words = [w for w in query.replace('"', " ").split() if w]
    return " ".join(f'"{w}"' for w in words)


def search(corpus, query: str, limit: int = 20) -> SearchResult:
    """Search titles and texts, best first.

    `query` is FTS5 syntax (AND, OR, NOT, "phrases", prefix*). One that does not parse is
    run again as plain words and the result says so (`fallback`), so the caller can tell
    the user that `AND OR` searched for the words "and" and "or".
    """
    if not query.strip():
        raise UserError("empty search query")
    try:
        return _run(corpus, query, limit)
    except sqlite3.OperationalError as exc:
        plain = plain_words(query)
        if not plain:
            raise UserError(f"nothing to search for in {query!r}") from None
        result = _run(corpus, plain, limit)
        result.fallback, result.error = True, str(exc)
        return result


def _run(corpus, fts_query: str, limit: int) -> SearchResult:
    total = corpus.conn.execute(_TOTAL, (fts_query,)).fetchone()[0]
    hits = corpus._all(_HITS, (fts_query, limit))
    for hit in hits:
        hit["snippet"] = " ".join(hit["snippet"].split())  # paragraphs' blank lines
    return SearchResult(total=total, hits=hits, searched=fts_query)
