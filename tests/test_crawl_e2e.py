"""End-to-end: the CLI (real Scrapy engine, real HTTP on loopback) against the replica.

The acceptance checks of the crawl issue, numbered as there.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from scraper.crawl.defaults import REVALIDATE
from scraper.replica import Replica
from tests.conftest import REAL
from tests.crawl_support import corpus_vs_gold, crawl, rows, start_backfill

pytestmark = pytest.mark.e2e


def speech_requests(replica):
    return [r for r in replica.requests() if r["kind"] == "speech"]


def test_1_2_3_backfill_crawl_and_changes(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(300, seed=11) as replica:
        # 1. A backfill of a 300-speech replica spanning the three generations.
        proc = crawl("backfill", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        gold = list(replica.gold_records())
        assert {g["generation"] for g in gold} == {"current", "drupal7", "archive"}
        assert rows(db, "SELECT count(*) n FROM speeches")[0]["n"] == 300
        assert corpus_vs_gold(db, gold) == []
        assert rows(db, "SELECT count(*) n FROM speech_versions")[0]["n"] == 300

        # 2. An immediate scheduled crawl: no new versions, at most 10 requests plus the
        # revalidation budget (--revalidate, every one a 304).
        replica.clear_log()
        proc = crawl("crawl", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr
        assert len(replica.requests()) <= 10 + REVALIDATE
        assert rows(db, "SELECT count(*) n FROM speech_versions")[0]["n"] == 300
        assert [r["status"] for r in speech_requests(replica)] == [304] * REVALIDATE

        # 3. Change 3, remove 2, add 4: crawl (the additions), then backfill (the rest).
        mutation = replica.mutate(change=3, remove=2, add=4)
        proc = crawl("crawl", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr
        new = {r["id"] for r in rows(db, "SELECT id FROM speeches")} - {
            g["url"].removeprefix("https://www.justice.gov") for g in gold}
        assert new == set(mutation["added"])
        proc = crawl("backfill", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr

        by_id = {r["id"]: r for r in rows(db, "SELECT id, status, version FROM speeches")}
        assert len(by_id) == 304
        assert sorted(i for i, r in by_id.items() if r["version"] == 2) == sorted(mutation["changed"])
        assert sorted(i for i, r in by_id.items() if r["status"] == "gone") == sorted(mutation["removed"])
        assert all(by_id[i]["version"] == 1 and by_id[i]["status"] == "live"
                   for i in mutation["added"])
        assert corpus_vs_gold(db, list(replica.gold_records())) == []
        # the old versions are kept
        assert rows(db, "SELECT count(*) n FROM speech_versions")[0]["n"] == 307


def test_4_faults_are_retried_and_the_backfill_completes(tmp_path):
    db = tmp_path / "corpus.db"
    faults = {"rate": 0.2, "kinds": ("500", "429"), "max_per_url": 2, "retry_after": 1,
              "retry_after_form": "mixed", "seed": 4}
    with Replica(300, seed=12, faults=faults) as replica:
        proc = crawl("backfill", db, replica.base_url, timeout=400)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        faulted = [r for r in replica.requests() if r.get("fault") in ("500", "429")]
        assert len(faulted) > 40  # about 20% of ~340 requests
        assert corpus_vs_gold(db, list(replica.gold_records())) == []
        assert rows(db, "SELECT count(*) n FROM speech_versions")[0]["n"] == 300
        stats = rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0]["stats"]
        stats = json.loads(stats)
        assert stats["retries"] == len(faulted)  # every failure was retried, and counted
        assert stats["failed"] == 0
        assert stats["retry_after_honoured"] > 0


def test_4b_a_page_that_keeps_failing_is_recorded_and_the_crawl_goes_on(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(40, seed=13) as replica:
        victim = replica.ids()[5]
        replica.fail(replica.speech(victim)["path"], "500", times=99)
        proc = crawl("backfill", db, replica.base_url, "--max-failures", "0.05")
        assert proc.returncode == 0, proc.stderr
        failed = rows(db, "SELECT url, reason FROM fetches WHERE outcome = 'failed'")
        assert len(failed) == 1 and "HTTP 500" in failed[0]["reason"]
        assert rows(db, "SELECT count(*) n FROM speeches")[0]["n"] == 39

        proc = crawl("backfill", db, replica.base_url)  # default 2%: 1 of 40 is too many
        assert proc.returncode == 3
        assert proc.stderr.strip().splitlines()[-1].startswith("Error: crawl unhealthy: 1 of")


def test_5_kill_half_way_then_resume(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(300, seed=14) as replica:
        proc = start_backfill(db, replica.base_url, delay="0.03")
        try:
            deadline = time.monotonic() + 120
            done = 0
            while time.monotonic() < deadline and done < 120:
                time.sleep(0.2)
                if db.exists():
                    try:
                        done = rows(db, "SELECT count(*) n FROM frontier WHERE state='done'")[0]["n"]
                    except Exception:  # the schema may not exist yet
                        done = 0
            assert proc.poll() is None, "the backfill ended before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(30)
        assert 0 < rows(db, "SELECT count(*) n FROM speeches")[0]["n"] < 300
        assert rows(db, "SELECT finished FROM crawls")[0]["finished"] is None

        replica.clear_log()
        resumed = crawl("backfill", db, replica.base_url, "--resume")
        assert resumed.returncode == 0, resumed.stderr
        assert "resuming backfill #1" in resumed.stdout
        assert corpus_vs_gold(db, list(replica.gold_records())) == []
        assert rows(db, "SELECT count(*) n FROM speech_versions")[0]["n"] == 300
        assert rows(db, "SELECT count(*) n FROM crawls")[0]["n"] == 1
        # pages already stored before the kill were not fetched again as new
        assert rows(db, "SELECT count(*) n FROM fetches WHERE outcome='new'")[0]["n"] == 300
        fetched = [r["path"] for r in speech_requests(replica)]
        assert len(fetched) < 300


def test_6_robots_disallowed_path_gets_not_one_request(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(120, seed=15, disallow=["/archive/"]) as replica:
        proc = crawl("backfill", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr
        paths = [r["path"] for r in replica.requests()]
        assert not [p for p in paths if p.startswith("/archive/")]
        # the real rules forbid listing pagination: not one ?page= outside the API
        assert not [p for p in paths if "page=" in p and not p.startswith("/api/")]
        stored = {r["generation"] for r in rows(db, "SELECT generation FROM speeches")}
        assert "archive" not in stored and {"current", "drupal7"} <= stored


def test_crawl_delay_and_user_agent(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(4, seed=16, crawl_delay=0.5) as replica:
        proc = crawl("backfill", db, replica.base_url, "--contact", "me@example.org",
                     "--source", "sitemap")
        assert proc.returncode == 0, proc.stderr
        log = replica.requests()
        starts = [r["time"] for r in log]
        gaps = [b - a for a, b in zip(starts[1:], starts[2:])]  # after robots.txt
        assert gaps and min(gaps) >= 0.45
        assert all("me@example.org" in r["user_agent"] and "doj-speeches/" in r["user_agent"]
                   for r in log)


def test_a_second_crawl_on_the_same_database_exits_75(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(150, seed=17) as replica:
        first = start_backfill(db, replica.base_url)
        try:
            deadline = time.monotonic() + 60
            while not replica.requests() and time.monotonic() < deadline:
                time.sleep(0.1)
            second = crawl("crawl", db, replica.base_url, timeout=60)
            assert second.returncode == 75
            line = second.stderr.strip().splitlines()
            assert len(line) == 1 and f"pid {first.pid}" in line[0]
        finally:
            first.kill()
            first.wait(30)


class _LayoutChanged(http.server.BaseHTTPRequestHandler):
    """A site whose /news/speeches no longer has speech rows (the real OLC listing)."""

    listing = (REAL / "listing" / "current_olc-opinions_listing_2023.html").read_bytes()

    def do_GET(self):
        body, status = {"/robots.txt": (b"User-agent: *\nDisallow: /*?page=\n", 200),
                        "/news/speeches": (self.listing, 200)}.get(self.path, (b"", 404))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_listing_that_yields_nothing_fails_the_run_loudly(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LayoutChanged)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        proc = crawl("crawl", tmp_path / "c.db", base)
        assert proc.returncode == 3
        last = proc.stderr.strip().splitlines()[-1]
        assert "yielded no speeches" in last and "Traceback" not in proc.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_bad_arguments_are_one_line_and_exit_2(tmp_path):
    proc = crawl("backfill", tmp_path / "c.db", "http://127.0.0.1:9", "--since", "2021-13-01")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "Error: bad --since date: '2021-13-01' (expected YYYY-MM-DD)"
    proc = crawl("backfill", tmp_path / "c.db", "http://127.0.0.1:9", "--resume")
    assert proc.returncode == 2 and "no unfinished backfill" in proc.stderr


def test_a_gap_on_the_first_listing_page_falls_back_to_the_sitemap(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(120, seed=18, api=False) as replica:  # the API answers 404, as reported
        assert crawl("backfill", db, replica.base_url).returncode == 0
        added = replica.mutate(add=30, generations=["current"])["added"]
        proc = crawl("crawl", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr
        assert "there may be a gap" in proc.stderr
        stored = {r["id"] for r in rows(db, "SELECT id FROM speeches")}
        assert set(added) <= stored and len(stored) == 150


def test_speech_pages_robots_forbids_are_not_failures(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(60, seed=19, disallow=["/opa/speech/"]) as replica:
        proc = crawl("backfill", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr
        assert not [r for r in replica.requests() if r["path"].startswith("/opa/speech/")]
        assert rows(db, "SELECT count(*) n FROM fetches WHERE outcome='failed'")[0]["n"] == 0
        gens = {r["generation"] for r in rows(db, "SELECT generation FROM speeches")}
        assert "current" not in gens and "archive" in gens


def test_progress_line_and_summary(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(40, seed=20) as replica:
        proc = crawl("backfill", db, replica.base_url, "--progress", "--delay", "0.05")
        assert proc.returncode == 0, proc.stderr
        lines = proc.stderr.splitlines()  # (text mode reads the live line's \r as a newline)
        assert lines[-1].startswith("pages 40 of 40, ETA 00:00 | new 40 changed 0")
        assert len([line for line in lines if line.startswith("pages ")]) >= 3
        assert not [line for line in lines if "[scrapy" in line]  # Scrapy's INFO is not ours
        assert "backfill #1 healthy:" in proc.stdout
        assert "  new                   40" in proc.stdout.replace("  warning", "\n")
        stats = json.loads(rows(db, "SELECT stats FROM crawls")[0]["stats"])
        assert stats["new"] == 40 and stats["requests"] == len(replica.requests())


def test_a_killed_crawl_leaves_no_writer_process_behind(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(200, seed=21) as replica:
        proc = start_backfill(db, replica.base_url)
        try:
            deadline = time.monotonic() + 60
            children = []
            while time.monotonic() < deadline and not children:
                time.sleep(0.2)
                children = _children(proc.pid)
            assert children, "no writer process seen"
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.2)
        assert not [pid for pid in children if _alive(pid)]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_writer_that_dies_makes_the_run_unhealthy_not_silent(tmp_path):
    """Kill the writer process mid-backfill: the crawl must not report success."""
    db = tmp_path / "corpus.db"
    with Replica(150, seed=22) as replica:
        proc = start_backfill(db, replica.base_url, output=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            writer = None
            while time.monotonic() < deadline and writer is None:
                time.sleep(0.2)
                writer = next((pid for pid in _children(proc.pid)
                               if b"spawn_main" in open(f"/proc/{pid}/cmdline", "rb").read()), None)
            assert writer, "no writer process seen"
            time.sleep(1)
            os.kill(writer, signal.SIGKILL)
            asked = len(replica.requests())
            out, err = proc.communicate(timeout=120)
        finally:
            proc.kill()
        assert proc.returncode == 3, err
        assert "corpus writer process ended" in err
        assert "Error: crawl unhealthy" in err.strip().splitlines()[-1]
        # It stopped at once (a few requests in flight, not the rest of the backfill)...
        assert len(replica.requests()) - asked <= 20
        # ...and what it could not store is resumed, not lost.
        resumed = crawl("backfill", db, replica.base_url, "--resume")
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        assert corpus_vs_gold(db, replica.gold_records()) == []
