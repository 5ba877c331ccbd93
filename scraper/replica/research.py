"""The research speeches of `Site(research=True)` and the truth of every speech's derived
fields (issue 19, docs/derive.md): what the generator chose, never the corpus's rules.

The speeches of RESEARCH come after the generated ones, so a default replica is
unchanged. Their people are fictional (names outside the generated pools, or an era's
officials); `person` in each speaker says who they are.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import lru_cache

from . import vocab
from .synth import Speech, _edit, _fill, _paragraph, epoch, generation_of, paragraphs_of, rng

# People in several roles and spellings, pages without a speaker field, every kind,
# places in several spellings, Spanish remarks, headings, stage directions and press
# leads. speakers: (role, name, person); body: features of the text (research_content).
ALIASES_FILE = "aliases.csv"  # in data/: the replica's fictional alias, for the corpus
RESEARCH = (
    dict(date="2011-05-10", title="{sp} Delivers Remarks at the Federal Bar Association Summer Conference",
         speakers=(("Acting Assistant Attorney General", "Cornelius J. Ashcombe", "ashcombe-c"),),
         component="criminal", kind="speech", delivery="Remarks as prepared for delivery",
         location=("Washington", "D.C.", "United States"), body=("stage",)),
    dict(date="2013-09-24", title="{sp} Speaks at the National Sheriffs’ Association Leadership Summit",
         speakers=(("Assistant Attorney General", "Cornelius J. Ashcombe", "ashcombe-c"),),
         component="criminal", kind="speech", delivery="Remarks as Delivered",
         location=("New York", "New York", "United States"), body=("caps-heading",)),
    dict(date="2016-02-03", title="{sp} Announces New Steps to Strengthen Elder Justice",
         speakers=(("Deputy Attorney General", "Cornelius Ashcombe", "ashcombe-c"),),
         component="dag", kind="speech", delivery=None,
         location=("", "", "United States"), body=("lead",)),
    dict(date="2014-06-17", title="{sp} Delivers Keynote Address at the 2014 National Association of Women Judges Annual Meeting",
         speakers=(("Director", "Lucinda M. Ashcombe", "ashcombe-l"),),
         component="ovw", kind="speech", delivery="Remarks as prepared for delivery",
         location=("San Juan", "Puerto Rico", "United States"), body=()),
    dict(date="2012-11-08", title="{sp} Delivers Remarks at the Tribal Public Safety Roundtable",
         speakers=(("Assistant Attorney General", "Ambrose T. Whitlock Jr.", "whitlock"),),
         component="enrd", kind="speech", delivery="Remarks as prepared for delivery",
         location=("Albuquerque", "NM", "United States"), body=("stage", "caps-heading")),
    dict(date="2015-03-30", title="{sp} Testifies Before the Senate Judiciary Committee",
         speakers=(("Assistant Attorney General", "Ambrose Whitlock Jr.", "whitlock"),),
         component="enrd", kind="testimony", delivery="Testimony as prepared for delivery",
         location=("Washington", "DC", "United States"), body=()),
    dict(date="2019-08-12", title="Statement from {sp} on the Settlement with a National Bank",
         speakers=(("Associate Attorney General", "Ambrose T. Whitlock", "whitlock"),),
         component="asg", kind="statement", delivery=None, location=None, body=()),
    dict(date="2017-04-05", title="{sp} Holds Press Conference on Ransomware Charges",
         speakers=(("Assistant Attorney General", "Bartholomew R. Thorne", "thorne-r"),),
         component="nsd", kind="press-conference", delivery="Remarks as Delivered",
         location=("Washington", "D.C.", "United States"), body=("lead",)),
    dict(date="2018-10-22", title="{sp} Delivers Remarks on Counterterrorism",
         speakers=(("Assistant Attorney General", "Bartholomew K. Thorne", "thorne-k"),),
         component="nsd", kind="speech", delivery="Remarks as prepared for delivery",
         location=("Mexico City", "", "Mexico"), body=()),
    dict(date="2020-01-14", title="Op-Ed by {sp} on Violent Crime in Our Cities",
         speakers=(("Deputy Attorney General", "Marguerite A. Pembridge", "pembridge"),),
         component="dag", kind="other", delivery=None,
         location=None, body=()),
    dict(date="2021-07-19", title="{sp} Appears Before the House Judiciary Committee",
         speakers=(("Deputy Attorney General", "Peggy Pembridge", "pembridge"),),
         component="dag", kind="testimony", delivery="Testimony as prepared for delivery",
         location=("Washington", "DC", "United States"), body=("caps-heading",)),
    dict(date="2010-06-02", title="{sp} Announces Launch of Reentry Task Force",
         speakers=(("Associate Attorney General", "Paul D. Reyes", "Paul D. Reyes"),),
         field=False, component="asg", kind="speech", delivery="Remarks as prepared for delivery",
         location=("Chicago", "IL", "United States"), body=()),
    dict(date="2024-03-06", title="{sp} Delivers Remarks at the Cybersecurity Summit",
         speakers=(("Deputy Attorney General", "Lisa V. Moreno", "Lisa V. Moreno"),),
         field=False, component="dag", kind="speech", delivery="Remarks as Delivered",
         location=("Boston", "MA", "United States"), body=("stage",)),
    dict(date="2022-09-15", title="Declaraciones de la Procuradora General Asociada Vanessa K. Grant en la Cumbre de Seguridad Comunitaria",
         speakers=(("Associate Attorney General", "Vanessa K. Grant", "Vanessa K. Grant"),),
         component="asg", kind="speech", delivery="Remarks as Delivered",
         location=("Miami", "FL", "United States"), body=("spanish",)),
    dict(date="2023-05-09", title="Palabras de la Fiscal General Miriam A. Castell sobre la Protección de los Derechos Electorales",
         speakers=(("Attorney General", "Miriam A. Castell", "Miriam A. Castell"),),
         component="ag", kind="speech", delivery=None,
         location=("Phoenix", "AZ", "United States"), body=("spanish", "stage")),
    dict(date="2024-11-20", title="Statement from {sp} on the Verdict in the Crossroads Case",
         speakers=(("Attorney General", "Miriam A. Castell", "Miriam A. Castell"),),
         component="ag", kind="statement", delivery=None,
         location=("Washington", "DC", "United States"), body=()),
)


def research_speech(seed, index: int, entry: dict) -> Speech:
    """A speech of RESEARCH: its metadata written out, not drawn."""
    rnd = rng(seed, "research", index)
    day = dt.date.fromisoformat(entry["date"])
    created = epoch(day, 15 * 3600)
    lines = [f"{role} {name}" for role, name, _ in entry["speakers"]]
    location = entry["location"]
    return Speech(
        index=index, generation=generation_of(day), date=day, created=created,
        changed=created, uuid=str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        vuuid=str(uuid.UUID(int=rnd.getrandbits(128), version=4)), edits=0, chrome=0,
        gone=0, alias=None, delivery_in_body=False, delivery=entry["delivery"],
        delivery_shown=entry["delivery"], header=None, event=None, place=None, note=None,
        base_title=entry["title"].replace("{sp}", lines[0]),
        speakers=tuple(lines) if entry.get("field", True) else (),
        components=(vocab.COMPONENT_NAMES[entry["component"]],), topics=(),
        location=location, updated=day, kind=entry["kind"], people=entry["speakers"],
        research=entry)

@lru_cache(maxsize=256)
def research_content(seed, index: int, date: dt.date, body: tuple, speaker: tuple,
                     edits: int) -> tuple:
    """The body of a RESEARCH speech: ordinary (or Spanish) paragraphs with the features
    `body` names: "lead" (a press lead before a heading), "stage" (a stage direction of
    its own), "caps-heading" ("LOOKING AHEAD:"), "spanish"."""
    rnd = rng(seed, "research-body", index)
    topic = rnd.choice(vocab.SUBJECTS)
    blocks = []
    if "lead" in body:
        role, name, _ = speaker
        blocks += [("lead", f"WASHINGTON – Today {role} {name} spoke about {topic.lower()}"
                            f" with law enforcement leaders from across the country."),
                   ("lead", "The remarks follow below."), ("heading", "THE REMARKS:")]
    for i in range(rnd.randint(3, 6)):
        if "spanish" in body:
            text = " ".join(rnd.sample(vocab.SPANISH_SENTENCES, rnd.randint(2, 4)))
        else:
            text = _paragraph(rnd, date, topic, first=(i == 0))
        blocks.append(("p", text, ()))
        if "stage" in body and i == 1:
            blocks.append(("stage", rnd.choice(vocab.STAGE_DIRECTIONS)))
        if "caps-heading" in body and i == 1:
            blocks.append(("heading", _fill(rnd.choice(vocab.SUBHEADINGS), rnd, date, topic)
                           .upper() + ":"))
    for k in range(1, edits + 1):
        blocks = _edit(blocks, rng(seed, "edit", index, k), date, topic, k)
    return tuple(blocks)


_ROLE_OF_BLOCK = {"h3": "heading", "heading": "heading", "stage": "stage", "lead": "lead"}


def roles_of(blocks) -> list[str]:
    """The role of each paragraph of `paragraphs_of(blocks)`, from the block it came from."""
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "wrap":
            out.extend(roles_of(block[1]))
        elif kind in ("br", "list"):
            out.extend("text" for _ in block[1])
        elif kind in ("p", "div", "quote", "pointer"):
            out.append("text")
        elif kind in _ROLE_OF_BLOCK:
            out.append(_ROLE_OF_BLOCK[kind])
    return out


def _truth_place(s: Speech):
    if s.generation == "archive":
        return vocab.ARCHIVE_PLACE_TRUTH[s.place] if s.place else (None, None, None)
    if not s.location:
        return None, None, None
    locality, area, country = s.location
    code = vocab.COUNTRY_CODES[country]
    return locality or None, vocab.US_AREAS[area] if area else None, code


def derived_truth(s: Speech, blocks) -> dict:
    """The derived fields of the speech's record (issue 19) as the generator knows them;
    `person_keys` says who each speaker is (equal keys: one person)."""
    from corpus.derive.text import LANGUAGE_MIN_WORDS  # a threshold, not a rule

    paragraphs, roles = paragraphs_of(blocks), roles_of(blocks)
    counted = [p for p, r in zip(paragraphs, roles) if r in ("text", "heading")]
    words = sum(len(p.split()) for p in [p for p, r in zip(paragraphs, roles) if r == "text"])
    spanish = bool(s.research) and "spanish" in s.research["body"]
    city, region, country = _truth_place(s)
    return {
        "speaker_names": [name for _, name, _ in s.people],
        "speaker_roles": [role for role, _, _ in s.people],
        "person_keys": [key for _, _, key in s.people],
        "kind": s.kind,
        "delivery_status": vocab.DELIVERY_STATUS.get(s.delivery) if s.delivery else None,
        "city": city, "region": region, "country": country,
        "word_count": sum(len(p.split()) for p in counted),
        "paragraph_count": len(counted),
        "language": None if words < LANGUAGE_MIN_WORDS else "es" if spanish else "en",
        "paragraph_roles": roles,
    }
