"""The local justice.gov replica: pages, discovery surfaces, HTTP behaviour, faults,
mutations, gold records (and the gold against the extractor)."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import json
import re
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import lxml.html
import pytest
from click.testing import CliRunner
from protego import Protego

from corpus.extract import extract
from corpus.urls import canonical_id
from scraper.replica import Faults, Replica, ReplicaClient, ReplicaProcess
from scraper.replica.site import Site, load_chrome

from .conftest import EVAL

GOLD_KEYS = set(json.loads((EVAL / "current-lynch-aba-2015.expected.json").read_text("utf-8")))
DELIVERIES = {None, "Remarks as prepared for delivery", "Remarks as Delivered",
              "Testimony as prepared for delivery", "Prepared Remarks"}


@pytest.fixture(scope="module")
def replica():
    with Replica(300, seed=1) as r:
        yield r


def get(replica, path, method="GET", headers=None):
    """(status, headers, body) without following redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def doc(body: bytes):
    return lxml.html.document_fromstring(body)


def first(replica, generation, **want):
    for s in replica.site.speeches:
        if s.generation == generation and not s.gone and all(getattr(s, k) == v for k, v in want.items()):
            return s
    raise LookupError(generation)


def all_pages(replica, path, next_xpath):
    """Every row link of a paginated listing, following its next-page link."""
    links, url = [], path
    for _ in range(1000):
        status, _, body = get(replica, url)
        assert status == 200
        page = doc(body)
        links += page.xpath("//div[contains(@class,'views-row')]//h2/a/@href | //td[contains(@class,'views-field-title')]/a/@href")
        nxt = page.xpath(next_xpath)
        if not nxt:
            return links
        url = nxt[0] if nxt[0].startswith("/") else path + nxt[0]
    raise AssertionError("pagination does not end")


# --------------------------------------------------------------------- templates


def test_templates_are_the_real_chrome():
    """Each chrome file, filled with a fixture's own values, gives the fixture back."""
    from urllib.parse import quote

    from scraper.replica.site import Template

    src = (EVAL / "current-garland-component-heads-2022.html").read_text("utf-8")
    title = "Attorney General Merrick B. Garland Delivers Remarks at Meeting with Justice Department Component Heads"
    article = src[src.index("<article"):src.index("</article>") + len("</article>")]
    assert Template(load_chrome("current.html")).render(
        MAIN=article, TITLE=title, CONTENT_TYPE="speech",
        HEAD_TITLE=f"Office of Public Affairs | {title} | United States Department of Justice",
        CANONICAL="https://www.justice.gov/opa/speech/attorney-general-merrick-b-garland-delivers-remarks-meeting-justice-department-component",
    ) == src

    src = (EVAL / "drupal7-lynch-white-house-2016.html").read_text("utf-8")
    title = "Attorney General Loretta E. Lynch Delivers Opening Remarks at White House Conversation on Criminal Justice Reform"
    main = src[src.index('<h1 id="node-title">'):src.index("</article>") + len("</article>")]
    assert Template(load_chrome("drupal7.html")).render(
        MAIN=main, TITLE=title, TITLE_Q=quote(title), HEAD_TITLE=f"{title} | OPA | Department of Justice",
        CANONICAL="https://www.justice.gov/opa/speech/attorney-general-loretta-e-lynch-delivers-opening-remarks-white-house-conversation",
    ) == src

    src = (EVAL / "archive-gonzales-usattorneys-2005.html").read_text("ascii")
    start = src.index("<tr><td>\n<p align") + len("<tr><td>\n")
    main = src[start:src.index("</td></tr></table>\n<hr>")]
    title = "Prepared Remarks of Attorney General Alberto R. Gonzales at the United States Attorneys' Conference"
    assert Template(load_chrome("archive.html")).render(MAIN=main, TITLE=title) == src


# --------------------------------------------------------------------- generation


