"""Bytes -> text, as browsers do (WHATWG): BOM, then HTTP charset, then <meta> charset,
then a guess. iso-8859-1, latin-1 and ascii mean windows-1252, so the static archive's
curly quotes (bytes 0x91-0x94) come out right. w3lib does the declared part; bs4's
UnicodeDammit guesses where nothing is declared (its leniency pays on old pages).
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode, resolve_encoding

from corpus.errors import ExtractError

# File signatures of things that are not HTML but get served or saved as if they were.
MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (docx/xlsx?)",
    b"\x1f\x8b": "gzip-compressed data (not decompressed)",
    b"\xd0\xcf\x11\xe0": "an MS Office document",
}


_CONTROLS = bytes([*range(0, 9), *range(14, 32)])


def _guess(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from bs4.dammit import UnicodeDammit  # only on undeclared, non-UTF-8 pages

    guess = UnicodeDammit(data[:65536], is_html=True).original_encoding or "cp1252"
    return resolve_encoding(guess) or "cp1252"


def check_bytes(data: bytes) -> None:
    """Refuse what cannot be an HTML page, with the reason."""
    if not data or not data.strip():
        raise ExtractError("empty page")
    head = data.lstrip()[:8]
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            raise ExtractError(f"not HTML: {what}")
    sample = data[:4096]
    # UTF-16/32 pages start with a BOM; without one, NULs mean binary.
    if not sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        controls = len(sample) - len(sample.translate(None, _CONTROLS))
        if b"\x00" in sample or controls > len(sample) * 0.05:
            raise ExtractError("not HTML: binary content")


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). `encoding` is the HTTP charset when known."""
    check_bytes(data)
    content_type = f"text/html; charset={encoding}" if encoding else None
    used, text = html_to_unicode(content_type, data, auto_detect_fun=_guess)
    return text, used
