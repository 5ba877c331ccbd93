"""`doj-speeches probe` against the local replica: what it fetches, what it saves, what it
reports, and when it fails (issue 10, part 4)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from click.testing import CliRunner

from scraper.cli import cli
from scraper.crawl.defaults import user_agent
from scraper.cli.probe import default_out
from scraper.replica import Replica
from tests.hostile import SPEECH, Hostile, redirect, rewrite, stream

SEED = 3  # its sampled pages carry every required field (some seeds' statements lack a speaker)


def probe(replica: Replica, out, *args):
    return CliRunner().invoke(cli, ["probe", "--base-url", replica.base_url, "--delay", "0",
                                    "--out", str(out), *map(str, args)])


def site_requests(replica: Replica) -> list[dict]:
    return [r for r in replica.requests() if not r["path"].startswith("/__replica")]


def test_a_healthy_site_passes_and_every_page_is_saved(tmp_path):
    with Replica(40, seed=SEED) as replica:
        result = probe(replica, tmp_path / "out", "--contact", "me@example.org")
        served = site_requests(replica)
        bodies = {r["path"]: replica.fetch(r["path"]).body for r in served}
    assert result.exit_code == 0, result.output
    assert "probe passed" in result.output
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    # one saved page per request the site answered, in order, each its exact bytes
    assert [row["url"].split("127.0.0.1", 1)[1].split("/", 1)[1] for row in index] == \
        [r["path"].lstrip("/") for r in served]
    for row, request in zip(index, served):
        saved = (tmp_path / "out" / row["file"]).read_bytes()
        assert hashlib.sha256(saved).hexdigest() == row["sha256"]
        assert saved == bodies[request["path"]], row["url"]
        assert row["status"] == request["status"] == 200
        assert request["user_agent"] == user_agent("me@example.org")
    kinds = [row["kind"] for row in index]
    assert kinds[:4] == ["robots", "listing", "feed", "sitemap"]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    by_generation = {g: [s for s in report["samples"] if s["generation"] == g]
                     for g in ("current", "drupal7", "archive")}
    assert len(by_generation["current"]) == 3 and len(by_generation["archive"]) == 3
    assert by_generation["drupal7"], "the sub-sitemap picked holds no Drupal 7 speech"
    for gen, samples in by_generation.items():
        assert report["coverage"][gen]["samples"] == len(samples)
        assert report["coverage"][gen]["fields"]["paragraphs"] == len(samples)
        assert f"  {gen}: title {len(samples)}/{len(samples)}, date" in result.output
    assert report["agreement"]["date"]["agree"] == len(by_generation["current"])
    assert re.search(r"date: 3 agree, 0 disagree, 0 filled", result.output)


def test_altered_markup_fails_naming_the_date(tmp_path):
    with Replica(40, seed=SEED, markup="altered") as replica:
        result = probe(replica, tmp_path / "out")
    assert result.exit_code == 3, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: probe failed: date disagrees with the listing on 3 of 3")
    assert "date: 0 agree, 3 disagree" in result.output
    assert "date-disagrees-listing: 3" in result.output


def test_a_page_that_fails_fails_the_probe(tmp_path):
    with Replica(40, seed=SEED) as replica:
        replica.fail("/feeds/opa/justice-news.xml", "500", times=4)  # retries spent
        result = probe(replica, tmp_path / "out", "--backoff", "0.01")
    assert result.exit_code == 3, result.output
    assert "feed failed: HTTP 500 after 3 retries at " in result.output.splitlines()[-1]
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert [row["status"] for row in index if row["kind"] == "feed"] == [500] * 4


def test_a_sample_without_a_speaker_is_a_note_not_a_failure(tmp_path):
    with Replica(40, seed=2) as replica:  # one of its 3 current samples is a statement
        result = probe(replica, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert re.search(r"^note: speakers missing on 1 of 3 current samples \(e\.g\. http.*\);"
                     r" a statement or testimony may have none", result.output, re.M)
    assert "problem:" not in result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["exit_status"] == 0 and len(report["notes"]) == 1


SPEAKER_BLOCK = re.compile(rb'<div class="block block-field-blocknodespeechfield-speaker">'
                           rb'.*?</div></div></div>', re.S)


def test_speakers_lost_on_every_sample_fail_the_probe(tmp_path):
    """Markup we no longer read loses the field on every page, not on one statement."""
    with Hostile(Replica(40, seed=SEED)) as site:
        site.on(SPEECH, rewrite(lambda body: SPEAKER_BLOCK.sub(b"", body)))
        result = CliRunner().invoke(cli, ["probe", "--base-url", site.base_url, "--delay", "0",
                                          "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert re.search(r"^problem: speakers missing on 3 of 3 current samples", result.output,
                     re.M), result.output


def test_redirects_off_site_loops_and_huge_pages_are_named_problems(tmp_path):
    with Hostile(Replica(40, seed=SEED)) as site:
        site.on("/news/speeches", redirect("http://127.0.0.2:9/news/speeches"))
        site.on("/feeds/opa/justice-news.xml", redirect("/feeds/opa/justice-news.xml"))
        site.on("/archive/ag/speeches/index.html", stream(20 * 1024 * 1024 + 10))
        site.on(lambda target: SPEECH(target) and "/archives/" in target, redirect("/elsewhere"))
        result = CliRunner().invoke(cli, ["probe", "--base-url", site.base_url, "--delay", "0",
                                          "--out", str(tmp_path / "out")])
        paths = site.paths()
    assert result.exit_code == 3, result.output
    problems = [line for line in result.output.splitlines() if line.startswith("problem: ")]
    assert "problem: listing failed: redirect off-site to http://127.0.0.2:9/news/speeches" \
        " at http://127.0.0.2:9/news/speeches" in problems
    assert any(p.startswith("problem: feed failed: redirect loop: over 5") for p in problems)
    assert any(p.startswith("problem: archive_index failed: too large: over 20971520 bytes")
               for p in problems)
    assert any(re.match(r"problem: drupal7 sample failed: HTTP 404 at .*/elsewhere", p)
               for p in problems), problems
    assert paths.count("/feeds/opa/justice-news.xml") == 6  # the first request and 5 hops
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert [r["reason"] for r in index if r["kind"] == "listing"] == \
        [None, "redirect off-site to http://127.0.0.2:9/news/speeches"]


def test_robots_disallowed_speeches_are_reported_never_fetched(tmp_path):
    forbidden = ("/opa/speech/", "/archives/opa/speech/")
    with Replica(40, seed=SEED, disallow=forbidden) as replica:
        result = probe(replica, tmp_path / "out", "--json")
        paths = [r["path"] for r in site_requests(replica)]
    assert not [p for p in paths if p.startswith(forbidden)]
    report = json.loads(result.output)
    disallowed = [d["url"] for d in report["disallowed"]]
    assert len(disallowed) >= 3 and all("/opa/speech/" in url for url in disallowed)
    assert {s["generation"] for s in report["samples"]} == {"archive"}
    assert result.exit_code == 0, result.output  # the archive's pages check out


def test_robots_forbidding_every_speech_path_exits_3(tmp_path):
    with Replica(40, seed=SEED, disallow=("/opa/speech/", "/archives/", "/archive/")) as replica:
        result = probe(replica, tmp_path / "out")
        paths = [r["path"] for r in site_requests(replica)]
    assert result.exit_code == 3
    assert "robots.txt disallows every speech path" in result.output
    assert paths == ["/robots.txt"]


def test_crawl_delay_is_honoured_between_requests(tmp_path):
    with Replica(40, seed=SEED, crawl_delay=0.3) as replica:
        result = probe(replica, tmp_path / "out", "--per-generation", 1)
        times = [r["time"] for r in site_requests(replica)]
    assert result.exit_code == 0, result.output
    assert "0.3 s apart" in result.output
    assert len(times) >= 8
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.28, gaps  # a few ms of scheduling either side of the 0.3 s


def test_the_larger_of_delay_and_crawl_delay_wins(tmp_path):
    with Replica(40, seed=SEED, crawl_delay=0.05) as replica:
        result = CliRunner().invoke(cli, ["probe", "--base-url", replica.base_url, "--delay",
                                          "0.2", "--per-generation", "1", "--out",
                                          str(tmp_path / "out"), "--json"])
        times = [r["time"] for r in site_requests(replica)]
    assert json.loads(result.output)["delay"] == 0.2
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.18


def test_bad_usage_exits_2(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "index.json").write_text("[]")
    runner = CliRunner()
    used = runner.invoke(cli, ["probe", "--base-url", "http://127.0.0.1:9", "--out",
                               str(tmp_path / "used")])
    assert used.exit_code == 2 and "not an empty folder" in used.output
    for args in (["--per-generation", "0"], ["--base-url", "ftp://example.org"],
                 ["--delay", "-1"]):
        assert runner.invoke(cli, ["probe", *args]).exit_code == 2, args


def test_the_default_folder_is_new_and_ignored_by_git(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = default_out()
    assert re.fullmatch(r"probe-\d{8}T\d{6}Z", first.name)
    first.mkdir()
    assert default_out() != first  # two probes in one second: two folders
    root = Path(__file__).resolve().parent.parent
    ignored = subprocess.run(["git", "check-ignore", "-q", f"{first.name}/index.json"],
                             cwd=root, timeout=30)
    assert ignored.returncode == 0, "probe folders are not in .gitignore"


def _busy_then_ok(code: int, times: int, retry_after: str | None = None):
    """The first `times` requests of a path answer `code`; then the replica's page."""
    from tests.hostile import status

    left = {"n": times}
    headers = {"Retry-After": retry_after} if retry_after else {}
    busy = status(code, headers=headers)

    def match(target):
        if urlsplit(target).path != "/news/speeches" or left["n"] <= 0:
            return False
        left["n"] -= 1
        return True
    return match, busy


