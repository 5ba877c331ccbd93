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
        refuse_unless_cli(crawler.settings)
        return cls()


def refuse_unless_cli(settings) -> None:
    """Exit 2 with one line unless scraper/crawl/run.py started this crawl (JUSTICE_VIA_CLI).
    Also called before the spider opens the corpus, so a refused run creates no file."""
    if settings.getbool("JUSTICE_VIA_CLI"):
        return
    sys.stderr.write(REFUSAL + "\n")
    sys.stderr.flush()
    # SystemExit, not an exception: Scrapy would print any other with a traceback.
    # Nothing has been requested yet, and no corpus file opened.
    raise SystemExit(2)
