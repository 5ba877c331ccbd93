"""Every subcommand's --help says what it does and shows an example."""

import pytest
from click.testing import CliRunner

from scraper.cli import cli


def test_group_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("demo", "crawl", "backfill", "extract", "export", "replica", "report"):
        assert f"  {name}" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, name
    assert len(result.output.splitlines()[2].strip()) > 20  # a sentence of what it does
