"""`doj-speeches crawl` and `doj-speeches backfill`: the crawler's commands."""

from __future__ import annotations

import functools
import logging

import click

from scraper.cli.options import contact_option, db_option, delay_option, env_option
from scraper.crawl import defaults
from scraper.crawl.defaults import SOURCES


def _date(ctx, param, value):
    from corpus.moments import option_date

    return option_date(value, f"--{param.name}")


class HttpUrl(click.ParamType):
    """An http(s) URL with a host: the site to crawl."""

    name = "URL"

    def convert(self, value, param, ctx):
        from urllib.parse import urlsplit

        parts = urlsplit(str(value))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail(f"{value!r} is not an http(s) URL", param, ctx)
        return str(value)


class _Quiet:
    """The echo of a quiet run: keeps only the last line, printed (on stderr) when the
    run does not succeed: "interrupted ... continue with: doj-speeches backfill --resume"."""

    def __init__(self):
        self.last = ""

    def __call__(self, message="", **kwargs) -> None:
        self.last = str(message)


def crawl_options(func):
    @db_option
    @env_option("--base-url", type=HttpUrl(), default=defaults.BASE_URL,
                show_default=True, envvar="JUSTICE_BASE_URL",
                help="Site to crawl (a mirror, the local replica).")
    @delay_option
    @contact_option
    @click.option("--ignore-robots", is_flag=True,
                  help="Ignore robots.txt (only for a mirror you own).")
    @click.option("--max-failures", type=click.FloatRange(0, 1), default=defaults.MAX_FAILURES, show_default=True,
                  help="Share of failed speech pages that makes the run unhealthy (exit 3).")
    @click.option("--backoff", "backoff_base", type=click.FloatRange(min=0),
                  default=defaults.BACKOFF_BASE, show_default=True,
                  help="Seconds of the first back-off after a 5xx or network error"
                       " (doubles each retry; a Retry-After header wins).")
    @click.option("--progress/--no-progress", default=None,
                  help="Live progress line (default: when stderr is a terminal).")
    @click.option("-v", "--verbose", is_flag=True, help="Scrapy's own log lines too.")
    @click.option("-q", "--quiet", is_flag=True,
                  help="Print only problems: no summary, no progress (for cron; the exit"
                       " code says how it went).")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _run(mode: str, **kwargs) -> None:
    from scraper.crawl.run import CrawlOptions, run

    quiet = kwargs.pop("quiet")
    feed = kwargs.pop("feed", None)
    if quiet:
        if kwargs["progress"] is None:
            kwargs["progress"] = False  # no live line either, unless asked for
        if not kwargs["verbose"]:
            logging.getLogger("scraper").setLevel(logging.WARNING)  # the periodic log line
    opts = CrawlOptions(mode=mode, **kwargs)
    # Errors are raised (one line on stderr and the exit code): quiet keeps them.
    echo = _Quiet() if quiet else click.echo
    try:
        code = run(opts, echo=echo)
    finally:
        if feed:  # refreshed after every run, healthy or not: it shows what was recorded
            _write_feed(opts.db_path, feed)
    if code and quiet and echo.last:
        click.echo(echo.last, err=True)
    if code:
        raise SystemExit(code)


def _write_feed(db_path: str, path: str) -> None:
    from pathlib import Path

    from corpus.publish.feed import write_feed
    from corpus.store import Corpus

    if Path(db_path).is_file():
        with Corpus(db_path) as corpus:
            write_feed(corpus, path)


@click.command("crawl")
@crawl_options
@click.option("--feed", type=click.Path(dir_okay=False),
              help="Refresh this Atom feed of added, changed and gone speeches after the run.")
@click.option("--known-run", type=click.IntRange(min=1), default=defaults.KNOWN_RUN, show_default=True,
              help="A listing stops after this many known speeches in a row.")
@click.option("--revalidate", type=click.IntRange(min=0), default=defaults.REVALIDATE,
              show_default=True,
              help="Also revalidate (conditional GET) the N live speeches fetched longest"
                   " ago: finds edits the sitemap never announces. 0: none.")
@click.option("--component-listing", "component_listings", multiple=True,
              help="Also read this component listing's first page (e.g. /civil/speeches).")
def crawl_command(**kwargs):
    """The scheduled, incremental crawl: new and changed speeches, cheaply.

    Reads robots.txt, the first page of /news/speeches, the JSON API's newest page and
    the sitemap index by conditional GET (a 304 when nothing changed); fetches new
    speeches and those the sitemap says changed, and revalidates the --revalidate
    speeches fetched longest ago. Exit 0 healthy, 3 unhealthy, 75 when
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
@click.option("--source", "sources", multiple=True, type=click.Choice(SOURCES + ("wayback",)),
              help="Discovery source (repeatable; default: every source robots.txt allows)."
                   " `wayback`: the Internet Archive's captures of the known speeches, and"
                   " speeches removed before the first crawl (on its own).")
@click.option("--resume", is_flag=True,
              help="Continue the last unfinished backfill, with its arguments.")
@env_option("--wayback-url", type=HttpUrl(), default=defaults.WAYBACK_URL,
            show_default=True, envvar="JUSTICE_WAYBACK_URL",
            help="The Internet Archive (or a local Wayback) for --source wayback.")
@env_option("--wayback-delay", type=click.FloatRange(min=0), default=defaults.WAYBACK_DELAY, show_default=True,
            envvar="JUSTICE_WAYBACK_DELAY",
            help="Seconds between two requests to the archive (--source wayback).")
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
      doj-speeches backfill --source wayback --contact you@example.org
    """
    kwargs["sources"] = list(kwargs["sources"])
    if kwargs["since"] and kwargs["until"] and kwargs["since"] > kwargs["until"]:
        from corpus.errors import UserError

        raise UserError(f"--since {kwargs['since']} is after --until {kwargs['until']}")
    _run("backfill", **kwargs)


def register(group: click.Group) -> None:
    group.add_command(crawl_command)
    group.add_command(backfill_command)
