"""The report's Jinja2 environment and the functions that render its templates.

Autoescape is on for every template, whatever its name: all corpus text (titles,
reasons, URLs, paragraphs) is escaped where it is written, with no opt-in. Nothing is
marked safe: the chart is an SVG template fed numbers and month strings, the CSS is a
template file of our own included verbatim.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import jinja2

from corpus.views.report.chart import chart
from corpus.views.report.diffview import MAX_DIFF_LINES, diff_view
from corpus.views.report.view import (PROBLEM_LABELS, crawl_table, label_list, stat_text,
                                status_table)


def _num(value):
    """1234 -> "1,234"; anything else as it is (None becomes "—" in finalize)."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


def _when(stamp: str | None):
    """`2024-05-01T12:00:00.000000Z` -> `2024-05-01 12:00:00Z`."""
    if not stamp:
        return None
    return stamp[:19].replace("T", " ") + ("Z" if stamp.endswith("Z") else "")


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(n)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("corpus.views.report", "templates"),
        autoescape=True,  # every template, not only *.html: escaping is never opt-in
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the render, loudly
        trim_blocks=True, lstrip_blocks=True,
        finalize=lambda value: "—" if value is None else value)
    env.filters.update(num=_num, when=_when, size=_size, json=_json, stat=stat_text)
    env.globals.update(diff_view=diff_view, label_list=label_list,
                       problem_labels=label_list(PROBLEM_LABELS))
    return env


ENV = _environment()


def chart_svg(by_month: list[tuple[str, int]], *, width: int = 1100, height: int = 300) -> str:
    """The speeches-per-month bar chart as an <svg> element."""
    return ENV.get_template("chart.svg.j2").render(chart=chart(by_month, width=width,
                                                               height=height))


def diff_html(old: dict, new: dict, *, max_lines: int = MAX_DIFF_LINES) -> str:
    """The diff of two versions as a list with <del>/<ins> (at most `max_lines` rows)."""
    diff_list = ENV.get_template("diff.html.j2").module.diff_list
    return str(diff_list(diff_view(old, new, max_lines=max_lines)))


def _nav(crawl) -> list[tuple[str, str]]:
    links = [("summary", "Summary"), ("per-month", "Per month"), ("per-year", "Per year"),
             ("per-component", "Per component")]
    links += [("added", "New")] if crawl else []
    links.append(("changed", "Changed"))
    links += [("problems", "Problems")] if crawl else []
    return links + [("crawls", "Runs")]


def render(data: dict, *, changed: int = 20, generated_at: str | None = None) -> str:
    """The page for data from `queries.gather`."""
    crawl = data.get("crawl")
    generated_at = generated_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if crawl is None:
        title = "DOJ speeches: corpus report"
    else:
        title = f"DOJ speeches: report on run #{crawl['id']} ({crawl['mode']})"
    months = data["by_month"]
    return ENV.get_template("page.html.j2").render(
        data=data, crawl=crawl, title=title, generated_at=generated_at, nav=_nav(crawl),
        changed_asked=changed, status=status_table(data),
        runs=crawl_table(data["crawls"]),
        chart=chart(months) if months else None,
        peak=max(months, key=lambda m: (m[1], m[0])) if months else None,
        dated_total=sum(n for _, n in months)) + "\n"
