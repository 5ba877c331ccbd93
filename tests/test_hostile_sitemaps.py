"""Issue 22, cases 5 and 11: sitemaps that lie or attack.

An entity loop ("billion laughs") in a sitemap's DOCTYPE loses no entry and is said;
lastmods in the future are ignored with a warning instead of making every scheduled
crawl re-fetch every speech.
"""

from __future__ import annotations

import pytest

from corpus.urls import canonical_id
from scraper.discovery.parsers import is_speech_url, parse_sitemap
from scraper.replica import Replica
from tests.crawl_support import rows
from tests.hostile import SPEECH, Hostile, hcrawl, page, pending, sitemap_index, sitemap_locs, \
    stored_ids, urlset

pytestmark = pytest.mark.e2e

XML = "application/xml"
LAUGHS = "".join(f'<!ENTITY lol{n} "{("&lol%d;" % (n - 1)) * 10}">\n' for n in range(1, 10))
DOCTYPE = f'<!DOCTYPE urlset [\n<!ENTITY lol0 "lol">\n{LAUGHS}]>\n'


def with_laughs(entries) -> bytes:
    """A urlset whose second entry's <loc> holds the loop's last entity."""
    body = urlset(entries).decode()
    body = body.replace("?>\n", "?>\n" + DOCTYPE, 1)
    second = entries[1][0]
    return body.replace(f"<loc>{second}</loc>", f"<loc>{second}&lol9;</loc>").encode()


def discovery_reasons(db, part: str) -> list[str]:
    return [r["reason"] or "" for r in rows(
        db, "SELECT reason FROM fetches WHERE outcome = 'discovery' AND url LIKE ?",
        (f"%{part}%",))]


def test_an_entity_loop_loses_no_plain_entry_and_is_said():
    entries = [(f"http://h/opa/speech/s-{n}", "2025-01-01") for n in range(3)]
    notes = []
    kind, found = parse_sitemap(with_laughs(entries), warnings=notes)
    urls = [e.url for e in found if is_speech_url(e.url)]
    assert kind == "urlset" and "http://h/opa/speech/s-0" in urls and \
        "http://h/opa/speech/s-2" in urls, urls
    assert notes == ["a DOCTYPE (entity declarations) was ignored"]


def test_a_sitemap_with_an_entity_loop_is_read_whole_in_a_backfill(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=261)
    with Hostile(replica) as site:
        locs = sitemap_locs(replica)[:3]
        site.on("/sitemap.xml", page(sitemap_index([site.url("/sitemaps/laughs.xml")]), XML))
        site.on("/sitemaps/laughs.xml", page(with_laughs(locs), XML))
        proc = hcrawl("backfill", db, site.base_url, "--source", "sitemap")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert "DOCTYPE" in proc.stderr  # the warning is logged, counted in the summary...
    assert "warning: sitemap-doctype" in proc.stdout
    [reason] = discovery_reasons(db, "laughs.xml")  # ...and recorded with the fetch
    assert reason == "sitemap-urlset: 3 entries; a DOCTYPE (entity declarations) was ignored"
    # The first and third entries are plain: both stored (the second's URL was altered).
    assert {canonical_id(locs[0][0]), canonical_id(locs[2][0])} <= stored_ids(db)
    assert pending(db) == 0


def test_future_lastmods_are_ignored_with_a_warning_not_refetched_each_crawl(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=262)
    with Hostile(replica) as site:
        locs = [(loc, "2099-01-01T00:00:00Z") for loc, _ in sitemap_locs(replica)]
        index = sitemap_index([site.url("/sitemaps/future.xml")]).replace(b"2026-", b"2099-")
        site.on("/sitemap.xml", page(index, XML))
        site.on("/sitemaps/future.xml", page(urlset(locs), XML))
        assert hcrawl("backfill", db, site.base_url).returncode == 0
        site.clear_log()
        # No revalidation budget: its conditional GETs would refetch the oldest on purpose.
        proc = hcrawl("crawl", db, site.base_url, "--revalidate", "0")
        refetched = [e["path"] for e in site.requests() if SPEECH(e["path"])]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert refetched == []  # before: every one of the 20, at every crawl
    assert "sitemap-future-lastmod" in proc.stdout
    assert "1 lastmods in the future ignored" in discovery_reasons(db, "/sitemap.xml")[-1]
    reasons = discovery_reasons(db, "future.xml")
    assert reasons[-1] == f"sitemap-urlset: {len(locs)} entries;" \
                          f" {len(locs)} lastmods in the future ignored", reasons
    assert len(stored_ids(db)) == 20
