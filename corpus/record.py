"""The speech record: what extraction returns and what the corpus versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

# The fields whose change makes a new version (DESIGN.md, "content_hash").
CONTENT_FIELDS = (
    "title",
    "date",
    "location",
    "delivery",
    "speakers",
    "components",
    "topics",
    "paragraphs",
)
LIST_FIELDS = ("speakers", "components", "topics", "paragraphs")
GENERATIONS = ("current", "drupal7", "archive")


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
