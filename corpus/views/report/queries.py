"""The report's figures, read from the corpus into plain dicts (aggregated in SQL).

Only the speeches shown under "changed" are read in full, so a 20,000-speech corpus
takes well under a second. Nothing here knows about HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

from corpus.errors import UserError
from corpus.outcomes import PROBLEM_OUTCOMES, sql_in
from corpus.record import LIST_FIELDS

MAX_LISTED = 100  # rows of "added" and "problems" in a crawl report
_PROBLEM = f"outcome IN {sql_in(PROBLEM_OUTCOMES)}"


def _all(corpus, sql: str, params=()) -> list[dict]:
    cur = corpus.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


def _one(corpus, sql: str, params=()):
    return corpus.execute(sql, params).fetchone()[0]


def _scope(crawl_id: int | None) -> tuple[str, tuple]:
    """A CTE `scope(id, date, status, generation, components, changed)`: every speech, or
    the speeches a crawl recorded a version of (as that version has them; `changed` is 1
    for a speech that has changed since first seen / that the crawl changed)."""
    if crawl_id is None:
        return ("WITH scope AS (SELECT s.id, s.date, s.status, s.generation, s.components,"
                " s.id IN (SELECT speech_id FROM speech_versions WHERE version = 2) AS changed"
                " FROM speeches s)"), ()
    return ("WITH scope AS (SELECT v.speech_id AS id, v.date, s.status, v.generation,"
            " v.components, v.version > 1 AS changed"
            " FROM speech_versions v JOIN speeches s ON s.id = v.speech_id"
            " WHERE v.crawl_id = ? AND v.version = (SELECT max(w.version) FROM speech_versions w"
            "   WHERE w.speech_id = v.speech_id AND w.crawl_id = v.crawl_id))"), (crawl_id,)


def crawl_rows(corpus, where: str, params=()) -> list[dict]:
    """Rows of `crawls` with args and stats decoded and `outcomes` counted per run."""
    crawls = _all(corpus, f"SELECT * FROM crawls {where}", params)
    if not crawls:
        return crawls
    ids = [c["id"] for c in crawls]
    marks = ",".join("?" for _ in ids)
    outcomes: dict[int, dict] = {}
    for crawl_id, outcome, count in corpus.execute(
            f"SELECT crawl_id, outcome, count(*) FROM fetches WHERE crawl_id IN ({marks})"
            " GROUP BY 1, 2", ids):
        outcomes.setdefault(crawl_id, {})[outcome] = count
    for crawl in crawls:
        crawl["args"] = json.loads(crawl["args"] or "{}")
        crawl["stats"] = json.loads(crawl["stats"]) if crawl["stats"] else None
        # Counted from the fetches, as `stats` does: right for a killed run too. A run
        # that fetched nothing (reextract) has its counts only in its stats.
        crawl["outcomes"] = outcomes.get(crawl["id"]) or {
            k: v for k, v in (crawl["stats"] or {}).items() if isinstance(v, int)}
    return crawls


def _versions(corpus, speech_id: str, numbers: tuple[int, ...]) -> dict[int, dict]:
    marks = ",".join("?" for _ in numbers)
    rows = _all(corpus, f"SELECT * FROM speech_versions WHERE speech_id = ? AND version IN ({marks})",
                (speech_id, *numbers))
    for row in rows:
        for name in LIST_FIELDS:
            row[name] = json.loads(row[name] or "[]")
    return {row["version"]: row for row in rows}


def _counts(corpus, cte: str, params: tuple) -> dict:
    """Speeches in scope by generation and status, year, month and component."""
    data: dict = {}
    data["status_generation"] = _all(
        corpus, f"{cte} SELECT coalesce(generation, 'unknown') AS generation, status,"
              " count(*) AS n FROM scope GROUP BY 1, 2 ORDER BY 1, 2", params)
    data["speeches"] = sum(r["n"] for r in data["status_generation"])
    (data["dated"], data["first_date"], data["last_date"], data["changed_speeches"]) = corpus.execute(
        f"{cte} SELECT count(date), min(date), max(date), coalesce(sum(changed), 0) FROM scope",
        params).fetchone()
    data["by_year"] = _all(
        corpus, f"{cte} SELECT coalesce(substr(date, 1, 4), 'undated') AS year, count(*) AS n,"
              " sum(status = 'live') AS live, sum(status = 'gone') AS gone,"
              " sum(changed) AS changed FROM scope GROUP BY 1 ORDER BY 1 DESC", params)
    data["by_month"] = [
        (month, n) for month, n in corpus.execute(
            f"{cte} SELECT substr(date, 1, 7), count(*) FROM scope"
            " WHERE date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]*' GROUP BY 1 ORDER BY 1", params)
        if 1 <= int(month[5:7]) <= 12]
    data["by_component"] = _all(
        corpus, f"{cte} SELECT j.value AS component, count(*) AS n,"
              " sum(status = 'live') AS live, sum(status = 'gone') AS gone,"
              " min(date) AS first, max(date) AS last"
              " FROM scope, json_each(coalesce(scope.components, '[]')) j"
              " GROUP BY 1 ORDER BY 2 DESC, 1", params)
    data["no_component"] = _one(
        corpus, f"{cte} SELECT count(*) FROM scope"
              " WHERE json_array_length(coalesce(components, '[]')) = 0", params)
    return data


def _corpus_totals(corpus, changed: int) -> tuple[dict, tuple]:
    """Whole-corpus figures, and the query picking the changes to show."""
    data = {"versions": _one(corpus, "SELECT count(*) FROM speech_versions"),
            "fetches": _one(corpus, "SELECT count(*) FROM fetches"),
            "runs": _one(corpus, "SELECT count(*) FROM crawls")}
    data["raw_pages"], data["raw_bytes"] = corpus.execute(
        "SELECT count(*), coalesce(sum(size), 0) FROM raw_pages").fetchone()
    path = Path(corpus.path)
    data["database_bytes"] = sum(p.stat().st_size for p in (path, Path(f"{path}-wal"))
                                 if p.exists())
    picks = ("SELECT speech_id, version FROM speech_versions"
             " WHERE version > 1 AND seen_until IS NULL"
             " ORDER BY seen_from DESC, speech_id LIMIT ?", (changed,))
    return data, picks


def _crawl_totals(corpus, crawl_id: int, changed: int) -> tuple[dict, tuple]:
    """One run's added speeches and problem fetches, and the query picking its changes."""
    data = {
        "changed_total": _one(corpus, "SELECT count(*) FROM speech_versions"
                                    " WHERE crawl_id = ? AND version > 1", (crawl_id,)),
        "added_total": _one(corpus, "SELECT count(*) FROM speech_versions"
                                  " WHERE crawl_id = ? AND version = 1", (crawl_id,)),
        "added": _all(corpus, "SELECT v.speech_id AS id, v.title, v.date, v.url, s.status"
                            " FROM speech_versions v JOIN speeches s ON s.id = v.speech_id"
                            " WHERE v.crawl_id = ? AND v.version = 1"
                            " ORDER BY v.date DESC, v.speech_id LIMIT ?", (crawl_id, MAX_LISTED)),
        "problems_total": _one(corpus, f"SELECT count(*) FROM fetches WHERE crawl_id = ?"
                                     f" AND {_PROBLEM}", (crawl_id,)),
        "problems": _all(corpus, "SELECT fetched_at, outcome, status, url, reason FROM fetches"
                               f" WHERE crawl_id = ? AND {_PROBLEM} ORDER BY id LIMIT ?",
                         (crawl_id, MAX_LISTED)),
    }
    picks = ("SELECT speech_id, version FROM speech_versions"
             " WHERE crawl_id = ? AND version > 1"
             " ORDER BY seen_from DESC, speech_id LIMIT ?", (crawl_id, changed))
    return data, picks


