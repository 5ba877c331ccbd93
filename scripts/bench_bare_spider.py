#!/usr/bin/env python3
"""The benchmark's yardstick: a bare Scrapy spider that fetches a list of URLs and does
nothing with the responses (no parsing, no extraction, no database).

    python scripts/bench_bare_spider.py --base-url URL --urls FILE [--work none|item|extract]

FILE holds one path (or absolute URL) per line; scripts/bench.py writes there every
request `doj-speeches backfill` made to the same replica, so both crawls fetch the same
pages. The settings are built as scraper/crawl/run.py builds ours (`build_settings`: the same
concurrency, delay 0, AutoThrottle off, timeouts, retries, User-Agent, logging), minus
the project's own components (its middlewares, pipeline and progress extension), which
are the work being measured; Scrapy's stock RetryMiddleware stands in for our retry one.
robots.txt is not obeyed by Scrapy in either crawl (ROBOTSTXT_OBEY is False in both; ours
applies the rules in its own middleware and the replica's speech pages are all allowed).

`--work` (default none: the yardstick) adds one layer of our crawl at a time, so the
benchmark can say where the time of ours goes: `item` yields each response as an item
(url, status, headers, body) to a pipeline that drops it (Scrapy's item machinery);
`extract` also runs corpus.extract.extract(body, url) in that pipeline.

Prints one JSON line: {"pages", "responses", "statuses", "seconds", "pages_per_second"};
seconds run from before the crawler is built to the end of the crawl (the same span the
summary of `doj-speeches backfill` measures, less its robots.txt fetch and database).
One crawl per process: Twisted's reactor cannot restart.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("scraper") is None:  # not installed: this checkout
    sys.path.insert(0, str(ROOT))

import scrapy  # noqa: E402


def bare_settings(base_url: str):
    """Our crawl's Scrapy settings (scraper/crawl/run.py build_settings, delay 0), without the
    project's middlewares, pipeline and extensions."""
    from scraper.crawl.run import CrawlOptions, build_settings

    opts = CrawlOptions(mode="backfill", base_url=base_url, delay=0.0, progress=False,
                        db_path="")
    settings = build_settings(opts, robots_txt="", delay=0.0, since_moment=None)
    settings.set("DOWNLOADER_MIDDLEWARES", {}, priority="cmdline")  # stock RetryMiddleware back
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    return settings


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls=(), work="none", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls = list(urls)
        self.work = work
        self.statuses: Counter = Counter()

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True,
                                 meta={"handle_httpstatus_all": True})

    def parse(self, response):
        self.statuses[response.status] += 1
        if self.work != "none":
            yield {"kind": "page", "url": response.url, "status": response.status,
                   "headers": dict(response.headers), "body": response.body}


class DropPipeline:
    """--work item: receives each item and does nothing with it."""

    def process_item(self, item, spider=None):
        return item


class ExtractPipeline:
    """--work extract: runs our extractor on each speech page, stores nothing."""

    def __init__(self):
        from corpus.extract import extract
        from scraper.discovery.parsers import is_speech_url

        self.extract = extract
        self.is_speech_url = is_speech_url

    def process_item(self, item, spider=None):
        if item["status"] == 200 and self.is_speech_url(item["url"]):
            self.extract(item["body"], item["url"])  # discovery pages are in the list too
        return item


PIPELINES = {"none": {}, "item": {"__main__.DropPipeline": 300},
             "extract": {"__main__.ExtractPipeline": 300}}


def read_urls(path: str, base_url: str) -> list[str]:
    base = base_url.rstrip("/")
    urls = []
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line:
            urls.append(line if "://" in line else base + line)
    return urls


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--urls", required=True, help="file: one path or URL per line")
    parser.add_argument("--work", choices=sorted(PIPELINES), default="none",
                        help="none (the yardstick), item, or extract: see above")
    args = parser.parse_args(argv)

    urls = read_urls(args.urls, args.base_url)
    started = time.monotonic()
    from scrapy.crawler import CrawlerProcess

    settings = bare_settings(args.base_url)
    settings.set("ITEM_PIPELINES", PIPELINES[args.work], priority="cmdline")
    quiet = ["scrapy", "py.warnings", "protego", "twisted"]  # as scraper/crawl/run.py does
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    process = CrawlerProcess(settings)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls, work=args.work)
    process.start()
    seconds = time.monotonic() - started

    stats = crawler.stats.get_stats()
    statuses = crawler.spider.statuses
    pages = sum(statuses.values())
    print(json.dumps({
        "work": args.work,
        "pages": pages,
        "requests": stats.get("downloader/request_count", 0),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "finish_reason": stats.get("finish_reason"),
        "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
    }))
    return 0 if pages == len(urls) else 1


if __name__ == "__main__":
    raise SystemExit(main())
