#!/usr/bin/env python3
"""The peer of the end-to-end benchmark: what a researcher would build instead of
doj-speeches. Scrapy's SitemapSpider reads the site's sitemaps, trafilatura extracts each
speech page, sqlite-utils stores one row per speech (url, title, date, author, text).

    python scripts/bench_peer.py --base-url URL --db FILE [--urls FILE]

`--urls`: one path per line (scripts/bench.py writes every request `doj-speeches
backfill` made); the speech pages among them that the sitemaps do not list (the static
archive's) are fetched too, so both crawls store the same speeches. Same Scrapy settings
as the bare spider (scripts/bench_bare_spider.py: ours minus the project's components),
so the difference is the work: sitemap parsing, trafilatura, sqlite-utils.

Prints one JSON line: {"speeches", "pages", "seconds"}. One crawl per process.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("scraper") is None:  # not installed: this checkout
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scrapy  # noqa: E402
from scrapy.spiders import SitemapSpider  # noqa: E402

from bench_bare_spider import bare_settings, read_urls  # noqa: E402



class PeerSpider(SitemapSpider):
    name = "peer"
    sitemap_rules = [(r"/speech/", "parse_speech")]

    def __init__(self, base_url="", extra=(), *args, **kwargs):
        self.sitemap_urls = [base_url.rstrip("/") + "/sitemap.xml"]
        super().__init__(*args, **kwargs)
        self.extra = list(extra)
        self.pages = 0

    async def start(self):
        async for request in super().start():
            yield request
        for url in self.extra:  # speech pages no sitemap lists (the static archive)
            yield scrapy.Request(url, callback=self.parse_speech)

    def parse_speech(self, response):
        import trafilatura

        self.pages += 1
        found = trafilatura.extract(response.text, url=response.url, output_format="json",
                                    with_metadata=True)
        if found:
            data = json.loads(found)
            yield {"url": response.url, "title": data.get("title"), "date": data.get("date"),
                   "author": data.get("author"), "text": data.get("text")}


class SqlitePipeline:
    """One row per speech, as a researcher would write it with sqlite-utils."""

    def open_spider(self, spider=None):
        import sqlite_utils

        self.table = sqlite_utils.Database(self.path)["speeches"]

    def process_item(self, item, spider=None):
        self.table.upsert(dict(item), pk="url")
        return item


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--urls", help="file: the paths our backfill requested")
    args = parser.parse_args(argv)
    from urllib.parse import urlsplit

    from scraper.discovery.parsers import ARCHIVE_INDEX, is_speech_url

    extra = [u for u in (read_urls(args.urls, args.base_url) if args.urls else [])
             if "/archive/ag/speeches/" in u and is_speech_url(u)
             and not ARCHIVE_INDEX.match(urlsplit(u).path)]
    started = time.monotonic()
    from scrapy.crawler import CrawlerProcess

    SqlitePipeline.path = args.db
    settings = bare_settings(args.base_url)
    settings.set("ITEM_PIPELINES", {"__main__.SqlitePipeline": 300}, priority="cmdline")
    for name in ("scrapy", "py.warnings", "protego", "twisted", "trafilatura", "htmldate"):
        logging.getLogger(name).setLevel(logging.WARNING)
    process = CrawlerProcess(settings)
    for name in ("scrapy", "py.warnings", "protego", "twisted", "trafilatura", "htmldate"):
        logging.getLogger(name).setLevel(logging.WARNING)
    crawler = process.create_crawler(PeerSpider)
    process.crawl(crawler, base_url=args.base_url, extra=extra)
    process.start()
    seconds = time.monotonic() - started
    import sqlite_utils

    stored = sqlite_utils.Database(args.db)["speeches"].count
    print(json.dumps({"speeches": stored, "pages": crawler.spider.pages,
                      "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
