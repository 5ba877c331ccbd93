"""What changed since a previous release: speeches added, changed, gone and returned.

The previous release is read from its folder (its speeches file, in whichever format it
was written); an `export` folder is refused: it has no version to be "since". Changed fields are found by comparing the
two versions in the corpus, so they name every field that differs between the version
the previous release had and the one this release has.
"""

from __future__ import annotations

import json
from pathlib import Path

from corpus.errors import UserError
from corpus.publish.formats import FORMATS
from corpus.publish.tables import changed_fields
from corpus.store import Corpus

KINDS = ("added", "changed", "gone", "returned")
_WANTED = ("id", "version", "status", "title")


def read_previous(folder) -> tuple[dict[str, dict], dict]:
    """The previous release's speeches {id: {version, status, title}} and its manifest."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise UserError(f"--previous {folder}: no manifest.json (not a release folder)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"--previous {folder}: unreadable manifest.json ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "release" \
            or not manifest.get("version"):
        raise UserError(f"--previous {folder}: not a release folder (its manifest.json has"
                        " no release version: an export?)")
    fmt = manifest.get("format")
    path = folder / f"speeches.{fmt}"
    if not path.is_file():
        raise UserError(f"--previous {folder}: no speeches.{fmt} beside its manifest")
    if fmt not in FORMATS:
        raise UserError(f"--previous {folder}: unknown format {fmt!r} in its manifest")
    rows = FORMATS[fmt].read(path, list(_WANTED))
    return {r["id"]: {k: r.get(k) for k in _WANTED} for r in rows}, manifest




def compare(corpus: Corpus, previous: dict[str, dict], current: dict[str, dict]) -> list[dict]:
    """Change rows, ordered by kind then id. A speech both changed and back from gone
    gives two rows."""
    out = []
    for sid in sorted(current.keys() | previous.keys()):
        now, then = current.get(sid), previous.get(sid)
        if then is None:
            out.append(_row("added", now, None))
            continue
        if now is None:  # a release of another corpus, or one narrowed by a filter
            out.append({**_row("gone", then, then), "note": "not in this release"})
            continue
        if now["version"] != then["version"]:
            row = _row("changed", now, then)
            row["fields"] = _fields(corpus, sid, then["version"], now["version"])
            out.append(row)
        if then["status"] == "live" and now["status"] == "gone":
            out.append(_row("gone", now, then))
        elif then["status"] == "gone" and now["status"] == "live":
            out.append(_row("returned", now, then))
    out.sort(key=lambda r: (KINDS.index(r["change"]), r["id"]))
    return out


def _row(kind: str, now: dict, then: dict | None) -> dict:
    return {"change": kind, "id": now["id"], "title": now.get("title"),
            "url": now.get("url"), "from_version": then["version"] if then else None,
            "to_version": now["version"]}


def _fields(corpus: Corpus, sid: str, old: int, new: int) -> list[str] | None:
    versions = {v["version"]: v for v in corpus.versions(sid) if v["version"] in (old, new)}
    if len(versions) < 2:
        return None  # the previous release's version is not in this corpus
    return changed_fields(versions[old], versions[new])


def counts(rows: list[dict]) -> dict[str, int]:
    return {kind: sum(r["change"] == kind for r in rows) for kind in KINDS}


def write(rows: list[dict], out: Path, *, version: str, previous_version: str | None) -> None:
    with open(out / "changes.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out / "CHANGES.md").write_text(_markdown(rows, version, previous_version),
                                    encoding="utf-8")


def _markdown(rows: list[dict], version: str, previous_version: str | None) -> str:
    n = counts(rows)
    lines = [f"# Changes in release {version}", "",
             f"Since release {previous_version}: "
             + ", ".join(f"{n[k]} {k}" for k in KINDS) + ".", ""]
    for kind in KINDS:
        lines += [f"## {kind.capitalize()} ({n[kind]})", ""]
        for row in (r for r in rows if r["change"] == kind):
            lines.append(_line(row))
        lines.append("")
    return "\n".join(lines)


def _line(row: dict) -> str:
    title = (row["title"] or "(untitled)").replace("\n", " ")
    line = f"- `{row['id']}` {title}"
    if row["change"] == "changed":
        fields = row.get("fields")
        what = ", ".join(fields) if fields else ("fields unknown" if fields is None
                                                 else "no field differs")
        line += f": version {row['from_version']} -> {row['to_version']} ({what})"
    return line
