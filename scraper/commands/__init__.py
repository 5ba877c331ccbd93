"""Subcommands of `doj-speeches`, one module per area; each exposes `register(group)`."""

import click

# Every subcommand that touches the corpus takes the same --db (here, not in scraper.cli,
# so command modules never import the CLI module itself: `python -m scraper.cli` would
# load it twice).
db_option = click.option(
    "--db",
    "db_path",
    default="corpus.db",
    show_default=True,
    envvar="CORPUS_DB",
    type=click.Path(dir_okay=False),
    help="SQLite corpus file.",
)
