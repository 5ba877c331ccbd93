"""The Wayback building blocks (pure): CDX queries, parsing, playback URLs, choosing
captures, and speeches named by captured listings and sitemaps."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from scraper.replica.site import Site
from scraper.archive.cdx import (Capture, alias_urls, cdx_queries, cdx_query_url, keep_changes,
                             listing_cdx_queries, parse_cdx, parse_listing_capture,
                             plan_fetches, playback_url, timestamp_to_iso, unknown_ids)

HEADER = ["timestamp", "original", "statuscode", "digest", "mimetype"]


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_cdx_query_url_asks_for_200s_collapsed_by_digest():
    url = cdx_query_url("justice.gov/opa/speech/x?y=1", "http://127.0.0.1:9/", limit=50)
    assert url.startswith("http://127.0.0.1:9/cdx/search/cdx?")
    assert _query(url) == {"url": "justice.gov/opa/speech/x?y=1", "output": "json",
                           "filter": "statuscode:200", "collapse": "digest",
                           "fl": "timestamp,original,statuscode,digest,mimetype", "limit": "50"}


def test_cdx_queries_cover_the_archives_prefix_and_usdoj_once_each():
    targets = [_query(u)["url"] for u in cdx_queries("/opa/speech/remarks-x")]
    assert targets == ["justice.gov/opa/speech/remarks-x", "usdoj.gov/opa/speech/remarks-x",
                       "justice.gov/archives/opa/speech/remarks-x"]
    # any alias of the id gives the same queries
    assert cdx_queries("http://www.usdoj.gov/archives/opa/speech/remarks-x/?utm=1") == cdx_queries(
        "/opa/speech/remarks-x")
    static = [_query(u)["url"] for u in cdx_queries("/archive/ag/speeches/2003/a.htm")]
    assert static == ["justice.gov/archive/ag/speeches/2003/a.htm", "usdoj.gov/archive/ag/speeches/2003/a.htm"]
    assert all(u.startswith("https://web.archive.org/cdx/search/cdx?") for u in cdx_queries("/opa/speech/x"))


def test_alias_urls_are_every_scheme_host_and_prefix_form():
    urls = alias_urls("/opa/speech/x")
    assert len(urls) == len(set(urls)) == 16
    assert "http://www.usdoj.gov/archives/opa/speech/x" in urls
    assert "https://justice.gov/opa/speech/x" in urls
    from corpus.urls import canonical_id
    assert {canonical_id(u) for u in urls} == {"/opa/speech/x"}
    assert len(alias_urls("/archive/ag/speeches/2003/a.htm")) == 8


def test_listing_queries_name_the_sitemap_and_listings():
    targets = [_query(u)["url"] for u in listing_cdx_queries("http://127.0.0.1:1")]
    assert "justice.gov/sitemap.xml" in targets and "justice.gov/news/speeches" in targets


def test_playback_url_and_timestamps():
    c = Capture("20170612143005", "https://www.justice.gov/opa/speech/x")
    assert c.playback_url("http://127.0.0.1:5/") == \
        "http://127.0.0.1:5/web/20170612143005id_/https://www.justice.gov/opa/speech/x"
    assert playback_url("20010101000000", "http://usdoj.gov/a") == \
        "https://web.archive.org/web/20010101000000id_/http://usdoj.gov/a"
    assert c.captured_at == "2017-06-12T14:30:05.000000Z"
    assert timestamp_to_iso("19991231235959") == "1999-12-31T23:59:59.000000Z"
    assert c.speech_id == "/opa/speech/x"
    for bad in ("2017", "2017061214300", "20171312000000", "abcdefghijklmn", ""):
        with pytest.raises(ValueError):
            timestamp_to_iso(bad)


def test_parse_cdx_json_with_header_row():
    body = json.dumps([HEADER,
                       ["20150101000000", "https://www.justice.gov/opa/speech/x", "200", "AAA", "text/html"],
                       ["20160101000000", "http://justice.gov/opa/speech/x/", "200", "BBB", "text/html"]]).encode()
    captures, warnings = parse_cdx(body)
    assert warnings == []
    assert captures == [Capture("20150101000000", "https://www.justice.gov/opa/speech/x", "200", "AAA", "text/html"),
                        Capture("20160101000000", "http://justice.gov/opa/speech/x/", "200", "BBB", "text/html")]


def test_parse_cdx_reads_columns_by_header_name_and_skips_bad_rows():
    body = json.dumps([["original", "timestamp", "digest"],
                       ["https://www.justice.gov/a", "20150101000000", "D1"],
                       ["https://www.justice.gov/a", "2015", "D2"],  # bad timestamp
                       ["https://www.justice.gov/a"],  # short row
                       ["https://www.justice.gov/a", "20170101000000", "D3"]]).encode()
    captures, warnings = parse_cdx(body)
    assert [(c.timestamp, c.digest) for c in captures] == [("20150101000000", "D1"), ("20170101000000", "D3")]
    assert warnings == ["cdx-rows-skipped: 2"]


def test_parse_cdx_non_200_rows_are_left_out():
    body = json.dumps([HEADER, ["20150101000000", "https://www.justice.gov/a", "301", "X", "text/html"],
                       ["20150102000000", "https://www.justice.gov/a", "200", "Y", "text/html"]]).encode()
    captures, warnings = parse_cdx(body)
    assert [c.digest for c in captures] == ["Y"] and warnings == ["cdx-rows-skipped: 1"]


@pytest.mark.parametrize("body,expected", [
    (b"", ([], [])),
    (b"[]", ([], [])),
    (json.dumps([HEADER]).encode(), ([], [])),
    (b"[[1, 2", ([], ["cdx-unreadable: bad JSON"])),
    (b'{"error": "x"}', ([], ["cdx-unreadable: not a list of rows"])),
    (b"<html>Rate limited</html>", ([], ["cdx-unreadable: bad JSON"])),
    (json.dumps([["a", "b"], ["1", "2"]]).encode(), ([], ["cdx-unreadable: header lacks timestamp,original"])),
])
def test_parse_cdx_empty_and_broken_answers(body, expected):
    assert parse_cdx(body) == expected


def test_parse_cdx_plain_text_form():
    body = (b"20150101000000 https://www.justice.gov/a 200 AAA text/html\n"
            b"20160101000000 https://www.justice.gov/a 200 BBB text/html\n")
    captures, warnings = parse_cdx(body)
    assert [c.digest for c in captures] == ["AAA", "BBB"] and warnings == []


def test_parse_cdx_is_bounded():
    rows = [HEADER] + [[f"2015010100{i:04d}", "https://www.justice.gov/a", "200", f"D{i}", "text/html"]
                       for i in range(50)]
    captures, warnings = parse_cdx(json.dumps(rows).encode(), max_rows=10)
    assert len(captures) == 10 and captures[-1].digest == "D9"
    assert warnings == ["cdx-truncated: read 10 of 50 rows"]


def test_plan_fetches_merges_aliases_in_time_and_drops_adjacent_duplicates():
    a = [Capture("20150101000000", "https://www.justice.gov/opa/speech/x", digest="A"),
         Capture("20170101000000", "https://www.justice.gov/opa/speech/x", digest="B")]
    b = [Capture("20160101000000", "https://www.justice.gov/archives/opa/speech/x", digest="A"),  # same bytes
         Capture("20180101000000", "https://www.justice.gov/archives/opa/speech/x", digest="A"),  # back to A
         Capture("20170101000000", "http://www.usdoj.gov/opa/speech/x", digest="C")]  # same second as B
    planned = plan_fetches(a, b)
    assert [(c.timestamp, c.digest) for c in planned] == [
        ("20150101000000", "A"), ("20170101000000", "C"), ("20180101000000", "A")]
    assert plan_fetches() == []


def test_keep_changes_keeps_one_entry_per_distinct_content_in_time():
    pairs = [("20180101000000", "h2"), ("20150101000000", "h1"), ("20160101000000", "h1"),
             ("20190101000000", "h2"), ("20200101000000", "h1"), ("20170101000000", None)]
    assert keep_changes(pairs) == [("20150101000000", "h1"), ("20180101000000", "h2"),
                                   ("20200101000000", "h1")]
    assert keep_changes([]) == []
    # extra fields ride along
    assert keep_changes([("20150101000000", "h", "url-a"), ("20160101000000", "h", "url-b")]) == [
        ("20150101000000", "h", "url-a")]


def test_captured_sitemap_index_points_to_sub_sitemaps_and_urlsets_name_speeches():
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://www.justice.gov/sitemap.xml?page=2</loc></sitemap></sitemapindex>")
    assert parse_listing_capture(index, "https://www.justice.gov/sitemap.xml") == (
        [], ["https://www.justice.gov/sitemap.xml?page=2"])
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://www.justice.gov/opa/speech/gone-one</loc><lastmod>2016-01-02</lastmod></url>"
              b"<url><loc>https://www.justice.gov/opa/pr/a-press-release</loc></url></urlset>")
    entries, more = parse_listing_capture(urlset, "https://www.justice.gov/sitemap.xml?page=2")
    assert [(e.url, e.lastmod, e.source) for e in entries] == [
        ("https://www.justice.gov/opa/speech/gone-one", "2016-01-02", "wayback-sitemap")]
    assert more == []


def test_captured_listing_and_archive_index_of_the_replica():
    site = Site(60, seed=3)
    site.base_url = "https://www.justice.gov"
    listing = site.respond("/archives/opa/speeches")
    entries, more = parse_listing_capture(listing.body, "https://www.justice.gov/archives/opa/speeches")
    drupal = [s for s in site._newest_first("drupal7", lambda s: s.generation == "drupal7")]
    assert [e.url for e in entries] == [f"https://www.justice.gov{s.path}" for s in drupal[:25]]
    assert all(e.source == "wayback-listing" and e.date for e in entries)
    assert more == ["https://www.justice.gov/archives/opa/speeches?page=1"]

    archive = [s for s in site.speeches if s.generation == "archive"]
    year = archive[0].date.year
    page = site.respond(f"/archive/ag/speeches/{year}/index.html")
    entries, _ = parse_listing_capture(page.body, f"https://www.justice.gov/archive/ag/speeches/{year}/index.html")
    assert {e.url for e in entries} == {f"https://www.justice.gov{s.path}" for s in archive if s.date.year == year}
    root = site.respond("/archive/ag/speeches/index.html")
    _, years = parse_listing_capture(root.body, "https://www.justice.gov/archive/ag/speeches/index.html")
    assert f"https://www.justice.gov/archive/ag/speeches/{year}/index.html" in years


def test_unknown_ids_are_canonical_and_unique():
    from scraper.discovery.parsers import Entry
    entries = [Entry("https://www.justice.gov/archives/opa/speech/a"), Entry("http://usdoj.gov/opa/speech/a/"),
               Entry("https://www.justice.gov/opa/speech/b"), Entry("https://www.justice.gov/opa/speech/c")]
    assert unknown_ids(entries, {"/opa/speech/b"}) == ["/opa/speech/a", "/opa/speech/c"]
