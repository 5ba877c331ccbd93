"""The data dictionary: every table and column of the corpus, described once.

metadata.json (Datasette) and the tables of docs/storage.md are generated from it:
    python -m corpus.publish.dictionary sync     # metadata.json + the tables in README, storage.md
A test checks that it covers the schema exactly and that metadata.json is current.
"""

from __future__ import annotations

import json
import sys

from corpus.outcomes import FETCH_OUTCOMES
from corpus.record import CONTENT_FIELDS, DERIVED_FIELDS, FIELD, RECORD_FIELDS


def _describe(name: str) -> str:
    field = FIELD[name]
    return ("JSON array of " if field.kind == "list" else "") + field.description


_RECORD = {name: _describe(name) for name in RECORD_FIELDS if not FIELD[name].derived}
# Derived fields (migration 4) are the last columns of the tables of records.
_DERIVED = {name: _describe(name) + " (derived)" for name in DERIVED_FIELDS
            if FIELD[name].in_speeches}
_DERIVED_VERSIONS = {name: _describe(name) + " (derived)" for name in DERIVED_FIELDS}
_TS = " (ISO 8601 UTC, microseconds)"

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "speeches": ("One row per speech: its current record and status. Never deleted.", {
        "n": "stable integer key (rowid); the full-text index refers to it",
        "id": "speech id: canonical path (/opa/speech/<slug>, /archive/ag/speeches/...)"
              " without scheme, host, /archives prefix, trailing slash or query",
        "url": "URL it was last fetched from (after redirects)",
        "uuid": "justice.gov API uuid, where known",
        "status": "live | gone (404/410, a soft 404, or redirected to a page that is not a"
                  " speech) | moved (redirected to another speech: moved_to)",
        **_RECORD,
        "text": "the speech text: paragraphs joined with a blank line",
        "version": "number of the current version (speech_versions.version)",
        "content_hash": "sha256 of the canonical JSON of the content fields (docs/design.md#content-hash)",
        "raw_sha256": "raw page the record was last extracted from (-> raw_pages)",
        "first_seen": "first fetch of the speech" + _TS,
        "last_seen": "last fetch that found it (200 or 304)" + _TS,
        "last_changed": "when the current version began" + _TS,
        "gone_since": "when it was found gone or moved (null while live)" + _TS,
        "moved_to": "the speech id its URL now redirects to (status moved)",
        "source": "crawl (we fetched it) | archive (known only from Internet Archive captures)",
        **_DERIVED,
    }),
    "speech_versions": ("One row per change of a speech's record, numbered 1, 2, 3... "
                        "A->B->A gives a version 3 equal in content to version 1.", {
        "speech_id": "the speech (-> speeches.id)",
        "version": "1, 2, 3... per speech",
        "url": "URL the version was fetched from",
        **_RECORD,
        "paragraphs": _describe("paragraphs"),
        "text": "paragraphs joined with a blank line",
        "content_hash": "sha256 of the canonical JSON of " + ", ".join(CONTENT_FIELDS),
        "raw_sha256": "raw page it was extracted from (-> raw_pages)",
        "crawl_id": "crawl (run) that recorded it (-> crawls); a reextract run for"
                    " versions made by re-extraction",
        "extractor_version": "version of the extractor that produced it",
        "seen_from": "when the corpus started holding this version" + _TS,
        "seen_until": "when the next version replaced it (null: current)" + _TS,
        "warnings": "JSON array of the warnings of the extraction that made it ('kind:"
                    " detail'; null for a version made before they were kept and never"
                    " fetched with them)",
        **_DERIVED_VERSIONS,
    }),
    "raw_pages": ("Raw response bodies exactly as fetched, stored once per content "
                  "(content-addressed), compressed.", {
        "sha256": "sha256 of the raw bytes (the key)",
        "size": "length of the raw bytes",
        "compression": "zstd (level 3, with the dictionary dict_id names), zlib (rows"
                       " stored before zstd: zlib.compress(raw)) or none",
        "body": "the compressed bytes",
        "first_seen": "when these bytes were first stored" + _TS,
        "dict_id": "the zstd dictionary the body needs (-> raw_dicts); null: none",
    }),
    "raw_dicts": ("zstd dictionaries of raw pages: raw content, whole pages of the corpus"
                  " picked so each layout is in it (corpus/store/raw.py).", {
        "id": "ascending",
        "created": "when it was built" + _TS,
        "pages": "pages it was built from",
        "size": "its length in bytes",
        "ratio": "raw bytes / stored bytes of those pages with it",
        "dict": "the dictionary bytes (zstd raw content)",
    }),
    "fetches": ("One row per response handled (and per failure after the last retry).", {
        "id": "ascending",
        "crawl_id": "crawl (run) it belongs to (-> crawls)",
        "fetched_at": "when it was recorded" + _TS,
        "url": "final URL (after redirects)",
        "request_url": "URL requested, when it differs (redirects)",
        "speech_id": "speech the outcome applies to (canonical id); null for discovery",
        "status": "HTTP status (null for a network error)",
        "outcome": "; ".join(f"{o.value}: {o.description}" for o in FETCH_OUTCOMES),
        "reason": "why: the error, 'HTTP 404', 'soft 404: ...', 'same raw page', ...",
        "warnings": "JSON array of extraction warnings ('kind: detail')",
        "etag": "ETag response header",
        "last_modified": "Last-Modified response header",
        "headers": "JSON object of all response headers (lower-case names)",
        "encoding": "HTTP charset given to the extractor",
        "bytes": "length of the response body",
        "raw_sha256": "the body (-> raw_pages); null when not stored",
        "version": "the speech's version after this fetch",
        "witnesses": "JSON array: what discovery sources said about the speech (source,"
                     " title, date, components, location, uuid, lastmod); docs/design.md#d11-witnesses",
    }),
    "crawls": ("One row per run: crawl, backfill, import, reextract...", {
        "id": "ascending integer",
        "mode": "crawl | backfill | import | reextract | ...",
        "args": "JSON object of the run's arguments",
        "started": "start" + _TS,
        "finished": "end (null: unfinished or killed)" + _TS,
        "stats": "JSON object of the run's counts",
        "exit_status": "exit code of the run (docs/design.md#d1-exit-codes)",
    }),
    "frontier": ("A backfill's discovered URLs and their state, so --resume survives "
                 "SIGKILL (docs/design.md#d3-resume).", {
        "id": "ascending: discovery order",
        "crawl_id": "the backfill (-> crawls)",
        "speech_id": "canonical id (one row per id and crawl)",
        "url": "URL as discovered",
        "meta": "JSON object: source, lastmod...",
        "state": "pending | done",
        "outcome": "the fetch outcome, once done",
        "added": "when discovered" + _TS,
        "done_at": "when handled" + _TS,
    }),
    "captures": ("Internet Archive captures of a speech, one per distinct content in time "
                 "(docs/design.md#d14-captures): history from before our first crawl. Never renumbers "
                 "speech_versions.", {
        "speech_id": "the speech (-> speeches.id)",
        "captured_at": "when the archive captured it" + _TS,
        "archive_url": "the capture's raw playback URL (web.archive.org/web/<ts>id_/<url>)",
        "url": "the URL as the archive captured it",
        **_RECORD,
        "paragraphs": _describe("paragraphs"),
        "text": "paragraphs joined with a blank line",
        "content_hash": "sha256 of the canonical JSON of " + ", ".join(CONTENT_FIELDS),
        "raw_sha256": "the captured page (-> raw_pages)",
        "extractor_version": "version of the extractor that produced it",
        "recorded_at": "when the corpus recorded the capture" + _TS,
        **_DERIVED_VERSIONS,
    }),
    "attachments": ("Files a speech points to (PDFs), stored raw like pages; a changed file "
                    "is a new row, the old kept (docs/design.md#d15-attachments).", {
        "id": "ascending",
        "speech_id": "the speech (-> speeches.id)",
        "url": "where the file is on the site",
        "name": "its link text or file name",
        "media_type": "e.g. application/pdf",
        "raw_sha256": "the file's bytes (-> raw_pages)",
        "text": "its extracted text",
        "pages": "number of pages",
        "warnings": "JSON array: what text extraction could not do",
        "first_seen": "first fetch of this content" + _TS,
        "last_seen": "last fetch that found this content" + _TS,
    }),
    "releases": ("The releases written from this corpus (`doj-speeches release`): a second"
                 " release on one day gets the next version (2026-12-06.2).", {
        "id": "ascending",
        "version": "the release's version",
        "as_of": "the moment it shows the corpus at (null: when it was made)" + _TS,
        "moment": "when it was written" + _TS,
        "folder": "the folder it was written to (absolute path)",
        "format": "parquet | jsonl | csv",
    }),
    "people": ("One row per person who spoke: the id shared by every spelling and role"
               " of one person (corpus/derive/people.py). An id once given never changes.", {
        "person_id": "person id, from the name first seen (stanley-f-ellison)",
        "first": "first name, folded (lower case, no accents or full stops)",
        "middle": "middle initials known for the person, folded ('' when none seen)",
        "last": "surname, folded",
        "suffix": "Jr. | Sr. | II | III | IV | V, or ''",
        "ambiguous": "1 for a bare name that fits two people: no other spelling joins it",
        "first_seen": "when the id was given" + _TS,
    }),
    "person_variants": ("Every spelling of a person's name seen, with its person id.", {
        "variant": "the spelling folded (lower case, no accents or full stops)",
        "name": "the spelling as first seen",
        "person_id": "the person (-> people.person_id)",
        "first_seen": "when the spelling was first seen" + _TS,
    }),
    "meta": ("Key/value facts about the database file.", {
        "key": "schema_version: number of migrations applied",
        "value": "its value",
    }),
}

