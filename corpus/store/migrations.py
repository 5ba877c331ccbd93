"""The corpus schema, created and upgraded by ordered migrations applied on open.

`meta.schema_version` is the number of migrations applied. A database whose version is
higher than this code knows is refused: an old tool must not write into a newer layout.
Each migration runs in one transaction together with the version bump, so a crash
mid-upgrade leaves the previous version intact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from corpus.errors import UserError
from corpus.record import FIELD, RECORD_FIELDS, VERSION_ONLY_FIELDS

# Columns of a speech record kept in both `speeches` and `speech_versions` (lists are
# JSON arrays). The first migration's layout is frozen: a field added to FIELDS later
# gets its column from `sync_record_columns`, not from an edit of a shipped migration.
INITIAL_RECORD_COLUMNS = ("generation", "title", "date", "location", "delivery", "speakers",
                          "components", "topics", "updated")
RECORD_COLUMNS = {name: str for name in INITIAL_RECORD_COLUMNS}


def _m001_initial(db: sqlite_utils.Database) -> None:
    # Helpers in statement order: a shipped migration must build the same schema.
    _m001_bookkeeping(db)
    _m001_speeches(db)
    _m001_fetches(db)
    _m001_search(db)
    _create_views(db)


def _m001_bookkeeping(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["crawls"].create(
        {
            "id": int,
            "mode": str,
            "args": str,
            "started": str,
            "finished": str,
            "stats": str,
            "exit_status": int,
        },
        pk="id",
        not_null=["mode", "started"],
    )
    db["raw_pages"].create(
        {
            "sha256": str,
            "size": int,
            "compression": str,
            "body": bytes,
            "first_seen": str,
        },
        pk="sha256",
        not_null=["size", "compression", "body", "first_seen"],
    )


def _m001_speeches(db: sqlite_utils.Database) -> None:
    # `n` is an INTEGER PRIMARY KEY (so a stable rowid: VACUUM keeps it) because the
    # external-content FTS index refers to speeches by rowid; `id` is the speech id.
    db["speeches"].create(
        {
            "n": int,
            "id": str,
            "url": str,
            "uuid": str,
            "status": str,
            **RECORD_COLUMNS,
            "text": str,
            "version": int,
            "content_hash": str,
            "raw_sha256": str,
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "gone_since": str,
        },
        pk="n",
        not_null=["id", "url", "status", "version", "content_hash", "first_seen"],
        foreign_keys=[("raw_sha256", "raw_pages", "sha256")],
    )
    db.execute("CREATE UNIQUE INDEX speeches_id ON speeches(id)")
    db.execute("CREATE INDEX speeches_date ON speeches(date)")
    db["speech_versions"].create(
        {
            "speech_id": str,
            "version": int,
            "url": str,
            **RECORD_COLUMNS,
            "paragraphs": str,  # JSON array
            "text": str,
            "content_hash": str,
            "raw_sha256": str,
            "crawl_id": int,
            "extractor_version": str,
            "seen_from": str,
            "seen_until": str,
        },
        pk=("speech_id", "version"),
        not_null=["content_hash", "seen_from"],
        foreign_keys=[
            ("speech_id", "speeches", "id"),
            ("raw_sha256", "raw_pages", "sha256"),
            ("crawl_id", "crawls", "id"),
        ],
    )
    db.execute("CREATE INDEX speech_versions_seen ON speech_versions(seen_from, seen_until)")


def _m001_fetches(db: sqlite_utils.Database) -> None:
    # speech_id is deliberately not a foreign key: failed and skipped pages have
    # fetches but no speech row.
    db["fetches"].create(
        {
            "id": int,
            "crawl_id": int,
            "fetched_at": str,
            "url": str,
            "request_url": str,
            "speech_id": str,
            "status": int,
            "outcome": str,
            "reason": str,
            "warnings": str,  # JSON array
            "etag": str,
            "last_modified": str,
            "headers": str,  # JSON object
            "encoding": str,
            "bytes": int,
            "raw_sha256": str,
            "version": int,
        },
        pk="id",
        not_null=["fetched_at", "url", "outcome"],
        foreign_keys=[("crawl_id", "crawls", "id"), ("raw_sha256", "raw_pages", "sha256")],
    )
    db.execute("CREATE INDEX fetches_speech ON fetches(speech_id, id)")
    db.execute("CREATE INDEX fetches_url ON fetches(url, id)")
    db.execute("CREATE INDEX fetches_crawl ON fetches(crawl_id, outcome)")
    db["frontier"].create(
        {
            "id": int,
            "crawl_id": int,
            "speech_id": str,
            "url": str,
            "meta": str,  # JSON object
            "state": str,
            "outcome": str,
            "added": str,
            "done_at": str,
        },
        pk="id",
        not_null=["crawl_id", "speech_id", "url", "state", "added"],
        foreign_keys=[("crawl_id", "crawls", "id")],
    )
    db.execute("CREATE UNIQUE INDEX frontier_item ON frontier(crawl_id, speech_id)")
    db.execute("CREATE INDEX frontier_pending ON frontier(crawl_id, state, id)")


def _m001_search(db: sqlite_utils.Database) -> None:
    db["speeches"].enable_fts(["title", "text"], tokenize="porter unicode61 remove_diacritics 2")
    # Our own triggers instead of sqlite-utils': these fire only when title or text is
    # written, so moving last_seen (every crawl, every speech) does not re-index text.
    db.executescript(
        """
        CREATE TRIGGER speeches_ai AFTER INSERT ON speeches BEGIN
          INSERT INTO speeches_fts(rowid, title, text) VALUES (new.n, new.title, new.text);
        END;
        CREATE TRIGGER speeches_ad AFTER DELETE ON speeches BEGIN
          INSERT INTO speeches_fts(speeches_fts, rowid, title, text)
            VALUES ('delete', old.n, old.title, old.text);
        END;
        CREATE TRIGGER speeches_au AFTER UPDATE OF title, text ON speeches BEGIN
          INSERT INTO speeches_fts(speeches_fts, rowid, title, text)
            VALUES ('delete', old.n, old.title, old.text);
          INSERT INTO speeches_fts(rowid, title, text) VALUES (new.n, new.title, new.text);
        END;
        """
    )


def _create_views(db: sqlite_utils.Database) -> None:
    db.create_view(
        "speech_list",
        """
        SELECT id, date, title, speakers, components, status, version, generation,
               first_seen, last_changed, url
        FROM speeches ORDER BY date DESC, id
        """,
    )
    db.create_view(
        "changes",
        """
        SELECT v.speech_id, v.version, v.seen_from AS changed_at, v.title,
               v.extractor_version, v.crawl_id, c.mode AS crawl_mode
        FROM speech_versions v LEFT JOIN crawls c ON c.id = v.crawl_id
        WHERE v.version > 1 ORDER BY v.seen_from DESC
        """,
    )
    db.create_view(
        "fetch_problems",
        """
        SELECT f.id, f.fetched_at, f.crawl_id, f.outcome, f.status, f.url, f.reason,
               f.warnings
        FROM fetches f
        WHERE f.outcome IN ('failed', 'skipped', 'gone')
           OR (f.warnings IS NOT NULL AND f.warnings != '[]')
        ORDER BY f.id DESC
        """,
    )


def _m002_moved_and_witnesses(db: sqlite_utils.Database) -> None:
    """A renamed slug marks the old id `moved` with a pointer; each fetch keeps what
    discovery said about the speech (docs/design.md)."""
    db["speeches"].add_column("moved_to", str)
    db["fetches"].add_column("witnesses", str)  # JSON array of witness objects


def _m003_captures_and_attachments(db: sqlite_utils.Database) -> None:
    """Internet Archive captures, attachments and speeches.source (docs/design.md)."""
    db["captures"].create(
        {
            "speech_id": str,
            "captured_at": str,
            "archive_url": str,
            "url": str,  # the URL as the archive captured it
            **RECORD_COLUMNS,
            "paragraphs": str,  # JSON array
            "text": str,
            "content_hash": str,
            "raw_sha256": str,
            "extractor_version": str,
            "recorded_at": str,
        },
        pk=("speech_id", "captured_at"),
        not_null=["archive_url", "content_hash", "recorded_at"],
        foreign_keys=[("speech_id", "speeches", "id"), ("raw_sha256", "raw_pages", "sha256")],
    )
    db["attachments"].create(
        {
            "id": int,
            "speech_id": str,
            "url": str,
            "name": str,
            "media_type": str,
            "raw_sha256": str,
            "text": str,
            "pages": int,
            "warnings": str,  # JSON array: what text extraction could not do
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        not_null=["speech_id", "url", "raw_sha256", "first_seen", "last_seen"],
        foreign_keys=[("speech_id", "speeches", "id"), ("raw_sha256", "raw_pages", "sha256")],
    )
    db.execute("CREATE INDEX attachments_speech ON attachments(speech_id, url, id)")
    db["attachments"].enable_fts(["name", "text"], create_triggers=True,
                                 tokenize="porter unicode61 remove_diacritics 2")
    db["speeches"].add_column("source", str, not_null_default="crawl")


def _m004_publishing(db: sqlite_utils.Database) -> None:
    """What releases need and the store lacked (issue 20): each version's extraction
    warnings (the fetch that made it had them; a re-extraction kept none), a full-text
    index of every version (`search --all-versions`) and the log of releases written."""
    db["speech_versions"].add_column("warnings", str)  # JSON array
    db.execute(
        "UPDATE speech_versions SET warnings = (SELECT f.warnings FROM fetches f"
        " WHERE f.speech_id = speech_versions.speech_id AND f.version = speech_versions.version"
        " AND f.outcome IN ('new', 'changed', 'attachment') AND f.warnings IS NOT NULL"
        " ORDER BY f.id LIMIT 1)")
    # Its own copy of title and text keyed by (speech_id, version), not by rowid: a
    # table without an INTEGER PRIMARY KEY may be renumbered by VACUUM.
    db.execute("CREATE VIRTUAL TABLE speech_versions_fts USING fts5(speech_id UNINDEXED,"
               " version UNINDEXED, title, text,"
               " tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO speech_versions_fts(speech_id, version, title, text)"
               " SELECT speech_id, version, title, text FROM speech_versions")
    db.executescript(
        """
        CREATE TRIGGER speech_versions_ai AFTER INSERT ON speech_versions BEGIN
          INSERT INTO speech_versions_fts(speech_id, version, title, text)
            VALUES (new.speech_id, new.version, new.title, new.text);
        END;
        CREATE TRIGGER speech_versions_ad AFTER DELETE ON speech_versions BEGIN
          DELETE FROM speech_versions_fts
            WHERE speech_id = old.speech_id AND version = old.version;
        END;
        """
    )
    db["releases"].create(
        {"id": int, "version": str, "as_of": str, "moment": str, "folder": str,
         "format": str},
        pk="id", not_null=["version", "moment", "folder"])


# The derived fields as migration 5 shipped them (frozen, as the first
# layout): name -> column type.
_M005_DERIVED = {"speaker_names": str, "speaker_roles": str, "person_ids": str, "kind": str,
                 "delivery_status": str, "city": str, "region": str, "country": str,
                 "word_count": int, "paragraph_count": int, "language": str}


_M005_PEOPLE_SQL = """
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


