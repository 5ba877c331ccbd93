"""A small corpus with a history, shared by the release, feed and WARC tests.

    01-10  crawl 1: a, b, c, e new
    01-20  crawl 2: c answers 410 (gone)
    -----  (a release as of 2024-01-31 sees this much)
    02-10  crawl 3: a's title changes (v2), b answers 404 (gone), d new
    03-10  crawl 4: a's paragraphs change (v3), c is back unchanged (live, still v1),
                    e's "Updated" date moves (no new version)
"""

from __future__ import annotations

from corpus.store import Corpus
from tests.store_support import BASE, RECORD, Clock, FakeExtractor, page

HEADERS = {"Content-Type": "text/html; charset=UTF-8", "ETag": '"abc"',
           "Last-Modified": "Wed, 10 Jan 2024 00:00:00 GMT"}


def build(path) -> Corpus:
    clock = Clock()
    corpus = Corpus(path, extract=FakeExtractor(), clock=clock)
    clock.set("2024-01-10T00:00:00")
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(BASE + "a", 200, HEADERS, page(title="A1"), crawl)
    corpus.record_page(BASE + "b", 200, HEADERS, page(title="B", date="2020-05-01",
                                                      speakers=["X, Jr.", "Y; Z"]), crawl)
    corpus.record_page(BASE + "c", 200, HEADERS, page(title="C", date=None, topics=[]), crawl)
    corpus.record_page(BASE + "e", 200, HEADERS, page(title="E “quoted”"), crawl)
    corpus.finish_crawl(crawl, {}, 0)
    clock.set("2024-01-20T00:00:00")
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(BASE + "c", 410, {}, b"", crawl)
    corpus.finish_crawl(crawl, {}, 0)
    clock.set("2024-02-10T00:00:00")
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(BASE + "a", 200, HEADERS, page(title="A2"), crawl)
    corpus.record_page(BASE + "b", 404, {}, b"", crawl)
    corpus.record_page(BASE + "d", 200, HEADERS, page(title="D", date="2024-02-09"), crawl)
    corpus.finish_crawl(crawl, {}, 0)
    clock.set("2024-03-10T00:00:00")
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record_page(BASE + "a", 200, HEADERS,
                       page(title="A2", paragraphs=RECORD["paragraphs"] + ["A new ending."]),
                       crawl)
    corpus.record_page(BASE + "c", 200, HEADERS, page(title="C", date=None, topics=[]), crawl)
    corpus.record_page(BASE + "e", 200, HEADERS, page(title="E “quoted”", updated="2024-03-01"),
                       crawl)
    corpus.finish_crawl(crawl, {}, 0)
    return corpus


def sid(name: str) -> str:
    return "/opa/speech/" + name