VIEWS: dict[str, str] = {
    "speech_list": "speeches without their text, newest first",
    "changes": "every change after a speech's first version, newest first",
    "fetch_problems": "failed, skipped and gone fetches and those with warnings",
}

QUERIES = {
    "as_of": {
        "title": "The corpus as of a moment",
        "description": "The version of every speech the corpus held at :moment (UTC, "
                       "e.g. 2024-05-01T12:00:00Z; a bare date means the end of that day, "
                       "as `doj-speeches export --as-of` and `release` read it; they also "
                       "add each speech's status).",
        # A bare date becomes its last microsecond, in the corpus's own moment format.
        "sql": "with t(m) as (select case when length(:moment) = 10\n"
               "  then :moment || 'T23:59:59.999999Z' else :moment end)\n"
               "select speech_id, version, title, date, speakers, seen_from, seen_until\n"
               "from speech_versions, t\n"
               "where seen_from <= t.m and (seen_until is null or seen_until > t.m)\n"
               "order by speech_id",
    },
    "history": {
        "title": "History of one speech",
        "description": "All versions of the speech with id :speech_id "
                       "(e.g. /opa/speech/...); `doj-speeches history` shows the diffs.",
        "sql": "select version, seen_from, seen_until, title, date, extractor_version,"
               " crawl_id, content_hash, text\n"
               "from speech_versions where speech_id = :speech_id order by version",
    },
}


