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

# bm25 weights: a word in the title counts five times one in the text (and in an
# attachment, a word of its name five times one of its text). Speech and attachment hits
# are merged by that score, each marked by its `source`.
_HITS = (
    "SELECT 'speech' AS source, s.id, s.version, s.date, s.title, s.status,"
    " NULL AS attachment_url,"
    " NULL AS attachment_name,"
    f" snippet(speeches_fts, -1, '{MARK_START}', '{MARK_END}', '{ELLIPSIS}', {SNIPPET_TOKENS})"
    " AS snippet, bm25(speeches_fts, 5.0, 1.0) AS score"
    " FROM speeches_fts JOIN speeches s ON s.n = speeches_fts.rowid"
    " WHERE speeches_fts MATCH ? ORDER BY score, s.id LIMIT ?"
)
_TOTAL = "SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH ?"
# --all-versions: every version of every speech (migration 4's index), each hit its own.
_VERSION_HITS = (
    "SELECT 'speech' AS source, s.id, f.version, v.date, f.title, s.status,"
    " NULL AS attachment_url, NULL AS attachment_name,"
    f" snippet(speech_versions_fts, -1, '{MARK_START}', '{MARK_END}', '{ELLIPSIS}',"
    f" {SNIPPET_TOKENS}) AS snippet, bm25(speech_versions_fts, 0, 0, 5.0, 1.0) AS score"
    " FROM speech_versions_fts f JOIN speeches s ON s.id = f.speech_id"
    " JOIN speech_versions v ON v.speech_id = f.speech_id AND v.version = f.version"
    " WHERE speech_versions_fts MATCH ? ORDER BY score, s.id, f.version LIMIT ?"
)
_VERSION_TOTAL = "SELECT count(*) FROM speech_versions_fts WHERE speech_versions_fts MATCH ?"
# The newest file behind each attachment URL of a speech (older files stay in the table).
_LATEST = "a.id IN (SELECT max(id) FROM attachments GROUP BY speech_id, url)"
_ATTACHMENT_HITS = (
    "SELECT 'attachment' AS source, s.id, NULL AS version, s.date, s.title, s.status,"
    " a.url AS attachment_url, a.name AS attachment_name,"
    f" snippet(attachments_fts, 1, '{MARK_START}', '{MARK_END}', '{ELLIPSIS}', {SNIPPET_TOKENS})"
    " AS snippet, bm25(attachments_fts, 5.0, 1.0) AS score"
    " FROM attachments_fts JOIN attachments a ON a.rowid = attachments_fts.rowid"
    " JOIN speeches s ON s.id = a.speech_id WHERE attachments_fts MATCH ? AND {which}"
    " ORDER BY score, s.id LIMIT ?"
)
_ATTACHMENT_TOTAL = (
    "SELECT count(*) FROM attachments_fts JOIN attachments a ON a.rowid = attachments_fts.rowid"
    " WHERE attachments_fts MATCH ? AND {which}"
)
# What a search covers, for --help and the docs.
COVERS = ("the current version of each speech (title and text) and the newest file behind"
          " each of its attachment links")
COVERS_ALL = "every version of every speech and every attachment file ever fetched"


@dataclass
class SearchResult:
    total: int  # every match, not only the `limit` shown
    # source (speech | attachment), id, date, title, status, snippet; an attachment hit
    # also attachment_url and attachment_name (its speech's id, date, title, status)
    hits: list[dict] = field(default_factory=list)
    attachment_total: int = 0  # of `total`, the matches in attachments
    fallback: bool = False  # the query was not FTS syntax: its words were searched instead
    searched: str = ""  # the FTS query actually run
    error: str = ""  # why the query as given did not parse (when fallback)


def plain_words(query: str) -> str:
    """The query's words as quoted FTS terms, so operators and quotes mean nothing."""
    words = [w for w in query.replace('"', " ").split() if w]
    return " ".join(f'"{w}"' for w in words)


def search(corpus, query: str, limit: int = 20, *, all_versions: bool = False) -> SearchResult:
    """Search titles and texts, best first: COVERS, or COVERS_ALL with `all_versions`
    (each hit names its version; one speech may match in several).

    `query` is FTS5 syntax (AND, OR, NOT, "phrases", prefix*). One that does not parse is
    run again as plain words and the result says so (`fallback`), so the caller can tell
    the user that `AND OR` searched for the words "and" and "or".
    """
    if not query.strip():
        raise UserError("empty search query")
    try:
        return _run(corpus, query, limit, all_versions)
    except sqlite3.OperationalError as exc:
        plain = plain_words(query)
        if not plain:
            raise UserError(f"nothing to search for in {query!r}") from None
        result = _run(corpus, plain, limit, all_versions)
        result.fallback, result.error = True, str(exc)
        return result


def _run(corpus, fts_query: str, limit: int, all_versions: bool = False) -> SearchResult:
    if all_versions and not _has(corpus, "speech_versions_fts"):
        raise UserError("--all-versions needs corpus schema 4: open the corpus once with"
                        " this doj-speeches (not read-only) to upgrade it")
    total_sql, hits_sql = (_VERSION_TOTAL, _VERSION_HITS) if all_versions else (_TOTAL, _HITS)
    total = corpus.execute(total_sql, (fts_query,)).fetchone()[0]
    hits = corpus.query(hits_sql, (fts_query, limit))
    in_files = 0
    if _has(corpus, "attachments_fts"):
        which = "1" if all_versions else _LATEST
        in_files = corpus.execute(_ATTACHMENT_TOTAL.format(which=which),
                                  (fts_query,)).fetchone()[0]
        if in_files:
            hits += corpus.query(_ATTACHMENT_HITS.format(which=which), (fts_query, limit))
    hits.sort(key=lambda h: (h["score"], h["id"], h["source"], h["version"] or 0))
    hits = hits[:limit]
    for hit in hits:
        hit.pop("score")
        hit["snippet"] = " ".join(hit["snippet"].split())  # paragraphs' blank lines
    return SearchResult(total=total + in_files, hits=hits, searched=fts_query,
                        attachment_total=in_files)


def _has(corpus, table: str) -> bool:
    """False for a read-only corpus older than the table (attachments: schema 3,
    speech_versions_fts: schema 4)."""
    return corpus.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                          (table,)).fetchone() is not None