def _changes(corpus, picks: tuple) -> list[dict]:
    """Each picked version with the one before it and its speech."""
    changes = []
    for speech_id, version in corpus.execute(*picks).fetchall():
        pair = _versions(corpus, speech_id, (version - 1, version))
        speech = _all(corpus, "SELECT id, url, status, version FROM speeches WHERE id = ?",
                      (speech_id,))
        if len(pair) == 2 and speech:
            changes.append({"speech": speech[0], "old": pair[version - 1], "new": pair[version]})
    return changes


def gather(corpus, *, crawl_id: int | None = None, changed: int = 20, crawls: int = 10) -> dict:
    """Everything the page shows, as plain data. UserError for an unknown crawl."""
    data: dict = {"database": str(corpus.path), "crawl_id": crawl_id}
    if crawl_id is not None:
        found = crawl_rows(corpus, "WHERE id = ?", (crawl_id,))
        if not found:
            raise UserError(f"unknown crawl: {crawl_id} (`doj-speeches stats` lists the last runs)")
        data["crawl"], data["crawls"] = found[0], found
    else:
        data["crawl"], data["crawls"] = None, crawl_rows(corpus, "ORDER BY id DESC LIMIT ?",
                                                         (crawls,))
    cte, params = _scope(crawl_id)
    data.update(_counts(corpus, cte, params))
    if crawl_id is None:
        totals, picks = _corpus_totals(corpus, changed)
        totals["changed_total"] = data["changed_speeches"]
    else:
        totals, picks = _crawl_totals(corpus, crawl_id, changed)
    data.update(totals)
    data["changes"] = _changes(corpus, picks)
    data["archive_changes"] = _archive_changes(corpus, changed) if crawl_id is None else []
    return data


def _archive_changes(corpus, limit: int) -> list[dict]:
    """The latest changes seen in the Internet Archive's captures (docs/design.md#d14-captures):
    every kept capture but a speech's first differs from the one before it in time."""
    picks = corpus.execute(
        "SELECT c.speech_id, c.captured_at FROM captures c WHERE EXISTS (SELECT 1 FROM"
        " captures p WHERE p.speech_id = c.speech_id AND p.captured_at < c.captured_at)"
        " ORDER BY c.captured_at DESC, c.speech_id LIMIT ?", (limit,)).fetchall()
    changes = []
    for speech_id, captured_at in picks:
        records = corpus.capture_records(speech_id)
        moments = sorted(records)
        at = moments.index(captured_at)
        speech = _all(corpus, "SELECT id, url, status, version, source FROM speeches WHERE id = ?",
                      (speech_id,))
        if speech and at > 0:
            changes.append({"speech": speech[0], "old": records[moments[at - 1]],
                            "new": records[captured_at], "source": "archive"})
    return changes
