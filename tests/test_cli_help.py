"""Every subcommand's --help says what it does, documents every option, and shows
examples that the command itself accepts."""

import re
import shlex

import click
import pytest
from click.testing import CliRunner

from scraper.cli import cli


def help_of(name: str) -> str:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def examples_of(text: str) -> list[str]:
    section = re.search(r"Examples?\b[^\n]*:\n((?:[ ]{4,}\S.*\n)+)", text)
    assert section, "no Example section"
    lines = re.sub(r"\\\n\s*", " ", section.group(1))
    return [line.strip() for line in lines.splitlines() if line.strip().startswith("doj-speeches")]


def test_group_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("demo", "crawl", "backfill", "extract", "export", "replica", "report"):
        assert f"  {name}" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_the_first_help_line_is_a_sentence_of_what_it_does(name):
    lines = help_of(name).splitlines()
    assert lines[0].startswith("Usage: ") and lines[1] == ""
    paragraph = " ".join(line.strip() for line in lines[2:lines.index("", 2)])
    # the docstring's summary: capitalised sentences, not a fragment or an option list
    assert paragraph[0].isupper() and paragraph.endswith((".", ":")), paragraph
    assert len(paragraph.split()) >= 5, paragraph


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_says_what_it_is_for(name):
    command = cli.commands[name]
    bare = [p.opts[0] for p in command.params
            if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()]
    assert bare == [], f"{name}: options without help: {bare}"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_example_is_accepted_by_the_command(name):
    """Each example parses: its subcommand exists and click knows every option and value
    it gives (a renamed option would leave a help example that fails at once)."""
    examples = examples_of(help_of(name))
    assert examples, name
    for part in (p.strip() for line in examples for p in line.split("&&")):
        words = shlex.split(part.split(" | ")[0].split(" > ")[0].rstrip("& "))[1:]
        command = cli.commands[words[0]]
        try:
            with command.make_context(words[0], words[1:]) as ctx:
                assert ctx.command is command
        except click.BadParameter as exc:  # a file the example's own steps would make
            assert "does not exist" in exc.format_message(), (part, exc.format_message())


def test_a_bad_example_would_be_caught():
    with pytest.raises(click.UsageError):
        cli.commands["search"].make_context("search", ["word", "--no-such-option"])
