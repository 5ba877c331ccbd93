"""`doj-speeches replica`: serve a local justice.gov (see docs/replica.md)."""

from __future__ import annotations

import signal
import sys

import click

FAULT_PATHS = "speech,listing,api,feed,sitemap,archive_index"


@click.command("replica")
@click.option("--speeches", default=500, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Number of synthetic speeches (2001-2025, all three site generations).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on the host; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same site.")
@click.option("--crawl-delay", type=float, default=None, help="Add 'Crawl-delay: N' to robots.txt.")
@click.option("--disallow", multiple=True, metavar="PATH", help="Extra 'Disallow:' line (repeatable).")
@click.option("--no-api", is_flag=True, help="Answer 404 at /api/v1/speeches.json (as reported in 2026).")
@click.option("--gone-status", type=click.Choice(["404", "410", "alternate"]), default="alternate",
              show_default=True, help="Status of removed speeches.")
@click.option("--aliases", default=0, show_default=True, type=click.IntRange(0),
              help="Speeches listed under a legacy alias that answers 301.")
@click.option("--sitemap-archive", is_flag=True, help="List the static archive pages in the sitemap too.")
@click.option("--no-feed", is_flag=True, help="Answer 404 at /feeds/opa/justice-news.xml.")
@click.option("--fault-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Share of eligible requests that fail.")
@click.option("--fault-kinds", default="500,429", show_default=True,
              help="Comma list of 429,500,503,slow,reset,truncate.")
@click.option("--fault-paths", default=FAULT_PATHS, show_default=True,
              help="Comma list of path kinds that may fail (or 'all').")
@click.option("--max-faults-per-url", default=2, show_default=True, type=click.IntRange(0),
              help="A URL fails at most this many times.")
@click.option("--retry-after", default=1.0, show_default=True, type=float, help="Retry-After of 429/503, seconds.")
@click.option("--retry-after-form", type=click.Choice(["seconds", "date", "mixed"]), default="seconds",
              show_default=True, help="Retry-After as seconds, an HTTP date, or both in turn.")
@click.option("--slow-seconds", default=1.0, show_default=True, type=float,
              help="How long a `slow` fault stalls its answer.")
@click.option("--fault-seed", default=0, show_default=True, type=int,
              help="Seed of which requests fail (same seed, same faults).")
@click.option("--markup", type=click.Choice(["standard", "altered"]), default="standard", show_default=True,
              help="'altered': speech pages whose date slot shows another date (tests the witness alarm).")
@click.option("--log/--no-log", "log_requests", default=False, help="Print every request on stderr.")
def replica_command(speeches, port, host, seed, crawl_delay, disallow, no_api, gone_status, aliases,
                    sitemap_archive, no_feed, fault_rate, fault_kinds, fault_paths, max_faults_per_url,
                    retry_after, retry_after_form, slow_seconds, fault_seed, markup, log_requests):
    """Serve a local replica of justice.gov until Ctrl-C.

    The first line on stdout is the base URL; point a crawl at it, e.g.
    `doj-speeches backfill --base-url URL --delay 0`.

    \b
    Example:
      doj-speeches replica --speeches 500 --port 8000 &
      doj-speeches backfill --base-url http://127.0.0.1:8000 --delay 0 --db replica.db
    """
    from scraper.replica import Faults, Replica

    try:
        faults = Faults(rate=fault_rate, kinds=fault_kinds, paths=fault_paths,
                        max_per_url=max_faults_per_url, retry_after=retry_after,
                        retry_after_form=retry_after_form, slow_seconds=slow_seconds, seed=fault_seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    replica = Replica(
        speeches, seed=seed, host=host, port=port, crawl_delay=crawl_delay, disallow=disallow,
        api=not no_api, faults=faults, gone_status=gone_status if gone_status == "alternate" else int(gone_status),
        aliases=aliases, sitemap_archive=sitemap_archive, feed=not no_feed,
        log_stream=sys.stderr if log_requests else None, markup=markup,
    )
    try:
        replica.start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    # Ctrl-C and SIGTERM stop it, also when started where SIGINT is ignored (a background
    # job of a script: Python then never raises KeyboardInterrupt, and it would hang on)
    # or blocked (a parent's signal mask is inherited: pytest-xdist's workers block it).
    # Before the first line: whoever reads the base URL may press Ctrl-C at once, and a
    # signal sent while it is still ignored would be lost.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: replica.stop())
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    click.echo(replica.base_url)
    sys.stdout.flush()
    counts = {}
    for s in replica.site.speeches:
        counts[s.generation] = counts.get(s.generation, 0) + 1
    click.echo(
        f"replica of justice.gov: {speeches} speeches (seed {seed}; "
        + ", ".join(f"{n} {g}" for g, n in sorted(counts.items()))
        + "); robots.txt, sitemap.xml, /news/speeches, /api/v1/speeches.json. Ctrl-C stops.",
        err=True,
    )
    try:
        replica.wait()
    finally:
        replica.stop()


def register(group):
    group.add_command(replica_command)
