"""The corpus connection: opening (WAL, busy timeout, migrations), transactions, rows.

`Store` is the one object that holds the connection; every part of `Corpus` gets it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from corpus.errors import UserError
from corpus.moments import utc_now
from corpus.store.migrations import migrate, schema_version

# How long a write waits for another process's write lock; CORPUS_BUSY_TIMEOUT (seconds)
# lowers it (tests hold a lock past it without waiting 30 s).
BUSY_TIMEOUT_S = float(os.environ.get("CORPUS_BUSY_TIMEOUT") or 30.0)


class Store:
    """The one connection every part of the corpus shares, with the store's clock, its
    transactions and its row helpers. Not thread-safe: one per thread or process.

    The connection stays private to this class: the parts read through `one`, `all`
    and `execute`, and write through sqlite-utils' table API (`db`, `insert`,
    `update`, `delete`) inside `transaction()`."""

    def __init__(self, path: str, *, create: bool = True, clock: Callable[[], str] | None = None,
                 busy_timeout: float = BUSY_TIMEOUT_S, readonly: bool = False):
        """`readonly`: a connection that cannot write (the spider's, during a crawl whose
        writer process owns the writes: docs/design.md); it never migrates."""
        self._clock = clock or utc_now
        self._conn = (_connect_readonly(path, busy_timeout) if readonly
                      else _connect(path, create=create, busy_timeout=busy_timeout))
        self.db = sqlite_utils.Database(self._conn)
        try:
            self.schema_version = (schema_version(self.db) if readonly
                                   else migrate(self.db, path))
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise UserError(f"cannot use {path}: {exc}") from None
        except BaseException:
            self._conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    def now(self) -> str:
        """The store's clock (UTC, fixed width): what its own writes are stamped with."""
        return self._clock()

    @contextmanager
    def transaction(self):
        """One transaction; inside another, a savepoint of it (its failure undoes only
        its own writes), so a caller can make several writes one commit."""
        if self._conn.in_transaction:
            begin, commit, undo = "SAVEPOINT inner", "RELEASE inner", ("ROLLBACK TO inner",
                                                                        "RELEASE inner")
        else:
            # IMMEDIATE takes the write lock up front, so a second writer waits for it
            # (busy_timeout) instead of failing on a read-to-write upgrade.
            begin, commit, undo = "BEGIN IMMEDIATE", "COMMIT", ("ROLLBACK",)
        self._conn.execute(begin)
        try:
            yield
        except BaseException:
            # SQLite may have rolled back already (a full disk, SQLITE_FULL): a second
            # ROLLBACK would hide the real error behind "no transaction is active".
            if self._conn.in_transaction:
                for statement in undo:
                    self._conn.execute(statement)
            raise
        self._conn.execute(commit)

    # -- reading --------------------------------------------------------------------

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def one(self, sql: str, params=()) -> dict | None:
        """The first row of a query as a dict, or None."""
        cur = self._conn.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip((d[0] for d in cur.description), row))

    def all(self, sql: str, params=()) -> list[dict]:
        """Every row of a query, as dicts."""
        cur = self._conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    # -- writing, through sqlite-utils' table API --------------------------------------

    def insert(self, table: str, row: dict, *, ignore: bool = False) -> int | None:
        """Insert one row (`ignore`: unless its key is taken); its rowid."""
        return self.db[table].insert(row, ignore=ignore).last_rowid

    def insert_all(self, table: str, rows, *, ignore: bool = False) -> int:
        """Insert rows (`ignore`: those whose key is free); how many were added."""
        before = self._conn.total_changes
        self.db[table].insert_all(rows, ignore=ignore)
        return self._conn.total_changes - before

    def update(self, table: str, key, values: dict) -> None:
        """Set columns of the row whose primary key is `key` (a tuple for a compound key)."""
        self.db[table].update(key, values)

    def delete(self, table: str, key) -> None:
        self.db[table].delete(key)


def _hint(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "readonly" in text or "unable to open" in text:
        return " (the file and its folder must be writable: WAL mode writes beside it)"
    if "full" in text or "disk I/O" in text:
        return " (is the disk full?)"
    if "locked" in text or "busy" in text:
        return " (another process held it too long)"
    return " (not a corpus database, or corrupt)"


def _size_cap(conn: sqlite3.Connection) -> None:
    """CORPUS_MAX_DB_BYTES: a ceiling on the database file (a quota). Past it SQLite
    answers "database or disk is full", exactly as a full disk does, so the same path
    (one line, exit 3) handles both; tests use it to fill a "disk"."""
    cap = os.environ.get("CORPUS_MAX_DB_BYTES")
    if cap:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {max(1, int(cap) // page)}")


def _connect_readonly(path: str, busy_timeout: float) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise UserError(f"no corpus at {path}")
    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=busy_timeout,
                               isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A read-only copy (file or folder): WAL mode cannot make its -shm beside it.
            # With no -wal file every commit is in the main file and no writer is at work,
            # so it is read as immutable.
            if Path(f"{path}-wal").exists():
                raise
            conn.close()
            conn = sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open {path}: {exc}{_hint(exc)}") from None
    return conn


def _connect(path: str, *, create: bool, busy_timeout: float) -> sqlite3.Connection:
    target = Path(path)
    if not create and not target.exists():
        raise UserError(f"no corpus at {path} (nothing to read: run an import or crawl first)")
    if target.is_dir():
        raise UserError(f"cannot use {path}: it is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not target.exists() and not parent.is_dir():
        raise UserError(f"cannot create {path}: directory {parent} does not exist")
    if not target.exists() and not os.access(parent, os.W_OK):
        raise UserError(f"cannot create {path}: directory {parent} is not writable")
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise UserError(f"cannot use {path}: WAL mode refused (journal mode {mode})")
        # NORMAL is safe in WAL mode: a crash can lose the last commits, never consistency.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _size_cap(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UserError(f"cannot use {path}: {exc}{_hint(exc)}") from None
    except BaseException:
        conn.close()
        raise
    return conn

