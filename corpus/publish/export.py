"""`export`: a release without the citation files: the same tables, columns, types and
datapackage.json, written by the same code (`corpus.publish.release.write_tables`),
optionally narrowed to speeches dated between --since and --until. Raw pages go out as
WARC or WACZ (corpus/publish/warc.py, wacz.py).

A folder that is not empty is refused unless `force`: then the files its manifest.json
lists are removed first, and anything else found there is listed in the new manifest
(`other_files`), so the manifest tells what the folder holds.
"""

from __future__ import annotations

from corpus.errors import UserError
from corpus.moments import option_date, parse_moment
from corpus.publish.folder import others, out_folder
from corpus.publish.formats import FORMATS, RAW_FORMATS
from corpus.publish.manifest import manifest as make_manifest
from corpus.publish.package import datapackage, write_json
from corpus.publish.release import write_tables
from corpus.store import Corpus

__all__ = ["export", "FORMATS", "RAW_FORMATS"]


def export(corpus: Corpus, fmt: str, out_dir, *, as_of=None, since=None, until=None,
           generated_at: str | None = None, force: bool = False) -> dict:
    """Write the tables as `<table>.<fmt>`, manifest.json and datapackage.json into
    `out_dir`; return the manifest."""
    if fmt in RAW_FORMATS:
        return _export_raw(corpus, fmt, out_dir, as_of, since, until, generated_at, force)
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r} (one of"
                        f" {', '.join(FORMATS + RAW_FORMATS)})")
    moment = parse_moment(as_of) if as_of is not None else None
    since, until = option_date(since, "--since"), option_date(until, "--until")
    if since and until and since > until:
        raise UserError(f"--since {since} is after --until {until}")
    out = out_folder(out_dir, force)
    generated_at = generated_at or corpus.now()
    files, written = write_tables(corpus, out, fmt, moment, since=since, until=until)
    found = make_manifest(corpus, kind="export", fmt=fmt, files=files, moment=moment,
                          generated_at=generated_at, written=written, since=since,
                          until=until)
    found["other_files"] = others(out, {f["name"] for f in files}
                                  | {"manifest.json", "datapackage.json"})
    found["other_files_note"] = "found in the folder, not written by this export"
    write_json(out / "manifest.json", found)
    write_json(out / "datapackage.json", datapackage(None, files, fmt, generated_at))
    return found


def _export_raw(corpus: Corpus, fmt: str, out_dir, as_of, since, until, generated_at,
                force) -> dict:
    from corpus.publish.warc import write_warc

    if since is not None or until is not None:
        raise UserError(f"--since/--until select records: they do not apply to --format {fmt}")
    out = out_folder(out_dir, force)
    written = write_warc(corpus, out, as_of=as_of)
    found = {
        "dataset": "doj-speeches: raw justice.gov pages as fetched (WARC/1.1)",
        "kind": "export", "generated_at": generated_at or corpus.now(), "format": fmt,
        "files": [written["warc"]], "index": written["cdxj"], "as_of": written["as_of"],
        "records": written["records"], "speeches": written["speeches"],
        "records_note": "one response record per stored raw page, from the first fetch of"
                        " it, after a warcinfo record; WARC-Payload-Digest is the page's"
                        " sha256 (speech_versions.raw_sha256), Speech-Id names its speech",
        "reproducibility": "same corpus and arguments: byte-identical WARC and CDXJ files",
    }
    if fmt == "wacz":
        from corpus.publish.wacz import write_wacz

        found["files"] = [write_wacz(out, written)]
        found["dataset"] = "doj-speeches: raw justice.gov pages as fetched (WACZ 1.1.1)"
    write_json(out / "manifest.json", found)
    return found
