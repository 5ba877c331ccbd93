"""Issue 22, cases 1-3: the JSON API, when it is the source asked for, never ends a run
"healthy" over speeches it did not deliver.

Each test runs `backfill --source api` against a hostile server and checks the exit
code, the one line, the API's `fetches` row and the corpus afterwards.
"""

from __future__ import annotations

import json

import pytest

from scraper.replica import Replica
from tests.crawl_support import rows
from tests.hostile import API, Hostile, hcrawl, one_line_error, page, pending, status, \
    stored_ids, stream

pytestmark = pytest.mark.e2e


def api_rows(db) -> list[dict]:
    return rows(db, "SELECT status, reason FROM fetches WHERE outcome = 'discovery'"
                    " AND url LIKE '%/api/v1/speeches.json%' ORDER BY id")


def first_api_page(replica) -> bytes:
    return replica.fetch("/api/v1/speeches.json?pagesize=50&page=0&sort=date&direction=DESC").body


def test_a_truncated_api_page_is_an_unhealthy_run(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=221)
    with Hostile(replica) as site:
        whole = first_api_page(replica)
        assert json.loads(whole)["results"]  # the real page lists speeches
        site.on(API, page(whole[: len(whole) // 2], "application/json"))
        proc = hcrawl("backfill", db, site.base_url, "--source", "api")
    assert proc.returncode == 3, proc.stderr[-3000:]
    line = one_line_error(proc, "crawl unhealthy")
    assert "not JSON" in line, line
    [row] = api_rows(db)
    assert row["status"] == 200 and row["reason"].startswith("api: 0 entries; not JSON"), row
    assert stored_ids(db) == set() and pending(db) == 0


def test_an_api_page_over_the_size_bound_is_an_unhealthy_run(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=222)
    with Hostile(replica) as site:
        site.on(API, stream(3_000_000, head=first_api_page(replica)[:-2],
                            filler=b" ", content_type="application/json", tail=b"]}"))
        proc = hcrawl("backfill", db, site.base_url, "--source", "api",
                      env={"JUSTICE_MAX_PAGE_BYTES": "1000000"})
    assert proc.returncode == 3, proc.stderr[-3000:]
    line = one_line_error(proc, "crawl unhealthy")
    assert "too large" in line, line
    [row] = api_rows(db)
    assert row["reason"].startswith("too large"), row
    assert stored_ids(db) == set()


def test_an_api_404_is_a_failure_when_it_is_the_only_source(tmp_path):
    db = tmp_path / "c.db"
    with Hostile(Replica(20, seed=223)) as site:
        site.on(API, status(404))
        proc = hcrawl("backfill", db, site.base_url, "--source", "api")
    assert proc.returncode == 3, proc.stderr[-3000:]
    line = one_line_error(proc, "crawl unhealthy")
    assert "HTTP 404" in line and "only source" in line, line
    [row] = api_rows(db)
    assert row["status"] == 404 and row["reason"] == "api: 0 entries", row
    assert stored_ids(db) == set()


def test_an_api_404_in_a_full_backfill_is_expected(tmp_path):
    db = tmp_path / "c.db"
    with Hostile(Replica(20, seed=224)) as site:
        site.on(API, status(404))
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert len(stored_ids(db)) == 20 and pending(db) == 0
