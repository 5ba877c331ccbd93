"""The rows of each table of a release, as the corpus held them at a moment.

A release as of a moment shows the corpus as it was then: rows recorded later are left
out, and a version (or spell, or file) replaced later still shows as current. `ROWS`
maps each table of `corpus.publish.schema.TABLES` to its row function, each called as
`rows(corpus, moment, ids)`: `ids` (a set of speech ids, or None for all) narrows a
filtered export to the speeches it holds; `speeches` itself takes the date filter
(`since`, `until`) that chooses them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from corpus.publish.people import people_rows, speaker_rows
from corpus.publish.schema import (ATTACHMENTS, CAPTURES, COMPARED, METADATA_COMPARED, SPEECHES,
                                   VERSIONS)
from corpus.publish.status import history
from corpus.record import FIELDS, LIST_FIELDS
from corpus.store import Corpus

# How a version was made, by the mode of the run that recorded it.
ORIGINS = {"reextract": "reextract", "import": "import"}  # any other run fetched it
_STATUS_NAMES = ("status", "last_seen", "gone_since", "moved_to")


def speech_rows(corpus: Corpus, moment: str | None, ids=None, *, since=None,
                until=None) -> Iterator[dict]:
    """Every speech by id: its record at `moment` and its status then; speeches known
    only from the Internet Archive too (their record is their latest capture)."""
    states = history(corpus, moment)
    stored = {r["id"]: r for r in corpus.query(
        "SELECT id, last_seen, gone_since, moved_to, source, status FROM speeches")}
    crawled = corpus.records(as_of=moment, since=since, until=until)
    archived = _archive_only(corpus, moment, since, until)
    for row in _merge(crawled, archived):
        if ids is not None and row["id"] not in ids:
            continue
        state = states.get(row["id"])
        known = stored.get(row["id"], {})
        if moment is None:  # the store's own columns are the truth now
            row.update({k: known.get(k) for k in _STATUS_NAMES})
        elif state is not None:
            row.update({k: state[k] for k in _STATUS_NAMES})
        row["source"] = known.get("source") or "crawl"
        yield {c.name: row.get(c.name) for c in SPEECHES}


def _merge(a: Iterator[dict], b: list[dict]) -> Iterator[dict]:
    """Two id-ordered streams as one (an id is in one of them only)."""
    b = iter(b)
    x, y = next(a, None), next(b, None)
    while x is not None or y is not None:
        if y is None or (x is not None and x["id"] < y["id"]):
            yield x
            x = next(a, None)
        else:
            yield y
            y = next(b, None)


def _archive_only(corpus: Corpus, moment, since, until) -> list[dict]:
    """Speeches with no version of ours: each as its latest capture recorded by `moment`."""
    fields = ", ".join(f"c.{f.name}" for f in FIELDS)
    rows = corpus.query(
        f"SELECT s.id, c.url, s.uuid, s.status, {fields}, c.text, c.content_hash,"
        " c.extractor_version, s.first_seen, c.captured_at AS last_changed, s.last_seen,"
        " s.gone_since, s.moved_to, s.source FROM speeches s JOIN captures c"
        "  ON c.speech_id = s.id AND c.captured_at = (SELECT max(captured_at) FROM captures"
        "   WHERE speech_id = s.id AND (:t IS NULL OR recorded_at <= :t))"
        " WHERE s.source = 'archive' AND (:t IS NULL OR s.first_seen <= :t)"
        " AND (:since IS NULL OR c.date >= :since) AND (:until IS NULL OR c.date <= :until)"
        " ORDER BY s.id", {"t": moment, "since": since, "until": until})
    for row in rows:
        row.update(version=None, crawl_id=None)
        for name in LIST_FIELDS:
            row[name] = json.loads(row[name] or "[]")
    return rows


def version_rows(corpus: Corpus, moment: str | None, ids=None) -> Iterator[dict]:
    """Every version held at `moment`, ordered by speech and version, each with its
    extraction warnings, its origin, and `changed_fields` (content) and `changed_metadata`
    (url, updated) against the version before."""
    names = [c.name for c in VERSIONS
             if c.name not in ("changed_fields", "changed_metadata", "origin")]
    modes = {r["id"]: r["mode"] for r in corpus.query("SELECT id, mode FROM crawls")}
    previous = None
    for row in _held(corpus, "speech_versions", names, "seen_from", moment,
                     "speech_id, version"):
        if ids is not None and row["speech_id"] not in ids:
            continue
        for name in (*LIST_FIELDS, "warnings"):
            row[name] = json.loads(row[name] or "[]")
        if moment is not None and row["seen_until"] is not None and row["seen_until"] > moment:
            row["seen_until"] = None
        row["origin"] = ORIGINS.get(modes.get(row["crawl_id"]), "fetch")
        same_speech = previous is not None and previous["speech_id"] == row["speech_id"]
        row["changed_fields"] = changed_fields(previous, row) if same_speech else []
        row["changed_metadata"] = ([name for name in METADATA_COMPARED
                                    if previous.get(name) != row.get(name)]
                                   if same_speech else [])
        previous = row
        yield row


def changed_fields(old: dict, new: dict) -> list[str]:
    """The content fields that differ (a moved URL is `changed_metadata`)."""
    return [name for name in COMPARED if old.get(name) != new.get(name)]


def status_rows(corpus: Corpus, moment: str | None, ids=None) -> Iterator[dict]:
    """Each speech's spells, by speech and start."""
    for sid, state in sorted(history(corpus, moment).items()):
        if ids is None or sid in ids:
            yield from state["spells"]


def capture_rows(corpus: Corpus, moment: str | None, ids=None) -> Iterator[dict]:
    """Archive captures recorded by `moment` (all when None), by speech and capture time."""
    names = [c.name for c in CAPTURES]
    for row in _held(corpus, "captures", names, "recorded_at", moment, "speech_id, captured_at"):
        if ids is not None and row["speech_id"] not in ids:
            continue
        for name in LIST_FIELDS:
            row[name] = json.loads(row[name] or "[]")
        yield row


def attachment_rows(corpus: Corpus, moment: str | None, ids=None) -> Iterator[dict]:
    """The attachments held at `moment` (all when None), by id. A row seen again after
    the moment has last_seen null (as a version's seen_until): what the corpus knew
    then is that the file was current."""
    names = [c.name for c in ATTACHMENTS]
    for row in _held(corpus, "attachments", names, "first_seen", moment, "id"):
        if ids is not None and row["speech_id"] not in ids:
            continue
        row["warnings"] = json.loads(row["warnings"] or "[]")
        if moment is not None and row["last_seen"] > moment:
            row["last_seen"] = None
        yield row


def _held(corpus: Corpus, table: str, names: list[str], since: str, moment: str | None,
          order: str) -> Iterator[dict]:
    """Rows of `table` (as dicts of `names`) whose `since` column is at or before
    `moment` (every row when None), in `order`. Names are ours, never input."""
    sql = f"SELECT {', '.join(names)} FROM {table}"
    params: tuple = ()
    if moment is not None:
        sql += f" WHERE {since} <= ?"
        params = (moment,)
    for values in corpus.execute(f"{sql} ORDER BY {order}", params):
        yield dict(zip(names, values))


ROWS = {"speeches": speech_rows, "speech_versions": version_rows,
        "speech_status": status_rows, "captures": capture_rows,
        "attachments": attachment_rows, "people": people_rows,
        "speech_speakers": speaker_rows}
