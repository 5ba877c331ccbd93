"""`report`: the static HTML page, checked by its structure (lxml) and in headless Chromium.

The corpus is built through the real store API from the real speech pages of
tests/fixtures/eval, with edited copies to make later versions. The browser test runs
Debian's Chromium (docs/design.md#d9-browser-tests): it never skips; without /usr/bin/chromium it
fails and says how to install it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from corpus.outcomes import FETCH_OUTCOMES, Outcome
from corpus.views.report import build_report, chart_svg, diff_html, write_report
from corpus.store import Corpus
from scraper.cli import cli
from tests.store_support import Clock

EVAL = Path(__file__).parent / "fixtures" / "eval"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HTML = {"content-type": "text/html"}
SCRIPT_TITLE = 'Garland on <script>alert("x")</script> & "antitrust"'
WITNESS = {"date": {"agree": 298, "disagree": 2, "filled": 0},
           "title": {"agree": 300, "disagree": 0, "filled": 1}}


def _page(name: str) -> tuple[str, bytes, dict]:
    expected = json.loads((EVAL / f"{name}.expected.json").read_text(encoding="utf-8"))
    return expected["url"], (EVAL / f"{name}.html").read_bytes(), expected


def _edit(body: bytes, old: str, new: str) -> bytes:
    assert old.encode() in body, old
    return body.replace(old.encode(), new.encode())


def _opening(expected: dict, n: int, words: int = 6) -> str:
    return " ".join(expected["paragraphs"][n].split()[:words])


def build_corpus(path: Path) -> dict:
    """Nine real pages (run 1), three of them edited (run 2, with a 404, a 304, a
    failure), one retitled (run 3, unhealthy), and an unfinished backfill (run 4)."""
    pages = {p.stem: _page(p.stem) for p in sorted(EVAL.glob("*.html"))}
    clock = Clock("2024-03-01T09:00:00")
    with Corpus(path, clock=clock) as corpus:
        first = corpus.begin_crawl("import", {"paths": ["tests/fixtures/eval"]})
        for url, body, _ in pages.values():
            assert corpus.record(url, 200, HTML, body, first).outcome == "new"
        corpus.finish_crawl(first, {"pages": 9, "new": 9}, 0)

        clock.set("2024-04-02T06:00:00")
        second = corpus.begin_crawl("crawl", {"delay": 1.0})
        corpus.record_discovery("https://www.justice.gov/robots.txt", 200, second,
                                reason="robots.txt")
        edits = {}
        for name, n, new in (("current-garland-naag-2021", 1, "In a short address, Garland"),
                             ("current-delrahim-house-2017", 2, "Thank you very much indeed"),
                             ("archive-gonzales-npr-2005", 1, "Good morning to all of you")):
            url, body, expected = pages[name]
            edits[name] = _edit(body, _opening(expected, n), new)
            result = corpus.record(url, 200, HTML, edits[name], second)
            assert (result.outcome, result.version) == ("changed", 2), name
        aba = pages["current-lynch-aba-2015"][0]
        assert corpus.record(aba, 404, HTML, b"not found", second).outcome == "gone"
        house = pages["current-lynch-house-judiciary-2016"][0]
        assert corpus.record(house, 304, {}, b"", second).outcome == "not_modified"
        white = pages["drupal7-lynch-white-house-2016"]
        assert corpus.record(white[0], 200, HTML, white[1], second).outcome == "unchanged"
        corpus.record_failure(pages["current-garland-component-heads-2022"][0], second,
                              "HTTP 503 after 2 retries", 503)
        corpus.finish_crawl(second, {
            "requests": 11, "pages": 7, "new": 0, "changed": 3, "unchanged": 1,
            "not_modified": 1, "gone": 1, "failed": 1, "skipped": 0, "retries": 2,
            "robots_forbidden": 0, "seconds": 12.5, "warnings": {"date-fallback": 2},
            "health": [], "witness": WITNESS}, 0)

        clock.set("2024-05-03T06:00:00")
        third = corpus.begin_crawl("crawl", {"delay": 1.0})
        url, _, expected = pages["current-garland-naag-2021"]
        body = _edit(edits["current-garland-naag-2021"], expected["title"],
                     SCRIPT_TITLE.replace("&", "&amp;").replace("<", "&lt;")
                     .replace(">", "&gt;").replace('"', "&quot;"))
        assert corpus.record(url, 200, HTML, body, third).version == 3
        corpus.finish_crawl(third, {
            "requests": 3, "pages": 1, "new": 0, "changed": 1, "unchanged": 0,
            "not_modified": 0, "gone": 0, "failed": 0, "skipped": 0, "seconds": 2.0,
            "warnings": {}, "health": ["listing /news/speeches yielded no speeches"]}, 3)

        clock.set("2024-05-04T06:00:00")
        fourth = corpus.begin_crawl("backfill", {"since": "2015-01-01"})  # killed: never finished
    return {"pages": pages, "runs": (first, second, third, fourth)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    db = folder / "c.db"
    info = build_corpus(db)
    with Corpus(db, create=False) as corpus:
        info["html"] = build_report(corpus, generated_at="2024-06-01T00:00:00Z")
        info["crawl_html"] = build_report(corpus, crawl_id=info["runs"][1])
    info["db"], info["folder"] = db, folder
    return info


def _doc(html: str):
    return lxml.html.document_fromstring(html)


def _rows(doc, section: str) -> list[list[str]]:
    return [[" ".join(td.text_content().split()) for td in tr.findall("td")]
            for tr in doc.xpath(f'//*[@id="{section}"]//table/tbody/tr')]


def test_corpus_report_sections_and_counts(built):
    doc = _doc(built["html"])
    for section in ("summary", "per-year", "per-component", "per-month", "crawls", "changed"):
        assert len(doc.xpath(f'//section[@id="{section}"]')) == 1, section

    cards = {c.findtext('.//div[@class="label"]'): c.findtext('.//div[@class="value"]')
             for c in doc.xpath('//*[@id="summary"]//div[@class="card"]')}
    assert cards["speeches"] == "9" and cards["live"] == "8" and cards["gone"] == "1"
    assert cards["versions"] == "13" and cards["changed since first seen"] == "3"
    assert cards["runs (crawls, imports...)"] == "4"
    by_status = _rows(doc, "summary")
    assert ["archive", "2", "0", "2"] in by_status and ["current", "4", "1", "5"] in by_status
    assert doc.xpath('//*[@id="summary"]//tfoot//td/text()') == ["total", "8", "1", "9"]

    years = _rows(doc, "per-year")
    assert [r[0] for r in years] == ["2022", "2021", "2017", "2016", "2015", "2005"]
    assert years[-1] == ["2005", "2", "2", "0", "1"]  # two archive speeches, one changed
    assert ["2015", "2", "1", "1", "0"] in years  # the ABA speech is gone

    components = _rows(doc, "per-component")
    assert components == [
        ["Office of the Attorney General", "6", "5", "1", "2015-08-02", "2022-03-10"],
        ["Antitrust Division", "1", "1", "0", "2017-12-12", "2017-12-12"]]
    assert "2 speeches name no component" in doc.get_element_by_id("per-component").text_content()


def test_chart_has_one_bar_per_month_with_tooltips_and_axes(built):
    doc = _doc(built["html"])
    [svg] = doc.xpath('//*[@id="per-month"]//svg')
    bars = svg.xpath('.//*[local-name()="rect"][@class="bar"]')
    months = sorted({expected["date"][:7] for _, _, expected in built["pages"].values()})
    assert [b.get("data-month") for b in bars] == months and len(months) == 9
    assert [b.findtext("title") for b in bars][0] == "2005-04: 1 speech"
    heights = {b.get("data-month"): float(b.get("height")) for b in bars}
    assert heights["2005-04"] > 0 and len(set(heights.values())) == 1  # one speech each
    labels = [t.text for t in svg.xpath('.//*[local-name()="text"]')]
    years = [t for t in labels if t.isdigit() and len(t) == 4]
    assert years == [str(y) for y in range(2004, 2023, 2)]
    assert "0" in labels and "1" in labels  # the count axis
    assert "speeches" in labels and "month of the speech date" in labels
    xs = [float(b.get("x")) for b in bars]
    assert xs == sorted(xs) and xs[-1] - xs[0] > 500  # spread over 2005..2022


def test_chart_scales_and_labels_short_spans():
    svg = _doc(f"<div>{chart_svg([('2024-01', 40), ('2024-03', 10)])}</div>")
    bars = svg.xpath('//*[local-name()="rect"]')
    assert [b.findtext("title") for b in bars] == ["2024-01: 40 speeches", "2024-03: 10 speeches"]
    assert float(bars[0].get("height")) == pytest.approx(4 * float(bars[1].get("height")))
    labels = [t.text for t in svg.xpath('//*[local-name()="text"][@class="x-label"]')]
    assert labels == ["2024-01", "2024-02", "2024-03"]
    wide = _doc(f"<div>{chart_svg([('1993-06', 1), ('2024-01', 2)])}</div>")
    years = [t.text for t in wide.xpath('//*[local-name()="text"][@class="x-label"]')]
    assert years == [str(y) for y in range(1992, 2025, 2)]  # whole years, every other one


def test_crawls_table_outcomes_and_exit_status(built):
    doc = _doc(built["html"])
    headers = doc.xpath('//*[@id="crawls"]//thead/tr/th/text()')
    assert headers[:7] == ["id", "mode", "started", "finished", "seconds", "requests", "new"]
    rows = {r[0]: dict(zip(headers, r)) for r in _rows(doc, "crawls")}
    assert list(rows) == ["4", "3", "2", "1"]  # newest first
    second = rows["2"]
    assert (second["mode"], second["requests"], second["seconds"]) == ("crawl", "11", "12.5")
    assert [second[k] for k in ("new", "changed", "unchanged", "304", "gone", "failed")] == \
        ["0", "3", "1", "1", "1", "1"]
    assert second["exit status"] == "0 ok" and "date-fallback 2" in second["notes"]
    assert rows["3"]["exit status"] == "3 unhealthy"
    assert "yielded no speeches" in rows["3"]["notes"]
    assert rows["4"]["exit status"] == "unfinished" and rows["4"]["finished"] == "—"
    assert "witness: date: 298 agree, 2 disagree, 0 filled" in second["notes"]
    assert "witness: title: 300 agree, 0 disagree, 1 filled" in second["notes"]
    assert "witness" not in rows["3"]["notes"]  # a run without witness stats shows none
    assert rows["1"]["new"] == "9" and rows["1"]["started"] == "2024-03-01 09:00:01Z"


def test_outcome_columns_come_from_the_outcome_vocabulary(built):
    """One column per fetch outcome (in Outcome's order) that a listed run had; the others
    are named under the table, so a new outcome shows up without a report change."""
    doc = _doc(built["html"])
    headers = doc.xpath('//*[@id="crawls"]//thead/tr/th/text()')
    labels = {Outcome.NOT_MODIFIED: "304", Outcome.SKIPPED: "not a speech"}
    with Corpus(built["db"], create=False) as corpus:
        had = {o for (o,) in corpus.execute("SELECT DISTINCT outcome FROM fetches")}
    shown = [labels.get(o, o.value) for o in FETCH_OUTCOMES
             if o in had and o is not Outcome.DISCOVERY]
    assert shown == ["new", "changed", "unchanged", "304", "gone", "failed"]
    assert headers[6:-2] == shown and headers[-2:] == ["exit status", "notes"]
    absent = [labels.get(o, o.value) for o in FETCH_OUTCOMES if o not in had]
    assert set(absent) == {"moved", "not a speech", "forbidden", "attachment"}
    note = " ".join(doc.get_element_by_id("crawls").xpath('p[@class="note"]')[0]
                    .text_content().split())
    assert f"No run listed here had {', '.join(absent[:-1])} or {absent[-1]}." in note


def test_changed_speeches_show_their_diffs(built):
    doc = _doc(built["html"])
    articles = doc.xpath('//*[@id="changed"]//article[@class="change"]')
    ids = [a.get("data-speech-id") for a in articles]
    naag = ("/opa/speech/attorney-general-merrick-b-garland-addresses-national-association-"
            "attorneys-general")
    assert len(ids) == 3 and ids[0] == naag  # the most recent change first
    first = articles[0]
    assert first.findtext(".//h3/a") == SCRIPT_TITLE  # escaped, shown as text
    assert first.findtext('.//span[@class="version"]') == "3"
    [field] = first.xpath('.//li[@class="field"]')
    assert field.findtext("del").startswith("Attorney General Merrick B. Garland Addresses")
    assert field.findtext("ins") == SCRIPT_TITLE
    delrahim = articles[ids.index("/opa/speech/statement-assistant-attorney-general-makan-"
                                  "delrahim-us-house-representatives-subcommittee")]
    [mod] = delrahim.xpath('.//li[@class="para-mod"]')
    assert " ".join(mod.xpath("ins/text()")) == "Thank you very much indeed"
    assert " ".join(mod.xpath("del/text()")) == "The following are some highlights of"
    assert mod.findtext('span[@class="tag"]') == "¶3"
    assert "indeed the Division’s recent accomplishments" in mod.text_content()
    with Corpus(built["db"], create=False) as corpus:
        none = _doc(build_report(corpus, changed=0)).get_element_by_id("changed")
    assert not none.xpath(".//article") and "3 changed speeches" in none.text_content()


def test_diff_html_groups_word_changes_and_caps_long_diffs():
    old = {"speech_id": "/opa/speech/x", "title": "A & B",
           "paragraphs": ["we will surely enforce the law"]}
    new = {"speech_id": "/opa/speech/x", "title": "A <b>",
           "paragraphs": ["we shall quickly enforce the law", *(f"added {i}" for i in range(80))]}
    doc = _doc(f"<div>{diff_html(old, new)}</div>")
    [field] = doc.xpath('//li[@class="field"]')
    assert (field.findtext("del"), field.findtext("ins")) == ("A & B", "A <b>")
    [mod] = doc.xpath('//li[@class="para-mod"]')
    assert mod.xpath("del/text()") == ["will surely"]  # one removal, one addition
    assert mod.xpath("ins/text()") == ["shall quickly"]
    assert len(doc.xpath("//li")) == 60
    assert "doj-speeches history /opa/speech/x" in doc.text_content()


def test_diff_html_renders_every_kind_of_hunk():
    old = {"speakers": ["X"], "paragraphs": ["one", "two words", "three", "four"]}
    new = {"speakers": ["X", "Y"], "paragraphs": ["zero", "one", "two word", "four", "five"]}
    doc = _doc(f"<div>{diff_html(old, new)}</div>")
    rows = [(li.get("class"), li.findtext("span"), li.text_content()) for li in doc.xpath("//li")]
    assert rows == [("field", "speakers", "speakersX → X; Y"), ("para-ins", "+¶1", "+¶1zero"),
                    ("para-mod", "¶3", "¶3two wordsword"), ("para-del", "−¶3", "−¶3three"),
                    ("para-ins", "+¶5", "+¶5five")]
    [mod] = doc.xpath('//li[@class="para-mod"]')
    assert (mod.findtext("del"), mod.findtext("ins")) == ("words", "word")
    same = _doc(f"<div>{diff_html(old, dict(old))}</div>")
    assert not same.xpath("//li") and "No change" in same.text_content()


def test_page_is_self_contained_and_escaped(built):
    html = built["html"]
    doc = _doc(html)
    assert not doc.xpath("//script | //img | //link | //iframe | //object | //*[@src]")
    assert not re.search(r"url\(|@import|https?://", doc.findtext(".//style"))
    hrefs = [a.get("href") for a in doc.xpath("//a")]
    assert all(h.startswith("#") or h.startswith("https://www.justice.gov/") for h in hrefs)
    [csp] = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]')
    assert "default-src 'none'" in csp.get("content")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


HOSTILE = """<script>alert("x")</script> & 'q' "dq" </td><b>"""


def _html_text(text: str) -> str:
    """The text as it sits in a page's HTML source (so the extractor reads it back)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _hostile_corpus(path: Path) -> tuple[int, str]:
    """Corpus text carrying HOSTILE everywhere the report shows it: a new speech's title
    and URL, a changed title, component and paragraph, a failure's URL and reason, a
    moved fetch, the run's arguments, health, warnings and witness keys."""
    url, body, expected = _page("current-garland-naag-2021")
    other_url, other, other_expected = _page("current-delrahim-house-2017")
    clock = Clock("2024-03-01T09:00:00")
    with Corpus(path, clock=clock) as corpus:
        first = corpus.begin_crawl("import", {})
        corpus.record(url, 200, HTML, body, first)
        corpus.finish_crawl(first, {"new": 1}, 0)
        run = corpus.begin_crawl("crawl", {"contact": HOSTILE})
        edited = _edit(body, expected["title"], _html_text("Title " + HOSTILE))
        edited = _edit(edited, ">Office of the Attorney General<",
                       ">" + _html_text("Office " + HOSTILE) + "<")
        edited = _edit(edited, _opening(expected, 1), _html_text("Said {+not+} [-so-] " + HOSTILE))
        assert corpus.record(url, 200, HTML, edited, run).version == 2
        hostile_url = other_url + '?q="><script>alert(1)</script>'
        retitled = _edit(other, other_expected["title"], _html_text("New " + HOSTILE))
        assert corpus.record(hostile_url, 200, HTML, retitled, run).outcome == "new"
        corpus.record_failure("https://www.justice.gov/opa/speech/x?a=" + HOSTILE, run,
                              "HTTP 503 " + HOSTILE, 503)
        with corpus.transaction():  # the store cannot record a move yet: the report must count it
            corpus.execute(
                "INSERT INTO fetches(crawl_id, fetched_at, url, speech_id, status, outcome,"
                " reason) VALUES (?, '2024-03-01T10:00:00.000000Z', ?, '/opa/speech/y', 301,"
                " 'moved', ?)", (run, "https://www.justice.gov/opa/speech/y", "to " + HOSTILE))
        corpus.finish_crawl(run, {"health": ["health " + HOSTILE],
                                  "failures": [f"failure {i}" for i in range(7)],
                                  "warnings": {"kind " + HOSTILE: 1},
                                  "witness": {"field " + HOSTILE: {"agree": 1}}}, 3)
    return run, hostile_url


def test_hostile_corpus_text_is_escaped_everywhere(tmp_path):
    run, hostile_url = _hostile_corpus(tmp_path / "h.db")
    with Corpus(tmp_path / "h.db", create=False) as corpus:
        pages = {"corpus": build_report(corpus), "run": build_report(corpus, crawl_id=run)}
    for name, html in pages.items():
        doc = _doc(html)
        assert not doc.xpath("//script | //b | //*[@onerror]"), name
        assert "<script>" not in html and "</td><b>" not in html, name

    doc = _doc(pages["corpus"])
    [article] = doc.xpath('//*[@id="changed"]//article')
    assert article.findtext(".//h3/a") == "Title " + HOSTILE
    fields = {li.findtext("span"): (li.findtext("del"), li.findtext("ins"))
              for li in article.xpath('.//li[@class="field"]')}
    assert fields["components"][1] == "Office " + HOSTILE
    [mod] = article.xpath('.//li[@class="para-mod"]')
    # text that looks like the text diff's own marks stays text: no re-parsing
    assert " ".join(mod.xpath("ins/text()")) == "Said {+not+} [-so-] " + HOSTILE
    assert ["Office " + HOSTILE, "1", "1", "0"] == _rows(doc, "per-component")[-1][:4]
    notes = {r[0]: r[-1] for r in _rows(doc, "crawls")}[str(run)]
    for text in ("health: health " + HOSTILE, f"warnings: kind {HOSTILE} 1",
                 f"witness: field {HOSTILE}: 1 agree"):
        assert text in notes, (text, notes)
    # a long list (reextract's failures) is cut in the table; the run's facts have it all
    assert "failures: failure 4failures: … and 2 more" in notes and "failure 5" not in notes

    doc = _doc(pages["run"])
    [link] = doc.xpath('//*[@id="added"]//a')
    assert (link.text, link.get("href")) == ("New " + HOSTILE, hostile_url)
    problems = {r[1]: r for r in _rows(doc, "problems")}
    assert set(problems) == {"failed", "moved"}
    assert problems["failed"][4] == "HTTP 503 " + HOSTILE
    assert problems["failed"][3].endswith("?a=" + HOSTILE)
    assert problems["moved"][4] == "to " + HOSTILE
    facts = {tr.findtext("th"): tr.find("td").text_content()
             for tr in doc.xpath('//table[@class="crawl-facts"]//tr')}
    assert json.loads(facts["arguments"]) == {"contact": HOSTILE}
    assert facts["stats: health"] == "health " + HOSTILE
    assert facts["stats: failures"] == "; ".join(f"failure {i}" for i in range(7))
    headers = doc.xpath('//*[@id="crawls"]//thead/tr/th/text()')
    [row] = _rows(doc, "crawls")
    counts = dict(zip(headers, row))
    assert (counts["new"], counts["changed"], counts["failed"], counts["moved"]) == \
        ("1", "1", "1", "1")


def test_crawl_report_covers_one_run(built):
    doc = _doc(built["crawl_html"])
    assert "run #2 (crawl)" in doc.findtext(".//h1")
    assert len(_rows(doc, "crawls")) == 1
    facts = {tr.findtext("th"): tr.findtext("td")
             for tr in doc.xpath('//table[@class="crawl-facts"]//tr')}
    assert facts["stats: requests"] == "11" and facts["stats: warnings"] == "date-fallback 2"
    assert facts["stats: witness"] == ("date: 298 agree, 2 disagree, 0 filled;"
                                       " title: 300 agree, 0 disagree, 1 filled")
    assert [r[0] for r in _rows(doc, "per-year")] == ["2021", "2017", "2005"]
    assert len(doc.xpath('//*[@id="changed"]//article')) == 3
    assert "added no speech" in doc.get_element_by_id("added").text_content()
    problems = _rows(doc, "problems")
    assert sorted(r[1] for r in problems) == ["failed", "gone"]
    assert len(doc.xpath('//*[@id="per-month"]//*[local-name()="rect"][@class="bar"]')) == 3
    with Corpus(built["db"], create=False) as corpus:
        first = _doc(build_report(corpus, crawl_id=built["runs"][0]))
    assert len(_rows(first, "added")) == 9 and not first.xpath('//*[@id="changed"]//article')


def test_empty_corpus_says_so(tmp_path):
    with Corpus(tmp_path / "empty.db") as corpus:
        doc = _doc(build_report(corpus))
    assert "holds no speeches yet" in doc.get_element_by_id("summary").text_content()
    assert "No dated speeches" in doc.get_element_by_id("per-month").text_content()
    assert "No runs recorded" in doc.get_element_by_id("crawls").text_content()
    assert not doc.xpath("//svg")


def test_cli_writes_the_report_and_fails_in_one_line(built, tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(cli, ["report", "--db", str(built["db"]), "--out", str(out),
                                 "--changed", "1", "--crawls", "2"])
    assert result.exit_code == 0, result.output
    assert "wrote a report on the corpus" in result.output
    doc = _doc(out.read_text(encoding="utf-8"))
    assert len(doc.xpath('//*[@id="changed"]//article')) == 1 and len(_rows(doc, "crawls")) == 2
    assert not list(tmp_path.glob(".r.html.*"))  # no temporary file left behind

    for args, message in (
            (["--out", str(tmp_path / "no" / "such" / "dir.html")], "cannot write"),
            (["--crawl", "99"], "unknown crawl: 99"),
            (["--db", str(tmp_path / "missing.db")], "missing.db")):
        argv = ["report", "--db", str(built["db"]), "--out", str(tmp_path / "x.html"), *args]
        result = runner.invoke(cli, argv)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output


def test_write_report_replaces_atomically(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("old")
    write_report("<p>new</p>", out)
    assert out.read_text() == "<p>new</p>" and len(list(tmp_path.iterdir())) == 1


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium with"
                    " `apt-get install -y chromium` (docs/design.md#d9-browser-tests; .ci/run does it)")
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=60, check=False)


def test_report_renders_in_headless_chromium(built, tmp_path):
    page = tmp_path / "report.html"
    write_report(built["html"], page)
    dumped = _chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    assert dumped.returncode == 0, dumped.stderr.decode(errors="replace")[-2000:]
    doc = _doc(dumped.stdout.decode("utf-8"))  # the DOM as the browser built it
    bars = doc.xpath('//*[@id="per-month"]//svg//rect[@class="bar"]')
    assert len(bars) == 9 and all(b.findtext("title") for b in bars)
    assert len(doc.xpath('//*[@id="per-year"]//tbody/tr')) == 6
    assert len(doc.xpath('//*[@id="per-component"]//tbody/tr')) == 2
    assert len(doc.xpath('//*[@id="crawls"]//tbody/tr')) == 4
    assert len(doc.xpath('//*[@id="changed"]//article')) == 3
    assert doc.xpath('//*[@id="changed"]//ins') and doc.xpath('//*[@id="changed"]//del')
    assert not doc.xpath("//script")  # the hostile title stayed text
    assert SCRIPT_TITLE in doc.get_element_by_id("changed").text_content()

    shot = tmp_path / "shot.png"
    taken = _chromium(f"--screenshot={shot}", "--window-size=1200,2000",
                      "--hide-scrollbars", page.as_uri(), profile=tmp_path / "profile2")
    assert taken.returncode == 0, taken.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 2000)
    assert len(data) > 50_000  # text, tables and a chart, not a blank page
    if os.environ.get("REPORT_SHOT"):  # keep a copy to look at
        Path(os.environ["REPORT_SHOT"]).write_bytes(data)
