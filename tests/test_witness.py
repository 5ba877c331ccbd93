"""The page's record against what the discovery sources said (corpus/extract/witness.py)."""

import datetime as dt
import json
import urllib.request
from urllib.parse import urlsplit

import pytest

from corpus.extract import extract
from corpus.record import Speech
from scraper.replica import Replica
from corpus.extract.witness import alarms, normal_date, normal_text, reconcile, summary_lines, tally


def page(**fields):
    base = dict(url="https://www.justice.gov/opa/speech/x", generation="current",
                title="Attorney General’s Remarks — on “Justice”", date="2021-12-07",
                location="Washington, DC, United States",
                components=["Office of the Attorney General", "Antitrust Division"],
                speakers=["Attorney General Merrick B. Garland"],
                paragraphs=["One.", "Two."], warnings=["title-fallback: og:title"])
    base.update(fields)
    return Speech(**base)


def test_agreeing_witnesses_change_nothing():
    speech = page()
    witnesses = [
        {"source": "listing", "title": "Attorney General&#8217;s Remarks - on \"Justice\"",
         "date": "December 7, 2021"},
        {"source": "api", "title": "Attorney General's  Remarks -- on \"Justice\"".replace("--", "–"),
         "date": str(int(dt.datetime(2021, 12, 7, 5, tzinfo=dt.timezone.utc).timestamp())),
         "components": [{"uuid": "u1", "name": "Antitrust Division"},
                        {"uuid": "u2", "name": "Office of the Attorney General"}],
         "location": {"locality": "Washington", "administrative_area": "DC", "country": "US",
                      "postal_code": ""},
         "uuid": "abc"},
        {"source": "feed", "title": "Attorney General’s Remarks — on “Justice”",
         "date": "Tue, 07 Dec 2021 13:00:00 -0500"},
        {"source": "sitemap", "lastmod": "2021-12-08T10:00:00Z"},
    ]
    record, warnings, agreement = reconcile(speech, witnesses)
    assert warnings == []
    assert agreement == {"title": "agree", "date": "agree", "components": "agree",
                         "location": "agree"}
    assert record.to_dict() == speech.to_dict()


def test_page_value_wins_and_a_disagreement_is_named():
    speech = page()
    record, warnings, agreement = reconcile(speech, [{"source": "listing", "date": "2021-12-08"}])
    assert record.date == "2021-12-07"
    assert agreement == {"date": "disagree"}
    assert len(warnings) == 1 and warnings[0].startswith("date-disagrees-listing:")
    assert "2021-12-07" in warnings[0] and "2021-12-08" in warnings[0]
    assert record.warnings == speech.warnings + warnings


def test_missing_fields_are_filled_with_a_warning_and_the_input_is_untouched():
    speech = page(date=None, location=None, components=[])
    witnesses = [{"source": "api", "date": "2021-12-07T05:00:00Z", "components": [{"name": "Civil Division"}],
                  "location": {"locality": "Chicago", "administrative_area": "IL", "country": "US"}}]
    record, warnings, agreement = reconcile(speech, witnesses)
    assert (record.date, record.components, record.location) == (
        "2021-12-07", ["Civil Division"], "Chicago, IL, United States")
    assert agreement == {"date": "filled", "components": "filled", "location": "filled"}
    assert [w.split(":")[0] for w in warnings] == ["date-from-api", "components-from-api", "location-from-api"]
    assert speech.date is None and speech.components == [] and speech.location is None


def test_paragraphs_and_other_fields_are_never_filled():
    speech = page(paragraphs=[], speakers=[], topics=[])
    record, warnings, agreement = reconcile(speech, [{"source": "api", "paragraphs": ["Injected."],
                                                      "speakers": ["X"], "topics": ["Y"],
                                                      "body": "<p>Injected.</p>"}])
    assert record.paragraphs == [] and record.speakers == [] and record.topics == []
    assert warnings == [] and agreement == {}


def test_first_witness_fills_and_a_later_one_that_differs_is_a_disagreement():
    speech = page(date=None)
    record, warnings, agreement = reconcile(speech, [{"source": "listing", "date": "2021-12-07"},
                                                     {"source": "feed", "date": "2021-12-09"}])
    assert record.date == "2021-12-07"
    assert agreement["date"] == "disagree"
    assert [w.split(":")[0] for w in warnings] == ["date-from-listing", "date-disagrees-feed"]


def test_title_comparison_keeps_case_and_words():
    assert reconcile(page(), [{"source": "listing", "title": "attorney general’s remarks — on “justice”"}])[2] == {"title": "disagree"}
    assert reconcile(page(), [{"source": "listing", "title": "Attorney General’s Remarks"}])[2] == {"title": "disagree"}
    assert normal_text("A&amp;B \u00a0 ‘x’ – y") == "A&B 'x' - y"


def test_components_compare_as_sets():
    speech = page()
    same = {"source": "api", "components": ["Antitrust Division", "Office of the Attorney General"]}
    fewer = {"source": "api", "components": ["Antitrust Division"]}
    assert reconcile(speech, [same])[2] == {"components": "agree"}
    assert reconcile(speech, [fewer])[2] == {"components": "disagree"}


@pytest.mark.parametrize("witness, status", [
    ("Washington, DC, United States", "agree"),
    ("Washington,DC,  United States", "agree"),
    ({"locality": "Washington", "administrative_area": "DC", "country": "US"}, "agree"),
    ({"locality": "Washington", "administrative_area": "DC", "country": "CA"}, "agree"),  # code not spelled: not compared
    ("Chicago, IL, United States", "disagree"),
    ({"locality": "Baltimore", "administrative_area": "MD", "country": "US"}, "disagree"),
])
def test_location_comparison(witness, status):
    assert reconcile(page(), [{"source": "api", "location": witness}])[2] == {"location": status}


