"""`backfill --source wayback` end to end: a replica backfill, then the local Wayback's
captures through the CLI (a subprocess), judged against the Wayback's ground truth."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from corpus.errors import CrawlUnhealthy
from corpus.record import content_hash
from scraper.replica import Replica
from scraper.replica.wayback import LocalWayback
from tests.crawl_support import crawl, rows, run_cli

CONTACT = "wayback-test@example.org"


def wayback(db, wb, *extra, delay="0"):
    return run_cli("backfill", "--db", str(db), "--source", "wayback", "--wayback-url",
                   wb.base_url, "--wayback-delay", delay, "--no-progress", "--backoff", "0.05",
                   *extra)


def kept(db) -> dict[str, list[tuple[str, str]]]:
    """speech id -> [(captured_at, content_hash)] of the captures the corpus kept."""
    out: dict[str, list] = {}
    for r in rows(db, "SELECT speech_id, captured_at, content_hash FROM captures"
                      " ORDER BY speech_id, captured_at"):
        out.setdefault(r["speech_id"], []).append((r["captured_at"], r["content_hash"]))
    return out


def expected(wb) -> dict[str, list[tuple[str, str]]]:
    ids = {c.speech_id for c in wb.captures() if c.speech_id}
    return {sid: [(at, content_hash(gold)) for at, gold in wb.expected(sid)] for sid in ids}


def last_stats(db) -> dict:
    return json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0]["stats"])


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """A replica backfilled, then its Wayback history backfilled (delay 0)."""
    db = tmp_path_factory.mktemp("wayback") / "corpus.db"
    replica = Replica(60, seed=11)
    with LocalWayback(replica, edited=10, removed=5, seed=11) as wb, replica:
        assert crawl("backfill", db, replica.base_url).returncode == 0
        versions = rows(db, "SELECT speech_id, version, content_hash FROM speech_versions"
                            " ORDER BY 1, 2")
        asked_before = len(wb.requests())
        proc = wayback(db, wb, "--contact", CONTACT)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        yield {"db": db, "wb": wb, "replica": replica, "versions": versions, "proc": proc,
               "requests": wb.requests()[asked_before:]}


def test_every_distinct_capture_is_kept_at_its_capture_time(archived):
    wb, db = archived["wb"], archived["db"]
    truth = expected(wb)
    assert sum(len(v) for v in truth.values()) > len(truth)  # edits exist to be found
    edited = [sid for sid in wb.edited if len({h for _, h in truth[sid]}) > 1]
    assert len(edited) == len(wb.edited)
    assert kept(db) == truth


def test_removed_speeches_are_gone_speeches_known_from_the_archive(archived):
    wb, db = archived["wb"], archived["db"]
    found = {r["id"]: r for r in rows(db, "SELECT * FROM speeches WHERE source = 'archive'")}
    assert sorted(found) == wb.removed
    for sid, row in found.items():
        at, gold = wb.expected(sid)[-1]  # the record is that of the latest distinct capture
        assert (row["status"], row["version"], row["title"]) == ("gone", 0, gold["title"])
        assert row["content_hash"] == content_hash(gold)
        assert row["gone_since"] and not rows(
            db, "SELECT 1 FROM speech_versions WHERE speech_id = ?", (sid,))


def test_captures_never_renumber_our_versions(archived):
    db = archived["db"]
    assert rows(db, "SELECT speech_id, version, content_hash FROM speech_versions"
                    " ORDER BY 1, 2") == archived["versions"]
    assert not rows(db, "SELECT id FROM speeches WHERE source = 'crawl' AND version != 1")


def test_requests_are_counted_per_speech_one_at_a_time_with_contact(archived):
    db, asked = archived["db"], archived["requests"]
    stats = last_stats(db)
    speeches = rows(db, "SELECT count(*) AS n FROM speeches WHERE source = 'crawl'")[0]["n"]
    assert stats["speeches"] == speeches
    assert stats["requests"] == len(asked)  # robots.txt included
    assert stats["requests_per_speech"] == round(len(asked) / speeches, 2)
    assert "requests per speech" in archived["proc"].stdout
    assert all(CONTACT in r["user_agent"] for r in asked)
    assert asked[0]["path"] == "/robots.txt"  # the archive's own robots.txt
    assert all(r["path"].startswith(("/cdx/search/cdx?", "/web/")) for r in asked[1:])


def test_check_passes_and_a_second_run_adds_nothing(archived):
    db, wb = archived["db"], archived["wb"]
    assert run_cli("check", "--db", str(db)).returncode == 0
    before = kept(db)
    proc = wayback(db, wb)
    assert proc.returncode == 0, proc.stderr
    assert kept(db) == before
    assert last_stats(db)["captures"].get("new", 0) == 0
    assert run_cli("check", "--db", str(db)).returncode == 0


def test_history_shows_archive_captures_and_versions_on_one_timeline(archived):
    db, wb = archived["db"], archived["wb"]
    sid = wb.edited[0]
    proc = run_cli("history", "--db", str(db), sid, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    timeline = json.loads(proc.stdout)["timeline"]
    moments = [e["moment"] for e in timeline]
    assert moments == sorted(moments)
    assert [(e["moment"], e["content_hash"]) for e in timeline if e["source"] == "archive"] == \
        expected(wb)[sid]
    ours = [e for e in timeline if e["source"] == "crawl"]
    assert [e["version"] for e in ours] == [1]
    assert any(e["changes"] for e in timeline if e["source"] == "archive")
    text = run_cli("history", "--db", str(db), sid).stdout
    assert "[archive] capture" in text and "[crawl]   version 1" in text


def test_wayback_runs_on_its_own(tmp_path):
    proc = run_cli("backfill", "--db", str(tmp_path / "c.db"), "--source", "wayback",
                   "--source", "sitemap", "--wayback-url", "http://127.0.0.1:9")
    assert proc.returncode == 2
    assert "--source wayback runs on its own" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_429_with_retry_after_is_honoured(tmp_path):
    db = tmp_path / "corpus.db"
    replica = Replica(10, seed=12)
    with LocalWayback(replica, edited=2, removed=0, seed=12) as wb, replica:
        assert crawl("backfill", db, replica.base_url).returncode == 0
        start = len(wb.requests())
        wb.throttle(times=2, retry_after="1", path="/cdx/")
        proc = wayback(db, wb)
        assert proc.returncode == 0, proc.stderr
        asked = wb.requests()[start:]
        throttled = [i for i, r in enumerate(asked) if r["status"] == 429]
        assert len(throttled) == 2
        for i in throttled:  # the archive is left alone for Retry-After, then asked again
            assert asked[i + 1]["time"] - asked[i]["time"] >= 0.95
            assert any(r["path"] == asked[i]["path"] and r["status"] == 200
                       for r in asked[i + 1:])
        stats = last_stats(db)
        assert stats["retry_after_honoured"] == 2 and stats["retry_wait_seconds"] >= 2
        assert kept(db) == expected(wb)


def test_a_429_to_the_archives_robots_txt_is_waited_out_not_read_as_no_rules():
    from scraper.archive.run import _archive_robots

    with LocalWayback(Replica(4, seed=14), edited=1, removed=0, seed=14) as wb:
        wb.throttle(times=2, retry_after="1", path="/robots.txt")
        robots = _archive_robots(wb.base_url, "test-agent", cap=5)
        asked = wb.requests()
        assert robots.status == 404 and [r["status"] for r in asked] == [429, 429, 404]
        assert asked[1]["time"] - asked[0]["time"] >= 0.95
        assert asked[2]["time"] - asked[1]["time"] >= 0.95
        wb.throttle(times=3, retry_after="0", path="/robots.txt")
        with pytest.raises(CrawlUnhealthy, match="429"):
            _archive_robots(wb.base_url, "test-agent", cap=5)


def test_kill_9_then_resume_finishes_the_same_history(tmp_path):
    db = tmp_path / "corpus.db"
    replica = Replica(24, seed=13)
    with LocalWayback(replica, edited=6, removed=3, seed=13) as wb, replica:
        assert crawl("backfill", db, replica.base_url).returncode == 0
        child = subprocess.Popen(
            [sys.executable, "-m", "scraper.cli", "backfill", "--db", str(db), "--source",
             "wayback", "--wayback-url", wb.base_url, "--wayback-delay", "0.03",
             "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and _count(db, "captures") < 6:
                time.sleep(0.1)
            os.kill(child.pid, signal.SIGKILL)
            child.wait(10)
        finally:
            if child.poll() is None:
                child.kill()
        partial = _count(db, "captures")
        assert partial >= 6 and kept(db) != expected(wb)  # killed midway
        proc = run_cli("backfill", "--db", str(db), "--resume", "--no-progress")
        assert proc.returncode == 0, proc.stderr + proc.stdout
        assert "resuming backfill" in proc.stdout
        assert kept(db) == expected(wb)
        assert sorted(r["id"] for r in rows(db, "SELECT id FROM speeches WHERE source = 'archive'")
                      ) == wb.removed
        assert not rows(db, "SELECT 1 FROM frontier WHERE state = 'pending'")
        assert run_cli("check", "--db", str(db)).returncode == 0


def _count(db, table) -> int:
    try:
        return rows(db, f"SELECT count(*) AS n FROM {table}")[0]["n"]
    except Exception:  # noqa: BLE001 - the table may not exist yet, or be locked a moment
        return 0


def test_report_and_release_carry_the_archive_timeline(archived, tmp_path):
    db, wb = archived["db"], archived["wb"]
    changes = sum(len(v) - 1 for v in expected(wb).values())
    assert run_cli("report", "--db", str(db), "--out", str(tmp_path / "r.html")).returncode == 0
    html = (tmp_path / "r.html").read_text()
    assert "Changes seen in the Internet Archive" in html
    assert html.count('data-source="archive"') == min(changes, 20)  # --changed default
    proc = run_cli("release", "--db", str(db), "--out", str(tmp_path / "rel"), "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "rel" / "captures.jsonl").read_text().splitlines()
    assert len(lines) == sum(len(v) for v in expected(wb).values())
    assert {json.loads(line)["speech_id"] for line in lines} == set(expected(wb))
    package = json.loads((tmp_path / "rel" / "datapackage.json").read_text())
    resource = {r["name"]: r for r in package["resources"]}["captures"]
    names = [f["name"] for f in resource["schema"]["fields"]]
    assert names[:4] == ["speech_id", "captured_at", "archive_url", "url"]
    assert {"title", "paragraphs", "content_hash"} <= set(names)
    assert resource["schema"]["primaryKey"] == ["speech_id", "captured_at"]


def test_check_finds_a_capture_that_does_not_match_its_hash(archived, tmp_path):
    import shutil
    import sqlite3

    db = tmp_path / "copy.db"
    shutil.copy(archived["db"], db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE captures SET title = 'tampered' WHERE rowid = (SELECT min(rowid)"
                 " FROM captures)")
    conn.commit()
    conn.close()
    proc = run_cli("check", "--db", str(db))
    assert proc.returncode == 2 and "content_hash does not match content" in proc.stdout
