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


def build(path, clock: Clock | None = None) -> Corpus:
    clock = clock or Clock()
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


class Reextractor(FakeExtractor):
    """A newer extractor that reads e's title differently: re-extraction makes e v2."""

    def __call__(self, body, url, *, encoding=None):
        speech = super().__call__(body, url, encoding=encoding)
        if url.endswith("/e"):
            speech.title = speech.title.upper()
        return speech


def build_history(path) -> Corpus:
    """`build`, then every kind of history a release must carry:

    04-10  crawl 5: f new, with extraction warnings, listed by the sitemap
    05-10  crawl 6: f redirects to g (f moved to g; g new)
    05-20  an Internet Archive run: h, a speech never fetched live, from two captures
    06-01  re-extraction with extractor fake-2: e's title read anew (e v2, origin reextract)
    """
    clock = Clock()
    corpus = build(path, clock)
    clock.set("2024-04-10T00:00:00")
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record(BASE + "f", 200, HEADERS,
                  page(title="F", warnings=["date-from-listing: 2024-04-01"]), crawl,
                  witnesses=[{"source": "sitemap", "title": "F"}])
    corpus.finish_crawl(crawl, {}, 0)
    clock.set("2024-05-10T00:00:00")
    crawl = corpus.begin_crawl("crawl", {})
    corpus.record(BASE + "g", 200, HEADERS, page(title="F"), crawl, request_url=BASE + "f")
    corpus.finish_crawl(crawl, {}, 0)
    clock.set("2024-05-20T00:00:00")
    crawl = corpus.begin_crawl("backfill", {"source": "wayback"})
    for stamp, title in (("2019-03-01T10:00:00.000000Z", "H1"),
                         ("2020-03-01T10:00:00.000000Z", "H2")):
        record = {**RECORD, "title": title, "date": "2019-02-28"}
        archive_url = f"https://web.archive.org/web/{stamp[:4]}id_/{BASE}h"
        with corpus.transaction():
            now = clock()
            corpus.record_archive_speech(sid("h"), BASE + "h", record, now=now)
            corpus.record_capture(sid("h"), stamp, archive_url, BASE + "h",
                                  page(**record), record, extractor_version="fake-1", now=now)
            corpus.sync_archive_speech(sid("h"))
        raw = corpus.query_one("SELECT raw_sha256 FROM captures WHERE captured_at = ?", (stamp,))
        corpus.log_archive_fetch(crawl, archive_url, 200, "discovery", sid("h"),
                                 f"archive capture {stamp}: new", raw_sha256=raw["raw_sha256"])
    corpus.finish_crawl(crawl, {}, 0)
    clock.set("2024-06-01T00:00:00")
    corpus.extractor = Reextractor("fake-2")
    corpus.reextract()
    return corpus
