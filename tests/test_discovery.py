"""Discovery parsers, offline, on the real justice.gov listing pages and API envelope."""

import json

from scraper.discovery.parsers import (
    edited_since,
    is_speech_url,
    lastmod_key,
    parse_api,
    parse_archive_index,
    parse_listing,
    parse_sitemap,
)
from tests.conftest import REAL

BASE = "https://www.justice.gov"


def speech_listing(real_file: str, node_type: str) -> bytes:
    """A real listing page whose rows link to speeches (the OLC listing links to PDFs)."""
    html = (REAL / "listing" / real_file).read_text(encoding="utf-8")
    count = [0]

    def relink(match):
        count[0] += 1
        return f'href="/opa/speech/speech-{count[0]}"'

    import re

    html = re.sub(r'href="[^"]+\.pdf ?"', relink, html)
    return html.replace("node-opinion", node_type).encode("utf-8")


def test_current_listing_rows_dates_and_next_page():
    body = speech_listing("current_olc-opinions_listing_2023.html", "node-speech")
    entries, next_url = parse_listing(body, f"{BASE}/olc/opinions?items_per_page=40")
    assert len(entries) == 10  # the saved page holds 10 rows
    assert entries[0].url == f"{BASE}/opa/speech/speech-1"
    assert all(e.date and e.date[:2] in ("19", "20") for e in entries)
    assert entries[0].date >= entries[-1].date  # newest first
    assert next_url.startswith(f"{BASE}/olc/opinions?") and "page=1" in next_url


def test_drupal7_table_listing():
    body = speech_listing("d7_olc-opinions_listing_2017.html", "node-speech")
    entries, next_url = parse_listing(body, f"{BASE}/olc/opinions")
    assert len(entries) >= 20
    assert entries[0].date and entries[0].url.startswith(f"{BASE}/opa/speech/")


def test_a_listing_of_pdfs_yields_no_speeches():
    body = (REAL / "listing" / "current_olc-opinions_listing_2023.html").read_bytes()
    entries, _ = parse_listing(body, f"{BASE}/olc/opinions")
    assert entries == []


def test_speech_urls():
    assert is_speech_url(f"{BASE}/opa/speech/attorney-general-x")
    assert is_speech_url(f"{BASE}/archives/opa/speech/attorney-general-x")
    assert is_speech_url(f"{BASE}/usao-ndil/speech/x")
    assert is_speech_url(f"{BASE}/archive/ag/speeches/2005/052005agremarksnpr.htm")
    assert not is_speech_url(f"{BASE}/opa/pr/press-release")
    assert not is_speech_url(f"{BASE}/news/speeches?page=2")


def test_api_envelope_of_the_real_api():
    body = (REAL / "api" / "blog_entries_fields-title-created_pagesize10_c2014.json").read_bytes()
    entries, resultset = parse_api(body, f"{BASE}/api/v1/blog_entries.json")
    assert resultset == {"count": 1581, "pagesize": 10, "page": 0, "malformed": 10}
    assert entries == []  # the fields asked for carried no url: each entry is counted


    data = json.loads(body)
    for i, item in enumerate(data["results"]):
        item.update(url=f"/opa/speech/s{i}", uuid=f"u{i}", date=item["created"])
    entries, _ = parse_api(json.dumps(data).encode(), f"{BASE}/api/v1/speeches.json")
    assert [e.url for e in entries][:2] == [f"{BASE}/opa/speech/s0", f"{BASE}/opa/speech/s1"]
    assert entries[0].date == "2011-10-03" and entries[0].uuid == "u0"


def test_api_malformed_entries_are_left_out_and_the_valid_one_kept():
    body = json.dumps({"metadata": {"resultset": {"count": "x", "pagesize": [], "page": 0}},
                       "results": [{"url": 5}, "junk", {"url": "/opa/speech/ok", "uuid": 7,
                                                        "title": ["no"], "component": "x",
                                                        "date": "1638870000"}]}).encode()
    entries, resultset = parse_api(body, f"{BASE}/api/v1/speeches.json")
    assert [e.url for e in entries] == [f"{BASE}/opa/speech/ok"]
    assert entries[0].uuid is None and entries[0].title is None and entries[0].components == []
    assert resultset["malformed"] == 2


