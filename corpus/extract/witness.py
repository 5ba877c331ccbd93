"""A second witness for a speech's fields: what discovery sources said about it.

docs/design.md#d11-witnesses. A witness is a dict from one discovery source:

    {"source": "listing" | "api" | "feed" | "sitemap",
     "title": ..., "date": ..., "components": [...], "location": ..., "uuid": ..., "lastmod": ...}

(any subset). `reconcile` compares the page's record with them: the page's value wins;
a field the page lacks is filled from the first witness that has it (warning
`<field>-from-<source>`); a field on which page and witness differ keeps the page's
value (warning `<field>-disagrees-<source>`). Compared fields: title, date, components,
location; `paragraphs` and the other fields are never filled. How values are compared:

- date: equal as ISO dates. A witness may give an ISO date or timestamp, an RFC 2822
  date (a feed's pubDate), Unix seconds (taken in UTC) or a written date.
- title: equal after HTML entities are decoded, curly quotes and dashes made plain and
  whitespace collapsed. Case counts: "Remarks" and "remarks" differ.
- components: equal as sets of names normalised like titles (sources list them in
  different orders).
- location: the witness's parts (comma-separated, or the API's locality,
  administrative_area and country) must be the page's parts, in order, after the same
  normalisation. A two-letter country code is compared only when the page shows one.

Pure: no Scrapy, no I/O. Crawls keep the witnesses with the fetch and count the
agreement per field (`tally`); `alarms` says when the site's markup may have changed
(the crawl's health and any tally use it: one rule, one threshold, `ALARM_SHARE`).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from collections.abc import Iterable
from email.utils import parsedate_to_datetime

from corpus.extract.fields import parse_date
from corpus.record import Speech

FIELDS = ("title", "date", "components", "location")
STATUSES = ("agree", "disagree", "filled")
ALARM_SHARE = 0.10  # more than this share of witnessed speeches disagreeing is an alarm

_QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
})
_COUNTRY_NAMES = {"US": "United States"}  # the API's code for the one country it names


def normal_text(value) -> str:
    """Entities decoded, quotes and dashes plain, whitespace collapsed; case kept."""
    text = html.unescape(str(value))
    return " ".join(text.translate(_QUOTES).split())


def normal_date(value) -> str | None:
    """An ISO date from whatever form a source gives it in; None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    text = str(value).strip()
    if re.match(r"^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4}", text):
        try:
            return parsedate_to_datetime(text).date().isoformat()
        except (TypeError, ValueError):
            return None
    return parse_date(text)


def location_parts(value) -> list[str]:
    """A location as its normalised parts: 'Washington, DC, United States' or a dict."""
    if not value:
        return []
    if isinstance(value, dict):
        country = value.get("country") or ""
        raw = [value.get("locality"), value.get("administrative_area"),
               _COUNTRY_NAMES.get(country, country)]
    else:
        raw = str(value).split(",")
    return [normal_text(part) for part in raw if part and normal_text(part)]


