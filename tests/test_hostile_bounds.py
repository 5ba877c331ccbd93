"""Issue 14, "Bounded work, whatever the site sends" (docs/design.md#d13-bounds): sitemaps over
50,000 URLs or 50 MB, .xml.gz sitemaps and a gzip bomb, an API whose `count` lies or whose
pages repeat, a robots.txt that drips, Crawl-delay above AutoThrottle's cap, and
`extract` on an endless input. Past a bound: a failed fetch or a warning, never a hang."""

from __future__ import annotations

import json
import math
import re
import resource
import subprocess
import sys
import time

import pytest

from corpus.urls import canonical_id
from scraper.replica import Replica
from tests.crawl_support import rows
from tests.hostile import (
    API, Hostile, gzip_bytes, hcrawl, page, pending, query_value, set_query, sitemap_index,
    sitemap_locs, stored_ids, stream, stream_gzip, urlset,
)

pytestmark = pytest.mark.e2e
XML = "application/xml"


def discovery_reasons(db, fragment):
    return [r["reason"] or "" for r in rows(
        db, "SELECT reason FROM fetches WHERE outcome = 'discovery' AND url LIKE ?",
        (f"%{fragment}%",))]


def two_speeches(replica, site):
    """Two current speeches' URLs: one inside a bound, one past it."""
    ids = [s["id"] for s in replica.speeches("live") if s["generation"] == "current"][:2]
    return [site.url(replica.speech(i)["path"]) for i in ids]


def test_a_sitemap_over_50000_urls_is_cut_there_with_a_warning(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=51)
    with Hostile(replica) as site:
        inside, past = two_speeches(replica, site)
        entries = [(site.url(f"/news/item-{i}"), "2025-01-01") for i in range(49_999)]
        body = urlset(entries + [(inside, "2025-01-01"), (past, "2025-01-01")])
        site.on("/sitemap.xml", page(sitemap_index([site.url("/sitemaps/huge.xml")]), XML))
        site.on("/sitemaps/huge.xml", page(body, XML))
        proc = hcrawl("backfill", db, site.base_url, "--source", "sitemap")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert stored_ids(db) == {canonical_id(inside)}
    assert canonical_id(past) not in {r["speech_id"] for r in rows(db, "SELECT speech_id FROM frontier")}
    assert any(re.search(r"50[,.]?000", r) for r in discovery_reasons(db, "huge.xml")), \
        discovery_reasons(db, "huge.xml")


