"""The folder an export or a release is written into: created, or emptied of what was
written there before (`--force`), and what else it holds listed."""

from __future__ import annotations

import json
import os
from pathlib import Path

from corpus.errors import UserError
from corpus.publish.manifest import sha256



def out_folder(out_dir, force: bool, own=None, what: str = "export") -> Path:
    """The output folder, created; a non-empty one only with `force`, after removing
    the files of what was written there before (`own`: names; default: those its
    manifest.json lists)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise UserError(f"--out {out} is not empty: choose a new folder, or --force to"
                            f" replace the {what} in it")
        for name in own if own is not None else _listed(out):
            target = out / str(name)
            if target.parent == out and target.is_file():
                target.unlink()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK):
        raise UserError(f"cannot write to {out}: permission denied")
    return out


def _listed(out: Path) -> list[str]:
    """The files a previous export's manifest lists (plain names only)."""
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        names = [entry["name"] for entry in old.get("files", [])]
        if isinstance(old.get("index"), dict):
            names.append(old["index"]["name"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []  # no readable manifest: nothing is known to be ours; others are listed
    return names + ["manifest.json", "datapackage.json"]


def others(out: Path, ours: set[str]) -> list[dict]:
    found = []
    for entry in sorted(out.iterdir()):
        if entry.name in ours or entry.name.endswith(".tmp"):
            continue
        if entry.is_file():
            found.append({"name": entry.name, "bytes": entry.stat().st_size,
                          "sha256": sha256(entry)})
        else:
            found.append({"name": entry.name + "/", "folder": True})
    return found
