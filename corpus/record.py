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
    kind: str  # "str" | "date" | "list": how exports and releases type it
    description: str
    content: bool  # part of content_hash: a change makes a new version
    in_speeches: bool = True  # also a column of `speeches` (paragraphs are versions only)


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
)
FIELD = {f.name: f for f in FIELDS}
# The fields whose change makes a new version (docs/design.md#content-hash).
CONTENT_FIELDS = tuple(f.name for f in FIELDS if f.content)
LIST_FIELDS = tuple(f.name for f in FIELDS if f.kind == "list")
# Record columns of both `speeches` and `speech_versions` (paragraphs: versions only).
RECORD_FIELDS = tuple(f.name for f in FIELDS if f.in_speeches)
# The fields a diff between two versions shows one by one (paragraphs are aligned apart).
SHOWN_FIELDS = tuple(f.name for f in FIELDS if f.name != "paragraphs")


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
