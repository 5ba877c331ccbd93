"""The crawl commands' options: environment variables, one wording of a bad date, -q."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from corpus.store import Corpus
from scraper.cli import cli
from scraper.replica import Replica
from tests.crawl_support import crawl, rows

ENV = {"CORPUS_DB": "--db", "JUSTICE_BASE_URL": "--base-url", "JUSTICE_DELAY": "--delay",
       "JUSTICE_CONTACT": "--contact"}


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


@pytest.mark.parametrize("command", ["crawl", "backfill"])
def test_help_names_the_environment_variables(command):
    text = " ".join(invoke(command, "--help").output.split())  # help wraps lines
    for variable in ENV:
        assert f"env var: {variable}" in text, variable
    assert "env var: CORPUS_DB" in " ".join(invoke("stats", "--help").output.split())


@pytest.mark.parametrize("variable, value, message", [
    ("JUSTICE_DELAY", "abc", "'abc' is not a valid float range"),
    ("JUSTICE_DELAY", "-1", "-1.0 is not in the range x>=0"),
    ("JUSTICE_BASE_URL", "www.justice.gov", "'www.justice.gov' is not an http(s) URL"),
    ("CORPUS_DB", "{tmp}", "is a directory"),
])
def test_a_bad_value_from_the_environment_names_the_variable(tmp_path, variable, value,
                                                             message):
    result = invoke("backfill", env={variable: value.format(tmp=tmp_path)})
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()  # one line: no usage text
    assert line.startswith(f"Error: bad {variable} in the environment: ")
    assert message in line
    assert ENV[variable] not in line  # the user never typed the option


def test_the_same_value_on_the_command_line_names_the_option():
    result = invoke("crawl", "--delay", "abc", env={"JUSTICE_DELAY": "2"})
    assert result.exit_code == 2
    assert "Invalid value for '--delay'" in result.stderr
    assert "bad JUSTICE_DELAY in the environment" not in result.stderr


def test_a_good_value_from_the_environment_is_used(tmp_path):
    db = tmp_path / "env.db"
    result = invoke("stats", env={"CORPUS_DB": str(db)})
    assert result.exit_code == 2 and f"no corpus at {db}" in result.stderr


@pytest.mark.parametrize("args", [["backfill", "--since", "2021-13-01"],
                                  ["backfill", "--until", "31/12/2021"],
                                  ["export", "--format", "csv", "--out", "o", "--since", "2020"]])
def test_one_wording_for_a_bad_date(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    if args[0] == "export":
        Corpus(tmp_path / "corpus.db").close()
    result = invoke(*args)
    assert result.exit_code == 2
    option = next(a for a in args if a in ("--since", "--until"))
    value = args[args.index(option) + 1]
    assert result.stderr.strip() == f"Error: bad {option} date: {value!r} (expected YYYY-MM-DD)"


@pytest.fixture(scope="module")
def replica():
    with Replica(12, seed=5) as replica:
        yield replica


def test_quiet_crawl_prints_nothing_and_records_the_run(tmp_path, replica):
    db = tmp_path / "q.db"
    proc = crawl("backfill", db, replica.base_url, "-q")
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")
    [run] = rows(db, "SELECT mode, exit_status FROM crawls")
    assert run == {"mode": "backfill", "exit_status": 0}
    assert rows(db, "SELECT count(*) AS n FROM speeches")[0]["n"] == 12
    loud = crawl("crawl", db, replica.base_url)
    assert "crawl #2 healthy" in loud.stdout  # without -q: the summary


def test_quiet_crawl_keeps_the_error_line_and_the_exit_code(tmp_path, replica):
    db = tmp_path / "q.db"
    victim = replica.speeches("live")[3]["path"]
    replica.fail(victim, "500", times=20)
    try:
        proc = crawl("backfill", db, replica.base_url, "-q", "--max-failures", "0")
    finally:
        replica.fail(victim, "500", times=0)
    assert proc.returncode == 3
    assert proc.stdout == ""  # no summary table
    # The problems as they happen (warnings, errors), then the one line of the verdict.
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: crawl unhealthy: 1 of 12 speech pages failed")
    assert all("WARNING" in line or "ERROR" in line for line in lines[:-1]), lines
    assert any(victim in line for line in lines[:-1])
