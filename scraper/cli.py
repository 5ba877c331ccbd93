"""The `doj-speeches` command line: one click group, subcommands registered per area.

Heavy modules (Scrapy, pyarrow, the store) are imported inside the commands that need
them, so `doj-speeches extract` starts fast.
"""

from __future__ import annotations

import click

from corpus.errors import CorpusError
from scraper import __version__


class CliError(click.ClickException):
    """A user-facing error: one line on stderr, the exit code of DESIGN.md Decision 1."""

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


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="doj-speeches")
def cli():
    """Build a clean, versioned research corpus of US Department of Justice speeches.

    \b
    First run, offline:   doj-speeches demo
    Real scheduled crawl: doj-speeches crawl --contact you@example.org
    """


def _register_all():
    from scraper.commands import crawl as crawl_cmds
    from scraper.commands import demo as demo_cmds
    from scraper.commands import extract as extract_cmds
    from scraper.commands import replica as replica_cmds
    from scraper.commands import report as report_cmds
    from scraper.commands import store as store_cmds

    for module in (extract_cmds, store_cmds, crawl_cmds, replica_cmds, demo_cmds, report_cmds):
        module.register(cli)
    from scraper.commands.release import register as register_release  # release, feed
    register_release(cli)
    from scraper.commands.probe import register as register_probe  # probe (issue 10)
    register_probe(cli)


_register_all()


if __name__ == "__main__":
    cli()
