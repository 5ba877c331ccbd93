"""Kind, delivery status, place, paragraph roles, counts and language of a record."""

import pytest

from corpus.derive import derive
from corpus.derive.kind import delivery_status, kind
from corpus.derive.place import place
from corpus.derive.text import counts, language, paragraph_roles


@pytest.mark.parametrize("delivery, title, url, expected", [
    ("Testimony as prepared for delivery", "Attorney General X Appears at Hearing", "", "testimony"),
    ("Statement as delivered", "Attorney General X on the Verdict", "", "statement"),
    ("Remarks as prepared for delivery", "Attorney General X Testifies Before the Committee", "",
     "testimony"),
    (None, "Statement of Assistant Attorney General X Before the U.S. House Subcommittee", "",
     "testimony"),
    (None, "Statement from Attorney General X on the Passing of Y", "", "statement"),
    (None, "Attorney General X Holds Press Conference on Election Security", "",
     "press-conference"),
    (None, "Op-Ed by Attorney General X on Violent Crime", "", "other"),
    (None, "Attorney General X Delivers Keynote", "https://www.justice.gov/opa/testimony-x",
     "testimony"),
    ("Remarks as Delivered", "Attorney General X Delivers Remarks", "", "speech"),
])
def test_kind(delivery, title, url, expected):
    assert kind(delivery, title, url) == expected


@pytest.mark.parametrize("line, status", [
    ("Remarks as prepared for delivery", "prepared"), ("Prepared Remarks", "prepared"),
    ("Remarks as Delivered", "delivered"), ("Testimony", None), (None, None)])
def test_delivery_status(line, status):
    assert delivery_status(line) == status


@pytest.mark.parametrize("location, expected", [
    ("Washington, D.C.", ("Washington", "DC", "US")),
    ("Washington, DC, United States", ("Washington", "DC", "US")),
    ("Washington, District of Columbia", ("Washington", "DC", "US")),
    ("New York, New York", ("New York", "NY", "US")),
    ("Chicago, IL, United States", ("Chicago", "IL", "US")),
    ("Atlanta, Georgia", ("Atlanta", "GA", "US")),
    ("United States", (None, None, "US")),
    ("The Hague, Netherlands", ("The Hague", None, "NL")),
    ("Ottawa, Canada", ("Ottawa", None, "CA")),
    ("Washington", ("Washington", None, None)),  # no guessed default
    (None, (None, None, None)),
])
def test_place(location, expected):
    assert place(location) == expected


def test_roles_never_remove_or_merge_paragraphs():
    paragraphs = [
        "WASHINGTON – This morning Attorney General Jane Roe addressed the conference.",
        "See the Attorney General’s remarks below.",
        "Attorney General Roe Delivers Remarks at the Conference",
        "Good morning. [Laughter] It is good to be here.",
        "[Applause]",
        "LOOKING AHEAD:",
        "(Laughter)",
        "Thank you.",
    ]
    roles = paragraph_roles(paragraphs)
    assert roles == ["lead", "lead", "heading", "text", "stage", "heading", "stage", "text"]
    assert counts(paragraphs, roles) == (8 + 9 + 2 + 2, 4)  # heading, text, heading, text


def test_a_dateline_without_a_near_heading_leads_alone():
    paragraphs = ["NEW YORK — Today the Deputy Attorney General spoke to reporters.",
                  "Thank you all for coming.", "We are here today to announce charges."]
    assert paragraph_roles(paragraphs) == ["lead", "text", "text"]


def test_language():
    es = ["Buenos días a todos. Gracias por acompañarnos hoy en esta conferencia.",
          "El Departamento de Justicia protege los derechos de todas las comunidades."]
    en = ["Good morning, everyone. Thank you for joining us at this conference today.",
          "The Department of Justice protects the rights of every community in the country."]
    assert language(es, ["text", "text"]) == "es"
    assert language(en, ["text", "text"]) == "en"
    assert language(en[:1], ["text"]) is None  # too few words to tell
    assert language(["[Applause]"], ["stage"]) is None


def test_derive_names_the_title_speaker_when_the_page_has_none():
    record = {"generation": "drupal7", "speakers": [], "title": "Associate Attorney General"
              " Paul D. Reyes Announces Launch of Reentry Task Force", "paragraphs": ["Hi."]}
    values, warnings = derive(record)
    assert values["speaker_names"] == ["Paul D. Reyes"]
    assert values["speaker_roles"] == ["Associate Attorney General"]
    assert warnings == ["speakers-from-title: Associate Attorney General Paul D. Reyes"]
    _, warnings = derive({**record, "generation": "archive"})
    assert warnings == []  # the archive always names its speakers in the title