def test_a_busy_site_is_waited_out_429_then_503(tmp_path):
    """Issue 21: a 429 with Retry-After is waited out; a 503 without one is asked again
    after a back-off; the probe passes once the site answers."""
    with Hostile(Replica(40, seed=SEED)) as site:
        site.on(*_busy_then_ok(503, 1))
        site.on(*_busy_then_ok(429, 1, retry_after="1"))
        result = CliRunner().invoke(cli, ["probe", "--base-url", site.base_url, "--delay", "0",
                                          "--backoff", "0.2", "--out", str(tmp_path / "out")])
        listing = [r for r in site.requests() if r["path"] == "/news/speeches"]
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in listing] == [429, 503, 200]
    assert listing[1]["time"] - listing[0]["time"] >= 0.95  # Retry-After: 1
    assert listing[2]["time"] - listing[1]["time"] >= 0.15  # the back-off
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["retries"] == 2 and report["retry_wait_seconds"] >= 1.2


def test_a_busy_site_fails_only_when_the_retries_are_spent(tmp_path):
    with Hostile(Replica(40, seed=SEED)) as site:
        site.on(*_busy_then_ok(503, 10))
        result = CliRunner().invoke(cli, ["probe", "--base-url", site.base_url, "--delay", "0",
                                          "--backoff", "0.01", "--out", str(tmp_path / "out")])
        listing = [r for r in site.requests() if r["path"] == "/news/speeches"]
    assert result.exit_code == 3
    assert [r["status"] for r in listing] == [503] * 4  # the first ask and 3 retries
    assert "listing failed: HTTP 503 after 3 retries" in result.output


def test_a_retry_after_past_a_minute_ends_the_probe_with_that_reason(tmp_path):
    with Hostile(Replica(40, seed=SEED)) as site:
        site.on(*_busy_then_ok(429, 1, retry_after="3600"))
        result = CliRunner().invoke(cli, ["probe", "--base-url", site.base_url, "--delay", "0",
                                          "--out", str(tmp_path / "out")])
        paths = [r["path"] for r in site.requests()]
    assert result.exit_code == 3
    last = result.output.strip().splitlines()[-1]
    assert "Retry-After 3600 s (over the probe's 60 s)" in last
    assert paths == ["/robots.txt", "/news/speeches"]  # it stopped there, at once
