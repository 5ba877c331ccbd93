"""The metadata files of a release: datapackage.json (Frictionless) and CITATION.cff.

Who made the release and how to cite it (authors, DOI, URL, title) comes from `Meta`,
filled by the command's options or the DOJ_RELEASE_* environment variables.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from corpus.publish.formats import FORMATS
from corpus.publish.schema import TABLES, columns

NAME = "doj-speeches"
DEFAULT_TITLE = "Speeches of the US Department of Justice (justice.gov), with their history"
DEFAULT_AUTHOR = "doj-speeches contributors"
DESCRIPTION = (
    "Speeches published by the United States Department of Justice on justice.gov"
    " (the current site, the 2009-2022 Drupal pages and the 2001-2008 static archive),"
    " one row per speech and one row per version of each speech, extracted paragraph by"
    " paragraph with their metadata by the doj-speeches crawler.")
KEYWORDS = ["speeches", "United States Department of Justice", "government", "law",
            "text corpus", "versioned"]
SOURCE = {"title": "United States Department of Justice: speeches",
          "path": "https://www.justice.gov/news/speeches"}
LAW_URL = "https://www.govinfo.gov/app/details/USCODE-2023-title17/USCODE-2023-title17-chap1-sec105"
# One licence identifier everywhere a format takes one (SPDX, whose ids are
# case-insensitive): CITATION.cff `license`, datapackage.json `licenses[].name`, the
# dataset card's `license_name` (Hugging Face wants it lower-case, with license: other).
LICENSE_ID = "CC-PDDC"  # Public Domain Dedication and Certification
LICENSE = {
    "name": LICENSE_ID,
    "title": "Public domain in the United States: works of the United States Government"
             " are not subject to copyright (17 U.S.C. 105)",
    "path": LAW_URL,
}
ENV = "DOJ_RELEASE_"


@dataclass
class Meta:
    version: str | None  # None: the next free version of the release's date
    title: str = DEFAULT_TITLE
    authors: list[str] = field(default_factory=list)
    doi: str | None = None
    url: str | None = None

    @classmethod
    def from_env(cls, version: str | None, *, title=None, authors=(), doi=None, url=None) -> Meta:
        """Options win; otherwise DOJ_RELEASE_TITLE, _AUTHORS (';'-separated), _DOI, _URL."""
        env = os.environ
        names = list(authors) or [a.strip() for a in env.get(ENV + "AUTHORS", "").split(";")
                                  if a.strip()]
        return cls(version=version, title=title or env.get(ENV + "TITLE") or DEFAULT_TITLE,
                   authors=names or [DEFAULT_AUTHOR], doi=doi or env.get(ENV + "DOI") or None,
                   url=url or env.get(ENV + "URL") or None)


_FRICTIONLESS = {"str": "string", "int": "integer", "date": "date", "moment": "datetime",
                 "list": "array"}


def table_schema(table: str, fmt: str) -> dict:
    """The Frictionless table schema of `table` as written in `fmt` (its quirks are the
    format's entry in corpus.publish.formats)."""
    form, fields = FORMATS[fmt], []
    for col in columns(table):
        field = {"name": col.name, "type": _FRICTIONLESS[col.kind],
                 "description": col.description}
        if col.kind == "list":
            field["description"] += form.list_cell
            field["type"] = form.list_type
        if col.kind == "moment":
            field["description"] += " (UTC)"
        if col.kind == "int" and form.int_missing:
            field["missingValues"] = list(form.int_missing)
        if col.name in TABLES[table]["key"]:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema = {"fields": fields, "primaryKey": list(TABLES[table]["key"])}
    if TABLES[table].get("foreign_keys"):
        schema["foreignKeys"] = TABLES[table]["foreign_keys"]
    if form.missing:
        schema["missingValues"] = list(form.missing)
    return schema


def _resource(entry: dict, fmt: str) -> dict:
    table = entry["table"]
    resource = {
        "name": table, "path": entry["name"], "title": TABLES[table]["title"],
        "profile": "tabular-data-resource", "format": fmt, "mediatype": FORMATS[fmt].media_type,
        "encoding": "utf-8", "bytes": entry["bytes"], "hash": f"sha256:{entry['sha256']}",
        "schema": table_schema(table, fmt),
    }
    if not FORMATS[fmt].counts_bytes:  # the hash stays; manifest.json has the byte count
        del resource["bytes"]
    return resource


def datapackage(meta: Meta | None, files: list[dict], fmt: str, created: str) -> dict:
    """The Frictionless data package descriptor; `files` as in the manifest. An export
    (no `meta`) has no version, contributors or identifiers."""
    package = {
        "profile": "tabular-data-package", "name": NAME,
        "title": meta.title if meta else DEFAULT_TITLE, "description": DESCRIPTION,
        "created": created, "keywords": KEYWORDS, "licenses": [LICENSE], "sources": [SOURCE],
    }
    if meta is None:
        package["resources"] = [_resource(entry, fmt) for entry in files]
        return package
    package["version"] = meta.version
    package["contributors"] = [{"title": a, "role": "author"} for a in meta.authors]
    if meta.doi:
        package["id"] = f"https://doi.org/{meta.doi}"
    if meta.url:
        package["homepage"] = meta.url
    package["resources"] = [_resource(entry, fmt) for entry in files]
    return package


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _author(name: str) -> dict:
    """'Family, Given' is a person; anything else an entity (an organisation, a team)."""
    family, comma, given = name.partition(",")
    if comma and family.strip() and given.strip():
        return {"family-names": family.strip(), "given-names": given.strip()}
    return {"name": name.strip()}


def _yaml(value) -> str:
    # A JSON string is a valid YAML double-quoted scalar: no YAML library needed.
    return json.dumps(value, ensure_ascii=False)


def citation_cff(meta: Meta, released: str) -> str:
    """CITATION.cff (Citation File Format 1.2.0) of the release."""
    lines = [
        "cff-version: 1.2.0",
        f"message: {_yaml('If you use this dataset, please cite it as below.')}",
        "type: dataset",
        f"title: {_yaml(meta.title)}",
        f"version: {_yaml(meta.version)}",
        f"date-released: {_yaml(released)}",
        f"abstract: {_yaml(DESCRIPTION)}",
        f"license: {LICENSE_ID}",
        f"license-url: {_yaml(LAW_URL)}",
        "keywords:",
        *[f"  - {_yaml(k)}" for k in KEYWORDS],
        "authors:",
    ]
    for name in meta.authors:
        parts = list(_author(name).items())
        lines.append(f"  - {parts[0][0]}: {_yaml(parts[0][1])}")
        lines += [f"    {k}: {_yaml(v)}" for k, v in parts[1:]]
    identifiers = []
    if meta.doi:
        lines.append(f"doi: {_yaml(meta.doi)}")
        identifiers.append(("doi", meta.doi, "the DOI of this release"))
    if meta.url:
        lines.append(f"url: {_yaml(meta.url)}")
        identifiers.append(("url", meta.url, "where this release is published"))
    if identifiers:
        lines.append("identifiers:")
        for kind, value, what in identifiers:
            lines += [f"  - type: {kind}", f"    value: {_yaml(value)}",
                      f"    description: {_yaml(what)}"]
    return "\n".join(lines) + "\n"
