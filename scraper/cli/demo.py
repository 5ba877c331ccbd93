"""`doj-speeches demo`: the whole job offline, against a local replica of justice.gov.

The demo shows the product, not only a first crawl: a backfill, then the replica changes
(speeches edited, removed, added), then the scheduled crawl and a second backfill, so
`history`, gone speeches and the report's recent changes have something in them. Each
crawl runs as `doj-speeches` in a subprocess: Twisted's reactor runs once per process.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from urllib.parse import quote, urlsplit

import click

from scraper.cli.options import db_option
from scraper.crawl import defaults

LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Runs that bring no page of their own (they re-read what the corpus holds).
READS_ONLY = ("reextract",)


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
    port, backfill it into the corpus (no politeness delay: it is our own server), change
    the replica (edit, remove and add speeches), run the scheduled crawl and a backfill
    again, print the corpus statistics and write the HTML report. It ends with commands
    to try, picked from the corpus it made.

    It never writes into a corpus that holds another site's speeches (exit 2).

    \b
    Example:
      doj-speeches demo
      doj-speeches search '"Justice Department"'
    """
    from corpus.errors import UserError
    from scraper.replica import Replica

    why = foreign_content(db_path)
    if why:
        raise UserError(f"{db_path} holds {why}: the demo writes only into a new or a demo"
                        " corpus (use --db demo.db)")
    _mark_as_demo(db_path)
    with Replica(speeches, seed=seed) as replica:
        click.echo(f"replica of justice.gov with {speeches} speeches at {replica.base_url}")
        crawl = _crawler(db_path, replica.base_url, progress)
        code = crawl("backfill")
        if code == 0:
            change = replica.mutate(change=max(3, speeches // 10), add=max(2, speeches // 50),
                                    remove=removable(replica.speeches("live"),
                                                     max(1, speeches // 50)))
            click.echo(f"\nthe replica changed: {len(change['changed'])} speeches edited,"
                       f" {len(change['removed'])} removed, {len(change['added'])} added")
            code = crawl("crawl") or crawl("backfill")
    if code:
        raise SystemExit(code)
    _close(db_path, report_path)


def removable(live: list[dict], count: int) -> list[str]:
    """`count` speeches to remove, each from a year and generation that keeps others: a
    year's sitemap or archive index left empty is a sign of a broken site to the crawler
    (the run is unhealthy), and the demo shows speeches gone, not a broken site."""
    groups = Counter((s["generation"], s["date"][:4]) for s in live)
    picked = []
    for s in sorted(live, key=lambda s: s["index"], reverse=True):
        key = (s["generation"], s["date"][:4])
        if len(picked) < count and groups[key] > 1:
            groups[key] -= 1
            picked.append(s["id"])
    return picked


def _crawler(db_path: str, base_url: str, progress):
    def crawl(mode: str) -> int:
        click.echo(f"\n$ doj-speeches {mode}  (against the replica)")
        args = [sys.executable, "-m", "scraper.cli", mode, "--db", db_path,
                "--base-url", base_url, "--delay", "0"]
        if progress is not None:
            args.append("--progress" if progress else "--no-progress")
        sys.stdout.flush()
        return subprocess.run(args).returncode

    return crawl


def _close(db_path: str, report_path: str) -> None:
    """The statistics, the report, and commands to try that work on this corpus."""
    from corpus.views.report import build_report, write_report
    from corpus.store import Corpus
    from corpus.views.summary import render, summary

    with Corpus(db_path) as corpus:
        click.echo("")
        for line in render(summary(corpus)):
            click.echo(line)
        write_report(build_report(corpus), report_path)
        examples = demo_examples(corpus)
    run = command_prefix()
    db = "" if db_path == defaults.DB_PATH else f" --db {shlex.quote(db_path)}"
    click.echo(f"\nreport: {report_path}  (open it in a browser)")
    click.echo(f"corpus: {db_path}")
    click.echo("\ntry:")
    for args in examples:
        click.echo(f"  {run} {args}{db}")


def demo_examples(corpus) -> list[str]:
    """Command lines that show something on this corpus: a search for a phrase it
    holds, the history of a speech that changed and of one that is gone, and stats."""
    lines = []
    phrase = frequent_phrase(corpus)
    if phrase:
        lines.append(f"search {shlex.quote(chr(34) + phrase + chr(34))}")
    changed = corpus.execute(
        "SELECT id FROM speeches WHERE version > 1 ORDER BY version DESC, id LIMIT 1").fetchone()
    gone = corpus.execute(
        "SELECT id FROM speeches WHERE status = 'gone' ORDER BY id LIMIT 1").fetchone()
    lines += [f"history {shlex.quote(row[0])}" for row in (changed, gone) if row]
    lines.append("stats --format json")
    return lines


def frequent_phrase(corpus, sample: int = 300) -> str | None:
    """The two-word phrase (words of 5+ letters) found in the most speeches, checked
    against the full-text index; None for an empty corpus."""
    counts: Counter = Counter()
    for (text,) in corpus.execute("SELECT text FROM speeches LIMIT ?", (sample,)):
        words = re.findall(r"[a-z]+", (text or "").lower())
        counts.update({(a, b) for a, b in zip(words, words[1:]) if len(a) > 4 and len(b) > 4})
    for (a, b), _ in counts.most_common(5):
        phrase = f"{a} {b}"
        if corpus.search(f'"{phrase}"', 1).total:
            return phrase
    return None


def command_prefix() -> str:
    """How to run doj-speeches again, as this process was run: the README's commands
    never activate the venv, so a bare `doj-speeches` is not on PATH."""
    argv0 = sys.argv[0]
    if argv0.endswith(".py") or argv0 in ("", "-c", "-m"):
        return f"{shlex.quote(sys.executable)} -m scraper.cli"
    name = os.path.basename(argv0)
    found = shutil.which(name)
    if found and os.path.realpath(found) == os.path.realpath(argv0):
        return name  # the venv is active, or the command is installed on PATH
    return shlex.quote(argv0)  # as it was typed, e.g. .venv/bin/doj-speeches


def foreign_content(db_path: str) -> str | None:
    """What makes the file at `db_path` hold another site's speeches (a crawl of a
    non-loopback base URL, imported pages, speeches fetched from elsewhere), or None
    for no file or a demo corpus. Read-only: no migration, no write, no lock."""
    if not os.path.exists(db_path) or os.path.getsize(db_path) == 0:
        return None
    # Without a -wal file every commit is in the main file: read it as immutable, which
    # creates no -wal/-shm beside it. With one, read-only mode sees its commits too.
    wal = os.path.exists(f"{db_path}-wal")
    uri = f"file:{quote(os.path.abspath(db_path))}?{'mode=ro' if wal else 'immutable=1'}"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return f"something that is not a corpus ({exc})"
    try:
        return _foreign(conn)
    except sqlite3.Error as exc:
        return f"something that is not a corpus ({exc})"
    finally:
        conn.close()


def _mark_as_demo(db_path: str) -> None:
    """The demo's own corpus says so (meta made_by = demo): a crawl of another site on
    loopback looks like the demo's in every other way."""
    from corpus.store import Corpus

    with Corpus(db_path) as corpus, corpus.transaction():
        corpus.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('made_by', 'demo')")


def _foreign(conn) -> str | None:
    import json

    if not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        return None  # an empty database: nothing in it to protect
    found = _foreign_rows(conn)
    if found or not conn.execute("SELECT count(*) FROM crawls").fetchone()[0]:
        return found
    mark = conn.execute("SELECT value FROM meta WHERE key = 'made_by'").fetchone()
    if not mark or mark[0] != "demo":
        base_url = json.loads(conn.execute("SELECT args FROM crawls ORDER BY id LIMIT 1")
                              .fetchone()[0] or "{}").get("base_url") or "a local site"
        return f"a corpus the demo did not create (a crawl of {base_url})"
    return None


def _foreign_rows(conn) -> str | None:
    import json

    for mode, args in conn.execute("SELECT mode, args FROM crawls ORDER BY id"):
        if mode in READS_ONLY:
            continue
        base_url = (json.loads(args or "{}") or {}).get("base_url") or ""
        if mode not in ("crawl", "backfill"):
            return f"pages added by {mode}"
        if urlsplit(base_url).hostname not in LOOPBACK:
            return f"a {mode} of {base_url or 'an unknown site'}"
    for (url,) in conn.execute("SELECT url FROM speeches"):
        if urlsplit(url or "").hostname not in LOOPBACK:
            return f"speeches of another site ({url})"
    return None


def register(group: click.Group) -> None:
    group.add_command(demo_command)
