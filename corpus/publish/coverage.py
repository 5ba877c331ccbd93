"""Coverage per year: the speeches a release holds against those the last crawl's
sitemap and JSON API listed (the site's own lists of what it publishes).

A speech's year is its date in the release, or the date the listing gave for a speech
the release lacks. Listings that were not read (a crawl that skipped them) list nothing,
so a year may show speeches held and none listed; the last run that read them is
used (a `--source wayback` run reads none).
"""

from __future__ import annotations

from collections import Counter

LISTS = ("sitemap", "api")
TRIED = 5  # runs looked back through for one that read the lists (not --source wayback)
_LAST = f"""
SELECT id FROM crawls WHERE mode IN ('crawl', 'backfill')
  AND (:t IS NULL OR started <= :t) ORDER BY id DESC LIMIT {TRIED}
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
    last, listed = None, {}
    for run in corpus.query(_LAST, {"t": moment}):
        rows = corpus.query(_LISTED, {"crawl": run["id"]})
        if rows:
            last = run
            for row in rows:
                listed[row["id"]] = listed.get(row["id"]) or row["date"]
            break

    def year(sid: str) -> str:
        date = (held.get(sid) or {}).get("date") or listed.get(sid)
        return str(date)[:4] if date else "undated"

    counts = {"held": Counter(year(s) for s in held),
              "listed": Counter(year(s) for s in listed),
              "listed_held": Counter(year(s) for s in listed if s in held)}
    years = sorted(set().union(*counts.values()), reverse=True)
    return {"crawl": last["id"] if last else None, "lists": list(LISTS),
            "years": [{"year": y, **{k: c[y] for k, c in counts.items()}} for y in years]}
