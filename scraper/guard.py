"""Refuse `scrapy crawl speeches`: the spider only runs through `doj-speeches crawl`.

scrapy.cfg makes the spider discoverable, but Scrapy's own command skips what the CLI
does before crawling: fetch robots.txt and apply its rules and Crawl-delay, set the
User-Agent with a contact, take the corpus lock, record the run and judge its health.
Crawling justice.gov without them would be impolite, so this extension stops the run
before a single request, with one line that names the right command.
"""

from __future__ import annotations

import sys

REFUSAL = ("scrapy crawl is not supported: run `doj-speeches crawl` (or `doj-speeches"
           " backfill`), which obeys robots.txt and Crawl-delay and records the run")


class CliOnly:
    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        # scraper/run.py sets JUSTICE_VIA_CLI. Until it does everywhere, the robots.txt it
        # fetched itself (JUSTICE_ROBOTS_TXT, set by run.py only) marks the same: the rules
        # the spider obeys come from the CLI; without them it would crawl blind.
        if settings.getbool("JUSTICE_VIA_CLI") or settings.get("JUSTICE_ROBOTS_TXT") is not None:
            return cls()
        sys.stderr.write(REFUSAL + "\n")
        sys.stderr.flush()
        # SystemExit, not an exception: Scrapy would print any other with a traceback.
        # Extensions are built before the engine: nothing has been requested yet.
        raise SystemExit(2)
