"""The replica's attachments: a PDF per speech that has one (synth.has_attachment, linked
from the page; synth.api_attachment, listed only by the API record), made by our own
tiny PDF writer from the speech's text, so an edit of the speech changes its PDF.

With `configure(pointer_bodies=True)`, half of the linked ones are pointer-only: the
page says only "see the PDF"; the PDF holds the text.
"""

from __future__ import annotations

import re

from . import synth
from .pdf import make_pdf

FILE_PATH = re.compile(r"/opa/file/(\d+)/download")
FILE_NAME = "testimony.pdf"


def has_file(site, s) -> bool:
    return synth.has_attachment(s, s.title()) or synth.api_attachment(s)


def speech_of_file(site, path: str):
    """The speech whose file `path` is, or None (an unknown, removed or file-less one)."""
    m = FILE_PATH.fullmatch(path)
    index = int(m.group(1)) - 1_000_000 if m else -1
    if not 0 <= index < len(site.speeches):
        return None
    s = site.speeches[index]
    return s if not s.gone and has_file(site, s) else None


def file_paragraphs(site, s) -> list[str]:
    """What the PDF says: the speech's own text (with its edits), under its title."""
    return [s.title()] + synth.paragraphs_of(site.text_blocks(s))


def file_bytes(site, s) -> bytes:
    key = ("pdf", s.index, s.edits)
    data = site._cache.get(key)
    if data is None:
        data = site._cache[key] = make_pdf(file_paragraphs(site, s), s.title())
    return data


def api_field(site, s) -> list[dict]:
    """The API record's `attachment` field (the shape corpus.extract.attachments reads)."""
    if not synth.api_attachment(s):
        return []
    return [{"url": site.base_url + synth.file_path(s), "filename": FILE_NAME,
             "filemime": "application/pdf"}]


def attachments(site, status: str = "live") -> list[dict]:
    """Ground truth for tests: each speech's file, whether its page is pointer-only."""
    out = []
    for s in site.speeches:
        if (status == "live" and s.gone) or not has_file(site, s):
            continue
        out.append({"id": s.cid, "path": synth.file_path(s), "name": FILE_NAME,
                    "pointer_only": site.is_pointer_only(s),
                    "api_only": synth.api_attachment(s),
                    "paragraphs": file_paragraphs(site, s)})
    return out
