"""People: the person ids of speakers, kept in the corpus, and the derived fields of
every stored record (corpus/derive).

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

TABLES_SQL = """
CREATE TABLE people (
  person_id TEXT PRIMARY KEY,
  first TEXT NOT NULL, middle TEXT NOT NULL, last TEXT NOT NULL, suffix TEXT NOT NULL,
  ambiguous INTEGER NOT NULL DEFAULT 0,
  first_seen TEXT NOT NULL
);
CREATE INDEX people_name ON people(last, first);
CREATE TABLE person_variants (
  variant TEXT PRIMARY KEY,  -- the folded spelling (corpus.derive.people.fold)
  name TEXT NOT NULL,        -- the spelling as first seen
  person_id TEXT NOT NULL REFERENCES people(person_id),
  first_seen TEXT NOT NULL
);
CREATE INDEX person_variants_person ON person_variants(person_id);
"""


REDERIVE_BATCH = 200  # records read and rewritten per transaction by `rederive`


class People:
    """Methods of `Corpus` that derive fields and give person ids (inside a transaction)."""

    def _derive(self, record: dict) -> list[str]:
        """Fill the derived fields of `record` (lists as Python lists); the warnings."""
        values, warnings = derive(record)
        record.update(values)
        record["person_ids"] = []
        for name in values["speaker_names"]:
            pid, ambiguous = self._person_id(name) if name else ("", False)  # an office
            record["person_ids"].append(pid)
            if ambiguous:
                warnings.append(f"{PERSON_AMBIGUOUS}: {name} fits more than one person")
        return warnings

    def _person_id(self, name: str) -> tuple[str, bool]:
        key = fold(name)
        known = self._one("SELECT v.person_id, p.ambiguous FROM person_variants v"
                          " JOIN people p USING (person_id) WHERE v.variant = ?", (key,))
        if known:
            return known["person_id"], bool(known["ambiguous"])
        parsed = parse_name(canonical(name))
        rows = self._all("SELECT person_id, middle, suffix FROM people WHERE last = ?"
                         " AND first = ? AND ambiguous = 0 ORDER BY person_id",
                         (parsed.last, parsed.first))
        pid, ambiguous = match(parsed, [(r["person_id"], Name(parsed.first, r["middle"],
                                                              parsed.last, r["suffix"]))
                                        for r in rows])
        now = self._now()
        if pid is None:
            pid = self._new_person_id(name)
            self.conn.execute(
                "INSERT INTO people(person_id, first, middle, last, suffix, ambiguous,"
                " first_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (pid, parsed.first, parsed.middle, parsed.last, parsed.suffix,
                 int(ambiguous), now))
        else:  # a fuller spelling fills what the person's record lacked
            self.conn.execute(
                "UPDATE people SET middle = CASE WHEN middle = '' THEN ? ELSE middle END,"
                " suffix = CASE WHEN suffix = '' THEN ? ELSE suffix END WHERE person_id = ?",
                (parsed.middle, parsed.suffix, pid))
        self.conn.execute("INSERT INTO person_variants(variant, name, person_id, first_seen)"
                          " VALUES (?, ?, ?, ?)", (key, name, pid, now))
        return pid, ambiguous

    def _new_person_id(self, name: str) -> str:
        """A readable id from the name first seen ("stanley-f-ellison"), numbered when
        taken."""
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "person"
        pid, n = base, 1
        while self._one("SELECT 1 FROM people WHERE person_id = ?", (pid,)):
            n += 1
            pid = f"{base}-{n}"
        return pid

    def rederive(self) -> int:
        """Recompute the derived fields of every version and capture (oldest first, so
        person ids go to the spellings in the order they were seen); the speeches rows
        follow their current version. Returns the number of records."""
        done = 0
        for table, key in (("speech_versions", "version"), ("captures", "captured_at")):
            if not self.db[table].exists():
                continue
            order = "seen_from" if table == "speech_versions" else "captured_at"
            # rowids first, then the records a batch at a time: never every text at once
            rowids = [r[0] for r in self.conn.execute(
                f"SELECT rowid FROM {table} ORDER BY {order}, speech_id, {key}")]
            for at in range(0, len(rowids), REDERIVE_BATCH):
                batch = rowids[at:at + REDERIVE_BATCH]
                found = {r["rowid"]: r for r in self._all(
                    f"SELECT rowid, * FROM {table} WHERE rowid IN"
                    f" ({', '.join('?' * len(batch))})", batch)}
                with self._tx():
                    for rowid in batch:
                        self._rederive_row(table, found[rowid])
                done += len(batch)
        with self._tx():
            sets = ", ".join(f"{name} = v.{name}" for name in DERIVED_FIELDS
                             if name != "paragraph_roles")
            self.conn.execute(
                f"UPDATE speeches SET {sets} FROM speech_versions v"
                " WHERE v.speech_id = speeches.id AND v.version = speeches.version")
        return done

    def _rederive_row(self, table: str, row: dict) -> None:
        record = dict(row)
        for name in LIST_FIELDS:
            if isinstance(record.get(name), str):
                record[name] = json.loads(record[name] or "[]")
        self._derive(record)
        values = {name: _stored(record[name], name) for name in DERIVED_FIELDS}
        sets = ", ".join(f"{name} = :{name}" for name in values)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE rowid = :rowid",
                          {**values, "rowid": row["rowid"]})


def _stored(value, name: str):
    return (json.dumps(list(value or []), ensure_ascii=False, separators=(",", ":"))
            if name in LIST_FIELDS else value)
