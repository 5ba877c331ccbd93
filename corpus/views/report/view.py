"""Plain-data views the templates show: outcome columns, run rows, stats as text.

The outcome columns and the problem filter derive from corpus.outcomes, so a new
outcome appears in the report by itself. Stats are rendered generically: whatever a
run's stats JSON holds (health reasons, warning counts, witness agreement...) is shown.
"""

from __future__ import annotations

from datetime import datetime

from corpus.outcomes import FETCH_OUTCOMES, PROBLEM_OUTCOMES, Outcome

# Column labels where the outcome's own name reads badly in a narrow table.
LABELS = {Outcome.NOT_MODIFIED: "304", Outcome.SKIPPED: "not a speech"}
# Every outcome of a page fetch; discovery fetches (robots.txt, sitemaps...) are not pages.
OUTCOME_COLUMNS = tuple((o.value, LABELS.get(o, o.value)) for o in FETCH_OUTCOMES
                        if o is not Outcome.DISCOVERY)
PROBLEM_LABELS = tuple(LABELS.get(o, o.value) for o in PROBLEM_OUTCOMES)
NOTE_ITEMS = 5  # lines per stats list in the runs table; a --crawl report shows them all
EXIT_MEANING = {0: "ok", 1: "error", 2: "bad input", 3: "unhealthy", 75: "locked"}


def label_list(labels, last: str = "and") -> str:
    """("failed", "gone", "moved") -> "failed, gone and moved"."""
    labels = list(labels)
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {last} {labels[-1]}"


def _counts(value: dict) -> str:
    """{"agree": 298, "disagree": 2} -> "298 agree, 2 disagree"."""
    return ", ".join(f"{n} {name}" for name, n in value.items())


def stat_text(value) -> str:
    """One stats value as text: a list joined with "; ", a dict of counts as
    "kind n, ...", a dict of dicts as "key: n name, ...; key: ..."."""
    if isinstance(value, dict):
        if value and all(isinstance(v, dict) for v in value.values()):
            return "; ".join(f"{key}: {_counts(inner)}" for key, inner in value.items())
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "none"
    return str(value)


def stat_notes(stats: dict) -> list[tuple[str, str]]:
    """(key, text) lines for a run's list and dict stats (health reasons, warnings,
    witness agreement...), one line per reason and per inner dict."""
    notes = []
    for key, value in stats.items():
        if isinstance(value, list):
            notes += [(key, str(item)) for item in value[:NOTE_ITEMS]]
            if len(value) > NOTE_ITEMS:
                notes.append((key, f"… and {len(value) - NOTE_ITEMS:,} more"))
        elif isinstance(value, dict) and value:
            if all(isinstance(v, dict) for v in value.values()):
                notes += [(key, f"{inner}: {_counts(v)}") for inner, v in value.items()]
            else:
                notes.append((key, stat_text(value)))
    return notes


def seconds(crawl: dict):
    """The run's duration: its own stats, else finished - started; None if unknown."""
    stats = crawl["stats"] or {}
    if isinstance(stats.get("seconds"), (int, float)):
        return stats["seconds"]
    try:
        start = datetime.fromisoformat(crawl["started"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(crawl["finished"].replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        return None
    return round((end - start).total_seconds(), 1)


def exit_status(crawl: dict) -> tuple[str, str]:
    """(css class, text) of a run's exit status."""
    if not crawl["finished"]:
        return "exit-open", "unfinished"
    code = crawl["exit_status"]
    meaning = EXIT_MEANING.get(code, "")
    return ("exit-ok" if code == 0 else "exit-bad"), f"{code} {meaning}".strip()


def crawl_table(crawls: list[dict]) -> dict:
    """The runs table: one column per outcome some listed run had (so the table stays
    narrow enough to read), the others named in `absent`."""
    present = [(key, label) for key, label in OUTCOME_COLUMNS
               if any(crawl["outcomes"].get(key) for crawl in crawls)]
    columns = ([("id", "num"), ("mode", ""), ("started", "date"), ("finished", "date"),
                ("seconds", "num"), ("requests", "num")]
               + [(label, "num") for _, label in present]
               + [("exit status", "exit"), ("notes", "notes")])
    rows = [{"crawl": crawl, "seconds": seconds(crawl),
             "requests": (crawl["stats"] or {}).get("requests"),
             "outcomes": [crawl["outcomes"].get(key, 0) for key, _ in present],
             "exit": exit_status(crawl), "notes": stat_notes(crawl["stats"] or {})}
            for crawl in crawls]
    absent = [label for column in OUTCOME_COLUMNS if column not in present
              for label in column[1:]]
    return {"columns": columns, "rows": rows, "absent": absent}


def status_table(data: dict) -> dict:
    """Speeches by site generation (rows) and status (columns, live first)."""
    cell = {(r["generation"], r["status"]): r["n"] for r in data["status_generation"]}
    generations = sorted({g for g, _ in cell})
    statuses = sorted({s for _, s in cell}, key=lambda s: (s != "live", s))
    rows = [(g, [cell.get((g, s), 0) for s in statuses]) for g in generations]
    totals = [sum(cell.get((g, s), 0) for g in generations) for s in statuses]
    columns = [("generation", "")] + [(s, "num") for s in statuses] + [("total", "num")]
    return {"columns": columns, "rows": rows, "totals": totals,
            "status": dict(zip(statuses, totals))}
