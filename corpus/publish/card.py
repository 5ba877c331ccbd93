"""README.md of a release: a dataset card with a Hugging Face YAML header.

The column tables are generated from the release schema; the header's `configs` point
the `datasets` library at each data file.
"""

from __future__ import annotations

from corpus.publish.package import LAW_URL, LICENSE_ID, Meta, _author, _yaml
from corpus.publish.formats import FORMATS
from corpus.publish.schema import TABLES, columns

TYPE_NAMES = {"str": "string", "int": "integer", "date": "date", "moment": "timestamp (UTC)",
              "list": "list of strings"}
# Hugging Face's size buckets, by the number of speeches.
SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"))


def size_category(rows: int) -> str:
    return next((label for bound, label in SIZES if rows < bound), "n>10M")


def _header(meta: Meta, fmt: str, speeches: int, tables=tuple(TABLES)) -> list[str]:
    lines = ["---", "license: other", f"license_name: {LICENSE_ID.lower()}",
             f"license_link: {LAW_URL}", "language:", "- en",
             f"pretty_name: {_yaml(meta.title)}", "size_categories:",
             f"- {size_category(speeches)}", "task_categories:", "- text-classification",
             "- summarization", "tags:", "- government", "- law", "- speeches", "configs:"]
    for table in tables:
        lines += [f"- config_name: {table}", f"  data_files: {table}.{fmt}"]
        if table == "speeches":
            lines.append("  default: true")
    return lines + ["---", ""]


def _columns_table(table: str, fmt: str) -> list[str]:
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for col in columns(table, fmt):
        text = col.description.replace("|", "\\|")
        lines.append(f"| `{col.name}` | {TYPE_NAMES[col.kind]} | {text} |")
    return lines


def _citation(meta: Meta, released: str) -> list[str]:
    people = []
    for name in meta.authors:
        who = _author(name)
        people.append(f"{who['family-names']}, {who['given-names']}" if "family-names" in who
                      else who["name"])
    doi = f" https://doi.org/{meta.doi}" if meta.doi else (f" {meta.url}" if meta.url else "")
    return [f"{'; '.join(people)} ({released[:4]}). *{meta.title}* (version {meta.version})"
            f" [Data set].{doi}", "",
            "`CITATION.cff` in this folder has the same in the Citation File Format"
            " (GitHub and Zenodo read it)."]


def readme(meta: Meta, manifest: dict, released: str) -> str:
    fmt = manifest["format"]
    rows = {f["table"]: f["rows"] for f in manifest["files"]}
    as_of = (f"at {manifest['as_of']}" if manifest["as_of"]
             else f"when it was made ({manifest['generated_at']})")
    written = [t for t in TABLES if t in rows]  # optional tables only when written
    lines = _header(meta, fmt, rows["speeches"], written) + [
        f"# {meta.title}", "",
        f"Release {meta.version}: {rows['speeches']} speeches and {rows['speech_versions']}"
        f" versions, as the corpus held them {as_of} (UTC).", "",
        "## Structure", "",
        *[f"- `{t}.{fmt}` ({rows[t]} rows, key {', '.join(TABLES[t]['key'])}):"
          f" {TABLES[t]['title']}." for t in written],
        "- `datapackage.json`: the Frictionless description (types, keys, sha256 of each"
        " file); `manifest.json`: counts, bytes, as-of moment, crawls, the software and"
        " coverage per year.",
        "- `CHANGES.md`, `changes.jsonl` (when made with a previous release): speeches"
        " added, changed, gone and returned since it.", "",
        f"Types: {FORMATS[fmt].types}.", "",
        "The corpus on a given day, with each speech's status then, is the versions whose"
        " `seen_from` <= day < `seen_until` (or null) joined to the `speech_status` spell"
        " holding that day; `speeches` is that join at the release moment.", "",
        *_coverage(manifest.get("coverage")),
    ]
    for table in written:
        lines += [f"### `{table}`", "", *_columns_table(table, fmt), ""]
    lines += [
        "## Collection method", "",
        "The doj-speeches crawler reads justice.gov politely (robots.txt and its"
        " Crawl-delay obeyed, one request at a time) from its sitemap, listings, JSON API"
        " and the static archive; every page is stored raw, and an lxml extractor keeps the"
        " speech itself, paragraph by paragraph, with its title, date, speakers, location,"
        " components, topics and delivery line. A page whose content changed makes a new"
        " version; a page that answers 404/410 marks the speech gone (never deleted).", "",
        "## Known limitations", "",
        "- Only what justice.gov publishes as speeches; transcripts may differ from what"
        " was said (\"as prepared for delivery\").",
        "- A version is dated by when the crawler saw it (`seen_from`), not by when the"
        " site changed it; changes between two crawls are one version.",
        "- Extraction is automatic: fields a page lacks are null, and the extractor's"
        " fallbacks are in `speech_versions.warnings` (filter on it for high confidence).",
        "- Speeches removed before the first crawl are present only when the Internet"
        " Archive kept them (`source` archive).", "",
        "## License", "",
        f"`{LICENSE_ID}` (SPDX). Works of the United States Government are not subject to"
        f" copyright in the United States (17 U.S.C. 105: {LAW_URL}); the compilation is"
        " offered under the same terms.", "",
        "## How to cite", "", *_citation(meta, released), "",
    ]
    return "\n".join(lines)


def _coverage(found: dict | None) -> list[str]:
    if not found or not found["years"]:
        return []
    if found["crawl"] is None:
        return ["## Coverage per year", "", "No crawl of this corpus read the site's sitemap"
                " or API (an import, or an archive-only corpus): nothing to compare with.", ""]
    lines = ["## Coverage per year", "",
             f"Speeches held against those the last crawl (#{found['crawl']}) found listed"
             f" in the site's {' and '.join(found['lists'])}.", "",
             "| year | speeches held | listed | listed and held |", "|---|---|---|---|"]
    lines += [f"| {y['year']} | {y['held']} | {y['listed']} | {y['listed_held']} |"
              for y in found["years"]]
    return lines + [""]
