"""`report`: the corpus, or one crawl, as one self-contained static HTML page.

`build_report(corpus, ...)` is a pure read of the database: it returns an HTML string
with inline CSS and an inline SVG chart drawn here (no JavaScript, no fonts, nothing
fetched; a Content-Security-Policy says so to the browser too). All text from the corpus
goes through `html.escape`. Counts are aggregated in SQL, so a 20,000-speech corpus takes
well under a second; only the speeches shown in "changed" are read in full.

Sections (stable ids, so tests and readers can find them): `#summary`, `#per-month`
(an `<svg>` with one `rect.bar` per month with speeches), `#per-year`, `#per-component`,
`#crawls`, `#changed`; for a crawl report also `#added` and `#problems`.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from corpus.diff import FIELDS, diff_records
from corpus.errors import UserError

LIST_FIELDS = ("speakers", "components", "topics", "paragraphs")
OUTCOMES = (("new", "new"), ("changed", "changed"), ("unchanged", "unchanged"),
            ("not_modified", "304"), ("gone", "gone"), ("failed", "failed"),
            ("skipped", "not a speech"))
EXIT_MEANING = {0: "ok", 1: "error", 2: "bad input", 3: "unhealthy", 75: "locked"}
MAX_DIFF_LINES = 60
MAX_LISTED = 100


def e(value) -> str:
    """Escaped text; None as an em dash."""
    return "—" if value is None else escape(str(value), quote=True)


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else e(value)


def _when(stamp: str | None) -> str:
    """`2024-05-01T12:00:00.000000Z` -> `2024-05-01 12:00:00Z` (escaped)."""
    if not stamp:
        return "—"
    return e(stamp[:19].replace("T", " ") + ("Z" if stamp.endswith("Z") else ""))


def _when2(stamp: str | None) -> str:
    """Date above time, for narrow table cells."""
    return _when(stamp).replace(" ", " <br>", 1)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(n)


# -- reading (SQL) ----------------------------------------------------------------------

def _all(conn, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


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


def _crawl_rows(conn, where: str, params=()) -> list[dict]:
    crawls = _all(conn, f"SELECT * FROM crawls {where}", params)
    if not crawls:
        return crawls
    ids = [c["id"] for c in crawls]
    marks = ",".join("?" for _ in ids)
    outcomes: dict[int, dict] = {}
    for crawl_id, outcome, count in conn.execute(
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


def _versions(conn, speech_id: str, numbers: tuple[int, ...]) -> dict[int, dict]:
    marks = ",".join("?" for _ in numbers)
    rows = _all(conn, f"SELECT * FROM speech_versions WHERE speech_id = ? AND version IN ({marks})",
                (speech_id, *numbers))
    for row in rows:
        for name in LIST_FIELDS:
            row[name] = json.loads(row[name] or "[]")
    return {row["version"]: row for row in rows}


def gather(corpus, *, crawl_id: int | None = None, changed: int = 20, crawls: int = 10) -> dict:
    """Everything the page shows, as plain data (aggregated in SQL)."""
    conn = corpus.conn
    cte, params = _scope(crawl_id)
    data: dict = {"database": str(corpus.path), "crawl_id": crawl_id}
    if crawl_id is not None:
        found = _crawl_rows(conn, "WHERE id = ?", (crawl_id,))
        if not found:
            raise UserError(f"unknown crawl: {crawl_id} (`doj-speeches stats` lists the last runs)")
        data["crawl"] = found[0]
        data["crawls"] = found
    else:
        data["crawls"] = _crawl_rows(conn, "ORDER BY id DESC LIMIT ?", (crawls,))

    data["status_generation"] = _all(
        conn, f"{cte} SELECT coalesce(generation, 'unknown') AS generation, status,"
              " count(*) AS n FROM scope GROUP BY 1, 2 ORDER BY 1, 2", params)
    data["speeches"] = sum(r["n"] for r in data["status_generation"])
    (data["dated"], data["first_date"], data["last_date"], data["changed_speeches"]) = conn.execute(
        f"{cte} SELECT count(date), min(date), max(date), coalesce(sum(changed), 0) FROM scope",
        params).fetchone()
    data["by_year"] = _all(
        conn, f"{cte} SELECT coalesce(substr(date, 1, 4), 'undated') AS year, count(*) AS n,"
              " sum(status = 'live') AS live, sum(status = 'gone') AS gone,"
              " sum(changed) AS changed FROM scope GROUP BY 1 ORDER BY 1 DESC", params)
    data["by_month"] = [
        (month, n) for month, n in conn.execute(
            f"{cte} SELECT substr(date, 1, 7), count(*) FROM scope"
            " WHERE date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]*' GROUP BY 1 ORDER BY 1", params)
        if 1 <= int(month[5:7]) <= 12]
    data["by_component"] = _all(
        conn, f"{cte} SELECT j.value AS component, count(*) AS n,"
              " sum(status = 'live') AS live, sum(status = 'gone') AS gone,"
              " min(date) AS first, max(date) AS last"
              " FROM scope, json_each(coalesce(scope.components, '[]')) j"
              " GROUP BY 1 ORDER BY 2 DESC, 1", params)
    data["no_component"] = conn.execute(
        f"{cte} SELECT count(*) FROM scope"
        " WHERE json_array_length(coalesce(components, '[]')) = 0", params).fetchone()[0]

    if crawl_id is None:
        one = conn.execute
        data["versions"] = one("SELECT count(*) FROM speech_versions").fetchone()[0]
        data["fetches"] = one("SELECT count(*) FROM fetches").fetchone()[0]
        data["runs"] = one("SELECT count(*) FROM crawls").fetchone()[0]
        data["raw_pages"], data["raw_bytes"] = one(
            "SELECT count(*), coalesce(sum(size), 0) FROM raw_pages").fetchone()
        path = Path(corpus.path)
        data["database_bytes"] = sum(p.stat().st_size for p in (path, Path(f"{path}-wal"))
                                     if p.exists())
        picks = ("SELECT speech_id, version FROM speech_versions"
                 " WHERE version > 1 AND seen_until IS NULL"
                 " ORDER BY seen_from DESC, speech_id LIMIT ?", (changed,))
        data["changed_total"] = data["changed_speeches"]
    else:
        picks = ("SELECT speech_id, version FROM speech_versions"
                 " WHERE crawl_id = ? AND version > 1"
                 " ORDER BY seen_from DESC, speech_id LIMIT ?", (crawl_id, changed))
        data["changed_total"] = conn.execute(
            "SELECT count(*) FROM speech_versions WHERE crawl_id = ? AND version > 1",
            (crawl_id,)).fetchone()[0]
        data["added_total"] = conn.execute(
            "SELECT count(*) FROM speech_versions WHERE crawl_id = ? AND version = 1",
            (crawl_id,)).fetchone()[0]
        data["added"] = _all(
            conn, "SELECT v.speech_id AS id, v.title, v.date, v.url, s.status"
                  " FROM speech_versions v JOIN speeches s ON s.id = v.speech_id"
                  " WHERE v.crawl_id = ? AND v.version = 1"
                  " ORDER BY v.date DESC, v.speech_id LIMIT ?", (crawl_id, MAX_LISTED))
        problem = "outcome IN ('failed', 'gone', 'skipped')"
        data["problems_total"] = conn.execute(
            f"SELECT count(*) FROM fetches WHERE crawl_id = ? AND {problem}",
            (crawl_id,)).fetchone()[0]
        data["problems"] = _all(
            conn, "SELECT fetched_at, outcome, status, url, reason FROM fetches"
                  f" WHERE crawl_id = ? AND {problem} ORDER BY id LIMIT ?",
            (crawl_id, MAX_LISTED))

    changes = []
    for speech_id, version in conn.execute(*picks).fetchall():
        pair = _versions(conn, speech_id, (version - 1, version))
        speech = _all(conn, "SELECT id, url, status, version FROM speeches WHERE id = ?",
                      (speech_id,))
        if len(pair) == 2 and speech:
            changes.append({"speech": speech[0], "old": pair[version - 1], "new": pair[version]})
    data["changes"] = changes
    return data


# -- rendering --------------------------------------------------------------------------

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --bar: #2f6f9f;
        --bar-hover: #174a70; --bg: #ffffff; --soft: #f4f6f8; --bad: #a4262c; --ok: #1e6b34; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans",
             sans-serif; }
header, main { max-width: 1160px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 0 0 4px; }
.meta, .note, .empty { color: var(--muted); }
.empty { font-style: italic; }
nav { margin: 10px 0 14px; }
nav a { margin-right: 14px; color: var(--bar); text-decoration: none; font-weight: 600; }
a { color: var(--bar); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 16px; }
.card { background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
        padding: 10px 14px; min-width: 150px; }
.card .value { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 6px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; }
th { background: var(--soft); font-size: 13px; white-space: nowrap; }
td.num, th.num { text-align: right; }
td.date { white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
tfoot td { font-weight: 700; border-top: 2px solid var(--line); }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.6fr); gap: 28px; }
.grid h2 { margin-top: 36px; }
.scroll { max-height: 560px; overflow-y: auto; border: 1px solid var(--line); }
.scroll table { margin: 0; width: 100%; }
.scroll th { position: sticky; top: 0; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .bar { fill: var(--bar); }
svg.chart .bar:hover { fill: var(--bar-hover); }
svg.chart .grid-line { stroke: var(--line); stroke-width: 1; }
svg.chart .axis { stroke: var(--ink); stroke-width: 1; }
svg.chart text { font-size: 12px; fill: var(--muted); }
svg.chart text.axis-title { fill: var(--ink); font-weight: 600; }
.exit-ok { color: var(--ok); font-weight: 600; }
.exit-bad { color: var(--bad); font-weight: 600; }
.exit-open { color: var(--muted); font-style: italic; }
.wide { overflow-x: auto; }
table.crawls { font-size: 13.5px; width: 100%; }
table.crawls th, table.crawls td { padding: 4px 7px; }
table.crawls th { white-space: normal; vertical-align: bottom; }
td.notes { font-size: 13px; color: var(--muted); min-width: 140px; }
td.exit { white-space: nowrap; }
article.change { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px;
                 margin: 12px 0; }
article.change .meta { font-size: 13px; margin-bottom: 8px; }
ul.diff { list-style: none; margin: 0; padding: 0; font-size: 14px; }
ul.diff li { padding: 3px 8px; margin: 2px 0; border-left: 4px solid var(--line);
             white-space: pre-wrap; overflow-wrap: anywhere; }
ul.diff li.field { border-left-color: #8a6d00; background: #fffbea; }
ul.diff li.para-del { border-left-color: var(--bad); background: #fdf0f0; }
ul.diff li.para-ins { border-left-color: var(--ok); background: #effaf1; }
ul.diff li.para-mod { border-left-color: var(--bar); background: #f1f6fb; }
ul.diff .tag { font-weight: 700; color: var(--muted); margin-right: 6px; font-size: 12px; }
del { background: #ffd7d5; color: #82071e; text-decoration: line-through; }
ins { background: #ccffd8; color: #055d20; text-decoration: none; }
del + ins { margin-left: 2px; }
code { font-size: 13px; }
footer { max-width: 1160px; margin: 40px auto 24px; padding: 0 24px; color: var(--muted);
         font-size: 13px; }
"""


