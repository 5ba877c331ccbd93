"""The wayback spider: the site's speeches in the Internet Archive
(`doj-speeches backfill --source wayback`, docs/design.md#d14-captures; issue 21).

It reads the corpus through a read-only connection and writes nothing: every answer is
a message to the writer (corpus/store/messages.py): CaptureFetched is an item (through
the pipeline, under the crawl's one bound); ArchiveFetched and FrontierAdd go straight to
the crawl's writer client, and replies come back as its signal (`on_reply`). Work lives
in the corpus frontier (docs/design.md#d3-resume), so a run killed in any way continues
with --resume, between CDX pages too. Frontier items, by `meta["kind"]`:
  prefix-count   `showNumPages` of one speech prefix (scraper/archive/prefix.py)
                 -> its `prefix-page` items, or a `prefix-resume` item (no paged mode)
  prefix-page    one page of the prefix's captures -> `capture` items
  prefix-resume  one answer by resumption key -> `capture` items, the next key's item
  capture        one capture, fetched raw (`id_`) -> extracted and judged by the writer
Captures of known speeches are fetched, and those of speech-shaped URLs the corpus does
not hold (archive-only speeches: removed before our first crawl). Requests: the distinct
captures plus the CDX pages. The captures wait until every CDX page is read, so each
speech's captures, from all its URL forms, are fetched one after another, oldest first
(a chain): the writer judges each against the capture kept before it, so a retried
request must not let a later capture of the same speech overtake it.
"""

from __future__ import annotations

import functools
import logging
from collections import deque

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from corpus.store.messages import ArchiveFetched, CaptureFetched, FrontierAdd
from scraper.crawl import failures
from scraper.crawl.client import client_of, reply_received
from scraper.crawl.health import count_warnings
from scraper.spiders import response_headers
from scraper.crawl.store import corpus_of
from scraper.archive import prefix
from scraper.archive.cdx import (DEFAULT_WAYBACK_URL, Capture, frontier_key, parse_cdx,
                                 parse_playback_url, plan_fetches, playback_url,
                                 timestamp_to_iso)

logger = logging.getLogger(__name__)

BATCH = 500  # frontier items read at a time
# Statuses that reach the callbacks (after PoliteRetryMiddleware's retries) to be recorded.
STATUSES = [400, 403, 404, 410, 429, 500, 502, 503, 504]


def item_guard(callback):
    """A callback that raises fails its frontier item with the reason, never silently."""

    @functools.wraps(callback)
    def wrapper(self, response):
        try:
            yield from callback(self, response)
        except Exception as exc:  # noqa: BLE001 - a parser bug or an unexpected answer
            logger.error("%s: callback error: %s: %s", response.url, type(exc).__name__, exc)
            yield from self.item_failed(response.meta, response.url,
                                        f"callback error: {type(exc).__name__}: {exc}")

    return wrapper


