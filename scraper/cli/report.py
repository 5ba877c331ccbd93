"""`report`: a static HTML report of the corpus or of one crawl (corpus/views/report/)."""

from __future__ import annotations

import click

from scraper.cli.options import db_option
from scraper.cli.options import corpus_errors


@click.command("report")
@db_option
@click.option("--out", "out_path", default="report.html", show_default=True,
              type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--crawl", "crawl_id", type=int, metavar="ID",
              help="Report on one run (crawl, backfill, import...): its stats, the speeches "
                   "it added and changed, its failures. Default: the whole corpus.")
@click.option("--changed", default=20, show_default=True, type=click.IntRange(0, 1000),
              help="How many recently changed speeches to show with their diffs.")
@click.option("--crawls", "last_crawls", default=10, show_default=True,
              type=click.IntRange(1, 1000), help="How many of the last runs to list.")
@corpus_errors
def report_command(db_path, out_path, crawl_id, changed, last_crawls):
    """Write a static HTML report: counts per year and component, a chart of speeches
    per month, the last crawls and their outcomes, the recently changed speeches with
    their diffs.

    One self-contained file (inline CSS and SVG, no scripts, nothing fetched): open it
    in any browser, no server needed.

    \b
    Examples:
      doj-speeches report --out report.html
      doj-speeches report --crawl 12 --out crawl-12.html
    """
    from corpus.views.report import build_report, write_report
    from corpus.store import Corpus

    with Corpus(db_path, create=False) as corpus:
        html = build_report(corpus, crawl_id=crawl_id, changed=changed, crawls=last_crawls)
    out = write_report(html, out_path)
    what = "the corpus" if crawl_id is None else f"run #{crawl_id}"
    click.echo(f"wrote a report on {what} to {out} ({len(html.encode()):,} bytes);"
               f" open file://{out.resolve()}")


def register(group: click.Group) -> None:
    group.add_command(report_command)
