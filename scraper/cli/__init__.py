"""The `doj-speeches` command line: one click group, subcommands registered per area.

Heavy modules (Scrapy, pyarrow, the store) are imported inside the commands that need
them, so `doj-speeches extract` starts fast.
"""

from __future__ import annotations

import click

from scraper.cli.options import Group
from scraper import __version__


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="doj-speeches")
def cli():
    """Build a clean, versioned research corpus of US Department of Justice speeches.

    \b
    First run, offline:   doj-speeches demo
    Real scheduled crawl: doj-speeches crawl --contact you@example.org
    """


def _register_all():
    from scraper.cli import crawl as crawl_cmds
    from scraper.cli import demo as demo_cmds
    from scraper.cli import extract as extract_cmds
    from scraper.cli import replica as replica_cmds
    from scraper.cli import report as report_cmds
    from scraper.cli import store as store_cmds

    for module in (extract_cmds, store_cmds, crawl_cmds, replica_cmds, demo_cmds, report_cmds):
        module.register(cli)
    from scraper.cli.release import register as register_release  # release, feed
    register_release(cli)
    from scraper.cli.probe import register as register_probe  # probe (issue 10)
    register_probe(cli)


_register_all()

