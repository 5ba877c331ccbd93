"""An Atom feed (RFC 4287) of the newest changes to the corpus: speeches added, changed,
gone and returned, each linking to the speech on justice.gov.

Events come from `fetches`: a `new` or `changed` fetch is one entry; a `gone` fetch is one
only when the speech was live before it (a gone page fetched again is no news), and a
fetch that found a gone speech again is a `returned` entry. A file that gave a
pointer-only speech its text (an `attachment` fetch with a version) is a `changed` entry.
An entry's `published` is the speech's own date (absent for an undated speech), its
`updated` the moment the change was seen. The feed's `updated` is its newest entry's moment, so the same corpus gives the same file;
it is written atomically, so a web server never serves half of it.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from corpus.views.diff import diff_records
from corpus.errors import UserError
from corpus.outcomes import LIVE_OUTCOMES, Outcome, sql_in
from corpus.publish.formats import write_atomically
from corpus.publish.tables import changed_fields
from corpus.store import Corpus

ATOM = "http://www.w3.org/2005/Atom"
TITLE = "doj-speeches: new, changed and removed speeches of the US Department of Justice"
SITE = "https://www.justice.gov/news/speeches"
DIFF_LINES = 8  # a short summary; `doj-speeches history ID` shows the whole diff
LINE_CHARS = 200

_EVENTS = f"""
WITH timeline AS (
  SELECT f.id, f.crawl_id, f.fetched_at, f.speech_id, f.outcome, f.version, f.reason,
         lag(f.outcome) OVER (PARTITION BY f.speech_id ORDER BY f.id) AS before
  FROM fetches f
  WHERE f.speech_id IS NOT NULL AND f.outcome IN {sql_in(LIVE_OUTCOMES + (Outcome.GONE,))}
), happened AS (
  SELECT t.id, t.crawl_id, t.fetched_at, t.speech_id, t.version, t.reason,
         CASE WHEN t.outcome IN ('new', 'changed') THEN t.outcome
              WHEN t.outcome = 'gone' THEN 'gone' ELSE 'returned' END AS kind
  FROM timeline t
  WHERE t.outcome IN ('new', 'changed')
     OR (t.outcome = 'gone' AND coalesce(t.before, '') NOT IN ('gone', ''))
     OR (t.outcome NOT IN ('new', 'changed', 'gone') AND t.before = 'gone')
  UNION ALL
  -- a pointer-only speech whose text was read from its file: a version of its own
  SELECT f.id, f.crawl_id, f.fetched_at, f.speech_id, f.version, f.reason, 'changed'
  FROM fetches f
  WHERE f.outcome = '{Outcome.ATTACHMENT.value}' AND f.version IS NOT NULL
)
SELECT h.id, h.fetched_at, h.speech_id, h.version, h.reason,
       coalesce(v.title, s.title) AS title, coalesce(v.date, s.date) AS date, s.url, h.kind
FROM happened h JOIN speeches s ON s.id = h.speech_id
LEFT JOIN speech_versions v ON v.speech_id = h.speech_id AND v.version = h.version
WHERE :crawl IS NULL OR h.crawl_id = :crawl
ORDER BY h.id DESC LIMIT :limit
"""


def events(corpus: Corpus, *, crawl_id: int | None = None, limit: int = 50) -> list[dict]:
    """The newest events, newest first: {kind, speech_id, version, title, url, at, ...}."""
    return corpus.query(_EVENTS, {"crawl": crawl_id, "limit": limit})


def write_feed(corpus: Corpus, path, *, crawl_id: int | None = None, limit: int = 50) -> int:
    """Write the Atom feed of the newest `limit` events to `path`; return the entry count."""
    if crawl_id is not None and corpus.query_one("SELECT 1 FROM crawls WHERE id = ?",
                                            (crawl_id,)) is None:
        raise UserError(f"unknown crawl: {crawl_id}")
    found = events(corpus, crawl_id=crawl_id, limit=limit)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", _urn("feed", crawl_id))
    _text(feed, "title", TITLE if crawl_id is None else f"{TITLE} (crawl {crawl_id})")
    _text(feed, "updated", found[0]["fetched_at"] if found else _quiet_moment(corpus))
    ET.SubElement(feed, f"{{{ATOM}}}link", href=SITE)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "doj-speeches")
    _text(feed, "generator", "doj-speeches")
    for event in found:
        feed.append(_entry(corpus, event))
    ET.indent(feed)
    data = ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
    write_atomically(Path(path), lambda tmp: tmp.write_bytes(data))
    return len(found)


def _entry(corpus: Corpus, event: dict) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    what = {"new": "New", "changed": f"Changed (version {event['version']})",
            "gone": "Removed", "returned": "Back"}[event["kind"]]
    _text(entry, "id", _urn(event["kind"], event["speech_id"], event["version"],
                            event["fetched_at"] if event["kind"] in ("gone", "returned")
                            else ""))
    _text(entry, "title", f"{what}: {event['title'] or event['speech_id']}")
    _text(entry, "updated", event["fetched_at"])  # the change
    if event["date"]:  # the speech's own date: when it was given or published
        _text(entry, "published", f"{event['date']}T00:00:00Z")
    ET.SubElement(entry, f"{{{ATOM}}}link", href=event["url"] or SITE + event["speech_id"])
    ET.SubElement(entry, f"{{{ATOM}}}category", term=event["kind"])
    _text(entry, "summary", _summary(corpus, event))
    return entry


def _summary(corpus: Corpus, event: dict) -> str:
    sid, version = event["speech_id"], event["version"]
    if event["kind"] == "gone":
        return f"{sid} is no longer served ({event['reason'] or 'gone'})."
    if event["kind"] == "returned":
        return f"{sid} is served again (version {version})."
    rows = {v["version"]: v for v in corpus.versions(sid) if v["version"] in (version - 1,
                                                                               version)}
    new = rows.get(version)
    if new is None:
        return f"{sid} version {version}."
    if event["kind"] == "new":
        return (f"{new['date'] or 'undated'}; {'; '.join(new['speakers']) or 'no speaker'};"
                f" {len(new['paragraphs'])} paragraphs, {len(new['text'].split())} words.")
    old = rows.get(version - 1) or {}
    fields = changed_fields(old, new)
    lines = diff_records(old, new)
    shown = [line if len(line) <= LINE_CHARS else line[:LINE_CHARS] + "…"
             for line in lines[:DIFF_LINES]]
    more = [f"… and {len(lines) - DIFF_LINES} more lines"] if len(lines) > DIFF_LINES else []
    return "\n".join([f"Changed fields: {', '.join(fields) or 'none'}", *shown, *more])


def _quiet_moment(corpus: Corpus) -> str:
    row = corpus.query_one("SELECT max(coalesce(finished, started)) AS at FROM crawls")
    return (row or {}).get("at") or "1970-01-01T00:00:00.000000Z"


def _urn(*parts) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, "doj-speeches:" + "|".join(map(str, parts))).urn


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = value
    return element