def test_speeches_span_three_generations_and_are_deterministic():
    a, b, c = Site(300, seed=1), Site(300, seed=1), Site(300, seed=2)
    gens = {s.generation for s in a.speeches}
    assert gens == {"current", "drupal7", "archive"}
    assert a.speeches[0].date.year == 2001 and a.speeches[-1].date.year == 2025
    assert all(x.date <= y.date for x, y in zip(a.speeches, a.speeches[1:]))
    assert [s.cid for s in a.speeches] == [s.cid for s in b.speeches]
    assert a.gold(a.speeches[123].cid) == b.gold(b.speeches[123].cid)
    assert a.respond(a.speeches[200].path).body == b.respond(b.speeches[200].path).body
    assert [s.cid for s in a.speeches] != [s.cid for s in c.speeches]
    assert len({s.cid for s in a.speeches}) == 300
    # even ten speeches show every generation
    assert {s.generation for s in Site(10, seed=5).speeches} == {"current", "drupal7", "archive"}


def test_fifty_thousand_speeches_take_seconds():
    started = time.perf_counter()
    site = Site(50_000, seed=3)
    assert time.perf_counter() - started < 15
    assert len(site.by_cid) == 50_000


# --------------------------------------------------------------------- speech pages


def test_speech_pages_of_each_generation(replica):
    current = first(replica, "current")
    status, headers, body = get(replica, current.path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=UTF-8"
    page = doc(body)
    assert page.xpath("//body/@data-content-type") == ["speech"]
    assert page.xpath("//article[@class='content-type-speech']//h1//span[@class='field-formatter--string']/text()") == [current.title()]
    assert page.xpath("//div[@class='node-date']/time/@datetime")[0].startswith(current.date.isoformat())
    assert page.xpath("//link[@rel='canonical']/@href") == [replica.gold(current.cid)["url"]]
    assert page.xpath("//footer[contains(@class,'usa-footer')]")

    d7 = first(replica, "drupal7")
    status, headers, body = get(replica, d7.path)
    assert status == 200 and d7.path.startswith("/archives/opa/speech/")
    page = doc(body)
    assert page.xpath("//h1[@id='node-title']/text()") == [d7.title()]
    assert page.xpath("//article[contains(@class,'node--speech')]//div[contains(@class,'field--name-field-pr-body')]")
    assert page.xpath("//span[@class='date-display-single']/@content")[0].startswith(d7.date.isoformat())
    assert b"Was this page helpful?" in body and b'<div class="node__updated">Updated ' in body

    old = first(replica, "archive")
    status, headers, body = get(replica, old.path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert re.fullmatch(r"/archive/ag/speeches/200\d/\d{6}[a-z0-9]+\.htm", old.path)
    assert body.startswith(b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">')
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">' in body


def test_current_pages_carry_real_variants():
    site = Site(1000, seed=2)
    bodies = [site.respond(s.path).body for s in site.speeches if s.generation == "current"]
    for marker in (b"node-attachments", b"<figcaption>", b"<iframe", b"<blockquote>", b"<br>\n<br>\n",
                   b"<p>&nbsp;</p>", b"###", b"&nbsp; ", b'class="WordSection1"', b"<p><em>Remarks as"):
        assert any(marker in body for body in bodies), marker


def test_archive_pages_are_windows_1252(replica):
    pages = [get(replica, s.path)[2] for s in replica.site.speeches if s.generation == "archive"]
    joined = b"".join(pages)
    for byte in (b"\x92", b"\x93", b"\x94", b"\x96"):  # ’ “ ” –
        assert byte in joined
    assert b"\xe2\x80" not in joined  # no UTF-8 punctuation
    text = joined.decode("cp1252")
    assert "’" in text and "(Note: The Attorney General Often Deviates" in text
    assert '<p align="center"><b>' in text and "###" in text


def test_archive_index_lists_every_archive_speech(replica):
    status, headers, body = get(replica, "/archive/ag/speeches/index.html")
    assert status == 200 and headers["Content-Type"].endswith("iso-8859-1")
    years = doc(body).xpath("//a[contains(@href,'/index.html') and not(starts-with(@href,'/'))]/@href")
    assert years == [f"{y}/index.html" for y in range(2001, 2009)]
    found = set()
    for year in years:
        status, _, body = get(replica, "/archive/ag/speeches/" + year)
        assert status == 200
        found |= {f"/archive/ag/speeches/{year[:4]}/{href}" for href in doc(body).xpath("//p/a/@href")}
    assert found == {s.path for s in replica.site.speeches if s.generation == "archive"}
    assert get(replica, "/archive/ag/speeches/")[0] == 200
    assert get(replica, "/archive/ag/speeches/1999/index.html")[0] == 404


# --------------------------------------------------------------------- gold records


def test_gold_records_follow_the_cleaning_rules(replica):
    records = list(replica.gold_records())
    assert len(records) == 300
    for gold in records:
        assert set(gold) == GOLD_KEYS
        assert gold["url"] == "https://www.justice.gov" + canonical_id(gold["url"])
        assert not gold["url"].startswith("https://www.justice.gov/archives/")
        dt.date.fromisoformat(gold["date"])
        assert gold["delivery"] in DELIVERIES
        assert gold["paragraphs"] and gold["text"] == "\n\n".join(gold["paragraphs"])
        for p in gold["paragraphs"] + [gold["title"]]:
            assert p and p == p.strip() and "  " not in p and "\n" not in p and "\xa0" not in p
            assert p != "###" and not p.startswith("(Note:") and p not in DELIVERIES
        if gold["generation"] == "archive":
            assert gold["components"] == gold["topics"] == [] and gold["updated"] is None
            assert len(gold["speakers"]) == 1 and gold["speakers"][0] in gold["title"]
            assert gold["delivery"] == ("Prepared Remarks" if gold["title"].startswith("Prepared Remarks of") else None)
        else:
            assert gold["updated"] >= gold["date"] and gold["components"]


def extractor_mismatches(replica, ids):
    mismatches = []
    for cid in ids:
        response = replica.fetch(replica.site.speech(cid).path)
        charset = response.headers["Content-Type"].split("charset=")[1]
        got = extract(response.body, replica.url(cid), encoding=charset).to_dict()
        gold = replica.gold(cid)
        assert canonical_id(got["url"]) == canonical_id(gold["url"])
        for key in GOLD_KEYS - {"url"}:
            if got[key] != gold[key]:
                mismatches.append((cid, key, gold[key], got[key]))
    return mismatches


def test_gold_equals_the_extractor_on_every_page(replica):
    """The generator's truth and corpus.extract agree on every field of 300 pages."""
    assert extractor_mismatches(replica, replica.ids()) == []


def test_edits_never_put_text_after_the_end_mark():
    site = Site(600, seed=1)
    for s in site.speeches:
        for s.edits in range(1, 4):
            kinds = [b[0] for b in site.blocks(s)]
            if "endmark" in kinds:
                assert kinds[-1] == "endmark", (s.cid, kinds)


def test_gold_equals_the_extractor_after_mutations():
    replica = Replica(300, seed=12)  # not started: fetch() renders without HTTP
    edited = set()
    for round_ in range(4):  # up to four edits of a speech: text and title changes
        result = replica.mutate(change=40, chrome=10, add=3, seed=round_, generations=None)
        edited |= set(result["changed"]) | set(result["chrome"]) | set(result["added"])
        replica.mutate(change=result["changed"][:20])
    assert max(s.edits for s in replica.site.speeches) >= 3
    assert extractor_mismatches(replica, sorted(edited)) == []


# --------------------------------------------------------------------- HTTP behaviour


def test_conditional_get_head_and_404(replica):
    s = first(replica, "current")
    status, headers, body = get(replica, s.path)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert email.utils.parsedate_to_datetime(last_modified).timestamp() == s.changed
    status, headers304, body304 = get(replica, s.path, headers={"If-None-Match": etag})
    assert status == 304 and body304 == b"" and headers304["ETag"] == etag
    assert get(replica, s.path, headers={"If-Modified-Since": last_modified})[0] == 304
    assert get(replica, s.path, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified})[0] == 200
    earlier = email.utils.formatdate(s.changed - 10, usegmt=True)
    assert get(replica, s.path, headers={"If-Modified-Since": earlier})[0] == 200
    status, head_headers, head_body = get(replica, s.path, method="HEAD")
    assert status == 200 and head_body == b"" and head_headers["Content-Length"] == str(len(body))
    for path in ("/robots.txt", "/sitemap.xml", "/news/speeches", "/api/v1/speeches.json", "/archive/ag/speeches/index.html"):
        status, headers, _ = get(replica, path)
        assert status == 200 and headers["ETag"] and headers["Last-Modified"]
        assert "charset" in headers["Content-Type"] or headers["Content-Type"] == "application/json"
        assert get(replica, path, headers={"If-None-Match": headers["ETag"]})[0] == 304
    status, headers, body = get(replica, "/no/such/page")
    assert status == 404 and b"Page Not Found" in body and b"usa-footer" in body


def test_redirects_to_the_canonical_page(replica):
    d7, cur = first(replica, "drupal7"), first(replica, "current")
    cases = {
        d7.cid: d7.path,  # /opa/speech/<slug> -> /archives/opa/speech/<slug>
        d7.path + "/": d7.path,
        cur.path + "/": cur.path,
        cur.path + "?utm_source=twitter": cur.path,
        "/archives" + cur.path: cur.path,
    }
    for alias, target in cases.items():
        status, headers, _ = get(replica, alias)
        assert (status, headers["Location"]) == (301, replica.base_url + target), alias
    with urllib.request.urlopen(replica.base_url + d7.cid) as response:
        assert response.url == replica.base_url + d7.path and response.status == 200


def test_aliases_appear_on_listings():
    with Replica(120, seed=4, aliases=6) as r:
        aliased = [s for s in r.site.speeches if s.alias]
        assert len(aliased) == 6
        links = set(all_pages(r, "/archives/opa/speeches", "//li[contains(@class,'pager__item--next')]/a/@href"))
        links |= set(all_pages(r, "/news/speeches", "(//a[contains(@class,'usa-pagination__next-page')])[1]/@href"))
        for s in aliased:
            assert s.alias in links and s.path not in links
            status, headers, _ = get(r, s.alias)
            assert status == 301 and headers["Location"] == r.base_url + s.path


def test_robots_txt(replica):
    status, headers, body = get(replica, "/robots.txt")
    text = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert "Crawl-delay" not in text
    assert f"Sitemap: {replica.base_url}/sitemap.xml" in text
    robots = Protego.parse(text)
    b = replica.base_url
    assert not robots.can_fetch(b + "/news/speeches?page=1", "doj-speeches")
    assert not robots.can_fetch(b + "/news/speeches?f%5B0%5D=speech_date%3A2024", "doj-speeches")
    assert robots.can_fetch(b + "/api/v1/speeches.json?page=1", "doj-speeches")
    assert robots.can_fetch(b + "/news/speeches", "doj-speeches")
    assert robots.can_fetch(b + "/sitemap.xml", "doj-speeches")
    with Replica(20, crawl_delay=10, disallow=("/archive/",)) as r:
        robots = Protego.parse(get(r, "/robots.txt")[2].decode())
        assert robots.crawl_delay("doj-speeches") == 10
        assert not robots.can_fetch(r.base_url + "/archive/ag/speeches/index.html", "doj-speeches")
        r.configure(crawl_delay=None, disallow=())
        assert "Crawl-delay" not in get(r, "/robots.txt")[2].decode()


# --------------------------------------------------------------------- discovery surfaces


def test_current_listing(replica):
    status, _, body = get(replica, "/news/speeches")
    page = doc(body)
    rows = page.xpath("//div[contains(@class,'views-row')]/article[contains(@class,'news-content-listing') and contains(@class,'node-speech')]")
    assert status == 200 and len(rows) == 25
    assert b"Speeches published before January 20, 2025 can be found in the" in body
    dates = [r.xpath(".//div[@class='node-date']/time/@datetime")[0] for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert page.xpath("//nav[@class='usa-pagination']//a[contains(@class,'usa-pagination__next-page')]/@href")[0] == "?page=1"
    assert page.xpath("//a[contains(@href,'?f%5B0%5D=')]/@rel") and page.xpath("//div[@class='results-count']")
    links = all_pages(replica, "/news/speeches", "(//a[contains(@class,'usa-pagination__next-page')])[1]/@href")
    current = [s for s in replica.site.speeches if s.generation == "current"]
    assert links == [s.path for s in sorted(current, key=lambda s: (s.date, s.index), reverse=True)]
    last = (len(current) - 1) // 25
    assert not doc(get(replica, f"/news/speeches?page={last}")[2]).xpath("//a[contains(@class,'usa-pagination__next-page')]")


def test_drupal7_and_component_listings(replica):
    body = get(replica, "/archives/opa/speeches")[2]
    page = doc(body)
    assert page.xpath("//ul[@class='pager']/li[contains(@class,'pager__item--next')]/a/@href") == ["/archives/opa/speeches?page=1"]
    assert len(page.xpath("//div[@class='view-content']//tbody/tr")) == 25
    links = all_pages(replica, "/archives/opa/speeches", "//li[contains(@class,'pager__item--next')]/a/@href")
    assert sorted(links) == sorted(s.path for s in replica.site.speeches if s.generation == "drupal7")
    links = all_pages(replica, "/atr/speeches", "(//a[contains(@class,'usa-pagination__next-page')])[1]/@href")
    assert sorted(links) == sorted(s.path for s in replica.site.speeches
                                   if s.generation != "archive" and "Antitrust Division" in s.components)
    assert get(replica, "/nosuchcomponent/speeches")[0] == 404


def test_sitemap_index_and_sub_sitemaps(replica):
    status, headers, body = get(replica, "/sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    index = lxml.html.etree.fromstring(body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = index.xpath("//s:sitemap/s:loc/text()", namespaces=ns)
    assert all("?" not in loc for loc in locs) and f"{replica.base_url}/sitemaps/pages.xml" in locs
    found = set()
    for loc in locs:
        body = get(replica, loc[len(replica.base_url):])[2]
        urlset = lxml.html.etree.fromstring(body)
        found |= set(urlset.xpath("//s:url/s:loc/text()", namespaces=ns))
        assert len(urlset.xpath("//s:url/s:lastmod", namespaces=ns)) == len(urlset.xpath("//s:url", namespaces=ns))
    speeches = {replica.base_url + s.path for s in replica.site.speeches if s.generation != "archive"}
    assert speeches <= found and not any("/archive/ag/" in u and u.endswith(".htm") for u in found)
    with Replica(30, sitemap_archive=True) as r:
        year = first(r, "archive").date.year
        body = get(r, f"/sitemaps/speeches-{year}.xml")[2]
        assert f"/archive/ag/speeches/{year}/".encode() in body


def test_api_envelope(replica):
    status, headers, body = get(replica, "/api/v1/speeches.json?pagesize=100&page=0&sort=date&direction=DESC")
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert data["metadata"]["responseInfo"] == {"status": 200, "developerMessage": "OK"}
    drupal = [s for s in replica.site.speeches if s.generation != "archive"]
    assert data["metadata"]["resultset"] == {"count": len(drupal), "pagesize": 50, "page": 0}
    results = data["results"]
    assert len(results) == 50
    dates = [int(r["date"]) for r in results]
    assert dates == sorted(dates, reverse=True)
    item = results[0]
    assert {"title", "url", "uuid", "date", "created", "changed", "component", "topic", "location", "body"} <= set(item)
    assert item["url"].startswith(replica.base_url + "/opa/speech/")
    assert all(isinstance(item[k], str) and item[k].isdigit() for k in ("date", "created", "changed"))
    assert set(item["component"][0]) == {"uuid", "name"}
    s = replica.site.speech(item["url"])
    assert item["uuid"] == s.uuid and item["title"] == s.title()
    asc = json.loads(get(replica, "/api/v1/speeches.json?pagesize=5&sort=date&direction=ASC&fields=title,url,date")[2])
    assert [set(r) for r in asc["results"]] == [{"title", "url", "date"}] * 5
    assert int(asc["results"][0]["date"]) < dates[-1]
    beyond = json.loads(get(replica, "/api/v1/speeches.json?pagesize=50&page=99")[2])
    assert beyond["results"] == [] and beyond["metadata"]["resultset"]["page"] == 99
    urls = set()
    for page in range(5):
        urls |= {r["url"] for r in json.loads(get(replica, f"/api/v1/speeches.json?pagesize=50&page={page}&fields=url")[2])["results"]}
    assert urls == {replica.base_url + s.path for s in drupal}
    with Replica(20, api=False) as r:
        assert get(r, "/api/v1/speeches.json")[0] == 404


def test_rss_feed(replica):
    status, headers, body = get(replica, "/feeds/opa/justice-news.xml")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = lxml.html.etree.fromstring(body).find("channel")
    assert channel.findtext("title") == "Justice News"
    links = [item.findtext("link") for item in channel.findall("item")]
    newest = sorted((s for s in replica.site.speeches if s.generation == "current"),
                    key=lambda s: (s.date, s.index), reverse=True)[:20]
    assert links == [replica.base_url + s.path for s in newest]
    assert get(replica, "/feeds/opa/justice-news.xml", headers={"If-None-Match": headers["ETag"]})[0] == 304
    with Replica(20, feed=False) as r:
        assert get(r, "/feeds/opa/justice-news.xml")[0] == 404


# --------------------------------------------------------------------- mutations


def test_mutations_change_remove_add():
    with Replica(80, seed=9) as r:
        before = {cid: (r.gold(cid), get(r, r.site.speech(cid).path)[1]["ETag"]) for cid in r.ids()}
        index_before = get(r, "/sitemap.xml")[2]
        result = r.mutate(change=3, remove=2, add=4, seed=11)
        assert [len(result[k]) for k in ("changed", "removed", "added")] == [3, 2, 4]
        assert len(set(result["changed"]) | set(result["removed"])) == 5
        for cid in result["changed"]:
            old_gold, old_etag = before[cid]
            new_gold = r.gold(cid)
            assert new_gold["paragraphs"] != old_gold["paragraphs"] or new_gold["title"] != old_gold["title"]
            status, headers, _ = get(r, r.site.speech(cid).path, headers={"If-None-Match": old_etag})
            assert status == 200 and headers["ETag"] != old_etag
        statuses = sorted(get(r, r.site.speech(cid).path)[0] for cid in result["removed"])
        assert statuses == [404, 410]
        untouched = next(c for c in r.ids() if c not in result["changed"] and c in before)
        assert get(r, r.site.speech(untouched).path, headers={"If-None-Match": before[untouched][1]})[0] == 304
        # added speeches are the newest: first on the listing, first in the API by date
        listing = all_pages(r, "/news/speeches", "(//a[contains(@class,'usa-pagination__next-page')])[1]/@href")
        assert listing[:4] == [r.site.speech(cid).path for cid in reversed(result["added"])]
        api = json.loads(get(r, "/api/v1/speeches.json?sort=date&direction=DESC&pagesize=4")[2])["results"]
        assert [canonical_id(x["url"]) for x in api] == list(reversed(result["added"]))
        gone_paths = {r.base_url + r.site.speech(cid).path for cid in result["removed"]}
        sitemap_urls = set()
        index = get(r, "/sitemap.xml")[2]
        assert index != index_before
        for loc in re.findall(rb"<loc>([^<]+)</loc>", index):
            sitemap_urls |= {u.decode() for u in re.findall(rb"<loc>([^<]+)</loc>", get(r, loc.decode()[len(r.base_url):])[2])}
        assert not gone_paths & sitemap_urls
        assert {r.base_url + r.site.speech(c).path for c in result["added"]} <= sitemap_urls
        assert sorted(r.ids("gone")) == sorted(result["removed"]) and len(r.ids()) == 82


def test_sitemap_lastmod_moves_with_a_change():
    with Replica(60, seed=2) as r:
        s = first(r, "drupal7")
        sub = f"/sitemaps/speeches-{s.date.year}.xml"
        index_etag = get(r, "/sitemap.xml")[1]["ETag"]
        sub_before = get(r, sub)[2]
        r.mutate(change=[s.cid])
        assert get(r, "/sitemap.xml", headers={"If-None-Match": index_etag})[0] == 200
        sub_after = get(r, sub)[2]
        assert sub_after != sub_before and dt.datetime.fromtimestamp(s.changed, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S").encode() in sub_after
        index_etag = get(r, "/sitemap.xml")[1]["ETag"]
        assert get(r, "/sitemap.xml", headers={"If-None-Match": index_etag})[0] == 304


def test_chrome_only_changes_and_reverts_keep_the_content():
    with Replica(60, seed=3) as r:
        d7 = first(r, "drupal7")
        old = first(r, "archive")
        gold_d7, gold_old = r.gold(d7.cid), r.gold(old.cid)
        bodies = {c: get(r, r.site.speech(c).path)[2] for c in (d7.cid, old.cid)}
        result = r.mutate(chrome=[d7.cid, old.cid])
        assert result["chrome"] == [d7.cid, old.cid]
        for cid, gold in ((d7.cid, gold_d7), (old.cid, gold_old)):
            assert get(r, r.site.speech(cid).path)[2] != bodies[cid]
            new = r.gold(cid)
            assert {k: v for k, v in new.items() if k != "updated"} == {k: v for k, v in gold.items() if k != "updated"}
        assert r.gold(d7.cid)["updated"] > gold_d7["updated"]
        r.mutate(change=[d7.cid])
        assert r.gold(d7.cid)["paragraphs"] != gold_d7["paragraphs"]
        r.mutate(revert=[d7.cid])
        assert r.gold(d7.cid)["paragraphs"] == gold_d7["paragraphs"]
        page_before = get(r, "/news/speeches")[2]
        r.mutate(footer=True)
        assert get(r, "/news/speeches")[2] != page_before
        assert r.gold(old.cid)["paragraphs"] == gold_old["paragraphs"]


# --------------------------------------------------------------------- faults


def test_faults_429_with_retry_after_then_success():
    with Replica(30, faults={"rate": 1.0, "kinds": ["429"], "max_per_url": 1}) as r:
        path = first(r, "current").path
        status, headers, _ = get(r, path)
        assert status == 429 and headers["Retry-After"] == "1"
        assert get(r, path)[0] == 200
        assert get(r, "/robots.txt")[0] == 200  # robots.txt is not among the default paths
        r.set_faults(rate=1.0, kinds=("503",), retry_after=2, retry_after_form="date", max_per_url=1)
        status, headers, _ = get(r, path)
        assert status == 503
        when = email.utils.parsedate_to_datetime(headers["Retry-After"]).timestamp()
        assert 1 <= when - time.time() <= 3.5
        r.set_faults(rate=1.0, kinds=("500",), paths=("robots",), max_per_url=2)
        assert [get(r, "/robots.txt")[0] for _ in range(3)] == [500, 500, 200]
        assert [e["fault"] for e in r.requests()[-3:]] == ["500", "500", None]


def test_faults_reset_truncate_slow():
    with Replica(30) as r:
        path = first(r, "drupal7").path
        r.fail(path, "reset")
        with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
            get(r, path)
        r.fail(path, "truncate")
        with pytest.raises(http.client.IncompleteRead):
            get(r, path)
        r.set_faults(rate=1.0, kinds=["slow"], slow_seconds=0.3, max_per_url=1)
        started = time.perf_counter()
        assert get(r, path)[0] == 200
        assert time.perf_counter() - started >= 0.3
        assert get(r, path)[0] == 200
        assert [e["fault"] for e in r.requests()] == ["reset", "truncate", "slow", None]
        assert r.requests()[0]["status"] == 0


def test_fault_rate_is_bounded_per_url_and_reproducible():
    def run():
        with Replica(200, seed=1, faults=Faults(rate=0.2, kinds=("500", "429"), max_per_url=2, seed=5)) as r:
            paths = [r.site.speech(c).path for c in r.ids()]
            first_try = [get(r, p)[0] for p in paths]
            tries = {p: 1 for p in paths}
            for p, status in zip(paths, first_try):
                while status != 200:
                    status = get(r, p)[0]
                    tries[p] += 1
            return first_try, max(tries.values())

    statuses, worst = run()
    share = sum(s != 200 for s in statuses) / len(statuses)
    assert 0.1 < share < 0.3 and {s for s in statuses} == {200, 429, 500}
    assert worst <= 3
    assert run()[0] == statuses


# --------------------------------------------------------------------- log, control, CLI


def test_request_log_records_every_request(replica):
    replica.clear_log()
    get(replica, "/robots.txt", headers={"User-Agent": "doj-speeches/test"})
    get(replica, "/news/speeches", headers={"If-None-Match": '"x"'})
    get(replica, "/nothing")
    ReplicaClient(replica.base_url).health()  # control endpoints are not logged
    log = replica.requests()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/robots.txt", 200), ("GET", "/news/speeches", 200), ("GET", "/nothing", 404)]
    assert log[0]["user_agent"] == "doj-speeches/test" and log[1]["if_none_match"] == '"x"'
    assert log[2]["kind"] == "missing" and log[0]["time"] <= log[2]["time"]
    assert replica.requests(since=log[1]["seq"]) == log[2:]
    replica.clear_log()
    assert replica.requests() == []


def test_control_endpoints():
    with Replica(40, seed=6) as r:
        client = ReplicaClient(r.base_url)
        health = client.health()
        assert health["speeches"] == 40 and health["base_url"] == r.base_url
        cid = r.ids()[5]
        assert client.gold(cid) == r.gold(cid)
        assert list(client.gold_records(batch=7)) == list(r.gold_records())
        result = client.mutate(change=1, remove=1, add=1, seed=3)
        assert result["removed"][0] in client.ids("gone")
        assert client.set_faults(rate=0.5, kinds=["503"])["rate"] == 0.5 and r.faults.kinds == ("503",)
        client.set_faults()
        assert client.configure(crawl_delay=3)["crawl_delay"] == 3
        get(r, "/robots.txt")
        assert [e["path"] for e in client.requests()] == ["/robots.txt"]
        client.clear_log()
        assert client.requests() == []
        with pytest.raises(urllib.error.HTTPError) as err:
            client.set_faults(kinds=["teapot"])
        assert err.value.code == 400


def test_subprocess_prints_its_address_first():
    with ReplicaProcess(25, 2) as client:
        assert client.base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(client.base_url + "/robots.txt") as response:
            assert b"Disallow: /*?page=" in response.read()
        assert client.health()["speeches"] == 25
        assert client.requests()[0]["path"] == "/robots.txt"


def test_cli_command_is_registered():
    import click

    from scraper.cli.replica import register

    group = click.Group()
    register(group)
    result = CliRunner().invoke(group, ["replica", "--help"])
    assert result.exit_code == 0 and "--crawl-delay" in result.output and "--fault-rate" in result.output
    result = CliRunner().invoke(group, ["replica", "--fault-kinds", "teapot"])
    assert result.exit_code == 2


def test_concurrent_requests_are_served(replica):
    paths = [replica.site.speech(c).path for c in replica.ids()[:120]]

    def fetch(path):
        with urllib.request.urlopen(replica.base_url + path, timeout=10) as response:
            return response.status, len(response.read())

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetch, paths))
    assert all(status == 200 and size > 1000 for status, size in results)
    assert threading.active_count() < 50


def test_the_replica_command_stops_on_ctrl_c_even_where_sigint_is_ignored():
    """A background job of a script starts with SIGINT ignored, so Python never raises
    KeyboardInterrupt: `doj-speeches replica` must stop on it all the same."""
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "replica", "--speeches", "20", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert proc.stdout.readline().startswith("http://127.0.0.1:")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
        proc.wait()
