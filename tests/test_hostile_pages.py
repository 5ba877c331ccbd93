"""Issue 22: speech pages that a misbehaving server or a broken cache answers wrongly.

Each test runs the CLI against a hostile server on loopback and checks the exit code,
the one line, the recorded fetch and the corpus afterwards; no traceback anywhere.
"""

from __future__ import annotations

import pytest

from scraper.replica import Replica
from tests.crawl_support import rows
from tests.hostile import Hostile, failed, hcrawl, one_line_error, pending, status, stored_ids

pytestmark = pytest.mark.e2e


def current_speech(replica, index=0):
    sid = [s["id"] for s in replica.speeches("live") if s["generation"] == "current"][index]
    return sid, replica.speech(sid)["path"]


def test_a_304_to_a_request_without_validators_is_a_failure_not_unchanged(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=241)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        site.on(path, status(304, b" "))  # a broken cache: 304 whatever was asked
        proc = hcrawl("backfill", db, site.base_url)
        asked = [e for e in site.requests() if e["path"] == path]
    assert len(asked) == 2 and not any(e["conditional"] for e in asked)  # one retry, no more
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "304" in one_line_error(proc, "crawl unhealthy")
    [row] = failed(db)
    assert row["speech_id"] == sid and row["status"] == 304, row
    assert row["reason"].startswith("HTTP 304 to a request without validators"), row
    assert not rows(db, "SELECT 1 FROM fetches WHERE outcome = 'not_modified'")
    assert sid not in stored_ids(db) and len(stored_ids(db)) == 19 and pending(db) == 0


def test_a_cache_that_answers_304_once_gets_the_page_on_the_retry(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=242)
    with Hostile(replica) as site:
        sid, path = current_speech(replica)
        answered = []

        def once(handler, target):  # the first answer a stale 304, then the real page
            if answered:
                return handler.delegate(target)
            answered.append(target)
            status(304, b" ")(handler, target)
        site.on(path, once)
        proc = hcrawl("backfill", db, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert not failed(db) and sid in stored_ids(db) and len(stored_ids(db)) == 20