def _missing(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _agrees(field: str, page, witness) -> bool | None:
    """True/False, or None when the witness's value cannot be read."""
    if field == "date":
        theirs = normal_date(witness)
        return None if theirs is None else normal_date(page) == theirs
    if field == "title":
        return normal_text(page) == normal_text(witness)
    if field == "components":
        if isinstance(witness, str):
            witness = [witness]
        names = [w.get("name") if isinstance(w, dict) else w for w in witness]
        return {normal_text(c) for c in page} == {normal_text(n) for n in names if n}
    ours, theirs = location_parts(page), location_parts(witness)
    if theirs and re.fullmatch(r"[A-Z]{2}", theirs[-1]) and theirs[-1] not in ours:
        ours, theirs = ours[: len(theirs) - 1], theirs[:-1]  # a code the page spells out
    return ours == theirs


def _fill_value(field: str, witness):
    if field == "date":
        return normal_date(witness)
    if field == "title":
        return normal_text(witness)
    if field == "components":
        items = [witness] if isinstance(witness, str) else witness
        return [normal_text(w.get("name") if isinstance(w, dict) else w) for w in items]
    return ", ".join(location_parts(witness)) or None


def reconcile(speech: Speech, witnesses: list[dict]) -> tuple[Speech, list[str], dict]:
    """(record, new warnings, agreement per field) after hearing the witnesses.

    The record returned is a copy: fields the page lacked filled, the new warnings
    appended to its own. Agreement: {"date": "agree" | "disagree" | "filled" |
    "unreadable", ...} for each field some witness spoke to; one disagreeing witness
    makes it "disagree"."""
    if not any(not _missing(w.get(f)) for w in witnesses for f in FIELDS):
        return speech, [], {}  # nothing to hear (a sitemap's lastmod only): no copy to make
    record = copy.deepcopy(speech)
    warnings: list[str] = []
    agreement: dict[str, str] = {}
    for field in FIELDS:
        for witness in witnesses:
            value = witness.get(field)
            if _missing(value):
                continue
            source = witness.get("source") or "unknown"
            status = _hear(record, field, value, source, warnings)
            previous = agreement.get(field)
            if previous is None or STATUS_RANK[status] > STATUS_RANK[previous]:
                agreement[field] = status
    record.warnings = list(record.warnings) + warnings
    return record, warnings, agreement


STATUS_RANK = {"agree": 0, "unreadable": 1, "filled": 2, "disagree": 3}


def _hear(record: Speech, field: str, value, source: str, warnings: list[str]) -> str:
    if _missing(getattr(record, field)):
        filled = _fill_value(field, value)
        if _missing(filled):
            warnings.append(f"{field}-unreadable-{source}: {str(value)[:80]}")
            return "unreadable"
        setattr(record, field, filled)
        warnings.append(f"{field}-from-{source}: {_shown(filled)}")
        return "filled"
    verdict = _agrees(field, getattr(record, field), value)
    if verdict is None:
        warnings.append(f"{field}-unreadable-{source}: {str(value)[:80]}")
        return "unreadable"
    if verdict:
        return "agree"
    warnings.append(f"{field}-disagrees-{source}: page {_shown(getattr(record, field))},"
                    f" {source} {_shown(value)}")
    return "disagree"


def _shown(value) -> str:
    if isinstance(value, (list, tuple)):
        value = "; ".join(v.get("name", "") if isinstance(v, dict) else str(v) for v in value)
    elif isinstance(value, dict):
        value = ", ".join(location_parts(value))
    return repr(str(value)[:80])


# ------------------------------------------------------------------ crawl summaries

_WITNESS_WARNING = re.compile(r"^(\w+)-(disagrees|from)-(\w+):")


def tally(outcomes: Iterable[tuple[dict, list[str]]]) -> dict:
    """Counts per field over many speeches' (agreement, warnings):
    {"date": {"agree": 298, "disagree": 2, "filled": 0, "unreadable": 0,
              "witnessed": 300, "by_source": {"listing": 2}}}."""
    counts: dict = {}
    for agreement, warnings in outcomes:
        for field, status in agreement.items():
            entry = counts.setdefault(field, {s: 0 for s in (*STATUSES, "unreadable")}
                                      | {"witnessed": 0, "by_source": {}, "sources": {}})
            entry[status] += 1
            entry["witnessed"] += 1
        for warning in warnings:
            m = _WITNESS_WARNING.match(warning)
            if m and m.group(1) in counts:
                entry, source = counts[m.group(1)], m.group(3)
                entry["by_source"][source] = entry["by_source"].get(source, 0) + 1
                verdict = "disagree" if m.group(2) == "disagrees" else "filled"
                by = entry["sources"].setdefault(verdict, {})
                by[source] = by.get(source, 0) + 1
    return counts


def summary_lines(counts: dict) -> list[str]:
    """'date: 298 agree, 2 disagree, 0 filled' per field, in FIELDS order."""
    return [
        f"{field}: " + ", ".join(f"{counts[field][s]} {s}" for s in STATUSES)
        for field in FIELDS if field in counts
    ]


def alarms(counts: dict, share: float = ALARM_SHARE) -> list[str]:
    """The one witness alarm, of a crawl and of any tally: a line for each field and
    verdict ("disagree", "filled") past `share` of the speeches whose page and witness
    both gave a readable value, naming the source most often behind it. `counts`: per
    field, {"agree": n, "disagree": n, "filled": n, "sources": {verdict: {source: n}}}."""
    found = []
    for field in sorted(counts, key=lambda f: (FIELDS.index(f) if f in FIELDS else len(FIELDS), f)):
        entry = counts[field]
        seen = sum(entry.get(v, 0) for v in STATUSES)
        for verdict in ("disagree", "filled"):
            if seen and entry.get(verdict, 0) / seen > share:
                by = entry.get("sources", {}).get(verdict) or {"witness": 0}
                source = max(by, key=by.get)
                what = (f"disagrees with the {source}" if verdict == "disagree"
                        else f"was missing and filled from the {source}")
                found.append(f"the site's markup may have changed: {field} {what} on"
                             f" {entry[verdict]} of {seen} speeches")
    return found