def _m005_people_and_derived(db: sqlite_utils.Database) -> None:
    """People and person variants (person ids kept once given), and the derived fields
    of every record (issue 19; `reextract` fills them for versions stored before)."""
    db.executescript(_M005_PEOPLE_SQL)
    for table in ("speeches", "speech_versions", "captures"):
        if not db[table].exists():
            continue
        have = set(db[table].columns_dict)
        columns = dict(_M005_DERIVED)
        if table != "speeches":
            columns["paragraph_roles"] = str
        for name, kind in columns.items():
            if name not in have:
                db[table].add_column(name, kind)


def _m006_raw_dicts(db: sqlite_utils.Database) -> None:
    """zstd dictionaries of raw pages (corpus/store/raw.py); each zstd body names its own."""
    db["raw_dicts"].create(
        {"id": int, "created": str, "pages": int, "size": int, "ratio": float, "dict": bytes},
        pk="id", not_null=["created", "size", "dict"])
    db.execute("ALTER TABLE raw_pages ADD COLUMN dict_id INTEGER REFERENCES raw_dicts(id)")


# Ordered: position i (1-based) is schema version i. Append only; never edit a shipped one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m001_initial, _m002_moved_and_witnesses, _m003_captures_and_attachments,
    _m004_publishing, _m005_people_and_derived, _m006_raw_dicts]


