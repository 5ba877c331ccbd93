"""`doj-speeches extract`: JSON / text output, stdin, one-line errors with exit code 2."""

import json
import subprocess
import sys

from tests.conftest import EVAL, REAL, load_case


def run(*args, stdin=b""):
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", "extract", *args],
        input=stdin, capture_output=True, timeout=60,
    )


def test_json_output_has_the_expected_keys_and_values():
    _, expected = load_case("drupal7-lynch-white-house-2016")
    proc = run(str(EVAL / "drupal7-lynch-white-house-2016.html"), "--url", expected["url"])
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert {k: record[k] for k in expected} == expected
    assert record["warnings"] == [] and record["extractor_version"]
    # the derived fields, but no person ids (they need a corpus)
    assert (record["speaker_names"], record["kind"], record["country"]) == (
        ["Loretta E. Lynch"], "speech", "US")
    assert "person_ids" not in record


def test_url_defaults_to_the_canonical_link():
    _, expected = load_case("current-lynch-aba-2015")
    proc = run(str(EVAL / "current-lynch-aba-2015.html"))
    assert json.loads(proc.stdout)["url"] == expected["url"]


def test_stdin_and_text_format():
    html, expected = load_case("archive-gonzales-npr-2005")
    proc = run("-", "--url", expected["url"], "--format", "text", stdin=html)
    assert proc.returncode == 0
    out = proc.stdout.decode("utf-8")
    assert out == expected["title"] + "\n\n" + expected["text"] + "\n"


def assert_one_line_error(proc, fragment):
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], lines
    assert proc.stdout == b""


def test_missing_file():
    assert_one_line_error(run("/no/such/page.html"), "cannot read /no/such/page.html")


def test_not_a_speech():
    assert_one_line_error(run(str(REAL / "other/d7_eoir-bia-volume28_node-page_2021.html")),
                          "not a speech")


def test_garbage_on_stdin():
    assert_one_line_error(run("-", stdin=bytes(range(256)) * 10), "not HTML")
