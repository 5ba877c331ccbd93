"""`python -m scraper.cli`: the `doj-speeches` command."""

from scraper.cli import cli

cli()
