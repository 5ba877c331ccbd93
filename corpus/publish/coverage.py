"""Coverage per year: the speeches a release holds against those the last crawl's
sitemap and JSON API listed (the site's own lists of what it publishes).

A speech's year is its date in the release, or the date the listing gave for a speech
the release lacks. Listings that were not read (a crawl that skipped them) list nothing,
so a year may show speeches held and none listed.
"""

from __future__ import annotations

from collections import Counter

LISTS = ("sitemap", "api")
_LAST = """
SELECT id, started FROM crawls WHERE mode IN ('crawl', 'backfill')
  AND (:t IS NULL OR started <= :t) ORDER BY id DESC LIMIT 1
"""
_LISTED = f"""
SELECT f.speech_id AS id, json_extract(w.value, '$.date') AS date
FROM fetches f, json_each(f.witnesses) w
WHERE f.crawl_id = :crawl AND f.speech_id IS NOT NULL
  AND json_extract(w.value, '$.source') IN {tuple(LISTS)}
UNION
SELECT speech_id, json_extract(meta, '$.date') FROM frontier
WHERE crawl_id = :crawl AND json_extract(meta, '$.source') IN {tuple(LISTS)}
"""


def coverage(corpus, moment: str | None, held: dict[str, dict]) -> dict:
    """{crawl, years: [{year, held, listed, listed_held}]}, newest year first; `held`:
    the release's speeches {id: {date, ...}}."""
    last = corpus.query_one(_LAST, {"t": moment})
    listed: dict[str, str | None] = {}
    if last is not None:
        for row in corpus.query(_LISTED, {"crawl": last["id"]}):
            listed[row["id"]] = listed.get(row["id"]) or row["date"]

    def year(sid: str) -> str:
        date = (held.get(sid) or {}).get("date") or listed.get(sid)
        return str(date)[:4] if date else "undated"

    counts = {"held": Counter(year(s) for s in held),
              "listed": Counter(year(s) for s in listed),
              "listed_held": Counter(year(s) for s in listed if s in held)}
    years = sorted(set().union(*counts.values()), reverse=True)
    return {"crawl": last["id"] if last else None, "lists": list(LISTS),
            "years": [{"year": y, **{k: c[y] for k, c in counts.items()}} for y in years]}
