"""People: the person ids of speakers, kept in the corpus, and the derived fields of
every stored record (corpus/derive). The tables are made by migration 5
(corpus/store/migrations.py).

A person id, once given, is never changed: `people` holds each person's name parts
(the fullest middle initials and suffix seen), `person_variants` every spelling seen
(folded) with its id, so a spelling seen again gets its id without matching. A new
spelling joins the one known person it fits (corpus/derive/people.py); a bare name that
fits two gets an id of its own, marked ambiguous, which later spellings never join.
"""

from __future__ import annotations

import json
import re
import unicodedata

from corpus.derive import derive
from corpus.derive.people import PERSON_AMBIGUOUS, Name, canonical, fold, match, parse_name
from corpus.record import DERIVED_FIELDS, LIST_FIELDS
from corpus.store.base import Store



REDERIVE_BATCH = 200  # records read and rewritten per transaction by `rederive`


class People:
    """Derived fields and person ids (writes inside the caller's transaction)."""

    def __init__(self, store: Store):
        self.store = store

    def derive(self, record: dict) -> list[str]:
        """Fill the derived fields of `record` (lists as Python lists); the warnings."""
        values, warnings = derive(record)
        record.update(values)
        record["person_ids"] = []
        for name in values["speaker_names"]:
            pid, ambiguous = self.person_id(name) if name else ("", False)  # an office
            record["person_ids"].append(pid)
            if ambiguous:
                warnings.append(f"{PERSON_AMBIGUOUS}: {name} fits more than one person")
        return warnings

    def person_id(self, name: str) -> tuple[str, bool]:
        """The id of the person `name` spells (given now if new), and whether the name
        fits more than one known person."""
        key = fold(name)
        known = self.store.one("SELECT v.person_id, p.ambiguous FROM person_variants v"
                               " JOIN people p USING (person_id) WHERE v.variant = ?", (key,))
        if known:
            return known["person_id"], bool(known["ambiguous"])
        parsed = parse_name(canonical(name))
        rows = self.store.all("SELECT person_id, middle, suffix FROM people WHERE last = ?"
                              " AND first = ? AND ambiguous = 0 ORDER BY person_id",
                              (parsed.last, parsed.first))
        pid, ambiguous = match(parsed, [(r["person_id"], Name(parsed.first, r["middle"],
                                                              parsed.last, r["suffix"]))
                                        for r in rows])
        now = self.store.now()
        if pid is None:
            pid = self._new_person_id(name)
            self.store.insert("people", {
                "person_id": pid, "first": parsed.first, "middle": parsed.middle,
                "last": parsed.last, "suffix": parsed.suffix, "ambiguous": int(ambiguous),
                "first_seen": now})
        else:  # a fuller spelling fills what the person's record lacked, never changes it
            person = self.store.one("SELECT middle, suffix FROM people WHERE person_id = ?",
                                    (pid,))
            fuller = {k: getattr(parsed, k) for k in ("middle", "suffix")
                      if not person[k] and getattr(parsed, k)}
            if fuller:
                self.store.update("people", pid, fuller)
        self.store.insert("person_variants", {"variant": key, "name": name,
                                              "person_id": pid, "first_seen": now})
        return pid, ambiguous

    def _new_person_id(self, name: str) -> str:
        """A readable id from the name first seen ("stanley-f-ellison"), numbered when
        taken."""
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "person"
        pid, n = base, 1
        while self.store.one("SELECT 1 FROM people WHERE person_id = ?", (pid,)):
            n += 1
            pid = f"{base}-{n}"
        return pid

    def rederive(self) -> int:
        """Recompute the derived fields of every version and capture (oldest first, so
        person ids go to the spellings in the order they were seen); the speeches rows
        follow their current version. Returns the number of records."""
        done = 0
        for table, key in (("speech_versions", "version"), ("captures", "captured_at")):
            if not self.store.db[table].exists():
                continue
            order = "seen_from" if table == "speech_versions" else "captured_at"
            # rowids first, then the records a batch at a time: never every text at once
            rowids = [r[0] for r in self.store.execute(
                f"SELECT rowid FROM {table} ORDER BY {order}, speech_id, {key}")]
            for at in range(0, len(rowids), REDERIVE_BATCH):
                batch = rowids[at:at + REDERIVE_BATCH]
                found = {r["rowid"]: r for r in self.store.all(
                    f"SELECT rowid, * FROM {table} WHERE rowid IN"
                    f" ({', '.join('?' * len(batch))})", batch)}
                with self.store.transaction():
                    for rowid in batch:
                        self._rederive_row(table, key, found[rowid])
                done += len(batch)
        with self.store.transaction():
            # One statement for every speech (raw SQL: an UPDATE ... FROM the table API
            # has no form for; docs/storage.md, Writes).
            sets = ", ".join(f"{name} = v.{name}" for name in DERIVED_FIELDS
                             if name != "paragraph_roles")
            self.store.execute(
                f"UPDATE speeches SET {sets} FROM speech_versions v"
                " WHERE v.speech_id = speeches.id AND v.version = speeches.version")
        return done

    def _rederive_row(self, table: str, key: str, row: dict) -> None:
        record = dict(row)
        for name in LIST_FIELDS:
            if isinstance(record.get(name), str):
                record[name] = json.loads(record[name] or "[]")
        self.derive(record)
        values = {name: _stored(record[name], name) for name in DERIVED_FIELDS}
        self.store.update(table, (row["speech_id"], row[key]), values)


def _stored(value, name: str):
    return (json.dumps(list(value or []), ensure_ascii=False, separators=(",", ":"))
            if name in LIST_FIELDS else value)
