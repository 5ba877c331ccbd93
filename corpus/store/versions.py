"""Versioning: a speech's row, and an extracted record folded into it (new version or not)."""

from __future__ import annotations

from corpus.moments import later
from corpus.record import EXTRACTED_FIELDS, LIST_FIELDS, RECORD_FIELDS, content_hash
from corpus.store.base import Store
from corpus.store.fetches import to_json
from corpus.store.people import People


class Versions:
    """`speeches` and `speech_versions` (writes inside the caller's transaction)."""

    def __init__(self, store: Store, people: People):
        self.store, self.people = store, people

    def speech(self, sid: str) -> dict | None:
        """What the writes need of a speech's row (`n`, its key, among them)."""
        return self.store.one(
            "SELECT n, id, status, version, content_hash, raw_sha256, last_changed, gone_since"
            " FROM speeches WHERE id = ?",
            (sid,),
        )

    @staticmethod
    def revive(row: dict) -> tuple[dict, str | None]:
        """The columns that make a gone or moved speech live again, and why; ({}, None)
        for a live one."""
        if row["status"] != "live":
            return ({"status": "live", "gone_since": None, "moved_to": None},
                    f"live again ({row['status']} since {row['gone_since']})")
        return {}, None

    def seen(self, row: dict, now: str, **values) -> str | None:
        """A fetch found the speech (200 or 304): last_seen moves, a gone speech is live
        again (the reason says so)."""
        revive, reason = self.revive(row)
        self.store.update("speeches", row["n"], {"last_seen": now, **values, **revive})
        return reason

    def apply(self, sid: str, speech, raw_sha: str, crawl_id: int | None, now: str, url: str,
              *, fetched: bool = True) -> tuple[str, int, str | None]:
        """Fold an extracted record into the speech: (outcome, version, reason).

        `fetched` is False for re-extraction: no network contact, so neither last_seen
        nor the live/gone status moves.
        """
        record = {name: getattr(speech, name) for name in EXTRACTED_FIELDS}
        record["paragraphs"] = list(speech.paragraphs or [])
        chash = content_hash(record)
        text = "\n\n".join(speech.paragraphs or [])  # by definition; keeps text = f(content)
        row = self.speech(sid)
        if row is not None and row["content_hash"] == chash:
            # Same record: the row shows the newest URL, generation and "Updated".
            shown = {"url": url, "generation": record["generation"],
                     "updated": record["updated"], "raw_sha256": raw_sha}
            if not fetched:
                self.store.update("speeches", row["n"], shown)
                return "unchanged", row["version"], None
            return "unchanged", row["version"], self.seen(row, now, **shown)

        # Derived fields (outside the hash) for the new version only: an unchanged page
        # costs no derivation. Their warnings join the fetch's.
        warnings = self.people.derive(record)
        if isinstance(getattr(speech, "warnings", None), list):
            speech.warnings.extend(w for w in warnings if w not in speech.warnings)
        for name in LIST_FIELDS:
            record[name] = to_json(list(record[name] or []))
        version = 1 if row is None else row["version"] + 1
        since = now if row is None else later(now, row["last_changed"])
        fields = {**{k: record[k] for k in RECORD_FIELDS}, "text": text, "url": url,
                  "version": version, "content_hash": chash, "raw_sha256": raw_sha,
                  "last_changed": since}
        reason = None
        if row is None:
            self.store.insert("speeches", {"id": sid, **fields, "status": "live",
                                           "first_seen": now, "last_seen": now})
        else:
            self.store.update("speech_versions", (sid, row["version"]), {"seen_until": since})
            if fetched:
                reason = self.seen(row, now, **fields)
            else:
                self.store.update("speeches", row["n"], fields)
        self.store.insert("speech_versions", {
            **record, "speech_id": sid, "version": version, "url": url, "text": text,
            "content_hash": chash, "raw_sha256": raw_sha, "crawl_id": crawl_id,
            "extractor_version": getattr(speech, "extractor_version", "") or "",
            "seen_from": since,
            "warnings": to_json(list(getattr(speech, "warnings", None) or []))})
        return ("new", 1, None) if row is None else ("changed", version, reason)
