"""The rows of a release: speeches (as `Corpus.records`) and every version up to a moment.

A release as of a moment shows the corpus as it was then: versions recorded later are
left out, and a version replaced later still has `seen_until` null (it was current).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from corpus.record import LIST_FIELDS
from corpus.publish.schema import COMPARED, METADATA_COMPARED, VERSIONS
from corpus.store import Corpus

_COLUMNS = [c.name for c in VERSIONS if c.name not in ("changed_fields", "changed_metadata")]


def speech_rows(corpus: Corpus, moment: str | None) -> Iterator[dict]:
    return corpus.records(as_of=moment)


def version_rows(corpus: Corpus, moment: str | None) -> Iterator[dict]:
    """Every version held at `moment` (all of them when None), ordered by speech and
    version, each with `changed_fields` against the version before it."""
    previous = None
    for row in _held(corpus, "speech_versions", _COLUMNS, "seen_from", moment,
                     "speech_id, version"):
        for name in LIST_FIELDS:
            row[name] = json.loads(row[name] or "[]")
        if moment is not None and row["seen_until"] is not None and row["seen_until"] > moment:
            row["seen_until"] = None
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


def capture_rows(corpus: Corpus, moment: str | None) -> Iterator[dict]:
    """Archive captures recorded by `moment` (all when None), by speech and capture time."""
    from corpus.publish.schema import CAPTURES

    names = [c.name for c in CAPTURES]
    for row in _held(corpus, "captures", names, "recorded_at", moment, "speech_id, captured_at"):
        for name in LIST_FIELDS:
            row[name] = json.loads(row[name] or "[]")
        yield row


def attachment_rows(corpus: Corpus, moment: str | None, ids=None) -> Iterator[dict]:
    """The attachments held at `moment` (all when None), by id; only those of speeches in
    `ids` when given. A row seen again after the moment has last_seen null (as a
    version's seen_until): what the corpus knew then is that the file was current."""
    from corpus.publish.schema import ATTACHMENTS

    names = [c.name for c in ATTACHMENTS]
    if not corpus.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'attachments'").fetchone():
        return
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
    for values in corpus.conn.execute(f"{sql} ORDER BY {order}", params):
        yield dict(zip(names, values))


def has_attachments(corpus: Corpus, moment: str | None) -> bool:
    return next(attachment_rows(corpus, moment), None) is not None
