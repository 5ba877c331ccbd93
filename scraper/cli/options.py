"""Subcommands of `doj-speeches`, one module per area; each exposes `register(group)`.

Shared here: the --db option, options read from environment variables, and the
--format table|json|csv option with its writers.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sqlite3

import click
from click.core import ParameterSource

from corpus.errors import CorpusError
from scraper.crawl import defaults

OUTPUT_FORMATS = ("table", "json", "csv")
LIST_SEPARATOR = "; "  # how CSV output joins a list (as the CSV export does)


class EnvOption(click.Option):
    """An option that may come from an environment variable (shown in --help). A bad
    value that came from the environment names the variable, not the option the user
    never typed, in one line (no usage text: the command line was fine)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("show_envvar", True)
        super().__init__(*args, **kwargs)

    def process_value(self, ctx, value):
        try:
            return super().process_value(ctx, value)
        except click.BadParameter as exc:
            if ctx.get_parameter_source(self.name) is not ParameterSource.ENVIRONMENT:
                raise
            raise EnvironmentValueError(
                f"bad {self.envvar} in the environment: {exc.message}") from None


class EnvironmentValueError(click.ClickException):
    exit_code = 2


def env_option(*decls, **kwargs):
    """`click.option` for an option that also reads an environment variable."""
    return click.option(*decls, cls=EnvOption, **kwargs)


# Every subcommand that touches the corpus takes the same --db (here, not in scraper.cli,
# so command modules never import the CLI module itself: `python -m scraper.cli` would
# load it twice).
# What the crawl and the probe share: their pace and who the site can reach.
delay_option = env_option(
    "--delay", type=click.FloatRange(min=0), default=defaults.DELAY, show_default=True,
    envvar="JUSTICE_DELAY",
    help="Seconds between two requests (the larger of it and Crawl-delay wins).")
contact_option = env_option(
    "--contact", default="", envvar="JUSTICE_CONTACT",
    help="E-mail or URL put in the User-Agent so the site can reach you.")

db_option = env_option(
    "--db",
    "db_path",
    default=defaults.DB_PATH,
    show_default=True,
    envvar="CORPUS_DB",
    type=click.Path(dir_okay=False),
    help="SQLite corpus file.",
)


def format_option(func):
    """--format table|json|csv (default table), and --json for --format json."""

    @click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table",
                  show_default=True, help="table for people; json or csv for scripts.")
    @click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
    @functools.wraps(func)
    def wrapper(*args, fmt, as_json, **kwargs):
        if as_json and fmt == "csv":
            raise click.UsageError("--json and --format csv: pick one")
        return func(*args, fmt="json" if as_json else fmt, **kwargs)

    return wrapper


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def echo_csv(columns: list[str], rows) -> None:
    """A header row, then one row per dict; lists joined with "; "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([LIST_SEPARATOR.join(v) if isinstance(v, list) else v
                         for v in (row.get(c) for c in columns)])
    click.echo(out.getvalue(), nl=False)


class CliError(click.ClickException):
    """A user-facing error: one line on stderr, the exit code of docs/design.md#d1-exit-codes."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


class Group(click.Group):
    """Turns CorpusError (raised anywhere below a command) into a one-line CliError."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CorpusError as exc:
            raise CliError(str(exc), exc.exit_code) from None


def corpus_errors(command):
    """A database error met mid-command is one line, not a traceback: exit 2 for a
    damaged or unwritable file (bad input), 1 for anything else."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from corpus.errors import CorpusError, UserError

        try:
            return command(*args, **kwargs)
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if any(s in text for s in ("malformed", "not a database", "corrupt", "readonly",
                                       "unable to open", "disk I/O")):
                raise UserError(f"database error: {text} (run `doj-speeches check`)") from None
            raise CorpusError(f"database error: {text}") from None

    return wrapper


def open_corpus(db_path: str, *, create: bool = False, readonly: bool = False):
    """The corpus for a command; `readonly` for readers (stats, search), which then work
    on a read-only copy too. A reader of a corpus an older version wrote (one that needs
    a migration) opens it writable, to migrate it first."""
    from corpus.store import Corpus

    if readonly and not _needs_migration(db_path):
        return Corpus(db_path, readonly=True)
    return Corpus(db_path, create=create)


def _needs_migration(db_path: str) -> bool:
    from corpus.store import Corpus
    from corpus.store.migrations import MIGRATIONS

    if not os.path.isfile(db_path):
        return True  # the writable open says "no corpus at ..."
    with Corpus(db_path, readonly=True) as corpus:
        return corpus.schema_version < len(MIGRATIONS)