@pytest.mark.parametrize("value, iso", [
    ("2021-12-07", "2021-12-07"),
    ("2021-12-07T23:30:00-05:00", "2021-12-07"),
    ("Tuesday, December 7, 2021", "2021-12-07"),
    ("Tue, 07 Dec 2021 23:00:00 -0500", "2021-12-07"),
    (1638853200, "2021-12-07"),
    ("1638853200", "2021-12-07"),
    (dt.date(2021, 12, 7), "2021-12-07"),
    ("soon", None),
])
def test_dates_in_every_form_a_source_gives(value, iso):
    assert normal_date(value) == iso


def test_an_unreadable_witness_value_is_said_not_counted_as_agreement():
    record, warnings, agreement = reconcile(page(), [{"source": "listing", "date": "soon"}])
    assert agreement == {"date": "unreadable"}
    assert warnings == ["date-unreadable-listing: soon"]
    assert record.date == "2021-12-07"


def outcome(speech, witnesses):
    """(agreement, warnings): what a crawl keeps per speech and tallies."""
    _, warnings, agreement = reconcile(speech, witnesses)
    return agreement, warnings


def test_tally_summary_and_alarm():
    outcomes = []
    for i in range(50):
        date = "2021-12-07" if i < 10 else "2021-12-01"
        outcomes.append(outcome(page(), [{"source": "listing", "date": date,
                                            "title": page().title}]))
    counts = tally(outcomes)
    assert counts["date"]["agree"] == 10 and counts["date"]["disagree"] == 40
    assert counts["date"]["by_source"] == {"listing": 40}
    assert summary_lines(counts) == ["title: 50 agree, 0 disagree, 0 filled",
                                     "date: 10 agree, 40 disagree, 0 filled"]
    assert alarms(counts) == ["the site's markup may have changed: date disagrees with the listing"
                              " on 40 of 50 speeches"]


def test_no_alarm_at_or_under_the_share():
    outcomes = [outcome(page(), [{"source": "api", "date": "2021-12-07" if i else "2021-12-01"}])
                for i in range(10)]
    assert tally(outcomes)["date"]["disagree"] == 1
    assert alarms(tally(outcomes)) == []  # 1 of 10 is not more than 10%
    assert len(alarms(tally(outcomes), share=0.05)) == 1


def test_alarm_for_fields_filled_from_a_witness():
    outcomes = [outcome(page(date=None), [{"source": "api", "date": "2021-12-07"}])
                for _ in range(4)]
    assert alarms(tally(outcomes)) == ["the site's markup may have changed: date was missing"
                                       " and filled from the api on 4 of 4 speeches"]


# ------------------------------------------------------------------ the replica's altered markup

def _api_witnesses(replica) -> dict:
    """path -> the API's witness for every speech the API lists (read in-process)."""
    out, page = {}, 0
    while True:
        doc = json.loads(replica.fetch(f"/api/v1/speeches.json?pagesize=50&page={page}").body)
        for item in doc["results"]:
            path = urlsplit(item["url"]).path
            out[path] = {"source": "api", "title": item["title"], "date": item["date"],
                         "components": item["component"], "location": item["location"]}
        if not doc["results"]:
            return out
        page += 1


def _check_site(replica) -> dict:
    outcomes = []
    for path, witness in _api_witnesses(replica).items():
        speech = extract(replica.fetch(path).body, replica.base_url + path)
        outcomes.append(outcome(speech, [witness]))
    assert len(outcomes) >= 20
    return tally(outcomes)


def test_replica_pages_agree_with_their_api_witness_on_every_field():
    with Replica(60, seed=3) as replica:
        counts = _check_site(replica)
    for field in ("title", "date", "components", "location"):
        entry = counts[field]
        assert entry["agree"] == entry["witnessed"] > 0, (field, entry)
    assert alarms(counts) == []


def test_altered_markup_is_caught_by_the_witness():
    with Replica(60, seed=3, markup="altered") as replica:
        counts = _check_site(replica)
    assert counts["date"]["disagree"] == counts["date"]["witnessed"]
    assert counts["title"]["agree"] == counts["title"]["witnessed"]
    [line] = alarms(counts)
    assert line.startswith("the site's markup may have changed: date disagrees with the api on ")


def test_markup_is_a_setting_of_the_running_replica_and_standard_is_unchanged():
    with Replica(40, seed=3) as replica:
        path = next(s.path for s in replica.site.speeches if s.generation == "drupal7")
        standard = replica.fetch(path).body
        request = urllib.request.Request(
            replica.base_url + "/__replica/config", data=json.dumps({"markup": "altered"}).encode(),
            method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read())["markup"] == "altered"
        with urllib.request.urlopen(replica.base_url + path, timeout=5) as answer:
            altered = answer.read()
        replica.configure(markup="standard")
        assert replica.fetch(path).body == standard
        with pytest.raises(ValueError):
            replica.configure(markup="odd")
    changed = [(a, b) for a, b in zip(standard.splitlines(), altered.splitlines()) if a != b]
    assert len(changed) == 1 and b"field--name-field-pr-date" in changed[0][0]
    gold = Replica(40, seed=3).gold(path)
    assert extract(standard, gold["url"]).date == gold["date"]
    assert extract(altered, gold["url"]).date != gold["date"]
