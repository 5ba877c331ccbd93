"""The columns of a release's two tables, and every schema written from them.

The record columns come from `corpus.record.FIELDS` (kinds str | date | list); the
columns around them (ids, versions, hashes, moments) and their descriptions come from
the data dictionary. Parquet, Frictionless, CSV and the dataset card all read `TABLES`,
so a new record field reaches every file of a release without an edit here.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.publish.dictionary import TABLES as DICTIONARY
from corpus.publish.dictionary import _TS
from corpus.record import FIELD, FIELDS

LIST_SEPARATOR = "; "  # as `export` joins lists in CSV


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # str | int | date | moment | list
    description: str


def _describe(table: str, name: str) -> str:
    if name in FIELD:
        return FIELD[name].description
    # speeches carries the current version's crawl_id and extractor_version
    described = {**DICTIONARY["speech_versions"][1], **DICTIONARY[table][1]}
    return described[name].removesuffix(_TS)


def _columns(table: str, spec: list[tuple[str, str]]) -> tuple[Column, ...]:
    columns = []
    for name, kind in spec:
        if name == "*record*":
            columns += [Column(f.name, f.kind, _describe(table, f.name)) for f in FIELDS]
        else:
            columns.append(Column(name, kind, _describe(table, name)))
    return tuple(columns)


# Column order of `speeches` is that of `Corpus.records()`, so a record is a row as it is.
SPEECHES = _columns("speeches", [
    ("id", "str"), ("url", "str"), ("uuid", "str"), ("status", "str"), ("version", "int"),
    ("*record*", ""), ("text", "str"), ("content_hash", "str"),
    ("extractor_version", "str"), ("crawl_id", "int"), ("first_seen", "moment"),
    ("last_changed", "moment"),
])
VERSIONS = _columns("speech_versions", [
    ("speech_id", "str"), ("version", "int"), ("url", "str"), ("*record*", ""),
    ("text", "str"), ("content_hash", "str"), ("raw_sha256", "str"), ("crawl_id", "int"),
    ("extractor_version", "str"), ("seen_from", "moment"), ("seen_until", "moment"),
])
CHANGED_FIELDS = Column(
    "changed_fields", "list",
    "names of the fields that differ from the previous version ([] for version 1)")
CHANGED_METADATA = Column(
    "changed_metadata", "list",
    "url and/or updated when they differ from the previous version: a moved page or a new"
    " 'Updated' date, reported apart from changed_fields ([] for version 1)")
VERSIONS = VERSIONS + (CHANGED_FIELDS, CHANGED_METADATA)
# Fields compared to fill changed_fields: the content (what makes a version) only.
COMPARED = tuple(f.name for f in FIELDS if f.content)
METADATA_COMPARED = ("url", "updated")

TABLES = {
    "speeches": {"columns": SPEECHES, "key": ["id"],
                 "title": "Speeches: one row per speech, its record at the release moment"},
    "speech_versions": {"columns": VERSIONS, "key": ["speech_id", "version"],
                        "title": "Speech versions: every version of every speech"},
}
FOREIGN_KEYS = {"speech_versions": [{"fields": ["speech_id"],
                                     "reference": {"resource": "speeches", "fields": ["id"]}}]}

# Internet Archive captures (DESIGN Decision 14): written when the corpus holds any.
_CAPTURE_COLUMNS = {
    "speech_id": "the speech's id (speeches.id)",
    "captured_at": "when the Internet Archive captured the page",
    "archive_url": "the raw capture in the archive (id_ playback URL)",
    "url": "the page's URL as the archive captured it",
    "text": "the paragraphs joined with a blank line",
    "content_hash": "sha256 of the record's content fields (as speech_versions.content_hash)",
    "raw_sha256": "sha256 of the captured page's bytes",
    "extractor_version": "version of the extractor that read the capture",
}
CAPTURES = tuple(
    [Column(name, "moment" if name == "captured_at" else "str", _CAPTURE_COLUMNS[name])
     for name in ("speech_id", "captured_at", "archive_url", "url")]
    + [Column(f.name, f.kind, f.description) for f in FIELDS]  # the record, from FIELDS
    + [Column(name, "str", _CAPTURE_COLUMNS[name])
       for name in ("text", "content_hash", "raw_sha256", "extractor_version")])
TABLES["captures"] = {
    "columns": CAPTURES, "key": ["speech_id", "captured_at"],
    "title": "Captures: each distinct content of a speech in the Internet Archive, in time"}
# No foreign key to `speeches`: a speech known only from the archive has no version of
# ours, so it is not a row there; its captures are its whole record.
OPTIONAL_TABLES = ("captures",)  # written only when the corpus has rows of them


# Files speeches point to (issue 12): written only when the corpus holds some.
ATTACHMENTS = _columns("attachments", [
    ("id", "int"), ("speech_id", "str"), ("url", "str"), ("name", "str"),
    ("media_type", "str"), ("raw_sha256", "str"), ("text", "str"), ("pages", "int"),
    ("warnings", "list"), ("first_seen", "moment"), ("last_seen", "moment"),
])
TABLES["attachments"] = {
    "columns": ATTACHMENTS, "key": ["id"], "optional": True,
    "title": "Attachments: the files (PDFs) speeches point to, one row per distinct file"}
FOREIGN_KEYS["attachments"] = [{"fields": ["speech_id"],
                                "reference": {"resource": "speeches", "fields": ["id"]}}]


# People and who spoke in which speech (issue 19; rows from corpus/publish/people.py).
PEOPLE = (
    Column("person_id", "str", "person id, shared by every spelling and role of one person"),
    Column("name", "str", "the fullest spelling of the name in the release"),
    Column("variants", "list", "every spelling of the name in the release"),
    Column("roles", "list", "roles as stated, in order of first use"),
    Column("role_first_dates", "list", "date of the first speech in each role (YYYY-MM-DD)"),
    Column("role_last_dates", "list", "date of the last speech in each role (YYYY-MM-DD)"),
)
TABLES["people"] = {"columns": PEOPLE, "key": ["person_id"],
                    "title": "People: one row per person who spoke, with roles over time"}
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
TABLES["speech_speakers"] = {"columns": SPEECH_SPEAKERS, "key": ["speech_id", "position"],
                             "title": "Speech speakers: who spoke in each speech, in order"}
FOREIGN_KEYS["speech_speakers"] = [
    {"fields": ["speech_id"], "reference": {"resource": "speeches", "fields": ["id"]}},
    {"fields": ["person_id"], "reference": {"resource": "people", "fields": ["person_id"]}}]


def columns(table: str, fmt: str) -> tuple[Column, ...]:
    """The columns written in `fmt`: CSV leaves out paragraphs (`text` carries them: a
    paragraph may contain the list separator)."""
    cols = TABLES[table]["columns"]
    if fmt == "csv":  # paragraphs, and their roles with them
        return tuple(c for c in cols if c.name not in ("paragraphs", "paragraph_roles"))
    return cols


def arrow_schema(table: str):
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "date": pa.date32(),
             "moment": pa.timestamp("us", tz="UTC"), "list": pa.list_(pa.string())}
    return pa.schema([pa.field(c.name, types[c.kind]) for c in columns(table, "parquet")])


_FRICTIONLESS = {"str": "string", "int": "integer", "date": "date", "moment": "datetime",
                 "list": "array"}


def table_schema(table: str, fmt: str) -> dict:
    """The Frictionless table schema of `table` as written in `fmt`."""
    fields = []
    for col in columns(table, fmt):
        field = {"name": col.name, "type": _FRICTIONLESS[col.kind],
                 "description": col.description}
        if col.kind == "list" and fmt == "csv":
            field["type"] = "string"
            field["description"] += f" (joined with {LIST_SEPARATOR!r})"
        elif col.kind == "list":
            field["description"] += " (an array of strings)"
        if col.kind == "moment":
            field["description"] += " (UTC)"
        if col.name in TABLES[table]["key"]:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema = {"fields": fields, "primaryKey": list(TABLES[table]["key"])}
    if table in FOREIGN_KEYS:
        schema["foreignKeys"] = FOREIGN_KEYS[table]
    if fmt == "csv":
        schema["missingValues"] = [""]
    return schema


LIST_NOTES = {
    "jsonl": "list columns are JSON arrays; dates YYYY-MM-DD; moments ISO 8601 UTC strings",
    "parquet": "list columns are list<string>; dates date32; moments timestamp[us, tz=UTC]",
    "csv": (f"list columns are joined with {LIST_SEPARATOR!r}; paragraphs are left out"
            " (use text, the paragraphs joined with a blank line); dates YYYY-MM-DD;"
            " moments ISO 8601 UTC strings; an empty cell is null"),
}
