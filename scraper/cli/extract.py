"""`doj-speeches extract`: one saved page -> its speech record, offline."""

from __future__ import annotations

import json
import os
import sys

import click


def _read(page: str) -> bytes:
    """The page's bytes, at most the crawl's page cap (docs/design.md#d13-bounds): `extract
    /dev/zero` must stop, not grow without end."""
    from corpus.errors import UserError
    from scraper.crawl.settings import JUSTICE_MAX_PAGE_BYTES as cap

    name = "stdin" if page == "-" else page
    try:
        if page == "-":
            body = sys.stdin.buffer.read(cap + 1)
        else:
            with open(page, "rb") as fh:
                body = fh.read(cap + 1)
    except OSError as exc:
        raise UserError(f"cannot read {page}: {exc.strerror or exc}") from None
    if len(body) > cap:
        raise UserError(f"{name}: too large: over the {cap}-byte page limit")
    return body


@click.command("extract")
@click.argument("page")
@click.option("--url", help="The page's URL (default: its canonical link, else the file).")
@click.option("--encoding", help="Charset from the HTTP header, when known.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: the whole record, with its derived fields but person ids; text: the title"
         " and the paragraphs.",
)
def extract_command(page, url, encoding, fmt):
    """Extract the speech record of one saved page (PAGE, or - for stdin).

    \b
    Example:
      doj-speeches extract saved.html --url https://www.justice.gov/opa/speech/...
      curl -s URL | doj-speeches extract - --url URL --format text

    Exit code 2, with one line on stderr, for a page that is unreadable or not a speech.
    """
    from corpus.derive import derive
    from corpus.extract import canonical_url, extract

    html = _read(page)
    if not url:
        url = canonical_url(html) or (
            "stdin" if page == "-" else "file://" + os.path.abspath(page)
        )
    speech = extract(html, url, encoding=encoding)
    # The derived fields too (docs/derive.md); person ids need a corpus, so none here.
    derived, more = derive(speech.to_dict())
    speech.warnings.extend(more)
    for warning in speech.warnings:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "text":
        click.echo(speech.title)
        click.echo()
        click.echo(speech.text)
    else:
        record = {**speech.to_dict(), **derived}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))


def register(group: click.Group) -> None:
    group.add_command(extract_command)
