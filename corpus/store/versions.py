"""Versioning: fold an extracted record into its speech (new version or not)."""

from __future__ import annotations

from corpus.moments import later
from corpus.record import EXTRACTED_FIELDS, LIST_FIELDS, RECORD_FIELDS, content_hash
from corpus.store.pages import _json


class Versions:
    """The method of `Corpus` that versions a record (called inside a transaction)."""

    def _apply(self, sid: str, speech, raw_sha: str, crawl_id: int | None, now: str, url: str,
               *, fetched: bool = True) -> tuple[str, int, str | None]:
        """Fold an extracted record into the speech: (outcome, version, reason).

        `fetched` is False for re-extraction: no network contact, so neither last_seen
        nor the live/gone status moves.
        """
        record = {name: getattr(speech, name) for name in EXTRACTED_FIELDS}
        record["paragraphs"] = list(speech.paragraphs or [])
        chash = content_hash(record)
        text = "\n\n".join(speech.paragraphs or [])  # by definition; keeps text = f(content)
        row = self._speech(sid)
        if row is not None and row["content_hash"] == chash:
            # Same record: the row shows the newest URL, generation and "Updated".
            revive, reason = self._revive(row) if fetched else ("", None)
            seen = ", last_seen = :now" if fetched else ""
            self.conn.execute(
                f"UPDATE speeches SET url = :url, generation = :generation, updated = :updated,"
                f" raw_sha256 = :raw{seen}{revive} WHERE n = :n",
                {"url": url, "generation": record["generation"], "updated": record["updated"],
                 "raw": raw_sha, "now": now, "n": row["n"]},
            )
            return "unchanged", row["version"], reason

        # Derived fields (outside the hash) for the new version only: an unchanged page
        # costs no derivation. Their warnings join the fetch's.
        warnings = self._derive(record)
        if isinstance(getattr(speech, "warnings", None), list):
            speech.warnings.extend(w for w in warnings if w not in speech.warnings)
        for name in LIST_FIELDS:
            record[name] = _json(list(record[name] or []))
        version = 1 if row is None else row["version"] + 1
        since = now if row is None else later(now, row["last_changed"])
        fields = {**{k: record[k] for k in RECORD_FIELDS}, "text": text, "url": url,
                  "version": version, "content_hash": chash, "raw_sha256": raw_sha,
                  "last_changed": since}
        reason = None
        if row is None:
            fields.update(id=sid, status="live", first_seen=now, last_seen=now)
            self.conn.execute(
                f"INSERT INTO speeches({', '.join(fields)})"
                f" VALUES ({', '.join(':' + k for k in fields)})", fields)
        else:
            self.conn.execute(
                "UPDATE speech_versions SET seen_until = ? WHERE speech_id = ? AND version = ?",
                (since, sid, row["version"]))
            revive, reason = self._revive(row) if fetched else ("", None)
            if fetched:
                fields["last_seen"] = now
            sets = ", ".join(f"{k} = :{k}" for k in fields)
            self.conn.execute(f"UPDATE speeches SET {sets}{revive} WHERE n = :n",
                              {**fields, "n": row["n"]})
        row_v = {**record, "speech_id": sid, "version": version, "url": url, "text": text,
                 "content_hash": chash, "raw_sha256": raw_sha, "crawl_id": crawl_id,
                 "extractor_version": getattr(speech, "extractor_version", "") or "",
                 "seen_from": since}
        self.conn.execute(
            f"INSERT INTO speech_versions({', '.join(row_v)})"
            f" VALUES ({', '.join(':' + k for k in row_v)})", row_v)
        return ("new", 1, None) if row is None else ("changed", version, reason)

