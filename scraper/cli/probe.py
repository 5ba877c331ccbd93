"""`doj-speeches probe`: a one-minute check of the live site before the first crawl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from scraper.crawl import defaults
from scraper.cli.options import contact_option, delay_option, echo_json, env_option
from scraper.cli.crawl import HttpUrl


def default_out() -> Path:
    """./probe-<UTC time>/, or -2, -3... when two probes start in the same second."""
    stem = f"probe-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}"
    path, n = Path(stem), 1
    while path.exists():
        n += 1
        path = Path(f"{stem}-{n}")
    return path


def _out_folder(out: str | None) -> Path:
    """A new or empty folder for the pages: a bug report must not mix two probes."""
    from corpus.errors import UserError

    path = Path(out) if out else default_out()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UserError(f"{path} exists and is not an empty folder: pick another --out")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {path}: {exc.strerror or exc}") from None
    return path


def _echo_report(report: dict) -> None:
    echo = click.echo
    echo(f"probed {report['base_url']}: {report['requests']} requests in"
         f" {report['seconds']} s, {report['delay']:g} s apart, as {report['user_agent']}")
    robots = report["robots"]
    echo(f"  robots.txt: HTTP {robots['status']}" + (
        f", Crawl-delay {robots['crawl_delay']:g} s" if robots["crawl_delay"] else "")
        + ("" if 200 <= robots["status"] < 300 else ": no rules"))
    for source in report["sources"]:
        if "sitemaps" in source:
            echo(f"  {source['source']}: {source['sitemaps']} sitemaps at {source['url']}")
        else:
            echo(f"  {source['source']}: {source['speeches']} speech URL(s) at {source['url']}")
    for item in report["disallowed"]:
        echo(f"  not fetched, robots.txt disallows it: {item['url']} ({item['kind']})")
    echo("\ncoverage (found on the page / samples):")
    for gen, entry in report["coverage"].items():
        fields = ", ".join(f"{name} {n}/{entry['samples']}" for name, n in entry["fields"].items())
        echo(f"  {gen}: {fields}")
    for gen in ("current", "drupal7", "archive"):
        if gen not in report["coverage"]:
            echo(f"  {gen}: no sample")
    echo("\nwitness agreement (what the listing, feed and sitemap said):")
    agreement = report["agreement"]
    for name, counts in agreement.items():
        sources = ", ".join(f"{k} {v}" for k, v in counts["by_source"].items())
        echo(f"  {name}: {counts['agree']} agree, {counts['disagree']} disagree,"
             f" {counts['filled']} filled" + (f" ({sources})" if sources else ""))
    if not agreement:
        echo("  no sample had a witness")
    echo("\nwarnings by kind:" + ("" if report["warnings"] else " none"))
    for kind, count in report["warnings"].items():
        echo(f"  {kind}: {count}")
    echo(f"\nsaved {report['requests']} pages with index.json and report.json in"
         f" {report['out']}/")
    for line in report["notes"]:
        echo(f"note: {line}; a statement or testimony may have none: look at the page")
    for line in report["problems"]:
        echo(f"problem: {line}")


@click.command("probe")
@env_option("--base-url", type=HttpUrl(), default=defaults.BASE_URL, show_default=True,
            envvar="JUSTICE_BASE_URL", help="Site to probe (a mirror, the local replica).")
@click.option("--out", type=click.Path(file_okay=False),
              help="Folder for the fetched pages (default ./probe-<UTC time>/; new or empty).")
@click.option("--per-generation", type=click.IntRange(1, 20), default=3, show_default=True,
              help="Speeches to sample of each site generation (current, drupal7, archive).")
@delay_option
@contact_option
@click.option("--backoff", type=click.FloatRange(min=0), default=defaults.BACKOFF_BASE,
              show_default=True,
              help="Seconds of the first wait after a 5xx or 429 without Retry-After"
                   " (doubles each retry; 3 retries a page; a Retry-After over 60 s ends"
                   " the probe).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def probe_command(base_url, out, per_generation, delay, contact, backoff, as_json):
    """Check the live site in about a minute before the first crawl: robots.txt, the
    first listing page, the RSS feed, the sitemap index and one sub-sitemap, the static
    archive index, then a few speeches of each generation, extracted and compared with
    what the listing, feed and sitemap said of them. Polite as the crawl: robots.txt
    obeyed, one request at a time, Crawl-delay, the project's User-Agent.

    Prints per-field coverage, witness agreement and warnings by kind, and saves every
    fetched page with index.json (url, status, headers, sha256, file) and report.json
    into --out: attach the folder to a bug report.

    \b
    Example:
      doj-speeches probe --contact you@example.org
      doj-speeches probe --base-url http://127.0.0.1:8000 --delay 0 --out probe-replica/

    Exit 0 when title, date and paragraphs (and speakers and components on current and
    Drupal 7 pages) were found on every sample, nothing disagreed with its witness and
    no page failed; 3 otherwise, with one line naming the field and where; 2 bad usage.
    A busy site (429, 5xx) is waited out and asked again within a few minutes.
    """
    from scraper.cli.options import CliError
    from scraper.probe.run import run

    folder = _out_folder(out)
    report = run(base_url, defaults.user_agent(contact), folder, delay, per_generation,
                 backoff=backoff)
    if as_json:
        echo_json(report)
    else:
        _echo_report(report)
    problems = report["problems"]
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise CliError(f"probe failed: {problems[0]}{more}", 3)
    if not as_json:
        click.echo("probe passed: every required field found on every sample, no disagreement")


def register(group: click.Group) -> None:
    group.add_command(probe_command)
