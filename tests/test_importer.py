"""corpus/store/importer.py: saved pages (files, folders, a URL map) into the corpus.

Most pages here are the store tests' fake pages (JSON holding the record, tests/
store_support.py), with a canonical link in their "chrome" when a test needs one; one
test imports a real saved justice.gov page with the real extractor.
"""

from __future__ import annotations

import json
import os

import pytest

from corpus.errors import UserError
from corpus.outcomes import Outcome
from corpus.store import Corpus
from corpus.store.importer import find_pages, import_pages, page_url, read_url_map
from corpus.urls import canonical_id
from tests.conftest import load_case
from tests.store_support import Clock, FakeExtractor, page

SITE = "https://www.justice.gov/opa/speech/"


def linked(url: str, **changes) -> bytes:
    """A fake page whose chrome declares `url` as its canonical link."""
    return page(chrome=f"<link rel='canonical' href='{url}'>", **changes)


def write(path, body: bytes = b"<html></html>"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def write_map(path, rows, header="path,url", encoding="utf-8"):
    text = header + "\n" + "".join(f"{p},{u}\n" for p, u in rows)
    path.write_text(text, encoding=encoding)
    return str(path)


@pytest.fixture
def corpus(tmp_path):
    corpus = Corpus(tmp_path / "c.db", extract=FakeExtractor(), clock=Clock())
    yield corpus
    corpus.close()


# -- find_pages ---------------------------------------------------------------------


def test_find_pages_walks_folders_for_html_files_only(tmp_path):
    saved = tmp_path / "saved"
    pages = [write(saved / "b.html"), write(saved / "a.htm"), write(saved / "sub" / "c.shtml"),
             write(saved / "sub" / "deeper" / "d.xhtml"), write(saved / "E.HTML")]
    for other in ("urls.csv", "notes.txt", "page.json", "sub/image.png", "html"):
        write(saved / other)
    (saved / "empty-folder.html").mkdir()  # a folder named like a page is not one
    found = find_pages([str(saved)])
    assert sorted(found) == sorted(pages)
    assert found == sorted(found)


def test_find_pages_takes_a_named_file_whatever_its_suffix(tmp_path):
    named = write(tmp_path / "speech.txt")
    assert find_pages([str(named)]) == [named]


def test_find_pages_keeps_the_order_named_and_lists_each_file_once(tmp_path):
    saved = tmp_path / "saved"
    a, b = write(saved / "a.html"), write(saved / "b.html")
    single = write(tmp_path / "single.html")
    os.symlink(a, saved / "link-to-a.html")  # the same file under another name
    found = find_pages([str(single), str(saved), str(b), str(saved)])
    assert found == [single, a, b]


def test_find_pages_refuses_a_missing_path_in_one_line(tmp_path):
    write(tmp_path / "a.html")
    with pytest.raises(UserError, match="no such file or folder: .*missing.html"):
        find_pages([str(tmp_path), str(tmp_path / "missing.html")])


def test_find_pages_of_an_empty_folder_is_empty(tmp_path):
    assert find_pages([str(tmp_path)]) == []


# -- read_url_map -------------------------------------------------------------------


def test_url_map_paths_are_relative_to_the_maps_folder(tmp_path):
    saved = tmp_path / "saved"
    page_path = write(saved / "sub" / "a.html")
    url_map = write_map(saved / "urls.csv", [("sub/a.html", SITE + "a")])
    mapping, rejected = read_url_map(url_map)
    assert mapping[os.path.realpath(page_path)] == SITE + "a"
    assert rejected == {}


def test_url_map_paths_may_be_relative_to_the_current_folder(tmp_path, monkeypatch):
    saved = tmp_path / "saved"
    page_path = write(saved / "a.html")
    (tmp_path / "maps").mkdir()
    url_map = write_map(tmp_path / "maps" / "urls.csv", [("saved/a.html", SITE + "a")])
    monkeypatch.chdir(tmp_path)
    mapping, _ = read_url_map(url_map)
    assert mapping[os.path.realpath(page_path)] == SITE + "a"
    # ...and the map-relative reading is there too, for a page that may exist there.
    assert mapping[os.path.realpath(tmp_path / "maps" / "saved" / "a.html")] == SITE + "a"


def test_url_map_rejects_urls_that_cannot_be_a_speechs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the map's folder: both readings of a path agree
    url_map = write_map(tmp_path / "urls.csv", [
        ("ok.html", SITE + "ok"),
        ("legacy.html", "http://www.usdoj.gov/archives/opa/speech/legacy"),
        ("ftp.html", "ftp://www.justice.gov/opa/speech/ftp"),
        ("evil.html", "https://evil.example.org/opa/speech/evil"),
        ("lookalike.html", "https://justice.gov.example.org/opa/speech/x"),
        ("relative.html", "/opa/speech/relative"),
    ])
    mapping, rejected = read_url_map(url_map)
    real = lambda name: os.path.realpath(tmp_path / name)  # noqa: E731
    assert set(mapping) == {real("ok.html"), real("legacy.html")}
    assert set(rejected) == {real(n) for n in
                             ("ftp.html", "evil.html", "lookalike.html", "relative.html")}
    # Each reason names the map, its line and the problem, for the user to fix it.
    assert rejected[real("ftp.html")] == (
        f"{url_map} line 4: not an http(s) URL: ftp://www.justice.gov/opa/speech/ftp")
    assert rejected[real("evil.html")] == (
        f"{url_map} line 5: not on justice.gov: https://evil.example.org/opa/speech/evil")


def test_url_map_accepts_the_base_urls_host(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the map's folder: both readings of a path agree
    base = "http://127.0.0.1:8765"
    url_map = write_map(tmp_path / "urls.csv", [("a.html", base + "/opa/speech/a"),
                                                ("b.html", "http://127.0.0.2/opa/speech/b")])
    mapping, rejected = read_url_map(url_map, base)
    assert list(mapping.values()) == [base + "/opa/speech/a"]
    assert list(rejected.values()) == [
        f"{url_map} line 3: not on justice.gov or {base}: http://127.0.0.2/opa/speech/b"]


def test_url_map_written_by_a_spreadsheet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the map's folder: both readings of a path agree
    # A byte-order mark, extra columns, columns in another order, padded cells.
    path = tmp_path / "urls.csv"
    path.write_text(f"url,title,path\n {SITE}a ,A, a.html \n", encoding="utf-8-sig")
    mapping, rejected = read_url_map(str(path))
    assert mapping == {os.path.realpath(tmp_path / "a.html"): SITE + "a"} and rejected == {}


@pytest.mark.parametrize("content, message", [
    ("file,address\na.html,https://www.justice.gov/x\n", "needs a header with columns path,url"),
    ("", "needs a header with columns path,url"),
    (f"path,url\na.html,{SITE}a\nb.html,\n", "line 3: empty path or url"),
    (f"path,url\n,{SITE}a\n", "line 2: empty path or url"),
])
def test_url_map_mistakes_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "urls.csv"
    path.write_text(content)
    with pytest.raises(UserError, match=message) as info:
        read_url_map(str(path))
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_url_map_that_cannot_be_read_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot read .*missing.csv"):
        read_url_map(str(tmp_path / "missing.csv"))
    with pytest.raises(UserError, match="cannot read"):
        read_url_map(str(tmp_path))  # a folder
    latin = tmp_path / "latin.csv"
    latin.write_bytes("path,url\ncafé.html,https://www.justice.gov/x\n".encode("latin-1"))
    with pytest.raises(UserError, match="not a readable CSV"):
        read_url_map(str(latin))


# -- page_url -----------------------------------------------------------------------


def test_page_url_prefers_the_pages_canonical_link_to_the_map(tmp_path):
    path = write(tmp_path / "a.html", linked(SITE + "from-link"))
    assert page_url(path.read_bytes(), path, {os.path.realpath(path): SITE + "from-map"}) == (
        SITE + "from-link")


def test_page_url_reads_og_url(tmp_path):
    body = page(chrome=f"<meta property='og:url' content='{SITE}from-og'>")
    assert page_url(body, tmp_path / "a.html", {}) == SITE + "from-og"


def test_page_url_falls_back_to_the_map(tmp_path):
    path = write(tmp_path / "a.html", page())
    assert page_url(page(), path, {os.path.realpath(path): SITE + "a"}) == SITE + "a"
    assert page_url(page(), path, {}) is None
    assert page_url(page(), path, {os.path.realpath(tmp_path / "b.html"): SITE + "b"}) is None


def test_page_url_accepts_a_file_name_that_names_one_map_entry(tmp_path):
    path = tmp_path / "here" / "a.html"
    elsewhere = {"/elsewhere/a.html": SITE + "a", "/elsewhere/b.html": SITE + "b"}
    assert page_url(page(), path, elsewhere) == SITE + "a"
    # The same name twice for one URL is still one page...
    assert page_url(page(), path, {**elsewhere, "/other/a.html": SITE + "a"}) == SITE + "a"
    # ...but for two URLs it is ambiguous: no guess.
    assert page_url(page(), path, {**elsewhere, "/other/a.html": SITE + "a2"}) is None


# -- import_pages -------------------------------------------------------------------


def test_import_pages_records_each_page_and_counts_outcomes(tmp_path, corpus):
    saved = tmp_path / "saved"
    files = [write(saved / "a.html", linked(SITE + "a", title="A")),
             write(saved / "b.html", page(title="B")),
             write(saved / "c.html", page(title="C"))]
    mapping = {os.path.realpath(files[1]): SITE + "b"}
    seen = []
    crawl = corpus.begin_crawl("import", {})
    counts = import_pages(corpus, files, mapping, crawl,
                          on_page=lambda path, result: seen.append((path, result)))
    assert counts == {Outcome.NEW: 2, Outcome.NO_URL: 1}
    assert [path for path, _ in seen] == files
    assert [r.outcome for _, r in seen] == [Outcome.NEW, Outcome.NEW, Outcome.NO_URL]
    assert seen[0][1].speech_id == "/opa/speech/a" and seen[0][1].version == 1
    assert seen[2][1].reason and "--url-map" in seen[2][1].reason
    stored = corpus.query("SELECT id, url, title FROM speeches ORDER BY id")
    assert stored == [{"id": "/opa/speech/a", "url": SITE + "a", "title": "A"},
                      {"id": "/opa/speech/b", "url": SITE + "b", "title": "B"}]
    # A page with no URL is reported, never a fetch row (corpus.outcomes.IMPORT_ONLY).
    assert [r["outcome"] for r in corpus.query("SELECT outcome FROM fetches ORDER BY id")] == [
        "new", "new"]
    assert all(r["crawl_id"] == crawl for r in corpus.query("SELECT crawl_id FROM fetches"))


def test_import_pages_again_finds_them_unchanged(tmp_path, corpus):
    files = [write(tmp_path / "a.html", linked(SITE + "a"))]
    import_pages(corpus, files, {}, corpus.begin_crawl("import", {}))
    assert import_pages(corpus, files, {}, corpus.begin_crawl("import", {})) == {
        Outcome.UNCHANGED: 1}
    write(files[0], linked(SITE + "a", title="A retitled"))
    assert import_pages(corpus, files, {}, corpus.begin_crawl("import", {})) == {
        Outcome.CHANGED: 1}
    assert corpus.query_one("SELECT version, title FROM speeches") == {
        "version": 2, "title": "A retitled"}


def test_unreadable_files_are_counted_not_raised(tmp_path, corpus):
    saved = tmp_path / "saved"
    kept = write(saved / "a.html", linked(SITE + "a"))
    gone = write(saved / "b.html", linked(SITE + "b"))
    folder = saved / "c.html"
    folder.mkdir()
    files = find_pages([str(saved)])
    assert files == [kept, gone]
    gone.unlink()  # removed between listing and reading
    results = {}
    counts = import_pages(corpus, files + [folder], {}, corpus.begin_crawl("import", {}),
                          on_page=lambda path, result: results.setdefault(path.name, result))
    assert counts == {Outcome.NEW: 1, Outcome.UNREADABLE: 2}
    assert results["b.html"].outcome == Outcome.UNREADABLE
    assert results["b.html"].reason == "No such file or directory"
    assert results["c.html"].reason == "Is a directory"
    assert corpus.query("SELECT id FROM speeches") == [{"id": "/opa/speech/a"}]
    assert corpus.query_one("SELECT count(*) AS n FROM fetches") == {"n": 1}


def test_pages_that_are_not_speeches_are_recorded_as_the_store_says(tmp_path, corpus):
    files = [write(tmp_path / "list.html", b"<listing><link rel='canonical' href='"
                   + (SITE + "list").encode() + b"'>"),
             write(tmp_path / "broken.html", b"<link rel='canonical' href='" + (SITE + "x").encode()
                   + b"'> not json")]
    counts = import_pages(corpus, files, {}, corpus.begin_crawl("import", {}))
    assert counts == {Outcome.SKIPPED: 1, Outcome.FAILED: 1}
    assert corpus.query("SELECT id FROM speeches") == []


def test_import_a_real_saved_page_with_the_real_extractor(tmp_path):
    html, expected = load_case("current-lynch-aba-2015")
    path = write(tmp_path / "saved.html", html)
    with Corpus(tmp_path / "real.db") as corpus:
        counts = import_pages(corpus, [path], {}, corpus.begin_crawl("import", {}))
        assert counts == {Outcome.NEW: 1}
        row = corpus.query_one("SELECT id, title, date, speakers FROM speeches")
    assert row["id"] == canonical_id(expected["url"])
    assert (row["title"], row["date"], json.loads(row["speakers"])) == (
        expected["title"], expected["date"], expected["speakers"])


@pytest.mark.parametrize("link", ["https://evil.example.org/opa/speech/a",
                                  "//evil.example.org/opa/speech/a",
                                  "https://justice.gov.example.org/opa/speech/a"])
def test_a_canonical_link_off_the_site_is_not_the_pages_url(tmp_path, corpus, link):
    # A page saved from a mirror or a scraper's copy: its link must not make a foreign URL
    # a speech's (the corpus's own `check` calls such a URL off-site).
    path = write(tmp_path / "a.html", linked(link))
    assert page_url(path.read_bytes(), path, {}) is None
    mapping = {os.path.realpath(path): SITE + "a"}
    assert page_url(path.read_bytes(), path, mapping) == SITE + "a"
    assert import_pages(corpus, [path], {}, corpus.begin_crawl("import", {})) == {
        Outcome.NO_URL: 1}
    assert import_pages(corpus, [path], mapping, corpus.begin_crawl("import", {})) == {
        Outcome.NEW: 1}
    assert corpus.query("SELECT url FROM speeches") == [{"url": SITE + "a"}]
    assert corpus.check() == []


def test_a_relative_canonical_link_is_a_justice_gov_url(tmp_path, corpus):
    path = write(tmp_path / "a.html", linked("/opa/speech/a"))
    assert page_url(path.read_bytes(), path, {}) == SITE + "a"
    legacy = linked("http://www.usdoj.gov/archives/opa/speech/b")
    assert page_url(legacy, tmp_path / "b.html", {}) == "http://www.usdoj.gov/archives/opa/speech/b"
    import_pages(corpus, [path], {}, corpus.begin_crawl("import", {}))
    assert corpus.query("SELECT id, url FROM speeches") == [
        {"id": "/opa/speech/a", "url": SITE + "a"}]
    assert corpus.check() == []
