"""The tables of a release and export, and every schema written from them.

`TABLES` is the one list of what a release holds: each table's columns (kind and
description), key, title and foreign keys. The record columns come from
`corpus.record.FIELDS`; the columns around them take their descriptions from the data
dictionary unless given here. Parquet, Frictionless, CSV, the dataset card and the
manifest all read `TABLES`; the rows come from `corpus.publish.tables.ROWS`. Adding a
table is one entry here and one row function there.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.publish.dictionary import TABLES as DICTIONARY
from corpus.publish.dictionary import _TS
from corpus.record import FIELD, FIELDS

KINDS = ("str", "int", "date", "moment", "list")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of KINDS
    description: str


def _describe(table: str, name: str) -> str:
    if name in FIELD:
        return FIELD[name].description
    # speeches carries the current version's crawl_id and extractor_version
    described = {**DICTIONARY["speech_versions"][1], **DICTIONARY.get(table, ("", {}))[1]}
    return described[name].removesuffix(_TS).removeprefix("JSON array of ")


def _columns(table: str, spec: list[tuple]) -> tuple[Column, ...]:
    """(name, kind) described by the dictionary, or (name, kind, description);
    "*record*" stands for every record field, in FIELDS order."""
    columns = []
    for name, kind, *text in spec:
        if name == "*record*":
            columns += [Column(f.name, f.kind, _describe(table, f.name)) for f in FIELDS]
        else:
            columns.append(Column(name, kind, text[0] if text else _describe(table, name)))
    return tuple(columns)


RAW_SHA256 = ("sha256 of the raw page it was read from: the WARC-Payload-Digest of its"
              " record in `export --format warc` (and wacz)")
ARCHIVE_NULL = "; null for a speech known only from the Internet Archive"

SPEECHES = _columns("speeches", [
    ("id", "str"), ("url", "str"), ("uuid", "str"),
    ("status", "str", "live | gone (404/410, a soft 404, or redirected to a page that is not"
                      " a speech) | moved (redirected to another speech: moved_to), at the"
                      " release moment"),
    ("version", "int", "number of its version at the release moment" + ARCHIVE_NULL),
    ("*record*", ""), ("text", "str"), ("content_hash", "str"),
    ("extractor_version", "str"),
    ("crawl_id", "int", "crawl (run) that recorded its version" + ARCHIVE_NULL),
    ("first_seen", "moment"),
    ("last_changed", "moment", "when the corpus started holding this version (for an"
                               " archive-only speech: its latest capture)"),
    ("last_seen", "moment", "last fetch that found it on the site (200 or 304)"),
    ("gone_since", "moment", "when it was found gone or moved (null while live)"),
    ("moved_to", "str"),
    ("source", "str"),
])
VERSIONS = _columns("speech_versions", [
    ("speech_id", "str"), ("version", "int"), ("url", "str"), ("*record*", ""),
    ("text", "str"), ("content_hash", "str"), ("raw_sha256", "str", RAW_SHA256),
    ("crawl_id", "int"), ("extractor_version", "str"), ("seen_from", "moment"),
    ("seen_until", "moment"),
    ("warnings", "list", "warnings of the extraction that made this version ('kind:"
                         " detail'): a field filled from a listing, a fallback taken..."),
    ("origin", "str", "how the version was made: fetch (a page fetched from the site),"
                      " reextract (stored bytes read again by a newer extractor) or import"
                      " (saved pages)"),
    ("changed_fields", "list", "names of the content fields that differ from the previous"
                               " version ([] for version 1)"),
    ("changed_metadata", "list", "url and/or updated when they differ from the previous"
                                 " version: a moved page or a new 'Updated' date, reported"
                                 " apart from changed_fields ([] for version 1)"),
])
STATUS = _columns("speech_status", [
    ("speech_id", "str", "the speech (speeches.id)"),
    ("status", "str", "live | gone | moved, as speeches.status"),
    ("status_from", "moment", "start of the spell: the fetch (or capture) that found it so"),
    ("status_until", "moment", "end of the spell: when the status changed (null: still so"
                               " at the release moment)"),
    ("source", "str", "crawl (our fetches of the page) | archive (Internet Archive"
                      " captures: a speech we never fetched live)"),
])
# Fields compared to fill changed_fields: the content (what makes a version) only; a
# moved URL or a new "Updated" date is reported apart, in changed_metadata.
COMPARED = tuple(f.name for f in FIELDS if f.content)
METADATA_COMPARED = ("url", "updated")

_CAPTURE_COLUMNS = {
    "speech_id": "the speech (speeches.id)",
    "captured_at": "when the Internet Archive captured the page",
    "archive_url": "the raw capture in the archive (id_ playback URL)",
    "url": "the page's URL as the archive captured it",
    "text": "the paragraphs joined with a blank line",
    "content_hash": "sha256 of the record's content fields (as speech_versions.content_hash)",
    "raw_sha256": "sha256 of the captured page's bytes (its WARC-Payload-Digest)",
    "extractor_version": "version of the extractor that read the capture",
}
CAPTURES = _columns("captures", [
    *[(n, "moment" if n == "captured_at" else "str", _CAPTURE_COLUMNS[n])
      for n in ("speech_id", "captured_at", "archive_url", "url")],
    ("*record*", ""),
    *[(n, "str", _CAPTURE_COLUMNS[n])
      for n in ("text", "content_hash", "raw_sha256", "extractor_version")]])
ATTACHMENTS = _columns("attachments", [
    ("id", "int"), ("speech_id", "str"), ("url", "str"), ("name", "str"),
    ("media_type", "str"), ("raw_sha256", "str", "sha256 of the file's bytes"),
    ("text", "str"), ("pages", "int"),
    ("warnings", "list"), ("first_seen", "moment"), ("last_seen", "moment"),
])


def _to_speeches(*fields: str) -> list[dict]:
    return [{"fields": list(fields), "reference": {"resource": "speeches", "fields": ["id"]}}]


# People and who spoke in which speech (issue 19; rows from corpus/publish/people.py).
PEOPLE = (
    Column("person_id", "str", "person id, shared by every spelling and role of one person"),
    Column("name", "str", "the fullest spelling of the name in the release"),
    Column("variants", "list", "every spelling of the name in the release"),
    Column("roles", "list", "roles as stated, in order of first use"),
    Column("role_first_dates", "list", "date of the first speech in each role (YYYY-MM-DD)"),
    Column("role_last_dates", "list", "date of the last speech in each role (YYYY-MM-DD)"),
)
SPEECH_SPEAKERS = (
    Column("speech_id", "str", "the speech (speeches.id), as its version in the release"),
    Column("position", "int", "the speaker's place in the speech's list, from 1"),
    Column("person_id", "str", "the person (people.person_id); null for a line naming an"
                               " office only"),
    Column("name", "str", "the speaker's name as stated"),
    Column("role", "str", "the role as stated ('' when none)"),
    Column("as_stated", "str", "the speaker line as stated (the page's speaker field, or"
                               " the title's words when the page names no speaker)"),
)

# The tables in release order. `optional`: written only when the corpus has rows of it.
TABLES = {
    "speeches": {"columns": SPEECHES, "key": ["id"],
                 "title": "Speeches: one row per speech, its record and status at the"
                          " release moment (archive-only speeches included)"},
    "speech_versions": {"columns": VERSIONS, "key": ["speech_id", "version"],
                        "foreign_keys": _to_speeches("speech_id"),
                        "title": "Speech versions: every version of every speech"},
    "speech_status": {"columns": STATUS, "key": ["speech_id", "status_from"],
                      "foreign_keys": _to_speeches("speech_id"),
                      "title": "Speech status: each speech's live, gone and moved spells"},
    "captures": {"columns": CAPTURES, "key": ["speech_id", "captured_at"], "optional": True,
                 "foreign_keys": _to_speeches("speech_id"),
                 "title": "Captures: each distinct content of a speech in the Internet"
                          " Archive, in time"},
    "attachments": {"columns": ATTACHMENTS, "key": ["id"], "optional": True,
                    "foreign_keys": _to_speeches("speech_id"),
                    "title": "Attachments: the files (PDFs) speeches point to, one row per"
                             " distinct file"},
    "people": {"columns": PEOPLE, "key": ["person_id"],
               "title": "People: one row per person who spoke, with roles over time"},
    "speech_speakers": {"columns": SPEECH_SPEAKERS, "key": ["speech_id", "position"],
                        "foreign_keys": _to_speeches("speech_id") + [
                            {"fields": ["person_id"],
                             "reference": {"resource": "people", "fields": ["person_id"]}}],
                        "title": "Speech speakers: who spoke in each speech, in order"},
}


def columns(table: str, fmt: str | None = None) -> tuple[Column, ...]:
    """The columns of `table`: the same in every format (CSV lists are JSON arrays)."""
    return TABLES[table]["columns"]


def arrow_schema(table: str):
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "date": pa.date32(),
             "moment": pa.timestamp("us", tz="UTC"), "list": pa.list_(pa.string())}
    return pa.schema([pa.field(c.name, types[c.kind]) for c in columns(table)])
