"""Issue 14, "Stops, restarts and faults" (the cases a server can drive): Ctrl-C exits 130
and --resume continues; --resume restores every argument of the run; `demo` never writes
into a corpus of another site."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.replica import Replica
from tests.conftest import EVAL
from tests.crawl_support import corpus_vs_gold, rows, run_cli
from tests.hostile import Hostile, failed, hcrawl, pending

pytestmark = pytest.mark.e2e


def background(db, base_url, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "backfill", "--db", str(db), "--base-url", base_url,
         "--no-progress", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_done(db, proc, at_least: int, limit: float = 60) -> None:
    """Until the backfill has `at_least` frontier items done (it must still run then)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            if rows(db, "SELECT count(*) n FROM frontier WHERE state = 'done'")[0]["n"] >= at_least:
                break
        except Exception:  # the schema may not exist yet
            pass
    assert proc.poll() is None, "the backfill ended before it could be interrupted"


def test_ctrl_c_exits_130_quietly_and_resume_finishes(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(150, seed=61)
    with Hostile(replica) as site:
        proc = background(db, site.base_url, "--delay", "0.03", "--backoff", "0.05")
        try:
            wait_done(db, proc, 30)
            os.kill(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
        assert proc.returncode == 130, out[-2000:] + err[-2000:]
        assert "Traceback" not in err and "Traceback" not in out
        assert failed(db) == []  # the pages in flight are not failures
        assert 0 < len(rows(db, "SELECT id FROM speeches")) < 150
        resumed = hcrawl("backfill", db, site.base_url, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming backfill #1" in resumed.stdout
    assert corpus_vs_gold(db, list(replica.gold_records())) == []
    assert rows(db, "SELECT count(*) n FROM crawls")[0]["n"] == 1 and pending(db) == 0


RUN_ARGS = ["--delay", "0.03", "--contact", "resume@example.org", "--ignore-robots",
            "--max-failures", "0.5", "--backoff", "0.05", "--source", "sitemap",
            "--since", "2010-01-01", "--until", "2022-12-31"]


def test_resume_restores_every_argument_of_the_run(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(150, seed=62, disallow=["/sitemaps/"])  # only --ignore-robots reads them
    with Hostile(replica) as site:
        proc = background(db, site.base_url, *RUN_ARGS)
        try:
            wait_done(db, proc, 10)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(30)
        site.clear_log()
        started = time.monotonic()
        resumed = run_cli("backfill", "--db", str(db), "--resume", "--no-progress", timeout=60)
        took = time.monotonic() - started
        log = site.requests()
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    args = json.loads(rows(db, "SELECT args FROM crawls")[0]["args"])
    assert {k: args.get(k) for k in ("delay", "contact", "ignore_robots", "max_failures",
                                     "sources", "since", "until")} == {
        "delay": 0.03, "contact": "resume@example.org", "ignore_robots": True,
        "max_failures": 0.5, "sources": ["sitemap"], "since": "2010-01-01", "until": "2022-12-31"}
    assert took < 30, f"resume took {took:.0f} s: was the delay of 0.03 s restored?"
    assert log and all("resume@example.org" in (e["user_agent"] or "") for e in log)
    assert any(e["path"].startswith("/sitemaps/") for e in log)  # robots.txt ignored again
    assert not [e["path"] for e in log if e["path"].startswith(("/news/", "/api/", "/archive/ag"))]
    in_range = [g for g in replica.gold_records() if "2010-01-01" <= g["date"] <= "2022-12-31"]
    assert corpus_vs_gold(db, in_range) == [] and pending(db) == 0
    # A sitemap does not tell a speech's date: pages outside --since/--until are fetched
    # to learn it, and kept (the range filters discovery where the source says the date).
    assert len(rows(db, "SELECT id FROM speeches")) >= len(in_range)


def fingerprint(db: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(db.parent.glob(db.name + "*")) if not p.name.endswith(".lock")}


def imported_corpus(db: Path) -> None:
    proc = run_cli("import-pages", "--db", str(db), str(EVAL / "current-lynch-aba-2015.html"))
    assert proc.returncode == 0, proc.stderr


def crawled_corpus(db: Path) -> None:
    with Hostile(Replica(10, seed=63), host="127.0.0.2") as other:
        proc = hcrawl("backfill", db, other.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize("make", [imported_corpus, crawled_corpus], ids=["imported", "crawled"])
def test_demo_refuses_a_corpus_of_another_site(tmp_path, make):
    db = tmp_path / "corpus.db"
    make(db)
    # Read first: closing this (read-write) connection may checkpoint the WAL itself.
    speeches = rows(db, "SELECT id, version FROM speeches ORDER BY id")
    before = fingerprint(db)
    proc = run_cli("demo", "--db", str(db), "--speeches", "10", "--no-progress",
                   "--report", str(tmp_path / "report.html"), timeout=120)
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert fingerprint(db) == before
    assert rows(db, "SELECT id, version FROM speeches ORDER BY id") == speeches
    assert not (tmp_path / "report.html").exists()
