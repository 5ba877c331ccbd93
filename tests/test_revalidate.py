"""Issue 21 part 1: the scheduled crawl's revalidation budget (--revalidate N) finds an
edit the sitemap never announces within ceil(live / N) runs, at N requests a run."""

from __future__ import annotations

import json
import math

import pytest

from scraper.crawl import defaults
from scraper.replica import Replica
from tests.crawl_support import crawl, rows

pytestmark = pytest.mark.e2e

SPEECHES = 30
BUDGET = 10


def speech_requests(replica) -> list[dict]:
    return [r for r in replica.requests() if r["kind"] == "speech"]


def last_stats(db) -> dict:
    return json.loads(rows(db, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")[0]["stats"])


def test_a_silent_edit_is_found_within_the_budgets_runs(tmp_path):
    db = tmp_path / "corpus.db"
    with Replica(SPEECHES, seed=21) as replica:
        proc = crawl("backfill", db, replica.base_url)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        live = rows(db, "SELECT count(*) n FROM speeches WHERE status = 'live'")[0]["n"]
        assert live == SPEECHES

        # Without a budget, an unchanged corpus asks for no speech page...
        replica.clear_log()
        assert crawl("crawl", db, replica.base_url, "--revalidate", "0").returncode == 0
        base = replica.requests()
        assert [r for r in base if r["kind"] == "speech"] == []
        # ...with one, exactly N more requests, every one a 304 that makes no version.
        replica.clear_log()
        assert crawl("crawl", db, replica.base_url, "--revalidate", str(BUDGET)).returncode == 0
        assert len(replica.requests()) == len(base) + BUDGET
        assert [r["status"] for r in speech_requests(replica)] == [304] * BUDGET
        assert last_stats(db)["revalidated"] == {"requested": BUDGET, "not_modified": BUDGET}
        assert rows(db, "SELECT count(*) n FROM speech_versions")[0]["n"] == SPEECHES

        # The edit lands on the speech next in line last (fetched most recently), and
        # leaves the sitemap's lastmod and the page's Last-Modified as they were.
        last = rows(db, "SELECT id FROM speeches ORDER BY last_seen DESC, id DESC LIMIT 1")[0]["id"]
        sitemap_before = replica.site.sitemap_index().body
        replica.mutate(silent=[last])
        assert replica.site.sitemap_index().body == sitemap_before

        found_in = None
        for run in range(1, math.ceil(live / BUDGET) + 1):
            replica.clear_log()
            proc = crawl("crawl", db, replica.base_url, "--revalidate", str(BUDGET))
            assert proc.returncode == 0, proc.stderr
            assert "revalidated" in proc.stdout
            assert len(speech_requests(replica)) == BUDGET
            version = rows(db, "SELECT version FROM speeches WHERE id = ?", (last,))[0]["version"]
            if version == 2:
                found_in = run
                assert last_stats(db)["revalidated"].get("changed") == 1
                break
        assert found_in is not None, "the silent edit was never found"
        assert found_in <= math.ceil(live / BUDGET)


def test_the_default_budget_is_defined_once():
    from scraper.cli.crawl import crawl_command
    from scraper.crawl.run import CrawlOptions

    option = next(p for p in crawl_command.params if p.name == "revalidate")
    assert option.default == defaults.REVALIDATE == CrawlOptions(mode="crawl").revalidate


def test_pages_that_fail_or_are_forbidden_do_not_hold_the_rotation(tmp_path):
    """A page robots.txt now forbids, or one that keeps failing, is never stored again
    (last_seen stays): its attempt still moves it back, so every live speech is asked
    within ceil(live / N) runs."""
    db = tmp_path / "corpus.db"
    with Replica(SPEECHES, seed=21) as replica:
        assert crawl("backfill", db, replica.base_url).returncode == 0
        live = {r["id"]: r["url"] for r in rows(db, "SELECT id, url FROM speeches")}
        replica.configure(disallow=("/archive/",))  # the static archive's speeches
        for r in rows(db, "SELECT url FROM speeches WHERE id LIKE '/opa/speech/%' LIMIT 3"):
            replica.fail("/" + r["url"].split("/", 3)[3], "500", times=100)
        asked: set[str] = set()
        for _ in range(math.ceil(len(live) / BUDGET)):
            replica.clear_log()
            proc = crawl("crawl", db, replica.base_url, "--revalidate", str(BUDGET),
                         "--max-failures", "1")
            assert proc.returncode == 0, proc.stderr
            stats = last_stats(db)["revalidated"]
            assert stats["requested"] == BUDGET
            asked |= {r["speech_id"] for r in rows(
                db, "SELECT speech_id FROM fetches WHERE crawl_id = (SELECT max(id) FROM crawls)"
                    " AND outcome IN ('not_modified', 'failed', 'forbidden')")}
        assert asked == set(live)
        forbidden = rows(db, "SELECT count(*) n FROM fetches WHERE outcome = 'forbidden'")[0]["n"]
        assert forbidden and any(i.startswith("/archive/") for i in asked)
