"""Reading the corpus: records (current or as of a moment), a speech's history."""

from __future__ import annotations

import json
from collections.abc import Iterator

from corpus.moments import parse_date, parse_moment
from corpus.outcomes import LIVE_OUTCOMES, Outcome, sql_in
from corpus.record import FIELDS, LIST_FIELDS
from corpus.store.base import Store
from corpus.urls import canonical_id


class Reads:
    """Records (current or as of a moment), a speech's versions and status events."""

    def __init__(self, store: Store):
        self.store = store

    def records(self, *, as_of=None, since=None, until=None) -> Iterator[dict]:
        """Speech records ordered by id: the current ones, or as the corpus held them at
        `as_of`. `since`/`until` filter on the speech's own date (inclusive)."""
        params: dict = {}
        where = []
        if since is not None:
            params["since"] = parse_date(since, "--since date")
            where.append("v.date >= :since")
        if until is not None:
            params["until"] = parse_date(until, "--until date")
            where.append("v.date <= :until")
        if as_of is None:
            # The row shows the newest URL, generation and "Updated" (not content: they
            # make no version); the content and what is derived from it come from the
            # current version.
            fields = ", ".join(f"{'s' if not (f.content or f.derived) else 'v'}.{f.name}"
                               for f in FIELDS)
            sql = (
                f"SELECT s.id, s.url, s.uuid, s.status, s.version, {fields}, v.text,"
                " v.content_hash, v.extractor_version, v.crawl_id,"
                " s.first_seen, v.seen_from AS last_changed"
                " FROM speeches s JOIN speech_versions v"
                "   ON v.speech_id = s.id AND v.version = s.version"
            )
        else:
            params["t"] = parse_moment(as_of)
            where.append("v.seen_from <= :t AND (v.seen_until IS NULL OR v.seen_until > :t)")
            fields = ", ".join(f"v.{f.name}" for f in FIELDS)
            sql = (
                "SELECT v.speech_id AS id, v.url, s.uuid,"
                " coalesce((SELECT CASE WHEN f.outcome IN ('gone', 'moved') THEN f.outcome"
                "   ELSE 'live' END"
                "   FROM fetches f WHERE f.speech_id = v.speech_id AND f.fetched_at <= :t"
                f"   AND f.outcome IN {sql_in(LIVE_OUTCOMES + (Outcome.GONE, Outcome.MOVED))}"
                "   ORDER BY f.id DESC LIMIT 1), 'live') AS status,"
                f" v.version, {fields}, v.text, v.content_hash,"
                " v.extractor_version, v.crawl_id, s.first_seen, v.seen_from AS last_changed"
                " FROM speech_versions v JOIN speeches s ON s.id = v.speech_id"
            )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY 1"
        cur = self.store.execute(sql, params)
        names = [d[0] for d in cur.description]
        for row in cur:
            record = dict(zip(names, row))
            for name in LIST_FIELDS:
                record[name] = json.loads(record[name] or "[]")
            yield record

    def as_of(self, moment) -> Iterator[dict]:
        """The record of every speech as the corpus held it at `moment` (date = end of day)."""
        return self.records(as_of=moment)

    def status_events(self, speech_id: str) -> list[dict]:
        """When the speech went gone or came back: [{at, status, reason}], oldest first."""
        events, status = [], None
        for at, outcome, reason in self.store.execute(
                "SELECT fetched_at, outcome, reason FROM fetches WHERE speech_id = ?"
                " AND outcome IN ('new', 'changed', 'unchanged', 'not_modified', 'gone')"
                " ORDER BY id", (speech_id,)):
            now = "gone" if outcome == "gone" else "live"
            if status is not None and now != status:
                events.append({"at": at, "status": now, "reason": reason or outcome})
            status = now if status is not None or now == "live" else None
        return events

    def find_speech(self, id_or_url: str) -> dict | None:
        return self.store.one("SELECT * FROM speeches WHERE id = ?", (canonical_id(id_or_url),))

    def versions(self, speech_id: str) -> list[dict]:
        rows = self.store.all(
            "SELECT * FROM speech_versions WHERE speech_id = ? ORDER BY version", (speech_id,))
        for row in rows:
            for name in LIST_FIELDS:
                row[name] = json.loads(row[name] or "[]")
        return rows

