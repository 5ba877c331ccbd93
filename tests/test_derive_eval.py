"""The shared eval pages: their derived values, written by hand from the pages (not
snapshotted from the code). The pages go through the real path: extraction, then the
store, which derives; the expected files of the eval set are not touched."""

import json
from pathlib import Path

import pytest

from corpus.store import Corpus
from tests.store_support import Clock

EVAL = Path(__file__).parent / "fixtures" / "eval"
DC = ("Washington", "DC", "US")
# name: (names, roles, kind, delivery_status, (city, region, country), paragraph_roles,
#        word_count); every page is in English. Word counts add up the text and heading
#        paragraphs' tokens, paragraph by paragraph.
TRUTH = {
    "archive-gonzales-npr-2005": (
        ["Alberto R. Gonzales"], ["Attorney General"], "speech", None, (None, None, None),
        ["text"] * 6, 5 + 13 + 51 + 19 + 19 + 49),
    "archive-gonzales-usattorneys-2005": (
        ["Alberto R. Gonzales"], ["Attorney General"], "speech", "prepared", DC,
        ["text"] * 4, 12 + 26 + 33 + 95),
    # "Statement of ... Before the U.S. House ... Subcommittee": written testimony
    "current-delrahim-house-2017": (
        ["Makan Delrahim"], ["Assistant Attorney General"], "testimony", None, DC,
        ["text", "text", "text", "heading"], 192 + 52 + 12 + 6),
    "current-garland-component-heads-2022": (
        ["Merrick B. Garland"], ["Attorney General"], "speech", "delivered", DC,
        ["text"] * 7, 2 + 53 + 33 + 93 + 14 + 37 + 99),
    # the press office's three paragraphs, then the speech under its own heading
    "current-garland-naag-2021": (
        ["Merrick B. Garland"], ["Attorney General"], "speech", None, DC,
        ["lead", "lead", "lead", "heading", "text", "text"], 12 + 33 + 62),
    "current-lynch-aba-2015": (
        ["Loretta E. Lynch"], ["Attorney General"], "speech", "prepared",
        ("Chicago", "IL", "US"), ["text"] * 2, 120 + 166),
    "current-lynch-house-judiciary-2016": (
        ["Loretta E. Lynch"], ["Attorney General"], "testimony", "prepared", DC,
        ["text"] * 2, 52 + 78),
    # "Remarks as prepared for delivery", but the title says Testifies
    "drupal7-lynch-house-judiciary-2015": (
        ["Loretta E. Lynch"], ["Attorney General"], "testimony", "prepared", DC,
        ["text"] * 3, 57 + 115 + 104),
    "drupal7-lynch-white-house-2016": (
        ["Loretta E. Lynch"], ["Attorney General"], "speech", "prepared", DC, ["text"], 109),
}
URLS = {  # the pages' own URLs (as in their expected files)
    name: json.loads((EVAL / f"{name}.expected.json").read_text())["url"]
    for name in TRUTH}


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    db = tmp_path_factory.mktemp("eval") / "c.db"
    with Corpus(db, clock=Clock()) as corpus:
        crawl = corpus.begin_crawl("crawl", {})
        for name, url in URLS.items():
            corpus.record_page(url, 200, {}, (EVAL / f"{name}.html").read_bytes(), crawl)
        by_url = {r["url"]: r for r in corpus.records()}
        yield {name: by_url[url] for name, url in URLS.items()}


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_eval_page_derived_values(records, name):
    names, roles, kind, status, place, paragraph_roles, words = TRUTH[name]
    got = records[name]
    assert got["speaker_names"] == names and got["speaker_roles"] == roles
    assert (got["kind"], got["delivery_status"]) == (kind, status)
    assert (got["city"], got["region"], got["country"]) == place
    assert got["paragraph_roles"] == paragraph_roles
    assert len(got["paragraph_roles"]) == len(got["paragraphs"])
    assert got["word_count"] == words
    assert got["paragraph_count"] == sum(r in ("text", "heading") for r in paragraph_roles)
    assert got["language"] == "en"


def test_one_person_per_official_across_the_eval_pages(records):
    ids = {}
    for name, record in records.items():
        ids.setdefault(record["speaker_names"][0], set()).update(record["person_ids"])
    assert ids == {"Alberto R. Gonzales": {"alberto-r-gonzales"},
                   "Makan Delrahim": {"makan-delrahim"},
                   "Merrick B. Garland": {"merrick-b-garland"},
                   "Loretta E. Lynch": {"loretta-e-lynch"}}