def _table(headers: list[tuple[str, str]], rows: list[list[str]], *, cls: str = "",
           foot: list[str] | None = None) -> str:
    """headers: (label, column class: "num" right-aligns); rows: already-escaped cell HTML."""
    def attr(i: int) -> str:
        return f' class="{headers[i][1]}"' if headers[i][1] else ""

    head = "".join(f'<th{attr(i)} scope="col">{e(label)}</th>'
                   for i, (label, _) in enumerate(headers))
    body = "".join("<tr>" + "".join(f"<td{attr(i)}>{cell}</td>" for i, cell in enumerate(row))
                   + "</tr>" for row in rows)
    tail = ""
    if foot:
        tail = ("<tfoot><tr>" + "".join(f"<td{attr(i)}>{cell}</td>" for i, cell in enumerate(foot))
                + "</tr></tfoot>")
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{tail}</table>"


def _card(value: str, label: str) -> str:
    return (f'<div class="card"><div class="value">{value}</div>'
            f'<div class="label">{e(label)}</div></div>')


def _summary(data: dict) -> str:
    crawl = data.get("crawl")
    cards = [_card(_n(data["speeches"]), "speeches" if crawl is None else "speeches recorded")]
    status = {}
    for row in data["status_generation"]:
        status[row["status"]] = status.get(row["status"], 0) + row["n"]
    if crawl is None:
        cards += [_card(_n(status.get("live", 0)), "live"),
                  _card(_n(status.get("gone", 0)), "gone"),
                  _card(_n(data["versions"]), "versions"),
                  _card(_n(data["changed_speeches"]), "changed since first seen"),
                  _card(_n(data["runs"]), "runs (crawls, imports...)"),
                  _card(_n(data["fetches"]), "fetches"),
                  _card(e(_size(data["database_bytes"])), "database on disk")]
    else:
        cards += [_card(_n(data["added_total"]), "new speeches"),
                  _card(_n(data["changed_total"]), "changed speeches"),
                  _card(_n(data["problems_total"]), "failed / gone / not a speech")]
    dates = (f'{e(data["first_date"])} to {e(data["last_date"])}' if data["dated"]
             else "no dated speeches")
    undated = data["speeches"] - data["dated"]
    parts = [f'<p>Speech dates: {dates}'
             + (f'; {_n(undated)} undated' if undated else "") + ".</p>"]
    if crawl is None and data["raw_pages"]:
        parts.append(f'<p class="note">{_n(data["raw_pages"])} raw pages stored'
                     f' ({e(_size(data["raw_bytes"]))} of HTML before compression).</p>')
    if crawl is not None:
        parts.insert(0, _crawl_facts(crawl))
    # status x generation
    generations = sorted({r["generation"] for r in data["status_generation"]})
    statuses = sorted({r["status"] for r in data["status_generation"]},
                      key=lambda s: (s != "live", s))
    cell = {(r["generation"], r["status"]): r["n"] for r in data["status_generation"]}
    table = ""
    if generations:
        rows = [[e(g)] + [_n(cell.get((g, s), 0)) for s in statuses]
                + [_n(sum(cell.get((g, s), 0) for s in statuses))] for g in generations]
        foot = ["total"] + [_n(status.get(s, 0)) for s in statuses] + [_n(data["speeches"])]
        table = ("<h3>By site generation and status</h3>"
                 + _table([("generation", "")] + [(s, "num") for s in statuses]
                          + [("total", "num")], rows, cls="by-status", foot=foot))
    empty = ""
    if not data["speeches"]:
        empty = ('<p class="empty">This corpus holds no speeches yet. Run'
                 ' <code>doj-speeches demo</code>, <code>doj-speeches crawl</code> or'
                 ' <code>doj-speeches import-pages</code> first.</p>' if crawl is None
                 else '<p class="empty">This run recorded no speech versions.</p>')
    title = "Summary" if crawl is None else f"Run #{crawl['id']}"
    return (f'<section id="summary"><h2>{e(title)}</h2>{empty}'
            f'<div class="cards">{"".join(cards)}</div>{"".join(parts)}{table}</section>')