def metadata(database: str = "corpus") -> dict:
    tables = {}
    for name, (description, columns) in TABLES.items():
        tables[name] = {"description": description, "columns": columns}
    tables["speeches"].update({
        "label_column": "title", "sort_desc": "date", "fts_table": "speeches_fts",
        "fts_pk": "n",
        "facets": ["status", "generation", {"array": "components"}, {"array": "topics"}],
    })
    tables["speech_versions"].update({"sort_desc": "seen_from",
                                      "facets": ["extractor_version", "crawl_id"]})
    tables["fetches"].update({"sort_desc": "id", "facets": ["outcome", "crawl_id", "status"]})
    tables["crawls"].update({"sort_desc": "id", "facets": ["mode", "exit_status"]})
    tables["frontier"].update({"facets": ["crawl_id", "state"]})
    for name, description in VIEWS.items():
        tables[name] = {"description": description}
    tables["speech_list"].update({"label_column": "title",
                                  "facets": ["status", {"array": "components"}]})
    return {
        "title": "US Department of Justice speeches",
        "description": "A versioned research corpus of the speeches published on "
                       "justice.gov, built by doj-speeches. Search speeches by title "
                       "and text; every change of a speech is a row in speech_versions.",
        "source": "justice.gov",
        "source_url": "https://www.justice.gov/news/speeches",
        "databases": {database: {
            "description": "Tables described in docs/storage.md of doj-speeches.",
            "tables": tables,
            "queries": QUERIES,
        }},
    }


def markdown() -> str:
    out = []
    for name, (description, columns) in TABLES.items():
        out += [f"### `{name}`", "", description, "", "| column | meaning |", "|---|---|"]
        out += ["| `" + col + "` | " + text.replace("|", "\\|") + " |"
                for col, text in columns.items()]
        out.append("")
    out += ["### Views", ""] + [f"- `{n}`: {d}" for n, d in VIEWS.items()] + [""]
    return "\n".join(out)


START, END = "<!-- dictionary:start", "<!-- dictionary:end -->"
DOCS = ("README.md", "docs/storage.md")


def sync(root) -> None:
    """Rewrite every generated copy: metadata.json and the tables in README and storage.md."""
    from pathlib import Path

    root = Path(root)
    (root / "metadata.json").write_text(
        json.dumps(metadata(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name in DOCS:
        path = root / name
        text = path.read_text(encoding="utf-8")
        head, _, rest = text.partition(START)
        marker, _, rest = rest.partition("\n")
        _, _, tail = rest.partition(END)
        path.write_text(f"{head}{START}{marker}\n{markdown()}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "metadata"
    if what == "markdown":
        print(markdown())
    elif what == "sync":
        sync(sys.argv[2] if len(sys.argv) > 2 else ".")
    else:  # metadata [DB_FILE]: Datasette names a database after its file's stem
        from pathlib import Path

        name = Path(sys.argv[2]).stem if len(sys.argv) > 2 else "corpus"
        print(json.dumps(metadata(name), ensure_ascii=False, indent=2))
