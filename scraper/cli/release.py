"""Publishing commands: release (a citable dataset folder) and feed (Atom of changes).

The store and pyarrow are imported inside each command so the CLI starts fast.
"""

from __future__ import annotations

import click

from corpus.publish.formats import FORMATS

from scraper.cli.options import db_option
from scraper.cli.options import corpus_errors, open_corpus


@click.command("release")
@db_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the release into (must be empty, or --force).")
@click.option("--previous", type=click.Path(exists=True, file_okay=False),
              help="An earlier release folder (not an export): adds CHANGES.md and"
                   " changes.jsonl.")
@click.option("--as-of", help="The corpus as it was then: YYYY-MM-DD (end of that day, UTC)"
                              " or an ISO 8601 date-time.")
@click.option("--version", "version", help="Release version [default: the as-of date, or"
                                           " today's UTC date; a second release of that"
                                           " date is DATE.2, then DATE.3...].")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              default="parquet", show_default=True, help="Format of the release's tables.")
@click.option("--title", envvar="DOJ_RELEASE_TITLE", help="Dataset title (DOJ_RELEASE_TITLE).")
@click.option("--author", "authors", multiple=True,
              help="An author, 'Family, Given' or an organisation; repeatable"
                   " (DOJ_RELEASE_AUTHORS, ';'-separated).")
@click.option("--doi", envvar="DOJ_RELEASE_DOI", help="DOI of this release (DOJ_RELEASE_DOI).")
@click.option("--url", envvar="DOJ_RELEASE_URL",
              help="Where the release is published (DOJ_RELEASE_URL).")
@click.option("--force", is_flag=True, help="Replace the release files in a non-empty --out.")
@corpus_errors
def release_command(db_path, out_dir, previous, as_of, version, fmt, title, authors, doi,
                    url, force):
    """Write a research release: speeches and every version, typed, citable.

    The folder holds speeches, speech_versions and speech_status (and captures and
    attachments when the corpus has some) as <table>.<format>, manifest.json,
    datapackage.json (Frictionless), CITATION.cff, README.md (a dataset card) and, with
    --previous, CHANGES.md and changes.jsonl. Same corpus and arguments: byte-identical
    data files. The corpus logs each release (its `releases` table).

    \b
    Examples:
      doj-speeches release --out release-v1/
      doj-speeches release --out release-v2/ --previous release-v1/ \\
          --author 'Doe, Jane' --doi 10.5281/zenodo.1234567
      doj-speeches release --format csv --as-of 2025-06-30 --out release-csv/
    """
    from corpus.publish.release import Meta, release

    with open_corpus(db_path) as corpus:
        meta = Meta.from_env(version, title=title, authors=authors, doi=doi, url=url)
        manifest = release(corpus, out_dir, fmt=fmt, previous=previous, as_of=as_of,
                           meta=meta, force=force)
    rows = {f["table"]: f["rows"] for f in manifest["files"]}
    click.echo(f"release {manifest['version']}: {rows['speeches']} speeches,"
               f" {rows['speech_versions']} versions ({fmt}) in {out_dir}")
    if "changes" in manifest:
        click.echo("since " + str(manifest["previous"]["version"]) + ": " + ", ".join(
            f"{n} {kind}" for kind, n in manifest["changes"].items()))
    if rows["speeches"] == 0:
        click.echo("0 speeches: the corpus held none at that moment", err=True)


@click.command("feed")
@db_option
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The Atom file to write.")
@click.option("--crawl", "crawl_id", type=int, help="Only what this crawl found.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000),
              help="Number of entries, newest first.")
@corpus_errors
def feed_command(db_path, out_path, crawl_id, limit):
    """Write an Atom feed of the newest added, changed and gone speeches.

    \b
    Examples:
      doj-speeches feed --out feed.xml
      doj-speeches feed --out feed.xml --crawl 12 --limit 20
    """
    from corpus.publish.feed import write_feed

    with open_corpus(db_path) as corpus:
        count = write_feed(corpus, out_path, crawl_id=crawl_id, limit=limit)
    click.echo(f"wrote {count} entries to {out_path}")


def register(group: click.Group) -> None:
    for command in (release_command, feed_command):
        group.add_command(command)