def test_api_garbage():
    entries, resultset = parse_api(b"<html>404</html>", BASE)
    assert entries == [] and resultset["unreadable"].startswith("not JSON")
    assert parse_api(b"[1,2]", BASE) == ([], {"unreadable": "a JSON list, not an object"})


def test_sitemap_index_and_urlset():
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             b'sitemap/0.9"><sitemap><loc>https://www.justice.gov/sitemap-1.xml</loc>'
             b"<lastmod>2024-01-02T03:04:05+00:00</lastmod></sitemap></sitemapindex>")
    kind, entries = parse_sitemap(index)
    assert kind == "index" and entries[0].lastmod == "2024-01-02T03:04:05+00:00"
    urlset = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
              b"<loc> https://www.justice.gov/opa/speech/a </loc></url><url><loc>"
              b"https://www.justice.gov/opa/pr/b</loc><lastmod>2020-01-01</lastmod></url></urlset>")
    kind, entries = parse_sitemap(urlset)
    assert kind == "urlset" and [e.url for e in entries] == [
        "https://www.justice.gov/opa/speech/a", "https://www.justice.gov/opa/pr/b"]
    assert parse_sitemap(b"not xml at all") == ("urlset", [])


def test_archive_index_links():
    body = (b'<html><body><a href="2005/052005agremarksnpr.htm">NPR</a>'
            b'<a href="/archive/ag/speeches/2004/index.html">2004</a>'
            b'<a href="/archive/index.html">Home</a></body></html>')
    speeches, indexes = parse_archive_index(body, f"{BASE}/archive/ag/speeches/index.html")
    assert [e.url for e in speeches] == [f"{BASE}/archive/ag/speeches/2005/052005agremarksnpr.htm"]
    assert indexes == [f"{BASE}/archive/ag/speeches/2004/index.html"]


def test_lastmod_key_orders_mixed_forms():
    assert lastmod_key("2024-01-02") < lastmod_key("2024-01-02T00:00:01Z")
    assert lastmod_key("2024-01-02T05:00:00+05:00") == lastmod_key("2024-01-02T00:00:00Z")


def test_an_edit_in_the_second_or_day_of_our_fetch_counts_as_an_edit():
    fetched = "2024-01-02T10:00:05.482113Z"  # corpus moments have microseconds
    assert edited_since("2024-01-02T10:00:05Z", fetched)  # that very second: maybe after
    assert edited_since("2024-01-02T05:00:05-05:00", fetched)  # the same second elsewhere
    assert edited_since("2024-01-02T10:00:06Z", fetched)
    assert not edited_since("2024-01-02T10:00:04Z", fetched)
    assert edited_since("2024-01-02", fetched)  # a day only: any time of it
    assert not edited_since("2024-01-01", fetched)
    assert not edited_since(None, fetched) and not edited_since("", fetched)
    assert edited_since("2024-01-01T00:00:00Z", None)  # never fetched


def test_feed_keeps_speeches_only():
    from scraper.discovery.parsers import parse_feed

    feed = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Justice News</title>'
            b"<item><title>A speech</title><link>https://www.justice.gov/opa/speech/a</link>"
            b"<pubDate>Sun, 27 Apr 2025 16:54:31 GMT</pubDate></item>"
            b"<item><title>A press release</title><link>https://www.justice.gov/opa/pr/b</link>"
            b"</item></channel></rss>")
    entries = parse_feed(feed, "https://www.justice.gov/feeds/opa/justice-news.xml")
    assert [(e.url, e.date, e.source) for e in entries] == [
        ("https://www.justice.gov/opa/speech/a", "2025-04-27", "feed")]
    assert parse_feed(b"<html>gone</html>", "https://www.justice.gov/x") == []