def _crawl_facts(crawl: dict) -> str:
    stats = crawl["stats"] or {}
    rows = [["mode", e(crawl["mode"])], ["started", _when(crawl["started"])],
            ["finished", _when(crawl["finished"])], ["exit status", _exit(crawl)],
            ["arguments", "<code>" + e(json.dumps(crawl["args"], ensure_ascii=False,
                                                  sort_keys=True)) + "</code>"]]
    for key in sorted(stats):
        value = stats[key]
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
        elif isinstance(value, list):
            value = "; ".join(map(str, value)) or "none"
        rows.append([f"stats: {e(key)}", e(value)])
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="crawl-facts"><tbody>{body}</tbody></table>'


def _exit(crawl: dict) -> str:
    if not crawl["finished"]:
        return '<span class="exit-open">unfinished</span>'
    code = crawl["exit_status"]
    meaning = EXIT_MEANING.get(code, "")
    klass = "exit-ok" if code == 0 else "exit-bad"
    return f'<span class="{klass}">{e(code)}{" " + e(meaning) if meaning else ""}</span>'


def _seconds(crawl: dict):
    stats = crawl["stats"] or {}
    if isinstance(stats.get("seconds"), (int, float)):
        return stats["seconds"]
    try:
        start = datetime.fromisoformat(crawl["started"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(crawl["finished"].replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        return None
    return round((end - start).total_seconds(), 1)


def _crawls(data: dict) -> str:
    crawls = data["crawls"]
    single = data.get("crawl") is not None
    title = "This run" if single else f"Last {len(crawls)} runs" if crawls else "Runs"
    if not crawls:
        return (f'<section id="crawls"><h2>{title}</h2>'
                '<p class="empty">No runs recorded yet.</p></section>')
    headers = [("id", "num"), ("mode", ""), ("started", "date"), ("finished", "date"),
               ("seconds", "num"), ("requests", "num")]
    headers += [(label, "num") for _, label in OUTCOMES]
    headers += [("exit status", "exit"), ("notes", "notes")]
    rows = []
    for crawl in crawls:
        stats = crawl["stats"] or {}
        seconds = _seconds(crawl)
        notes = list(stats.get("health") or [])
        warnings = stats.get("warnings") or {}
        if isinstance(warnings, dict) and warnings:
            notes.append("warnings: " + ", ".join(f"{k} {v}" for k, v in warnings.items()))
        requests = stats.get("requests")
        rows.append([_n(crawl["id"]), e(crawl["mode"]), _when2(crawl["started"]),
                     _when2(crawl["finished"]),
                     "—" if seconds is None else e(f"{seconds:,.1f}"),
                     "—" if requests is None else _n(requests)]
                    + [_n(crawl["outcomes"].get(key, 0)) for key, _ in OUTCOMES]
                    + [_exit(crawl), "<br>".join(e(n) for n in notes)])
    note = ('<p class="note">Outcome counts are the run\'s fetches (304: not modified);'
            ' requests and seconds come from its own stats.</p>')
    return (f'<section id="crawls"><h2>{title}</h2>'
            + '<div class="wide">' + _table(headers, rows, cls="crawls") + "</div>"
            + note + "</section>")


def _per_year(data: dict) -> str:
    rows = [[e(r["year"]), _n(r["n"]), _n(r["live"]), _n(r["gone"]), _n(r["changed"])]
            for r in data["by_year"]]
    body = (_table([("year", ""), ("speeches", "num"), ("live", "num"), ("gone", "num"),
                    ("changed", "num")], rows, cls="per-year")
            if rows else '<p class="empty">No speeches.</p>')
    if data.get("crawl") is None:
        note = "By the year of the speech date. Changed: changed since first seen."
    else:
        note = ("The speeches this run recorded a version of, by the year of the speech date."
                " Changed: not their first version.")
    return (f'<section id="per-year"><h2>Per year</h2><div class="scroll">{body}</div>'
            f'<p class="note">{note}</p></section>')


def _per_component(data: dict) -> str:
    rows = [[e(r["component"]), _n(r["n"]), _n(r["live"]), _n(r["gone"]), e(r["first"]),
             e(r["last"])]
            for r in data["by_component"]]
    if not rows:
        body = '<p class="empty">No speeches with a component.</p>'
    else:
        body = '<div class="scroll">' + _table(
            [("component", ""), ("speeches", "num"), ("live", "num"), ("gone", "num"),
             ("first date", "date"), ("last date", "date")], rows, cls="per-component") + "</div>"
    note = ""
    if data["no_component"]:
        note = f'<p class="note">{_n(data["no_component"])} speeches name no component.</p>'
    multi = ('<p class="note">A speech counts once for each component it names.</p>'
             if rows else "")
    return f'<section id="per-component"><h2>Per component</h2>{body}{multi}{note}</section>'


def _nice_step(top: int, ticks: int = 5) -> int:
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def chart_svg(by_month: list[tuple[str, int]], *, width: int = 1100, height: int = 300) -> str:
    """Bars of speeches per month (YYYY-MM, count), months without speeches left empty."""
    def index(month: str) -> int:
        return int(month[:4]) * 12 + int(month[5:7]) - 1

    first, last = index(by_month[0][0]), index(by_month[-1][0])
    every = 1  # years between x labels, for spans over two years
    if last - first + 1 > 24:
        years = last // 12 - first // 12 + 1
        every = next((s for s in (1, 2, 5, 10, 20, 50) if years / s <= 16), 100)
        # whole years on the axis, starting at a labelled one
        first, last = (first // 12) // every * every * 12, (last // 12) * 12 + 11
    slots = last - first + 1
    left, right, top, bottom = 56, 16, 14, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(n for _, n in by_month)
    step = _nice_step(peak)
    y_max = step * math.ceil(peak / step)
    slot = plot_w / slots
    bar_w = min(max(slot * 0.8, 1.0), 36.0)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / y_max

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img"'
           f' aria-label="Speeches per month" xmlns="http://www.w3.org/2000/svg">']
    for tick in range(0, y_max + 1, step):
        ty = y(tick)
        out.append(f'<line class="grid-line" x1="{left}" x2="{width - right}"'
                   f' y1="{ty:.1f}" y2="{ty:.1f}"/>')
        out.append(f'<text class="y-label" x="{left - 6}" y="{ty + 4:.1f}"'
                   f' text-anchor="end">{tick:,}</text>')
    for month, n in by_month:
        x = left + (index(month) - first) * slot + (slot - bar_w) / 2
        top_y = y(n)
        word = "speech" if n == 1 else "speeches"
        out.append(f'<rect class="bar" data-month="{e(month)}" data-count="{n}" x="{x:.2f}"'
                   f' y="{top_y:.2f}" width="{bar_w:.2f}" height="{top + plot_h - top_y:.2f}">'
                   f'<title>{e(month)}: {n:,} {word}</title></rect>')
    base = top + plot_h
    out.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{base}" y2="{base}"/>')
    out.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{base}"/>')
    # x labels: months when the span is short, else every 1, 2, 5, 10... years
    if slots <= 24:
        step_m = 1 if slots <= 12 else 2
        marks = [(i, f"{(first + i) // 12}-{(first + i) % 12 + 1:02d}")
                 for i in range(0, slots, step_m)]
    else:
        marks = [(year * 12 - first, str(year))
                 for year in range(first // 12, last // 12 + 1, every)]
    for i, label in marks:
        x = left + i * slot + (slot / 2 if slots <= 24 else 0)
        out.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 5}"/>')
        out.append(f'<text class="x-label" x="{x:.1f}" y="{base + 19}"'
                   f' text-anchor="middle">{e(label)}</text>')
    out.append(f'<text class="axis-title" x="{left + plot_w / 2:.1f}" y="{height - 8}"'
               ' text-anchor="middle">month of the speech date</text>')
    out.append(f'<text class="axis-title" text-anchor="middle"'
               f' transform="translate(15 {top + plot_h / 2:.1f}) rotate(-90)">speeches</text>')
    out.append("</svg>")
    return "".join(out)


def _per_month(data: dict) -> str:
    months = data["by_month"]
    if not months:
        return ('<section id="per-month"><h2>Speeches per month</h2>'
                '<p class="empty">No dated speeches to chart.</p></section>')
    total = sum(n for _, n in months)
    peak_month, peak = max(months, key=lambda m: (m[1], m[0]))
    undated = data["speeches"] - total
    note = (f'<p class="note">{_n(total)} dated speeches in {len(months):,} months'
            f' ({e(months[0][0])} to {e(months[-1][0])}); busiest month {e(peak_month)}'
            f' with {peak:,}.'
            + (f' {_n(undated)} undated speeches are not shown.' if undated else "")
            + ' Hover a bar for its count.</p>')
    return f'<section id="per-month"><h2>Speeches per month</h2>{chart_svg(months)}{note}</section>'


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "(none)"
    return str(value)


_PARA = re.compile(r"([-+~]) ¶(\d+): (.*)", re.S)
_MARKS = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.S)


def _segments(word_diff: str) -> list[tuple[str, str]]:
    """`a [-b-]{+c+}` (corpus.diff.word_diff) -> [("=", "a "), ("-", "b"), ("+", "c")]."""
    out, at = [], 0
    for m in _MARKS.finditer(word_diff):
        if m.start() > at:
            out.append(("=", word_diff[at:m.start()]))
        out.append(("-", m.group(1)) if m.group(1) is not None else ("+", m.group(2)))
        at = m.end()
    if at < len(word_diff):
        out.append(("=", word_diff[at:]))
    return out


def _inline(word_diff: str) -> str:
    """The word diff as HTML with <del>/<ins>. A run of changed words kept apart only by
    unchanged spaces reads as one removal and one addition, not word-by-word."""
    groups: list[list] = []  # [kind, text] or ["~", removed, added]
    for kind, text in _segments(word_diff):
        last = groups[-1] if groups else None
        if kind == "=":
            groups.append(["=", text])
        elif last and last[0] == "~":
            last[1 if kind == "-" else 2] += text
        elif last and last[0] == "=" and not last[1].strip() and len(groups) > 1 \
                and groups[-2][0] == "~":
            groups.pop()
            groups[-1][1] += last[1] if groups[-1][1] else ""
            groups[-1][2] += last[1] if groups[-1][2] else ""
            groups[-1][1 if kind == "-" else 2] += text
        else:
            groups.append(["~", text if kind == "-" else "", text if kind == "+" else ""])
    html = []
    for group in groups:
        if group[0] == "=":
            html.append(e(group[1]))
            continue
        if group[1]:
            html.append(f"<del>{e(group[1])}</del>")
        if group[2]:
            html.append(f"<ins>{e(group[2])}</ins>")
    return "".join(html)


def diff_html(old: dict, new: dict, *, max_lines: int = MAX_DIFF_LINES) -> str:
    """The `history` diff (corpus.diff) of two versions as a list with <ins>/<del>."""
    lines = diff_records(old, new)
    fields = [name for name in FIELDS if old.get(name) != new.get(name)]
    items = [f'<li class="field"><span class="tag">{e(name)}</span>'
             f'<del>{e(_value(old.get(name)))}</del> → <ins>{e(_value(new.get(name)))}</ins></li>'
             for name in fields]
    for line in lines[len(fields):]:
        m = _PARA.fullmatch(line)
        if not m:
            items.append(f'<li>{e(line)}</li>')
            continue
        sign, number, text = m.groups()
        if sign == "-":
            items.append(f'<li class="para-del"><span class="tag">−¶{number}</span>'
                         f'<del>{e(text)}</del></li>')
        elif sign == "+":
            items.append(f'<li class="para-ins"><span class="tag">+¶{number}</span>'
                         f'<ins>{e(text)}</ins></li>')
        else:
            items.append(f'<li class="para-mod"><span class="tag">¶{number}</span>'
                         f'{_inline(text)}</li>')
    if not items:
        return '<p class="note">No change in content (only url, generation or extractor).</p>'
    more = ""
    if len(items) > max_lines:
        more = (f'<p class="note">… and {len(items) - max_lines:,} more changes:'
                f' <code>doj-speeches history {e(new.get("speech_id"))}</code> shows them all.</p>')
        items = items[:max_lines]
    return f'<ul class="diff">{"".join(items)}</ul>{more}'


def _changed(data: dict, changed: int) -> str:
    crawl = data.get("crawl")
    title = "Recently changed speeches" if crawl is None else "Speeches this run changed"
    changes = data["changes"]
    if not changes:
        what = "No speech has changed since it was first seen." if crawl is None \
            else "This run changed no speech."
        if changed == 0 and data["changed_total"]:
            what = f"{_n(data['changed_total'])} changed speeches (none shown: --changed 0)."
        return f'<section id="changed"><h2>{e(title)}</h2><p class="empty">{what}</p></section>'
    shown = (f'<p class="note">The {len(changes):,} most recent of {_n(data["changed_total"])};'
             ' each shows what changed from the previous version (words removed'
             ' <del>struck</del>, added <ins>marked</ins>).</p>')
    parts = [f'<section id="changed"><h2>{e(title)}</h2>{shown}']
    for change in changes:
        speech, old, new = change["speech"], change["old"], change["new"]
        gone = ' <span class="exit-bad">(gone)</span>' if speech["status"] == "gone" else ""
        parts.append(
            f'<article class="change" data-speech-id="{e(speech["id"])}">'
            f'<h3><a href="{e(speech["url"])}">{e(new["title"])}</a>{gone}</h3>'
            f'<div class="meta"><code class="speech-id">{e(speech["id"])}</code> ·'
            f' version <span class="version">{new["version"]}</span> of {speech["version"]} ·'
            f' changed {_when(new["seen_from"])} (run #{e(new["crawl_id"])}) ·'
            f' dated {e(new["date"])}</div>'
            f'{diff_html(old, new)}</article>')
    parts.append("</section>")
    return "".join(parts)


def _added(data: dict) -> str:
    rows = [[e(r["date"]), f'<a href="{e(r["url"])}">{e(r["title"])}</a>',
             f'<code>{e(r["id"])}</code>'] for r in data["added"]]
    if not rows:
        return ('<section id="added"><h2>New speeches</h2>'
                '<p class="empty">This run added no speech.</p></section>')
    note = "" if len(rows) == data["added_total"] else \
        f'<p class="note">The first {len(rows):,} of {_n(data["added_total"])}, newest first.</p>'
    return ('<section id="added"><h2>New speeches</h2>' + note + '<div class="scroll">'
            + _table([("date", "date"), ("title", ""), ("id", "")], rows, cls="added")
            + "</div></section>")


def _problems(data: dict) -> str:
    rows = [[_when(r["fetched_at"]), e(r["outcome"]), e(r["status"]), e(r["url"]), e(r["reason"])]
            for r in data["problems"]]
    if not rows:
        return ('<section id="problems"><h2>Failed, gone and skipped pages</h2>'
                '<p class="empty">None.</p></section>')
    note = "" if len(rows) == data["problems_total"] else \
        f'<p class="note">The first {len(rows):,} of {_n(data["problems_total"])}.</p>'
    return ('<section id="problems"><h2>Failed, gone and skipped pages</h2>' + note
            + _table([("when", "date"), ("outcome", ""), ("HTTP", "num"), ("url", ""),
                      ("reason", "")], rows, cls="problems") + "</section>")


def render(data: dict, *, changed: int = 20, generated_at: str | None = None) -> str:
    crawl = data.get("crawl")
    generated_at = generated_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if crawl is None:
        title = "DOJ speeches: corpus report"
    else:
        title = f"DOJ speeches: report on run #{crawl['id']} ({crawl['mode']})"
    sections = [_summary(data), _per_month(data)]
    sections.append(f'<div class="grid">{_per_year(data)}{_per_component(data)}</div>')
    if crawl is not None:
        sections.append(_added(data))
    sections.append(_changed(data, changed))
    if crawl is not None:
        sections.append(_problems(data))
    sections.append(_crawls(data))
    links = [("summary", "Summary"), ("per-month", "Per month"), ("per-year", "Per year"),
             ("per-component", "Per component")]
    if crawl is not None:
        links.append(("added", "New"))
    links.append(("changed", "Changed"))
    if crawl is not None:
        links.append(("problems", "Problems"))
    links.append(("crawls", "Runs"))
    nav = "".join(f'<a href="#{key}">{e(label)}</a>' for key, label in links)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        # Nothing may be fetched: no scripts, no remote styles, images or fonts.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
        " style-src 'unsafe-inline'; img-src data:\">"
        f"<meta name=\"generator\" content=\"doj-speeches report\">"
        f"<title>{e(title)}</title><style>{CSS}</style></head>\n<body>"
        f"<header><h1>{e(title)}</h1><p class=\"meta\">Corpus <code>{e(data['database'])}</code>"
        f" · generated {e(generated_at)}</p><nav>{nav}</nav></header>\n<main>"
        + "\n".join(sections)
        + "</main><footer>Made by <code>doj-speeches report</code>; one file, no scripts,"
          " nothing loaded from the network.</footer></body></html>\n")


def build_report(corpus, *, crawl_id: int | None = None, changed: int = 20, crawls: int = 10,
                 generated_at: str | None = None) -> str:
    """The report page for the whole corpus (with its last `crawls` runs) or one run."""
    data = gather(corpus, crawl_id=crawl_id, changed=changed, crawls=crawls)
    return render(data, changed=changed, generated_at=generated_at)


def write_report(html: str, out) -> Path:
    """Write atomically (a temporary file beside it, then rename); UserError if we cannot."""
    out = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(html)
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out
