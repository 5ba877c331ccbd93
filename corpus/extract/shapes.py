"""Values known by their shape: a line that is only a date, a place, a delivery line, a
field typed with its label ("Location - Washington, DC").

htmldate finds a page's date by its shape anywhere on the page; here a value is looked
for in the page's header region: the text blocks just before the body (which is set
aside while the fields are read, a marked placeholder in its place). A class name is
never needed. The rules that state which value wins (docs/extraction.md):

- a line is a value only when nothing but the value stands on it (a weekday, "the",
  "of" and punctuation aside), so "Posted to the site on May 2, 2015" is no date line,
  and "Updated ..." lines are the updated date, never the speech's;
- two different values in the header: the first in page order is taken, and the
  choice is a warning `<field>-ambiguous: ...`.
"""

from __future__ import annotations

import re
import threading

from corpus.extract.clean import block_texts, collapse
from corpus.extract.fields import DELIVERY, find_date

# The body's placeholder carries this text while the fields are read: the header region
# is what stands before it. A private-use character: never in a real page's text.
BODY_MARK = "\ue000body\ue000"
HEADER_BLOCKS = 15  # how far above the body the header region reaches
MAX_LINE = 80

_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_FILLER = re.compile(r"\b(?:the|of|on|date)\b|[\s,.;:()\-–—|·•]+", re.I)

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
    "GU": "Guam", "VI": "Virgin Islands",
}
_STATE_NAMES = {name.lower() for name in US_STATES.values()}
# Countries a DOJ speech has been given in, and the ways the site writes the US.
COUNTRIES = frozenset("""united states|usa|us|united states of america|canada|mexico|
united kingdom|uk|england|scotland|ireland|france|germany|italy|spain|portugal|
netherlands|the netherlands|belgium|switzerland|austria|sweden|norway|denmark|finland|
poland|czech republic|hungary|romania|bulgaria|greece|turkey|ukraine|russia|israel|
jordan|egypt|morocco|united arab emirates|qatar|saudi arabia|india|pakistan|china|
japan|south korea|korea|singapore|thailand|vietnam|indonesia|philippines|australia|
new zealand|brazil|argentina|chile|colombia|peru|panama|guatemala|honduras|el salvador|
costa rica|dominican republic|jamaica|bahamas|haiti|kenya|nigeria|south africa|
ghana|ethiopia|vatican city""".replace("\n", "").split("|"))
_PLACE_PART = re.compile(r"^[A-Z][\w.'’]*(?:[ -](?:[A-Z][\w.'’]*|of|de|la|del|du|upon|on))*$")


def date_line(text: str) -> str | None:
    """The ISO date of a line that says nothing else ("Tuesday the 7th of December, 2021")."""
    if len(text) > MAX_LINE:
        return None
    found = find_date(text)
    if not found:
        return None
    iso, start, end = found
    rest = _WEEKDAY.sub(" ", text[:start] + " " + text[end:])
    return iso if not _FILLER.sub("", rest) else None


def _region_name(part: str) -> str | None:
    bare = part.replace(".", "").replace(" ", "")
    if bare.upper() in US_STATES and (bare.isupper() or "." in part):
        return "state"
    low = part.lower()
    if low in _STATE_NAMES:
        return "state"
    if low in COUNTRIES:
        return "country"
    return None


def place_line(text: str) -> str | None:
    """A line that is only a place: City, ST / City, State / City, Country, each
    optionally followed by the country ("Washington, DC, United States")."""
    if len(text) > MAX_LINE or any(ch.isdigit() for ch in text):
        return None
    parts = [part.strip() for part in text.rstrip(" .").split(",")]
    if not 2 <= len(parts) <= 3 or not all(_PLACE_PART.match(p) for p in parts):
        return None
    kinds = [_region_name(p) for p in parts[1:]]
    if kinds[0] is None or (len(kinds) == 2 and kinds[1] != "country"):
        return None
    return collapse(text).rstrip(" ,")


def delivery_line(text: str) -> str | None:
    return collapse(text).rstrip(". ") if len(text) <= MAX_LINE and DELIVERY.match(text) else None


SHAPES = {"date": date_line, "location": place_line, "delivery": delivery_line}

# A look at the whole scope's text first: most scopes hold no value of the shape, and a
# search of one string is far cheaper than a walk of the blocks.
_REGION_NAMES = sorted([*_STATE_NAMES, *COUNTRIES], key=len, reverse=True)
QUICK = {
    "date": re.compile(r"\d{4}"),
    "location": re.compile(
        r",\s*(?:(?i:" + "|".join(map(re.escape, _REGION_NAMES)) + r")|[A-Z]\.?[A-Z]\b)"),
    "delivery": re.compile(r"\bas\s+(?:prepared|delivered)|\bprepared\s+(?:remarks|testimony"
                           r"|statement)", re.I),
}

# The last scope's block texts and text: the rules of one page share one walk. Per
# thread, as extraction may run in several.
_seen = threading.local()


def _remembered(name: str, scope, compute):
    scope_and_value = getattr(_seen, name, None)
    if scope_and_value is None or scope_and_value[0] is not scope:
        scope_and_value = (scope, compute(scope))
        setattr(_seen, name, scope_and_value)
    return scope_and_value[1]


def scope_texts(scope) -> list[str]:
    """The collapsed text blocks of scope, walked once for all the rules that read them."""
    return _remembered("texts", scope, lambda s: [collapse(t) for t in block_texts(s)])


def scope_text(scope) -> str:
    """All the text of scope as one string (remembered like scope_texts)."""
    return _remembered("text", scope, lambda s: s.text_content())


def header_region(scope) -> list[str]:
    """The text blocks before the body's placeholder (the first blocks without one)."""
    texts = scope_texts(scope)
    end = texts.index(BODY_MARK) if BODY_MARK in texts else HEADER_BLOCKS
    return [text for text in texts[max(0, end - HEADER_BLOCKS):end] if text]


def forget() -> None:
    """Drop the cached walk (the document changes after the fields are read)."""
    _seen.texts = _seen.text = None


class by_shape:
    """Rule: every value of the field's shape in the header region, first first."""

    def __init__(self, field: str):
        self.field = field
        self.shape = SHAPES[field]

    def __call__(self, scope):
        if not QUICK[self.field].search(scope_text(scope)):
            return []
        seen, out = set(), []
        for text in header_region(scope):
            value = self.shape(text)
            if value and value not in seen:
                seen.add(value)
                out.append(text if self.field == "date" else value)
        return out


def ambiguity(field: str, values: list) -> str | None:
    """The warning for a choice between different values of a field found by shape."""
    if len(values) < 2:
        return None
    return f"{field}-ambiguous: {len(values)} values in the header, the first taken"