def schema_version(db: sqlite_utils.Database) -> int:
    if not db["meta"].exists():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):  # a damaged meta table: one line, never a traceback
        raise UserError(f"damaged corpus: meta.schema_version is {row[0]!r},"
                        " not a number") from None


def migrate(db: sqlite_utils.Database, path: str = "", *, migrations=None) -> int:
    """Apply pending migrations; return the schema version. Refuses a newer database."""
    migrations = MIGRATIONS if migrations is None else migrations
    current = schema_version(db)
    if current > len(migrations):
        raise UserError(
            f"{path or 'the database'} has corpus schema version {current}, newer than "
            f"this doj-speeches supports ({len(migrations)}): upgrade doj-speeches"
        )
    for number, migration in enumerate(migrations[current:], start=current + 1):
        conn: sqlite3.Connection = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            if schema_version(db) >= number:
                conn.execute("COMMIT")
                continue
            migration(db)
            db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                [str(number)],
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    sync_record_columns(db)
    return len(migrations)


def sync_record_columns(db: sqlite_utils.Database) -> None:
    """Add a column for every record field the tables lack (a field added to FIELDS):
    derived from the vocabulary, so a new field needs no hand-written migration."""
    for table, names in (("speeches", RECORD_FIELDS),
                         ("speech_versions", RECORD_FIELDS + VERSION_ONLY_FIELDS),
                         ("captures", RECORD_FIELDS + VERSION_ONLY_FIELDS)):
        if not db[table].exists():
            continue
        have = set(db[table].columns_dict)
        for name in names:
            if name not in have:
                kind = int if FIELD[name].kind == "int" else str
                db[table].add_column(name, kind)