def test_a_sitemap_over_50_mb_is_not_read_past_the_cap(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(20, seed=52)
    with Hostile(replica) as site:
        inside, past = two_speeches(replica, site)
        head = urlset([(inside, "2025-01-01")]).replace(b"</urlset>\n", b"")
        tail = urlset([(past, "2025-01-01")]).split(b"<url>", 1)[1]
        site.on("/sitemap.xml", page(sitemap_index([site.url("/sitemaps/big.xml")]), XML))
        # The protocol's 50 MB is 52,428,800 bytes (sitemaps.org): go past it.
        site.on("/sitemaps/big.xml", stream(53_000_000, head=head, filler=b" " * 63 + b"\n",
                                            content_type=XML, tail=b"<url>" + tail))
        proc = hcrawl("backfill", db, site.base_url, "--source", "sitemap")
    assert proc.returncode in (0, 3), proc.stderr[-3000:]  # a warning, or a failed source
    assert "Traceback" not in proc.stderr
    assert canonical_id(past) not in stored_ids(db)
    assert canonical_id(past) not in {r["speech_id"] for r in rows(db, "SELECT speech_id FROM frontier")}
    reasons = discovery_reasons(db, "big.xml")
    assert any(re.search(r"too large|50 ?MB|cut|cap", r) for r in reasons), reasons
    assert pending(db) == 0


def test_a_gzipped_sitemap_is_read(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(30, seed=53)
    with Hostile(replica) as site:
        locs = sitemap_locs(replica)
        site.on("/sitemap.xml", page(sitemap_index([site.url("/sitemaps/speeches.xml.gz")]), XML))
        site.on("/sitemaps/speeches.xml.gz", page(gzip_bytes(urlset(locs)), "application/x-gzip"))
        proc = hcrawl("backfill", db, site.base_url, "--source", "sitemap")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert stored_ids(db) == {canonical_id(loc) for loc, _ in locs} and len(locs) > 10


def test_a_gzip_bomb_sitemap_stops_at_the_decompression_cap(tmp_path):
    db = tmp_path / "c.db"
    replica = Replica(30, seed=54)
    with Hostile(replica) as site:
        locs = sitemap_locs(replica)
        past = locs.pop()[0]  # listed only after 300 MB of blanks
        tail = urlset([(past, "2025-01-01")]).split(b"<url>", 1)[1]
        bomb = lambda: [urlset([]).replace(b"</urlset>\n", b"")] + [b" " * (1 << 20)] * 300 + [  # noqa: E731
            b"<url>" + tail]
        site.on("/sitemap.xml", page(sitemap_index(
            [site.url("/sitemaps/speeches.xml.gz"), site.url("/sitemaps/bomb.xml.gz")]), XML))
        site.on("/sitemaps/speeches.xml.gz", page(gzip_bytes(urlset(locs)), "application/x-gzip"))
        site.on("/sitemaps/bomb.xml.gz", stream_gzip(bomb))
        proc = hcrawl("backfill", db, site.base_url, "--source", "sitemap", timeout=120)
        assert "/sitemaps/bomb.xml.gz" in site.paths()
    assert proc.returncode in (0, 3), proc.stderr[-3000:]  # a warning, or a failed source
    assert "Traceback" not in proc.stderr
    assert stored_ids(db) == {canonical_id(loc) for loc, _ in locs}
    reasons = discovery_reasons(db, "bomb.xml.gz")
    assert any(re.search(r"too large|50 ?MB|cap|decompress", r) for r in reasons), reasons


def api_requests(site):
    return [e["path"] for e in site.requests() if e["path"].startswith("/api/")]


def lying_api(*, pagesize: int, repeat_from: int):
    """API pages whose count says a million, that echo the page number asked for, and
    whose pages past `repeat_from` all hold that page's entries again (as a Drupal view
    clamps an out-of-range page)."""
    def act(handler, target):
        asked = int(query_value(target, "page", "0"))

        def lie(raw):
            data = json.loads(raw)
            data["metadata"]["resultset"].update(count=1_000_000, page=asked)
            return json.dumps(data).encode()
        handler.delegate(set_query(target, pagesize=pagesize, page=min(asked, repeat_from)), lie)
    return act


def api_total(replica) -> int:
    data = json.loads(replica.fetch("/api/v1/speeches.json?pagesize=5&page=0").body)
    return int(data["metadata"]["resultset"]["count"])


def api_listed(replica, pages: int) -> set[str]:
    """Ids on the first `pages` pages of 5, in the spider's order."""
    found = set()
    for n in range(pages):
        data = json.loads(replica.fetch(
            f"/api/v1/speeches.json?pagesize=5&page={n}&sort=date&direction=DESC").body)
        found |= {canonical_id(r["url"]) for r in data["results"]}
    return found


@pytest.mark.parametrize("case", ["page ignored", "count lies"])
def test_api_paging_stops_at_a_repeated_page(tmp_path, case):
    db = tmp_path / "c.db"
    replica = Replica(40, seed=55)
    with Hostile(replica) as site:
        real_pages = math.ceil(api_total(replica) / 5)
        repeat_from = 0 if case == "page ignored" else real_pages - 1
        site.on(API, lying_api(pagesize=5, repeat_from=repeat_from))
        started = time.monotonic()
        proc = hcrawl("backfill", db, site.base_url, "--source", "api", timeout=45)
        assert time.monotonic() - started < 40
        asked = api_requests(site)
    assert len(asked) <= repeat_from + 2, f"{len(asked)} API pages asked"
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected = api_listed(replica, repeat_from + 1)
    assert len(expected) == 5 * repeat_from + min(5, api_total(replica) - 5 * repeat_from)
    assert expected <= stored_ids(db)
    assert any("repeat" in r.lower() for r in discovery_reasons(db, "/api/")), \
        discovery_reasons(db, "/api/")


def test_a_robots_txt_that_drips_is_cut_by_a_total_deadline(tmp_path):
    from tests.hostile import drip

    db = tmp_path / "c.db"
    with Hostile(Replica(10, seed=56)) as site:
        site.on("/robots.txt", drip(b"User-agent: *\nDisallow: /admin/\n" * 4, every=2.0))
        started = time.monotonic()
        proc = hcrawl("crawl", db, site.base_url, env={"JUSTICE_ROBOTS_DEADLINE": "3"},
                      timeout=40)
        took = time.monotonic() - started
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert took < 25, f"took {took:.0f} s"
    assert "Traceback" not in proc.stderr
    assert "robots.txt" in proc.stderr.strip().splitlines()[-1]
    crawl = rows(db, "SELECT finished, exit_status FROM crawls")
    assert len(crawl) == 1 and crawl[0]["finished"] and crawl[0]["exit_status"] == 3


def test_crawl_delay_above_autothrottles_cap_is_honoured():
    from scraper.crawl.run import CrawlOptions, build_settings

    opts = CrawlOptions(mode="crawl", delay=0.0)
    settings = build_settings(opts, "User-agent: *\nCrawl-delay: 120\n", 120.0, None)
    assert settings.getfloat("DOWNLOAD_DELAY") >= 120
    assert settings.getfloat("AUTOTHROTTLE_MAX_DELAY") >= 120
    assert settings.getfloat("AUTOTHROTTLE_START_DELAY") >= 120


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a runaway read fails fast


def extract_cli(source, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", "extract", source], stdin=stdin,
        capture_output=True, timeout=60, preexec_fn=_limit_memory,
    )


def test_extract_on_dev_zero_stops_at_the_cap_with_one_line():
    proc = extract_cli("/dev/zero")
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err[-2000:]
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_extract_of_30_mb_on_stdin_stops_at_the_cap_with_one_line(tmp_path):
    replica = Replica(10, seed=57)
    real = replica.fetch(replica.speech(replica.ids()[-1])["path"]).body
    big = tmp_path / "big.html"
    with open(big, "wb") as fh:
        fh.write(real)
        pad = b"<!-- padding -->\n" * 4096
        while fh.tell() < 30_000_000:
            fh.write(pad)
    with open(big, "rb") as stdin:
        proc = extract_cli("-", stdin=stdin)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err[-2000:]
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert proc.stdout == b""
