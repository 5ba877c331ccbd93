"""Issue 14, "Every page that was not stored is a recorded failure with its reason".

Each test runs the CLI against a hostile server and checks the exit code, the `fetches`
row (outcome and reason) and the corpus afterwards. 1 failed page of 40 is more than the
default --max-failures (2%), so a recorded failure makes the backfill exit 3.
"""

from __future__ import annotations

import json

import pytest

from corpus.urls import canonical_id
from scraper.replica import Replica
from tests.crawl_support import rows
from tests.hostile import (
    API, NOT_ROBOTS, Hostile, failed, hcrawl, one_line_error, page, pending, redirect, rewrite,
    status, stored_ids, stream,
)

pytestmark = pytest.mark.e2e


def current_speech(replica, index=0):
    """A current-site speech (served at /opa/speech/<slug>, no alias redirect)."""
    sid = [s["id"] for s in replica.speeches("live") if s["generation"] == "current"][index]
    return sid, replica.speech(sid)["path"]


def assert_one_failure(proc, db, sid, reason_start, total=40):
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("Error: crawl unhealthy")
    rows_ = failed(db)
    assert [r["speech_id"] for r in rows_] == [sid], rows_
    assert rows_[0]["reason"].startswith(reason_start), rows_[0]["reason"]
    assert pending(db) == 0
    stored = stored_ids(db)
    assert sid not in stored and len(stored) == total - 1


@pytest.mark.parametrize("code", [401, 403, 451, 400, 405])
def test_a_speech_page_answering_a_4xx_is_a_failed_fetch(tmp_path, code):
    replica = Replica(40, seed=31)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        site.on(path, status(code))
        proc = hcrawl("backfill", tmp_path / "c.db", site.base_url)
        assert [e["status"] for e in site.requests() if e["path"] == path] == [code]
    assert_one_failure(proc, tmp_path / "c.db", sid, f"HTTP {code}")


def test_a_redirect_loop_is_a_failed_fetch(tmp_path):
    replica = Replica(40, seed=32)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        site.on(path, redirect(path + "-b")).on(path + "-b", redirect(path))
        proc = hcrawl("backfill", tmp_path / "c.db", site.base_url)
        assert path + "-b" in site.paths()  # the loop was entered
    assert_one_failure(proc, tmp_path / "c.db", sid, "redirect loop")


def test_a_url_over_the_length_limit_is_a_failed_fetch(tmp_path):
    replica = Replica(40, seed=33)
    with Hostile(replica) as site:
        long_url = site.url("/opa/speech/" + "a" * 2100)  # Scrapy's URLLENGTH_LIMIT: 2083
        entry = f"<url><loc>{long_url}</loc><lastmod>2025-01-01</lastmod></url>\n</urlset>"
        first = next(p for p in (f"/sitemaps/speeches-{y}.xml" for y in range(2009, 2026))
                     if replica.fetch(p).status == 200)
        site.on(first, rewrite(lambda body: body.replace(b"</urlset>", entry.encode())))
        proc = hcrawl("backfill", tmp_path / "c.db", site.base_url)
        assert not [p for p in site.paths() if "aaaaaaaaaa" in p]  # never sent
    db = tmp_path / "c.db"
    assert proc.returncode == 3, proc.stderr[-3000:]
    rows_ = failed(db)
    assert [r["speech_id"] for r in rows_] == [canonical_id(long_url)]
    assert rows_[0]["reason"].startswith("URL too long")
    assert pending(db) == 0 and len(stored_ids(db)) == 40


def test_a_page_over_the_default_20_mb_cap_is_too_large(tmp_path):
    replica = Replica(40, seed=34)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        real = replica.fetch(path).body  # the real page first: uncapped, it would be stored
        site.on(path, stream(25_000_000, head=real))
        proc = hcrawl("backfill", tmp_path / "c.db", site.base_url)
    assert_one_failure(proc, tmp_path / "c.db", sid, "too large")


