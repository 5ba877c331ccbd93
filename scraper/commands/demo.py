"""`doj-speeches demo`: the whole job offline, against a local replica of justice.gov."""

from __future__ import annotations

import click

from scraper.commands import db_option


@click.command("demo")
@db_option
@click.option("--speeches", type=click.IntRange(10, 50_000), default=300, show_default=True,
              help="Size of the replica (synthetic speeches of all three site generations).")
@click.option("--seed", type=int, default=1, show_default=True, help="Replica seed.")
@click.option("--report", "report_path", default="report.html", show_default=True,
              type=click.Path(dir_okay=False), help="Where to write the HTML report.")
@click.option("--progress/--no-progress", default=None, help="Live progress line.")
def demo_command(db_path, speeches, seed, report_path, progress):
    """Run the main job offline: start a local replica of justice.gov on a free loopback
    port, backfill it into the corpus (no politeness delay: it is our own server), print
    the corpus statistics and write the HTML report.

    \b
    Example:
      doj-speeches demo && doj-speeches search "civil rights" && doj-speeches history 1
    """
    from corpus.report import build_report, write_report
    from corpus.store import Corpus
    from corpus.summary import render, summary
    from scraper.replica import Replica
    from scraper.run import CrawlOptions, run

    with Replica(speeches, seed=seed) as replica:
        click.echo(f"replica of justice.gov with {speeches} speeches at {replica.base_url}")
        opts = CrawlOptions(mode="backfill", db_path=db_path, base_url=replica.base_url,
                            delay=0.0, progress=progress)
        code = run(opts, echo=click.echo)
    with Corpus(db_path) as corpus:
        click.echo("")
        for line in render(summary(corpus)):
            click.echo(line)
        write_report(build_report(corpus), report_path)
    click.echo(f"\ncorpus: {db_path}  (try: doj-speeches search justice --db {db_path})")
    click.echo(f"report: {report_path}  (open it in a browser)")
    if code:
        raise SystemExit(code)


def register(group: click.Group) -> None:
    group.add_command(demo_command)
