"""`stats`: what the corpus holds, and how its last crawls went."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.store import Corpus


def _counts(corpus: Corpus, sql: str) -> dict:
    return {str(key): n for key, n in corpus.execute(sql)}


def summary(corpus: Corpus, *, crawls: int = 5, components: int = 15) -> dict:
    one = corpus.execute
    raw_count, raw_stored, raw_size = one(
        "SELECT count(*), coalesce(sum(length(body)), 0), coalesce(sum(size), 0) FROM raw_pages"
    ).fetchone()
    recent = corpus.query("SELECT * FROM crawls ORDER BY id DESC LIMIT ?", (crawls,))
    for crawl in recent:
        crawl["args"] = json.loads(crawl["args"] or "{}")
        crawl["stats"] = json.loads(crawl["stats"]) if crawl["stats"] else None
        # From the fetches themselves: right even for a killed run that wrote no stats.
        crawl["outcomes"] = _counts(
            corpus, f"SELECT outcome, count(*) FROM fetches WHERE crawl_id = {int(crawl['id'])}"
                    " GROUP BY 1 ORDER BY 2 DESC, 1")
    path = Path(corpus.path)
    return {
        "database": str(path),
        "database_bytes": sum(p.stat().st_size for p in (path, Path(f"{path}-wal"))
                              if p.exists()),
        "schema_version": corpus.schema_version,
        "speeches": one("SELECT count(*) FROM speeches").fetchone()[0],
        "versions": one("SELECT count(*) FROM speech_versions").fetchone()[0],
        "raw_pages": {"count": raw_count, "stored_bytes": raw_stored, "raw_bytes": raw_size},
        "by_status": _counts(corpus, "SELECT status, count(*) FROM speeches GROUP BY 1 ORDER BY 1"),
        "by_generation": _counts(
            corpus, "SELECT generation, count(*) FROM speeches GROUP BY 1 ORDER BY 2 DESC, 1"),
        # Years of the speeches on the site now; gone and moved ones are counted apart
        # (they are still in the corpus, but no longer published).
        "by_year": _counts(
            corpus, "SELECT coalesce(substr(date, 1, 4), 'undated'), count(*) FROM speeches"
                    " WHERE status = 'live' GROUP BY 1 ORDER BY 1 DESC"),
        "by_year_not_live": _counts(
            corpus, "SELECT coalesce(substr(date, 1, 4), 'undated'), count(*) FROM speeches"
                    " WHERE status != 'live' GROUP BY 1 ORDER BY 1 DESC"),
        "by_component": _counts(
            corpus, "SELECT j.value, count(*) FROM speeches s, json_each(s.components) j"
                    f" GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {int(components)}"),
        "fetch_outcomes": _counts(
            corpus, "SELECT outcome, count(*) FROM fetches GROUP BY 1 ORDER BY 2 DESC, 1"),
        "last_crawls": recent,
    }


def _line(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _not_live(counts: dict) -> str:
    n = sum(counts.values())
    return f"  (live speeches; {n} gone or moved not counted)" if n else "  (live speeches)"


def render(info: dict) -> list[str]:
    raw = info["raw_pages"]
    lines = [
        f"{info['database']}: {info['speeches']} speeches, {info['versions']} versions,"
        f" {raw['count']} raw pages ({_size(raw['stored_bytes'])} stored,"
        f" {_size(raw['raw_bytes'])} raw), {_size(info['database_bytes'])} on disk",
        f"status:      {_line(info['by_status'])}",
        f"generation:  {_line(info['by_generation'])}",
        f"year:        {_line(info['by_year'])}{_not_live(info['by_year_not_live'])}",
        f"component:   {_line(info['by_component'])}",
        f"fetches:     {_line(info['fetch_outcomes'])}",
        "last crawls:" if info["last_crawls"] else "last crawls: none",
    ]
    for crawl in info["last_crawls"]:
        state = (f"exit {crawl['exit_status']}" if crawl["finished"]
                 else "unfinished")
        stats = crawl["stats"] or {}
        shown = crawl["outcomes"] or {k: v for k, v in stats.items()
                                      if isinstance(v, (int, float))}
        lines.append(f"  #{crawl['id']} {crawl['mode']:<10} {crawl['started'][:19]}Z"
                     f"  {state}  {_line(shown)}")
    return lines


# `stats --format csv`: the summary flattened into one row per figure.
SUMMARY_COLUMNS = ("section", "key", "value")


def summary_rows(info: dict) -> list[dict]:
    """section, key, value: counts keep their section (by_status, live, 40); each crawl is
    a section of its own (crawl 3: mode, started, exit_status, outcome/new...)."""
    rows = []
    for section, value in info.items():
        if section == "last_crawls":
            continue
        if isinstance(value, dict):
            rows += [{"section": section, "key": k, "value": v} for k, v in value.items()]
        else:
            rows.append({"section": section, "key": "", "value": value})
    for crawl in info["last_crawls"]:
        section = f"crawl {crawl['id']}"
        for key in ("mode", "started", "finished", "exit_status"):
            rows.append({"section": section, "key": key, "value": crawl[key]})
        rows += [{"section": section, "key": f"outcome/{k}", "value": v}
                 for k, v in crawl["outcomes"].items()]
    return rows
