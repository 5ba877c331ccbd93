"""Issue 22: damaged, locked and read-only corpora (cases 6-9 and 17).

Each run exits with the code of what happened and one line, never a traceback, and never
"healthy" over a page it could not store.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
import threading

import pytest

from scraper.replica import Replica
from tests.crawl_support import rows, run_cli
from tests.hostile import Hostile, hcrawl, one_line_error, pending, stored_ids

pytestmark = pytest.mark.e2e


def backfilled(tmp_path, n=20, seed=271):
    db = tmp_path / "c.db"
    with Replica(n, seed=seed) as replica:
        proc = run_cli("backfill", "--db", str(db), "--base-url", replica.base_url,
                       "--delay", "0", "--no-progress")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


def damage(db, pages, page_size=4096):
    """Overwrite whole b-tree pages with garbage, as a bad disk or a torn copy would."""
    with open(db, "r+b") as f:
        for number in pages:
            f.seek((number - 1) * page_size)
            f.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def test_a_backfill_into_a_corrupt_database_is_unhealthy_in_one_line(tmp_path):
    db = backfilled(tmp_path)
    root = rows(db, "SELECT rootpage FROM sqlite_master WHERE name = 'speeches'")[0]["rootpage"]
    damage(db, [root])
    with Replica(20, seed=271) as replica:
        proc = run_cli("backfill", "--db", str(db), "--base-url", replica.base_url,
                       "--delay", "0", "--no-progress")
    assert proc.returncode == 3, proc.stderr[-3000:]
    line = one_line_error(proc, "Error:")
    assert line == "Error: crawl unhealthy: database error: database disk image is malformed"
    assert "healthy:" not in proc.stdout.replace("UNHEALTHY:", "")
    # The run is recorded as unhealthy (the crawls table is intact).
    last = rows(db, "SELECT exit_status FROM crawls ORDER BY id DESC LIMIT 1")[0]
    assert last["exit_status"] == 3


@pytest.mark.parametrize("command", [["stats"], ["search", "justice"], ["check"],
                                     ["export", "--format", "jsonl", "--out", "x.jsonl"]])
def test_a_schema_version_that_is_not_a_number_is_one_line(tmp_path, command):
    db = backfilled(tmp_path, n=10, seed=272)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = 'seven' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    proc = run_cli(command[0], "--db", str(db), *command[1:])
    assert proc.returncode == 2, proc.stderr[-3000:]
    line = one_line_error(proc, "Error:")
    assert line == "Error: damaged corpus: meta.schema_version is 'seven', not a number"
    assert rows(db, "SELECT value FROM meta WHERE key = 'schema_version'")[0]["value"] == "seven"


def hold_write_lock(db, seconds: float, started: threading.Event):
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    started.set()
    threading.Event().wait(seconds)
    conn.execute("ROLLBACK")
    conn.close()


def test_a_write_lock_held_past_the_busy_timeout_is_an_unhealthy_run(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=273)
    with Hostile(replica) as site:
        sid = [s["id"] for s in replica.speeches("live") if s["generation"] == "current"][0]
        path = replica.speech(sid)["path"]
        holders = []

        def locked_then_page(handler, target):  # another process takes the write lock
            started = threading.Event()
            holder = threading.Thread(target=hold_write_lock, args=(db, 2.0, started))
            holder.start()
            holders.append(holder)
            started.wait(5)
            handler.delegate(target)
        site.on(path, locked_then_page)
        proc = hcrawl("backfill", db, site.base_url, env={"CORPUS_BUSY_TIMEOUT": "0.5"})
        for holder in holders:
            holder.join()
        assert len(holders) == 1
        assert proc.returncode == 3, proc.stderr[-3000:]
        line = one_line_error(proc, "Error: crawl unhealthy")
        assert "writes to the corpus failed (database error: database is locked)" in line, line
        # Before: exit 0 "healthy", the lost writes said nowhere.
        assert "not written to the corpus: DiscoveryFetched" in proc.stderr
        site.clear_rules()
        again = hcrawl("backfill", db, site.base_url, "--resume")
    assert again.returncode == 0, again.stderr[-3000:]
    assert sid in stored_ids(db) and len(stored_ids(db)) == 20 and pending(db) == 0


def test_resume_while_the_disk_is_still_full_is_one_line(tmp_path):
    import os
    import resource
    import subprocess
    import sys

    db = tmp_path / "c.db"
    full = {"CORPUS_MAX_DB_BYTES": "500000"}
    with Replica(40, seed=274) as replica:
        first = run_cli("backfill", "--db", str(db), "--base-url", replica.base_url, "--delay",
                        "0", "--no-progress", "--backoff", "0.05", env=full)
        assert first.returncode == 3 and "disk is full" in first.stderr.splitlines()[-1]
        stored = stored_ids(db)

        def disk_full():  # no file may grow: the lock's note, SQLite's files
            resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
        again = subprocess.run(
            [sys.executable, "-m", "scraper.cli", "backfill", "--db", str(db), "--resume",
             "--no-progress"], capture_output=True, text=True, timeout=120,
            preexec_fn=disk_full, env={**os.environ, **full})
    assert again.returncode == 2, again.stderr[-3000:]
    line = one_line_error(again, "Error:")
    assert line.startswith(f"Error: cannot use {db}: ") and line.endswith("(is the disk full?)")
    assert stored_ids(db) == stored and pending(db) > 0  # nothing lost, the rest still owed


def on_a_read_only_mount(folder, command: list[str]):
    """`command` with `folder` mounted read-only at folder/../ro (a private mount
    namespace: nothing outside this process sees it)."""
    import shlex
    import subprocess
    import sys

    mount = folder.parent / "ro"
    mount.mkdir(exist_ok=True)
    cli = shlex.join([sys.executable, "-m", "scraper.cli", *command])
    return subprocess.run(
        ["unshare", "-m", "sh", "-c",
         f"mount --bind -o ro {shlex.quote(str(folder))} {shlex.quote(str(mount))} && {cli}"],
        capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", [["stats"], ["search", "justice"]])
def test_readers_query_a_read_only_copy(tmp_path, command):
    (tmp_path / "src").mkdir()
    db = backfilled(tmp_path / "src", n=10, seed=275)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(db, copy / "c.db")
    before = (copy / "c.db").read_bytes()
    mounted = str(tmp_path / "ro" / "c.db")
    proc = on_a_read_only_mount(copy, [command[0], "--db", mounted, *command[1:]])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr == ""
    assert ("10 speeches" if command == ["stats"] else "1. ") in proc.stdout, proc.stdout
    assert (copy / "c.db").read_bytes() == before and sorted(p.name for p in copy.iterdir()) == \
        ["c.db"]
    writer = on_a_read_only_mount(copy, ["check", "--db", mounted])  # a writer still says why
    assert writer.returncode == 2 and "must be writable" in one_line_error(writer, "Error:")