def test_the_page_cap_is_a_setting(tmp_path):
    replica = Replica(40, seed=35)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        site.on(path, stream(2_000_000, head=replica.fetch(path).body))
        proc = hcrawl("backfill", tmp_path / "c.db", site.base_url,
                      env={"JUSTICE_MAX_PAGE_BYTES": "1000000"})
    assert_one_failure(proc, tmp_path / "c.db", sid, "too large")


def blocked_run(mode, db, site, code=403):
    proc = hcrawl(mode, db, site.base_url)
    assert proc.returncode == 3, proc.stderr[-3000:]
    line = one_line_error(proc, "blocked:")
    assert f"HTTP {code}" in line
    return proc


def test_a_cdn_block_exits_3_with_one_line_in_crawl_and_backfill(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(40, seed=36)
    with Hostile(replica) as site:
        assert hcrawl("backfill", db, site.base_url).returncode == 0
        replica.mutate(change=3, add=2)
        site.on(NOT_ROBOTS, status(403))
        site.clear_log()
        blocked_run("crawl", db, site)
        blocked_run("backfill", db, site)
        answers = {e["status"] for e in site.requests() if e["path"] != "/robots.txt"}
        assert answers == {403}
    last = rows(db, "SELECT id FROM crawls ORDER BY id DESC LIMIT 1")[0]["id"]
    discovery = rows(db, "SELECT status, reason FROM fetches WHERE crawl_id = ?"
                         " AND outcome = 'discovery' AND url NOT LIKE '%/robots.txt'", (last,))
    assert discovery and all(r["status"] == 403 and r["reason"].startswith("HTTP 403")
                             for r in discovery), discovery
    # the corpus is as the healthy backfill left it: nothing marked gone, no new version
    assert rows(db, "SELECT count(*) n FROM speeches WHERE status = 'live'")[0]["n"] == 40
    assert rows(db, "SELECT count(*) n FROM speech_versions")[0]["n"] == 40
    assert rows(db, "SELECT exit_status FROM crawls ORDER BY id")[1:] == [
        {"exit_status": 3}, {"exit_status": 3}]


def test_robots_txt_disallowing_every_speech_path_exits_3(tmp_path):
    db = tmp_path / "c.db"
    every = ["/opa/speech/", "/archives/opa/speech/", "/archive/ag/speeches/"]
    with Hostile(Replica(40, seed=37, disallow=every)) as site:
        proc = hcrawl("backfill", db, site.base_url)
        assert not [p for p in site.paths() if any(p.startswith(d) for d in every)]
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert "robots.txt" in proc.stderr.strip().splitlines()[-1]
    assert stored_ids(db) == set() and pending(db) == 0
    outcomes = {r["outcome"] for r in rows(db, "SELECT outcome FROM fetches WHERE speech_id IS NOT NULL")}
    assert outcomes <= {"forbidden"}


def api_page_with_malformed_entries(replica):
    real = json.loads(replica.fetch("/api/v1/speeches.json?pagesize=50&page=0").body)
    valid = real["results"][0]
    bad = [{"url": 12345, "title": ["not", "a", "string"], "date": {"a": 1}, "uuid": [1]},
           {"url": ["/opa/speech/x"], "component": "not a list", "changed": "yesterday"},
           "a string", None]
    real["results"] = [bad[0], valid, *bad[1:]]
    real["metadata"]["resultset"].update(count=5, page=0, pagesize=50)
    return json.dumps(real).encode(), valid


def test_a_malformed_api_page_is_a_recorded_problem_and_its_valid_entry_is_used(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(40, seed=38)
    with Hostile(replica) as site:
        body, valid = api_page_with_malformed_entries(replica)
        site.on(API, page(body, "application/json"))
        proc = hcrawl("backfill", db, site.base_url, "--source", "api")
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("Error: crawl unhealthy")
    assert canonical_id(valid["url"]) in stored_ids(db)
    api_rows = rows(db, "SELECT reason FROM fetches WHERE outcome = 'discovery'"
                        " AND url LIKE '%/api/v1/speeches.json%'")
    assert any("callback error" in (r["reason"] or "") or "malformed" in (r["reason"] or "")
               for r in api_rows), api_rows
    assert pending(db) == 0
