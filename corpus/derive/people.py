"""Speakers as people: a speaker line split into its role as stated and a name, and the
rules that say whether a name is a person already known.

"Acting Assistant Attorney General Stanley F. Ellison" -> ("Acting Assistant Attorney
General", "Stanley F. Ellison"). A name is (first, middle initials, last, suffix); two
names are one person when first and last agree and neither the middle initials nor the
suffixes contradict (one may lack them). Never merging two people beats joining every
spelling: a bare name that fits two known people joins neither (`match` says ambiguous).
Joins no rule can make (a nickname, a changed name) come from aliases.csv beside this
file, one real person a line with a public source, plus the files named in the
DOJ_SPEECHES_ALIASES environment variable (os.pathsep-separated, same columns).
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ALIASES_FILE = Path(__file__).with_name("aliases.csv")
ALIASES_ENV = "DOJ_SPEECHES_ALIASES"
PERSON_AMBIGUOUS = "person-ambiguous"

SUFFIXES = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV", "v": "V"}
_PARTICLES = {"de", "del", "della", "di", "da", "la", "le", "van", "von", "der", "st.", "bin"}
# Words of offices as justice.gov states them; a name never contains one.
ROLE_WORDS = set("""
attorney general deputy associate assistant acting principal solicitor director
administrator counsel chief senior special inspector commissioner secretary agent charge
u.s. us united states district division office of for the and to on fbi dea atf usms bop
eousa ovw ojp cops doj department justice federal bureau investigation marshal marshals
prosecutor executive chair chairman vice president ambassador judge administration
""".split())
_INITIAL = re.compile(r"^(?:[A-Z]\.){1,2}$|^[A-Z]$")
_SUFFIX_COMMA = re.compile(r",\s*(Jr\.?|Sr\.?|II|III|IV)(?=$|[\s,])")


def _word(token: str) -> str:
    return token.lower().strip(".,;:()")


def split_speaker(text: str) -> tuple[str, str]:
    """(role as stated, name); role "" when the line is a bare name, name "" when it
    names an office only."""
    text = _SUFFIX_COMMA.sub(r" \1", " ".join(text.split()))
    if "," in text:  # "Loretta E. Lynch, Attorney General"
        head, tail = (part.strip() for part in text.split(",", 1))
        if any(_word(t) in ROLE_WORDS for t in tail.split()) and not any(
                _word(t) in ROLE_WORDS for t in head.split()):
            return tail, head
    tokens = text.split()
    if not any(_word(t) in ROLE_WORDS for t in tokens):
        return "", text
    start = len(tokens)
    if start and _word(tokens[start - 1]) in SUFFIXES:
        start -= 1
    start -= 1  # the surname
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    while start > 1 and _INITIAL.match(tokens[start - 1]):
        start -= 1
    start = max(start - 1, 0)  # the first name
    if all(_word(t) in ROLE_WORDS for t in tokens[start:]):  # "The Attorney General"
        return text, ""
    return " ".join(tokens[:start]), " ".join(tokens[start:])


# Title openings that name the speaker: "X Delivers Remarks ...", "Statement of X Before".
_TITLE_BEFORE = re.compile(
    r"^(?:(?:Prepared )?(?:Remarks|Statement|Testimony|Keynote) (?:of|by|from) )(.+?)"
    r"(?= (?:Before|at|on|to|for|in|Regarding|About)\b|$)")
_TITLE_VERB = re.compile(
    r"^(.+?) (?:(?:Deliver|Speak|Announce|Give|Address|Host|Hold|Issue|Make|Release|"
    r"Discuss|Remark|Participate|Join|Highlight|Unveil|Outline|Provide|Present|Welcome|"
    r"Visit|Meet|Honor|Commemorate|Launch)(?:s|es)?|Testif(?:y|ies))\b")


def speakers_from_title(title: str) -> list[str]:
    """The speaker lines a title names ("A and B Announce ..." gives two), or []."""
    title = " ".join(title.split())
    found = _TITLE_BEFORE.match(title) or _TITLE_VERB.match(title)
    if not found:
        return []
    named = [part.strip() for part in re.split(r",? and |, ", found.group(1)) if part.strip()]
    # A fragment with no surname-like last word ("The Department") names no person.
    return [n for n in named if n.split()[-1][:1].isupper()
            and _word(n.split()[-1]) not in ROLE_WORDS]


@dataclass(frozen=True)
class Name:
    first: str
    middle: str  # initials, "" when none stated
    last: str
    suffix: str  # "Jr.", "III", "" when none

    def fits(self, other: "Name") -> bool:
        """Same first and last; middles and suffixes equal or one of them missing."""
        return (self.first == other.first and self.last == other.last
                and (not self.middle or not other.middle or self.middle == other.middle)
                and (not self.suffix or not other.suffix or self.suffix == other.suffix))


def fold(text: str) -> str:
    """Lower case, accents and full stops gone, spaces collapsed: a variant's key."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.lower().replace(".", " ").replace(",", " ").split())


def parse_name(name: str) -> Name:
    tokens = fold(name).split()
    suffix = ""
    if len(tokens) > 2 and tokens[-1] in SUFFIXES:
        suffix = SUFFIXES[tokens.pop()]
    if len(tokens) < 2:
        return Name(tokens[0] if tokens else "", "", "", suffix)
    last = [tokens.pop()]
    while len(tokens) > 1 and tokens[-1] in {p.rstrip(".") for p in _PARTICLES}:
        last.insert(0, tokens.pop())
    return Name(tokens[0], "".join(t[0] for t in tokens[1:]), " ".join(last), suffix)


@lru_cache(maxsize=8)
def _aliases(extra: str) -> dict[str, str]:
    out = {}
    for path in [ALIASES_FILE, *(Path(p) for p in extra.split(os.pathsep) if p)]:
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                out[fold(row["alias"])] = row["name"]
    return out


def aliases() -> dict[str, str]:
    """folded alias -> the person's name as the alias file gives it."""
    return _aliases(os.environ.get(ALIASES_ENV, ""))


def canonical(name: str) -> str:
    """The name the alias file gives for `name`, or `name` itself."""
    return aliases().get(fold(name), name)


def match(name: Name, known: list[tuple[str, Name]]) -> tuple[str | None, bool]:
    """(the id of the one known person `name` fits, ambiguous). `known` lists (id, name)
    of people who share its first and last name, each with its fullest middle and
    suffix. A middle initial stated picks the person with that initial first."""
    fits = [(pid, other) for pid, other in known if name.fits(other)]
    if name.middle:
        same = [pid for pid, other in fits if other.middle == name.middle]
        if len(same) == 1:
            return same[0], False
        fits = fits if not same else [(pid, None) for pid in same]
    if len(fits) == 1:
        return fits[0][0], False
    return None, len(fits) > 1
