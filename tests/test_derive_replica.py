"""A crawl of a replica with its research speeches, then a release: every derived value
equals the replica's truth (what its generator chose), and one person id stands for one
person of the replica, across roles and spellings."""

import json
from pathlib import Path

import pytest

from corpus.publish.release import release
from corpus.store import Corpus
from corpus.urls import canonical_id
from scraper.replica import Replica
from tests.crawl_support import crawl

ALIASES = Path(__file__).resolve().parents[1] / "scraper" / "replica" / "data" / "aliases.csv"
TRUTH_FIELDS = ("speaker_names", "speaker_roles", "kind", "delivery_status", "city",
                "region", "country", "word_count", "paragraph_count", "language",
                "paragraph_roles")


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = tmp_path_factory.mktemp("derive")
    with pytest.MonkeyPatch.context() as mp:
        # the replica's fictional alias ("Peggy Pembridge"), for the writer process too
        mp.setenv("DOJ_SPEECHES_ALIASES", str(ALIASES))
        with Replica(24, seed=5, research=True) as replica:
            proc = crawl("backfill", root / "c.db", replica.base_url)
            assert proc.returncode == 0, proc.stderr[-2000:]
            truth = {cid: replica.gold_derived(cid) for cid in replica.ids("live")}
        with Corpus(root / "c.db") as corpus:
            release(corpus, root / "out", fmt="jsonl")
    return root / "out", truth


def test_the_replica_has_every_case():
    with Replica(24, seed=5, research=True) as replica:
        truth = [replica.gold_derived(cid) for cid in replica.ids("live")]
    assert {t["kind"] for t in truth} == {"speech", "testimony", "statement",
                                          "press-conference", "other"}
    roles = {r for t in truth for r in t["paragraph_roles"]}
    assert roles == {"text", "heading", "stage", "lead"}
    assert {t["language"] for t in truth} >= {"en", "es"}
    assert len({(t["city"], t["region"], t["country"]) for t in truth}) >= 8


def test_every_derived_value_is_the_truth(released):
    out, truth = released
    speeches = {row["id"]: row for row in jsonl(out / "speeches.jsonl")}
    assert set(speeches) == set(truth)
    wrong = [f"{sid} {name}: {speeches[sid][name]!r} != {want[name]!r}"
             for sid, want in truth.items() for name in TRUTH_FIELDS
             if speeches[sid][name] != want[name]]
    assert wrong == []


def test_one_person_id_per_person(released):
    out, truth = released
    pairs = {(key, row["person_id"]) for row in jsonl(out / "speech_speakers.jsonl")
             for key in [truth[row["speech_id"]]["person_keys"][row["position"] - 1]]}
    by_key, by_id = {}, {}
    for key, pid in pairs:
        by_key.setdefault(key, set()).add(pid)
        by_id.setdefault(pid, set()).add(key)
    assert all(len(ids) == 1 for ids in by_key.values()), by_key  # never split
    assert all(len(keys) == 1 for keys in by_id.values()), by_id  # never merged
    assert len(by_key["ashcombe-c"] | by_key["ashcombe-l"]) == 2  # a surname shared
    assert len(by_key["thorne-r"] | by_key["thorne-k"]) == 2  # middle initials differ


def test_people_roles_over_time(released):
    out, truth = released
    speakers = jsonl(out / "speech_speakers.jsonl")
    [pid] = {r["person_id"] for r in speakers if r["name"] == "Cornelius Ashcombe"}
    [person] = [p for p in jsonl(out / "people.jsonl") if p["person_id"] == pid]
    assert person["name"] == "Cornelius J. Ashcombe"
    assert person["variants"] == ["Cornelius Ashcombe", "Cornelius J. Ashcombe"]
    assert person["roles"] == ["Acting Assistant Attorney General",
                               "Assistant Attorney General", "Deputy Attorney General"]
    assert person["role_first_dates"] == ["2011-05-10", "2013-09-24", "2016-02-03"]
    # a page without a speaker field: its speaker from the title, as stated there
    reyes = [r for r in speakers if r["name"] == "Paul D. Reyes"
             and r["speech_id"] == canonical_id(
                 "/opa/speech/associate-attorney-general-paul-d-reyes-announces-launch-reentry-task-force")]
    assert [(r["role"], r["as_stated"]) for r in reyes] == [
        ("Associate Attorney General", "Associate Attorney General Paul D. Reyes")]
