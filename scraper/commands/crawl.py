"""`doj-speeches crawl` and `doj-speeches backfill`: the crawler's commands."""

from __future__ import annotations

import datetime as dt
import functools

import click

from scraper.commands import db_option
from scraper.run import SOURCES


def _date(ctx, param, value):
    if value is None:
        return None
    from corpus.errors import UserError

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UserError(f"bad date for --{param.name}: {value!r} (expected YYYY-MM-DD)") from None


def crawl_options(func):
    @db_option
    @click.option("--base-url", default="https://www.justice.gov", show_default=True,
                  envvar="JUSTICE_BASE_URL", help="Site to crawl (a mirror, the local replica).")
    @click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
                  envvar="JUSTICE_DELAY",
                  help="Seconds between two requests (the larger of it and Crawl-delay wins).")
    @click.option("--contact", default="", envvar="JUSTICE_CONTACT",
                  help="E-mail or URL put in the User-Agent so the site can reach you.")
    @click.option("--ignore-robots", is_flag=True,
                  help="Ignore robots.txt (only for a mirror you own).")
    @click.option("--max-failures", type=click.FloatRange(0, 1), default=0.02, show_default=True,
                  help="Share of failed speech pages that makes the run unhealthy (exit 3).")
    @click.option("--backoff", "backoff_base", type=click.FloatRange(min=0), default=2.0,
                  show_default=True,
                  help="Seconds of the first back-off after a 5xx or network error"
                       " (doubles each retry; a Retry-After header wins).")
    @click.option("--progress/--no-progress", default=None,
                  help="Live progress line (default: when stderr is a terminal).")
    @click.option("-v", "--verbose", is_flag=True, help="Scrapy's own log lines too.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _run(mode: str, **kwargs) -> None:
    from scraper.run import CrawlOptions, run

    kwargs["db_path"] = kwargs.pop("db_path")
    opts = CrawlOptions(mode=mode, **kwargs)
    code = run(opts, echo=click.echo)
    if code:
        raise SystemExit(code)


@click.command("crawl")
@crawl_options
@click.option("--known-run", type=click.IntRange(min=1), default=5, show_default=True,
              help="A listing stops after this many known speeches in a row.")
@click.option("--component-listing", "component_listings", multiple=True,
              help="Also read this component listing's first page (e.g. /civil/speeches).")
def crawl_command(**kwargs):
    """The scheduled, incremental crawl: new and changed speeches, cheaply.

    Reads robots.txt, the first page of /news/speeches, the JSON API's newest page and
    the sitemap index by conditional GET (a 304 when nothing changed); fetches new
    speeches and those the sitemap says changed. Exit 0 healthy, 3 unhealthy, 75 when
    another crawl holds the database.

    \b
    Example (cron, daily):
      doj-speeches crawl --db /srv/doj/corpus.db --contact you@example.org
    """
    kwargs["component_listings"] = list(kwargs["component_listings"])
    _run("crawl", **kwargs)


@click.command("backfill")
@crawl_options
@click.option("--since", callback=_date, help="Only speeches on or after this date.")
@click.option("--until", callback=_date, help="Only speeches on or before this date.")
@click.option("--source", "sources", multiple=True, type=click.Choice(SOURCES),
              help="Discovery source (repeatable; default: every source robots.txt allows).")
@click.option("--resume", is_flag=True,
              help="Continue the last unfinished backfill, with its arguments.")
def backfill_command(**kwargs):
    """A complete, resumable backfill: every speech the sources list, then a revisit of
    known speeches they did not list (404/410 -> marked gone).

    The list of discovered pages lives in the corpus, so an interrupted backfill (Ctrl-C,
    kill -9, a crash) continues where it stopped with --resume.

    \b
    Examples:
      doj-speeches backfill --since 2021-01-01 --until 2021-12-31
      doj-speeches backfill --source archive
      doj-speeches backfill --resume
    """
    kwargs["sources"] = list(kwargs["sources"])
    if kwargs["since"] and kwargs["until"] and kwargs["since"] > kwargs["until"]:
        from corpus.errors import UserError

        raise UserError(f"--since {kwargs['since']} is after --until {kwargs['until']}")
    _run("backfill", **kwargs)


def register(group: click.Group) -> None:
    group.add_command(crawl_command)
    group.add_command(backfill_command)
