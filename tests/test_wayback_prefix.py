"""Issue 21 part 2: the archive backfill on CDX prefix queries costs the distinct captures
it fetches plus the CDX pages, in the paged mode and by resumption key."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from scraper.archive import prefix
from scraper.replica import Replica
from scraper.replica.wayback import LocalWayback
from tests.crawl_support import crawl, rows
from tests.test_wayback_backfill import expected, kept, last_stats, wayback

PAGE_ROWS = 25  # small pages, so each prefix takes several


def prefix_rows(wb, target: str) -> int:
    """Rows the local Wayback holds under one prefix, before filters (what it pages)."""
    return sum(len(c) for k, c in wb._by_key.items() if k.startswith(target))


@pytest.mark.parametrize("paged", [True, False], ids=["paged", "resume-key"])
def test_requests_are_the_captures_plus_the_cdx_pages(tmp_path, paged):
    db = tmp_path / "corpus.db"
    replica = Replica(40, seed=33)
    with LocalWayback(replica, edited=6, removed=3, seed=33, page_rows=PAGE_ROWS,
                      paged=paged) as wb, replica:
        assert crawl("backfill", db, replica.base_url).returncode == 0
        start = len(wb.requests())
        proc = wayback(db, wb)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        asked = wb.requests()[start:]
        cdx = [r for r in asked if r["path"].startswith("/cdx/")]
        captures = [r for r in asked if r["path"].startswith("/web/")]
        assert len(asked) == 1 + len(cdx) + len(captures)  # robots.txt, CDX pages, captures
        # Each capture fetched once, and the history is whole.
        assert len({r["path"] for r in captures}) == len(captures)
        assert kept(db) == expected(wb)
        stats = last_stats(db)
        assert sum(stats["captures"].values()) == len(captures) \
            == stats["captures_planned"] - stats["captures_skipped"]
        assert stats["captures_skipped"] > 0  # URL forms of one speech with the same bytes
        assert stats["cdx_queries"] == len(cdx)
        assert stats["removed_found"] == len(wb.removed)
        if paged:  # per prefix: showNumPages, then each page
            pages = {t: -(-prefix_rows(wb, t) // PAGE_ROWS) for t in prefix.SPEECH_PREFIXES}
            assert sum(pages.values()) > len(pages)  # several pages somewhere
            assert len(cdx) == sum(1 + n for n in pages.values())
        else:  # showNumPages answered 400; then one answer per RESUME_ROWS rows
            queries = [parse_qs(urlsplit(r["path"]).query) for r in cdx]
            assert [r["status"] for r in cdx if "showNumPages" in queries[cdx.index(r)]] == \
                [400] * len(prefix.SPEECH_PREFIXES)
            resumed = [q for q in queries if "showResumeKey" in q]
            assert len(resumed) == len(prefix.SPEECH_PREFIXES)  # each fits in one answer
        # Fewer requests than the per-speech lookups (2-3 CDX queries a speech) made.
        speeches = rows(db, "SELECT count(*) n FROM speeches WHERE source = 'crawl'")[0]["n"]
        assert len(cdx) < speeches


def test_resumption_keys_page_through_a_prefix(tmp_path, monkeypatch):
    """A resumption key continues exactly after the last row: no row lost or repeated."""
    from scraper.archive.cdx import parse_cdx
    from tests.test_replica_wayback import get

    replica = Replica(30, seed=32)
    with LocalWayback(replica, edited=4, removed=0, seed=32, paged=False) as wb:
        target = "justice.gov/opa/speech/"
        monkeypatch.setattr(prefix, "RESUME_ROWS", 7)
        seen, key, answers = [], None, 0
        while True:
            status, _, body = get(prefix.resume_url(target, key, wb.base_url))
            assert status == 200
            body, key = prefix.split_resume_key(body)
            seen += parse_cdx(body)[0]
            answers += 1
            if not key:
                break
        everything = parse_cdx(get(prefix.page_url(target, 0, wb.base_url)
                                   .replace("&page=0", ""))[2])[0]
        assert answers > 2 and seen == everything