class WaybackSpider(scrapy.Spider):
    name = "wayback"

    def __init__(self, crawl_id=None, resume=False, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = "backfill"
        self.crawl_id = int(crawl_id) if crawl_id is not None else None
        self.resume = resume
        self.cursor = 0  # id of the last frontier item scheduled
        self.chains: dict[str, deque] = {}  # speech id -> its captures waiting their turn
        self.crawled: set[str] = set()  # speeches we fetched ourselves
        self.archive_only: set[str] = set()  # speech ids only the archive has
        self.held: dict[str, list] = {}  # speech id -> capture items, until CDX is read
        self.cdx_in_flight = 0  # CDX requests not answered yet
        self.problems: list[str] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.corpus = corpus_of(crawler)
        spider.wayback = (crawler.settings.get("JUSTICE_WAYBACK_URL")
                          or DEFAULT_WAYBACK_URL).rstrip("/")
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.on_reply, signal=reply_received)
        return spider

    def on_closed(self, spider=None, reason=None):
        self.corpus.close()  # before the runner's connection, which checkpoints the WAL

    # ---- the writer ----

    @property
    def client(self):
        return client_of(self.crawler)

    def on_reply(self, reply):
        """The writer's reply to any message of this run: counted by what it was about
        (a capture, a CDX page). A capture skipped as a duplicate names its speech and
        was never requested: not counted."""
        stats = self.crawler.stats
        if reply.kind == "FrontierAdd":
            stats.inc_value("frontier/total", reply.count)
            return
        if reply.kind == "CaptureFetched":
            what = "capture"
        elif reply.kind == "ArchiveFetched" and not reply.speech_id:
            what = "cdx"
        else:
            return
        stats.inc_value(f"wayback/{what}/{reply.outcome}")
        count_warnings(stats, reply)
        if reply.outcome == "failed":
            logger.warning("failed: %s (%s)", reply.url, reply.reason)

    def add(self, items: list[tuple[str, dict]]) -> None:
        if items:
            self.client.send(FrontierAdd(items))

    # ---- start, batches, idle ----

    async def start(self):
        for request in self.start_list():
            yield request

    def start_list(self):
        self.crawled = {r["id"] for r in self.corpus.query(
            "SELECT id FROM speeches WHERE source = 'crawl'")}
        self.crawler.stats.set_value("wayback/speeches", len(self.crawled))
        if self.resume:
            logger.info("resuming wayback backfill %s from its frontier", self.crawl_id)
        else:
            self.add([(prefix.item_key(t, self.wayback, "count"),
                       {"kind": "prefix-count", "target": t}) for t in prefix.SPEECH_PREFIXES])
            self.client.flush()  # the frontier rows must be readable before the batch
        yield from self.next_batch()

    def on_idle(self, spider=None):
        if not self.client.alive:
            return
        self.client.flush()
        if self.schedule(self.next_batch()):
            raise DontCloseSpider

    def schedule(self, requests) -> int:
        n = 0
        for request in requests:
            self.crawler.engine.crawl(request)
            n += 1
        return n

    def next_batch(self) -> list:
        """Requests for the pending frontier items: CDX pages first. Captures are held
        until no CDX page is left (none in flight, none new in the frontier), then each
        speech's chain starts. Called after each CDX answer too, so the run never waits
        for Scrapy's idle signal between CDX pages."""
        cdx = []
        while batch := self.corpus.frontier_batch(self.crawl_id, self.cursor, BATCH):
            for fid, key, meta in batch:
                self.cursor = fid
                if meta.get("kind") == "capture":
                    self.held.setdefault(meta["speech_id"], []).append((key, meta))
                else:
                    cdx.append(self.request_for(key, meta))
        self.cdx_in_flight += len(cdx)
        return cdx or ([] if self.cdx_in_flight else self.release())

    def cdx_answered(self):
        """After a CDX answer: what it added to the frontier, or the captures."""
        self.cdx_in_flight -= 1
        self.client.flush()  # its frontier rows must be readable first
        yield from self.next_batch()

    def release(self) -> list:
        """Start each speech's chain: its captures from every URL form, oldest first,
        a run of one digest across forms fetched once (the others are ticked off)."""
        started = []
        for sid, items in self.held.items():
            by_moment = {(m["timestamp"], m["original"]): (k, m) for k, m in items}
            keep = plan_fetches([Capture(t, o, digest=m.get("digest", ""))
                                 for (t, o), (_, m) in by_moment.items()])
            chain = [by_moment[(c.timestamp, c.original)] for c in keep]
            self.skip([item for moment, item in by_moment.items()
                       if moment not in {(c.timestamp, c.original) for c in keep}])
            self.chains.setdefault(sid, deque()).extend(chain)
            if len(self.chains[sid]) == len(chain):  # not already running
                started.append(self.request_for(*chain[0]))
        self.held = {}
        return started

    def skip(self, items) -> None:
        for key, meta in items:
            self.crawler.stats.inc_value("wayback/captures_skipped")
            self.client.send(ArchiveFetched(
                playback_url(meta["timestamp"], meta["original"], self.wayback), 0,
                "capture not fetched: another URL form of the speech has these bytes"
                " just before it", frontier=key, speech_id=meta["speech_id"]))

    def chain_next(self, speech_id: str):
        chain = self.chains.get(speech_id)
        if chain:
            chain.popleft()
        if chain:
            yield self.request_for(*chain[0])
        else:
            self.chains.pop(speech_id, None)

    def request_for(self, key: str, meta: dict) -> scrapy.Request:
        kind, target = meta["kind"], meta.get("target", "")
        callback = self.parse_prefix
        if kind == "prefix-count":
            url = prefix.num_pages_url(target, self.wayback)
        elif kind == "prefix-page":
            url = prefix.page_url(target, meta["page"], self.wayback)
        elif kind == "prefix-resume":
            url = prefix.resume_url(target, meta.get("key"), self.wayback)
        else:
            url = playback_url(meta["timestamp"], meta["original"], self.wayback)
            callback = self.parse_capture
        return scrapy.Request(url, callback=callback, errback=self.failed, dont_filter=True,
                              meta={"handle_httpstatus_list": STATUSES, "item": (key, meta),
                                    "kind": "wayback"})

    # ---- failures ----

    def failed(self, failure):
        request = failure.request
        yield from self.item_failed(request.meta, request.url, failures.reason(failure),
                                    failures.status_of(failure))

    def item_failed(self, req_meta: dict, url: str, why: str, status: int | None = None):
        """A frontier item that could not do its job: recorded with the reason."""
        key, meta = req_meta["item"]
        kind = meta["kind"]
        self.crawler.stats.inc_value(f"wayback/failed/{kind}")
        if kind == "capture":
            yield self.capture_message(key, meta, url, status or 0, {}, b"", reason=why)
            yield from self.chain_next(meta["speech_id"])
            return
        self.client.send(ArchiveFetched(url, status or 0, why, frontier=key, failed=True))
        self.problems.append(f"{url}: {why}")  # a CDX page not read: its captures unfound
        yield from self.cdx_answered()

    # ---- callbacks ----

    @item_guard
    def parse_capture(self, response):
        key, meta = response.meta["item"]
        yield self.capture_message(key, meta, response.url, response.status,
                                   response_headers(response), response.body)
        yield from self.chain_next(meta["speech_id"])

    def capture_message(self, key, meta, url, status, headers, body, reason=None):
        served = parse_playback_url(url) or (meta["timestamp"], meta["original"])
        if status != 200 and not reason:
            reason = f"HTTP {status}"
        return CaptureFetched(meta["speech_id"], timestamp_to_iso(served[0]), url, served[1],
                              status, headers, body, frontier=key,
                              archive_only=bool(meta.get("archive_only")),
                              speech_url=meta.get("speech_url"), reason=reason)

    @item_guard
    def parse_prefix(self, response):
        key, meta = response.meta["item"]
        kind, target = meta["kind"], meta["target"]
        if kind == "prefix-count" and response.status == 400:  # no paged mode here
            self.count_cdx(response, key, f"cdx of {target}: no paged mode, resumption keys")
            self.add([(prefix.item_key(target, self.wayback, "resume="),
                       {"kind": "prefix-resume", "target": target, "key": None})])
            yield from self.cdx_answered()
            return
        if response.status != 200:
            yield from self.item_failed(response.meta, response.url, f"HTTP {response.status}",
                                        response.status)
            return
        if kind == "prefix-count":
            yield from self.read_num_pages(response, key, target)
            return
        body, next_key = prefix.split_resume_key(response.body)
        captures, warnings = parse_cdx(body, prefix.MAX_PAGE_ROWS)
        if any(w.startswith(("cdx-unreadable", "cdx-truncated")) for w in warnings):
            self.problems.append(f"{response.url}: {'; '.join(warnings)}")
        planned = self.plan(captures)
        if next_key:  # the next answer of this prefix, resumable from here
            self.add([(prefix.item_key(target, self.wayback, f"resume={next_key}"),
                       {"kind": "prefix-resume", "target": target, "key": next_key})])
        why = f"cdx of {target}: {len(captures)} captures, {planned} to fetch"
        self.count_cdx(response, key, "; ".join([why, *warnings]))
        yield from self.cdx_answered()

    def read_num_pages(self, response, key: str, target: str):
        pages = prefix.parse_num_pages(response.body)
        if pages is None:
            yield from self.item_failed(response.meta, response.url,
                                        "showNumPages did not answer a number", 200)
            return
        self.add([(prefix.item_key(target, self.wayback, f"page={i}"),
                   {"kind": "prefix-page", "target": target, "page": i}) for i in range(pages)])
        self.count_cdx(response, key, f"cdx of {target}: {pages} pages")
        yield from self.cdx_answered()

    def count_cdx(self, response, key: str, why: str) -> None:
        self.crawler.stats.inc_value("wayback/cdx_queries")
        self.client.send(ArchiveFetched(response.url, response.status, why, frontier=key,
                                        body_len=len(response.body)))

    def plan(self, captures) -> int:
        """Capture items of the speech pages among a CDX page's rows: each speech's URL
        forms merged in time, adjacent duplicates (one digest) fetched once."""
        items = []
        for sid, found in prefix.speech_captures(captures).items():
            only = sid not in self.crawled
            if only and sid not in self.archive_only:
                self.archive_only.add(sid)
                self.crawler.stats.inc_value("wayback/removed_found")
            items += [(frontier_key(playback_url(c.timestamp, c.original, self.wayback)),
                       {"kind": "capture", "speech_id": sid, "timestamp": c.timestamp,
                        "original": c.original, "digest": c.digest, "archive_only": only,
                        "speech_url": c.original if only else None})
                      for c in plan_fetches(found)]
        self.add(items)
        self.crawler.stats.inc_value("wayback/captures_planned", len(items))
        return len(items)
