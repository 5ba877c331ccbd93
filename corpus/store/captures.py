"""Internet Archive captures in the corpus (docs/design.md).

- `captures`: one row per distinct content of a speech in the Internet Archive's
  history, at its capture time. Never renumbers `speech_versions`.
- `speeches.source`: `crawl` (we fetched it) or `archive` (known only from captures).
Writes run inside the caller's transaction (corpus/store/capture_writes.py's); none commits.
"""

from __future__ import annotations

import json

from corpus.record import LIST_FIELDS, RECORD_FIELDS, VERSION_ONLY_FIELDS, content_hash
from corpus.store.base import Store
from corpus.store.raw import RawPages


def _record_values(record: dict) -> dict:
    values = {name: record.get(name) for name in RECORD_FIELDS}
    for name in LIST_FIELDS:
        if name != "paragraphs":
            values[name] = json.dumps(list(record.get(name) or []), ensure_ascii=False)
    paragraphs = list(record.get("paragraphs") or [])
    values["paragraphs"] = json.dumps(paragraphs, ensure_ascii=False)
    values["text"] = "\n\n".join(paragraphs)
    return values


class Captures:
    """`captures`, and the speeches known only from them."""

    def __init__(self, store: Store, raw: RawPages):
        self.store, self.raw = store, raw

    def _neighbour(self, speech_id: str, captured_at: str, before: bool) -> dict | None:
        op, order = ("<", "DESC") if before else (">", "ASC")
        return self.store.one(
            f"SELECT captured_at, content_hash FROM captures WHERE speech_id = ?"
            f" AND captured_at {op} ? ORDER BY captured_at {order} LIMIT 1",
            (speech_id, captured_at))

    def record_capture(self, speech_id: str, captured_at: str, archive_url: str, url: str,
                       raw: bytes, record: dict, *, extractor_version: str = "",
                       now: str | None = None) -> str:
        """Keep one capture if its content differs from its neighbours in time.

        Returns `new`; `exists` (this moment is already kept: idempotent); `same` (the
        capture kept just before it has this content); `earlier` (the capture just after
        it had this content: that one is replaced by this earlier evidence of it).
        Offer a speech's captures in time order (as `scraper.archive.cdx.plan_fetches`
        gives them): a capture dropped as `same` is not remembered, so an out-of-order
        one between two others could not be judged again.
        """
        now = now or self.store.now()
        if self.store.one("SELECT 1 AS x FROM captures WHERE speech_id = ? AND captured_at = ?",
                          (speech_id, captured_at)):
            return "exists"
        digest = content_hash(record)
        before = self._neighbour(speech_id, captured_at, before=True)
        if before and before["content_hash"] == digest:
            return "same"
        after = self._neighbour(speech_id, captured_at, before=False)
        outcome = "new"
        if after and after["content_hash"] == digest:
            self.store.delete("captures", (speech_id, after["captured_at"]))
            outcome = "earlier"
        self.store.insert("captures", {
            "speech_id": speech_id, "captured_at": captured_at, "archive_url": archive_url,
            "url": url, **_record_values(record), "content_hash": digest,
            "raw_sha256": self.raw.put(raw, now), "extractor_version": extractor_version,
            "recorded_at": now})
        return outcome

    def record_archive_speech(self, speech_id: str, url: str, record: dict, *,
                              now: str | None = None) -> bool:
        """A speech known only from the archive: a `gone` speeches row with source
        `archive`, its record that of its latest capture, version 0 (no version of ours).
        False when the id is already known (a crawled speech stays `crawl`)."""
        now = now or self.store.now()
        if self.store.one("SELECT 1 AS x FROM speeches WHERE id = ?", (speech_id,)):
            return False
        values = _record_values(record)
        for name in VERSION_ONLY_FIELDS:  # paragraphs and their roles: versions only
            values.pop(name, None)
        values.update(id=speech_id, url=url, status="gone", source="archive", version=0,
                      content_hash=content_hash(record), first_seen=now, gone_since=now)
        self.store.insert("speeches", values)
        return True

    def sync_archive_speech(self, speech_id: str) -> None:
        """An archive-only speech shows its latest kept capture (captures may arrive in
        any order after a resume). A crawled speech is never touched."""
        names = [*RECORD_FIELDS, "text", "content_hash", "url"]
        speech = self.store.one("SELECT n FROM speeches WHERE id = ? AND source = 'archive'",
                                (speech_id,))
        latest = self.store.one(
            f"SELECT {', '.join(names)} FROM captures WHERE speech_id = ?"
            " ORDER BY captured_at DESC LIMIT 1", (speech_id,))
        if speech and latest:
            self.store.update("speeches", speech["n"], latest)

    def capture_sha(self, speech_id: str, captured_at: str) -> str | None:
        """The raw page a kept capture uses (None when that moment is not kept)."""
        row = self.store.one("SELECT raw_sha256 FROM captures WHERE speech_id = ?"
                             " AND captured_at = ?", (speech_id, captured_at))
        return row["raw_sha256"] if row else None

    def timeline(self, speech_id: str) -> list[dict]:
        """Archive captures and our versions of a speech, in time order, each marked by
        its source; `changed` says whether its content differs from the entry before it."""
        entries = [{"source": "archive", "moment": row.pop("captured_at"), "until": None,
                    "version": None, **row} for row in self.store.all(
            "SELECT captured_at, archive_url, url, title, content_hash FROM captures"
            " WHERE speech_id = ?", (speech_id,))]
        entries += [{"source": "crawl", "moment": row["seen_from"], "until": row["seen_until"],
                     "version": row["version"], "archive_url": None, "url": row["url"],
                     "title": row["title"], "content_hash": row["content_hash"]}
                    for row in self.store.all(
            "SELECT seen_from, seen_until, version, url, title, content_hash FROM speech_versions"
            " WHERE speech_id = ?", (speech_id,))]
        entries.sort(key=lambda e: (e["moment"], e["source"] != "archive"))
        previous = None
        for entry in entries:
            entry["changed"] = entry["content_hash"] != previous
            previous = entry["content_hash"]
        return entries

    def capture_records(self, speech_id: str) -> dict[str, dict]:
        """The kept captures of a speech by capture moment, lists as lists (for diffs)."""
        out = {}
        for record in self.store.all(
                "SELECT * FROM captures WHERE speech_id = ? ORDER BY captured_at", (speech_id,)):
            for name in LIST_FIELDS:
                record[name] = json.loads(record[name] or "[]")
            out[record["captured_at"]] = record
        return out
