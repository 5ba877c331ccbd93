"""The database file: migrations, refusals, WAL and concurrency, crash safety, the lock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import corpus.store.migrations as schema
from corpus.errors import LockHeld, UserError
from corpus.store.lock import CorpusLock
from corpus.store import Corpus
from tests.store_support import BASE, FakeExtractor, page

ROOT = Path(__file__).resolve().parents[1]


def open_corpus(path, **kw):
    return Corpus(path, extract=FakeExtractor(), **kw)


def test_new_database_has_schema_version_wal_and_busy_timeout(tmp_path):
    with open_corpus(tmp_path / "c.db") as corpus:
        assert corpus.schema_version == len(schema.MIGRATIONS)
        meta = dict(corpus.execute("SELECT key, value FROM meta"))
        assert meta["schema_version"] == str(len(schema.MIGRATIONS))
        assert corpus.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert corpus.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert corpus.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert {"speeches", "speech_versions", "raw_pages", "fetches", "crawls", "frontier",
                "speeches_fts"} <= set(corpus.db.table_names())


def test_reopening_applies_nothing_and_keeps_data(tmp_path):
    with open_corpus(tmp_path / "c.db") as corpus:
        corpus.record_page(BASE + "a", 200, {}, page(), corpus.begin_crawl("t", {}))
    with open_corpus(tmp_path / "c.db", create=False) as corpus:
        assert corpus.speech_state(BASE + "a")["version"] == 1


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "c.db"
    open_corpus(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(UserError, match=r"schema version 99, newer than this doj-speeches"):
        open_corpus(path)


def test_pending_migrations_upgrade_an_older_database(tmp_path, monkeypatch):
    path = tmp_path / "c.db"
    with open_corpus(path) as corpus:
        corpus.record_page(BASE + "a", 200, {}, page(), corpus.begin_crawl("t", {}))

    def m002_add_notes(db):
        db["speeches"].add_column("notes", str)

    def m003_broken(db):
        db["speeches"].add_column("half_done", str)
        raise RuntimeError("bad migration")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, m002_add_notes, m003_broken])
    with pytest.raises(RuntimeError, match="bad migration"):
        open_corpus(path)
    with sqlite3.connect(path) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(speeches)")}
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert "notes" in columns and "half_done" not in columns  # 3 rolled back whole
    assert version == (str(len(schema.MIGRATIONS) - 1),)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:-1])
    with open_corpus(path) as corpus:
        assert corpus.schema_version == len(schema.MIGRATIONS)
        assert corpus.speech_state(BASE + "a")["version"] == 1


@pytest.mark.parametrize("content, message", [
    (b"this is not sqlite at all, just some text " * 200, "not a corpus database, or corrupt"),
    (b"SQLite format 3\x00" + b"\xff" * 300, "not a corpus database, or corrupt"),
])
def test_corrupt_file_is_a_user_error(tmp_path, content, message):
    path = tmp_path / "c.db"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        open_corpus(path)


def test_unusable_paths_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="directory .* does not exist"):
        open_corpus(tmp_path / "missing" / "c.db")
    with pytest.raises(UserError, match="no corpus at"):
        open_corpus(tmp_path / "absent.db", create=False)
    with pytest.raises(UserError, match="is a directory"):
        open_corpus(tmp_path)


def test_a_reader_never_blocks_a_writer(tmp_path):
    path = tmp_path / "c.db"
    with open_corpus(path, busy_timeout=0.5) as corpus:
        crawl = corpus.begin_crawl("t", {})
        corpus.record_page(BASE + "a", 200, {}, page(), crawl)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM speeches").fetchone() == (1,)
        started = time.monotonic()
        corpus.record_page(BASE + "b", 200, {}, page(), crawl)  # while the read is open
        assert time.monotonic() - started < 0.5
        assert reader.execute("SELECT count(*) FROM speeches").fetchone() == (1,)  # snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM speeches").fetchone() == (2,)
        reader.close()


WRITER = textwrap.dedent("""
    import sys
    from corpus.store import Corpus
    from tests.store_support import BASE, FakeExtractor, page
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    corpus = Corpus(path, extract=FakeExtractor())
    crawl = corpus.begin_crawl("writer", {"name": name})
    print("ready", flush=True)
    for i in range(count):
        # the same shared speeches from both writers, plus their own
        corpus.record_page(BASE + f"shared-{i % 20}", 200, {}, page(title=f"{name} {i}"), crawl)
        corpus.record_page(BASE + f"{name}-{i}", 200, {}, page(title=f"{name} {i}"), crawl)
    corpus.finish_crawl(crawl, {}, 0)
""")


def run_writer(path, name, count):
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)


def test_two_writers_at_once_never_corrupt(tmp_path):
    path = tmp_path / "c.db"
    open_corpus(path).close()
    writers = [run_writer(path, name, 150) for name in ("w1", "w2")]
    for proc in writers:
        assert proc.wait(timeout=60) == 0
    with open_corpus(path) as corpus:
        assert corpus.check() == []
        count = corpus.execute("SELECT count(*) FROM speeches").fetchone()[0]
        assert count == 2 * 150 + 20
        fetches = corpus.execute("SELECT count(*) FROM fetches").fetchone()[0]
        assert fetches == 2 * 2 * 150
        # every fetch of a shared speech that changed it made exactly one version
        changes = corpus.execute(
            "SELECT count(*) FROM fetches WHERE outcome IN ('new', 'changed')").fetchone()[0]
        assert changes == corpus.execute("SELECT count(*) FROM speech_versions").fetchone()[0]


def test_sigkill_mid_crawl_leaves_a_consistent_database(tmp_path):
    path = tmp_path / "c.db"
    open_corpus(path).close()
    for round_ in range(3):
        proc = run_writer(path, f"r{round_}", 100000)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.3 + 0.2 * round_)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with open_corpus(path) as corpus:
            assert corpus.check() == []
            assert corpus.execute(
                "SELECT count(*) FROM fetches WHERE outcome IN ('new', 'changed')").fetchone() == \
                corpus.execute("SELECT count(*) FROM speech_versions").fetchone()
            assert corpus.last_unfinished_crawl("writer") is not None


HOLDER = textwrap.dedent("""
    import sys, time
    from corpus.store.lock import CorpusLock
    with CorpusLock(sys.argv[1]):
        print("locked", flush=True)
        time.sleep(60)
""")


def test_lock_is_exclusive_names_its_holder_and_dies_with_it(tmp_path):
    db = tmp_path / "c.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeld) as info:
            CorpusLock(db).acquire()
        message = str(info.value)
        assert f"{db}.lock" in message and f"pid {holder.pid}" in message
        assert "started 20" in message
        assert info.value.exit_code == 75
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    with CorpusLock(db) as lock:  # released by the kernel although the holder never unlocked
        assert Path(lock.path).read_text().split()[0] == str(os.getpid())
    with CorpusLock(db):  # and reusable after a clean release
        pass
