"""The speech record: what extraction returns and what the corpus versions.

`FIELDS` is the one definition of the record's fields (name, kind, description, whether
it is content). Schema columns, SQL column lists, the data dictionary, export and release
schemas, integrity checks and diffs are all derived from it: a new field is one line here
(plus the extractor that fills it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "str" | "int" | "date" | "list": how exports and releases type it
    description: str
    content: bool  # part of content_hash: a change makes a new version
    in_speeches: bool = True  # also a column of `speeches` (paragraphs are versions only)
    derived: bool = False  # computed from the stored record (corpus/derive), not extracted


FIELDS: tuple[Field, ...] = (
    Field("generation", "str", "site generation of the page: current | drupal7 | archive",
          content=False),
    Field("title", "str", "speech title", content=True),
    Field("date", "date", "date the speech was given/published, YYYY-MM-DD (null if the page"
          " has none)", content=True),
    Field("location", "str", "where it was given, e.g. 'Washington, DC, United States'",
          content=True),
    Field("delivery", "str", "delivery line, e.g. 'Remarks as prepared for delivery'",
          content=True),
    Field("speakers", "list", "speakers, in page order", content=True),
    Field("components", "list", "DOJ components, in page order", content=True),
    Field("topics", "list", "topics, in page order", content=True),
    Field("updated", "date", "the page's 'Updated' date, YYYY-MM-DD (not part of"
          " content_hash)", content=False),
    Field("paragraphs", "list", "the speech text, one string per paragraph", content=True,
          in_speeches=False),
    # Derived (corpus/derive): outside content_hash, recomputed for every version by
    # `reextract`; each beside the string it normalises (speakers, delivery, location).
    Field("speaker_names", "list", "each speaker's name, parallel to speakers (from the"
          " title when the page names no speaker)", content=False, derived=True),
    Field("speaker_roles", "list", "each speaker's role as stated, parallel to"
          " speaker_names ('' when none)", content=False, derived=True),
    Field("person_ids", "list", "each speaker's person id (table people), parallel to"
          " speaker_names: one id per person across roles and spellings ('' for a line that"
          " names an office only)", content=False,
          derived=True),
    Field("kind", "str", "speech | testimony | statement | press-conference | other",
          content=False, derived=True),
    Field("delivery_status", "str", "prepared | delivered, from the delivery line (null"
          " when it says neither or there is none)", content=False, derived=True),
    Field("city", "str", "city of the location (null if none stated)", content=False,
          derived=True),
    Field("region", "str", "USPS code of the US state, territory or DC of the location",
          content=False, derived=True),
    Field("country", "str", "ISO 3166-1 alpha-2 code of the location's country",
          content=False, derived=True),
    Field("word_count", "int", "whitespace-separated tokens of the text and heading"
          " paragraphs", content=False, derived=True),
    Field("paragraph_count", "int", "number of text and heading paragraphs",
          content=False, derived=True),
    Field("language", "str", "ISO 639-1 code of the text's language (langdetect)",
          content=False, derived=True),
    Field("paragraph_roles", "list", "role of each paragraph, parallel to paragraphs:"
          " text | heading | stage | lead", content=False, in_speeches=False, derived=True),
)
FIELD = {f.name: f for f in FIELDS}
# The fields whose change makes a new version (docs/design.md#content-hash).
CONTENT_FIELDS = tuple(f.name for f in FIELDS if f.content)
LIST_FIELDS = tuple(f.name for f in FIELDS if f.kind == "list")
# Record columns of both `speeches` and `speech_versions` (paragraphs: versions only).
RECORD_FIELDS = tuple(f.name for f in FIELDS if f.in_speeches)
# The fields a diff between two versions shows one by one (paragraphs are aligned apart).
SHOWN_FIELDS = tuple(f.name for f in FIELDS if f.name != "paragraphs" and not f.derived)
# What extraction returns (the rest is derived from it by the store).
EXTRACTED_FIELDS = tuple(f.name for f in FIELDS if not f.derived)
DERIVED_FIELDS = tuple(f.name for f in FIELDS if f.derived)
# Columns of `speech_versions` (and captures) beside RECORD_FIELDS: versions only.
VERSION_ONLY_FIELDS = tuple(f.name for f in FIELDS if not f.in_speeches)


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Speech:
    url: str
    generation: str
    title: str
    date: str | None = None
    location: str | None = None
    delivery: str | None = None
    speakers: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    updated: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    text: str = ""
    extractor_version: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def content(self) -> dict:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    def content_hash(self) -> str:
        return content_hash(self.content())


def content_hash(content: dict) -> str:
    """sha256 of the canonical JSON of the content fields of a record (a dict)."""
    picked = {name: content.get(name) for name in CONTENT_FIELDS}
    return hashlib.sha256(canonical_json(picked).encode("utf-8")).hexdigest()
