"""Speaker lines split into role and name, speakers from titles, and person ids: one id
per person across roles and spellings, never one id for two people, kept once given."""

import pytest

from corpus.derive.people import ALIASES_FILE, parse_name, speakers_from_title, split_speaker
from corpus.store import Corpus


@pytest.mark.parametrize("line, role, name", [
    ("Acting Assistant Attorney General Stanley F. Ellison",
     "Acting Assistant Attorney General", "Stanley F. Ellison"),
    ("Attorney General Eric H. Holder, Jr.", "Attorney General", "Eric H. Holder Jr."),
    ("Loretta E. Lynch", "", "Loretta E. Lynch"),
    ("Merrick B. Garland, Attorney General", "Attorney General", "Merrick B. Garland"),
    ("U.S. Attorney for the Southern District of New York Damian Williams",
     "U.S. Attorney for the Southern District of New York", "Damian Williams"),
    ("Director Rosalind de la Cruz", "Director", "Rosalind de la Cruz"),
    ("FBI Director Robert S. Mueller III", "FBI Director", "Robert S. Mueller III"),
    ("The Attorney General", "The Attorney General", ""),  # an office, no person
])
def test_split_speaker(line, role, name):
    assert split_speaker(line) == (role, name)


@pytest.mark.parametrize("title, speakers", [
    ("Associate Attorney General Paul D. Reyes Announces Launch of Reentry Task Force",
     ["Associate Attorney General Paul D. Reyes"]),
    ("Statement of Assistant Attorney General Makan Delrahim Before the U.S. House",
     ["Assistant Attorney General Makan Delrahim"]),
    ("Attorney General Eric Holder and FBI Director Robert S. Mueller III Announce Charges",
     ["Attorney General Eric Holder", "FBI Director Robert S. Mueller III"]),
    ("Justice Department Announces New Grants", []),
    ("Remarks at the National Press Club", []),
])
def test_speakers_from_title(title, speakers):
    assert speakers_from_title(title) == speakers


def test_name_parts_ignore_case_accents_and_full_stops():
    assert parse_name("José A. Núñez Jr.") == parse_name("jose a nunez jr")
    assert parse_name("Sally Quillian Yates").middle == "q"


def ids(corpus, *names):
    with corpus.transaction():
        return [corpus.person_id(name) for name in names]


@pytest.fixture
def corpus(tmp_path):
    with Corpus(tmp_path / "c.db") as c:
        yield c


def test_one_person_across_spellings_suffixes_and_initials(corpus):
    got = ids(corpus, "Loretta Lynch", "Loretta E. Lynch", "Eric H. Holder Jr.",
              "Eric Holder", "Eric H. Holder", "Eric Holder, Jr.")
    assert {pid for pid, _ in got[:2]} == {"loretta-lynch"}
    assert {pid for pid, _ in got[2:]} == {"eric-h-holder-jr"}
    assert not any(ambiguous for _, ambiguous in got)


def test_two_people_stay_two(corpus):
    got = ids(corpus, "Stanley F. Ellison", "Marisol A. Ellison", "Stanley G. Ellison",
              "Robert S. Mueller III", "Robert S. Mueller IV")
    assert len({pid for pid, _ in got}) == 5


def test_a_bare_name_fitting_two_people_joins_neither(corpus):
    (f, _), (g, _), (bare, ambiguous), (again, still) = ids(
        corpus, "Stanley F. Ellison", "Stanley G. Ellison", "Stanley Ellison",
        "Stanley Ellison")
    assert ambiguous and still and bare == again and bare not in (f, g)
    # later spellings never join the ambiguous id
    (later, _), = ids(corpus, "Stanley F. Ellison")
    assert later == f


def test_ids_are_kept_once_given(tmp_path):
    with Corpus(tmp_path / "c.db") as corpus:
        (first, _), = ids(corpus, "Loretta Lynch")
    with Corpus(tmp_path / "c.db") as corpus:
        # a fuller spelling seen later becomes a variant of the same id
        (fuller, _), (plain, _) = ids(corpus, "Loretta E. Lynch", "Loretta Lynch")
        assert first == fuller == plain == "loretta-lynch"
        assert corpus.query_one("SELECT middle FROM people")["middle"] == "e"


def test_aliases_join_what_no_rule_can(corpus, tmp_path, monkeypatch):
    (barr, _), (bill, _) = ids(corpus, "William P. Barr", "Bill Barr")
    assert barr == bill
    extra = tmp_path / "aliases.csv"
    extra.write_text("name,alias,source\nNora J. Feld,Nora Feld-Ashby,https://example.org\n")
    monkeypatch.setenv("DOJ_SPEECHES_ALIASES", str(extra))
    (feld, _), (married, _) = ids(corpus, "Nora J. Feld", "Nora Feld-Ashby")
    assert feld == married


def test_every_alias_names_a_real_person_with_a_public_source():
    import csv

    rows = list(csv.DictReader(ALIASES_FILE.open(encoding="utf-8")))
    assert rows and all(r["name"] and r["alias"] and r["source"].startswith("https://")
                        for r in rows)
