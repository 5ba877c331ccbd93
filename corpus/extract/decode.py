"""Bytes -> text, as browsers do (WHATWG): BOM, then HTTP charset, then <meta> charset,
then a guess. iso-8859-1, latin-1 and ascii mean windows-1252, so the static archive's
curly quotes (bytes 0x91-0x94) come out right. w3lib does the declared part; bs4's
UnicodeDammit guesses where nothing is declared (its leniency pays on old pages).
"""

from __future__ import annotations

import re

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
# WHATWG labels of UTF-16 ("utf-16" alone means little-endian; Python's codec would take
# the machine's order, and w3lib big-endian).
_UTF16 = {
    **dict.fromkeys(["utf-16", "utf-16le", "utf_16_le", "utf-16-le", "ucs-2", "unicode",
                     "csunicode", "iso-10646-ucs-2", "unicodefeff"], "utf-16-le"),
    **dict.fromkeys(["utf-16be", "utf_16_be", "utf-16-be", "unicodefffe"], "utf-16-be"),
}

_NOT_GUESSED = ["utf-16", "utf-16le", "utf-16be", "utf-16-le", "utf-16-be"]


def header_charset(headers: dict) -> str | None:
    """The charset label a response's Content-Type header declares (any case of the
    header name), as stated: `fetches.encoding` keeps the label the server sent, and
    `decode` resolves it (w3lib's http_content_type_encoding would already turn
    ISO-8859-1 into cp1252 and drop a label it does not know)."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _guess(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from bs4.dammit import UnicodeDammit  # only on undeclared, non-UTF-8 pages

    # UTF-16 pages never get here (_utf16): a UTF-16 <meta> in ASCII bytes is wrong.
    dammit = UnicodeDammit(data[:65536], is_html=True, exclude_encodings=_NOT_GUESSED)
    guess = resolve_encoding(dammit.original_encoding or "cp1252") or "cp1252"
    return "cp1252" if guess.startswith("utf-16") else guess


def _utf16_order(sample: bytes) -> str | None:
    """UTF-16 without a BOM shows by its NULs: HTML markup is ASCII, every other byte 0."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd > pairs * 0.3 and even < odd / 4:
        return "utf-16-le"
    if even > pairs * 0.3 and odd < even / 4:
        return "utf-16-be"
    return None


def _utf16(sample: bytes, encoding: str | None) -> str | None:
    """The UTF-16 codec of a page (its BOM's, or a byte order), or None if it is not UTF-16.

    The bytes decide where they can (UTF-16 markup is half NULs, on one side); a header
    that says UTF-16 is honoured when they cannot, but not over bytes without the NULs
    UTF-16 markup has: those would be read into nonsense.
    """
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # the BOM wins; Python's codec reads and drops it
    if sample.startswith(b"\xef\xbb\xbf"):
        return None
    if b"\x00" not in sample:  # most pages: one memchr
        return None
    order = _utf16_order(sample)
    if order:
        return order
    declared = _UTF16.get((encoding or "").strip().lower())
    if declared and sample.count(0) > len(sample) // 20:
        return declared
    return None


_META = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.I)
_XML = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([a-z0-9_.:-]+)", re.I)


def _declared(head: bytes, http: str | None) -> dict[str, str]:
    """The page's charset declarations, in the browsers' order: HTTP, <meta>, then the
    XML declaration (which browsers ignore in HTML; named only in a warning)."""
    found = {"HTTP": http} if http else {}
    for name, pattern in (("meta", _META), ("XML", _XML)):
        match = pattern.search(head)
        if match:
            found[name] = match.group(1).decode("ascii")
    return found


def _mismatch(data: bytes, used: str, declared: dict[str, str]) -> list[str]:
    """A warning when valid UTF-8 with multi-byte sequences was read as another charset
    because a declaration said so: the text is likely mojibake (a charset that lies)."""
    if (resolve_encoding(used) or used) == "utf-8" or data.isascii() or not declared:
        return []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    names = ", ".join(f"{k} says {v}" for k, v in declared.items())
    return [f"charset-mismatch: the bytes are UTF-8 but were read as {used} ({names})"]


def check_bytes(data: bytes) -> None:
    """Refuse what cannot be an HTML page, with the reason."""
    if not data or not data.strip():
        raise ExtractError("empty page")
    head = data.lstrip()[:8]
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            raise ExtractError(f"not HTML: {what}")
    sample = data[:4096]
    # A stray NUL or two is a CMS bug in a real page (the parser drops them); more, or
    # many other control bytes, mean binary. UTF-16 pages are recognised before this.
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    if sample.count(0) > max(8, len(sample) // 100) or controls > len(sample) * 0.05:
        raise ExtractError("not HTML: binary content")


def _drop_nuls(data: bytes, warnings: list[str] | None) -> bytes:
    # A stray NUL in a good page (a CMS bug) would become U+FFFD in the speech's text.
    # Looked for in bytes: in an ASCII-compatible encoding a 0 byte is always NUL, and
    # bytes are searched many times faster than a non-ASCII str.
    if b"\x00" not in data:
        return data
    if warnings is not None:
        warnings.append(f"nul-dropped: {data.count(0)} NUL characters dropped")
    return data.replace(b"\x00", b"")


def decode(
    data: bytes, encoding: str | None = None, warnings: list[str] | None = None
) -> tuple[str, str]:
    """Return (text, encoding used). `encoding` is the HTTP charset when known."""
    utf16 = _utf16(data[:4096], encoding)
    if utf16:
        as_utf8 = data.decode(utf16, "replace").encode("utf-8")
        check_bytes(as_utf8)
        return _drop_nuls(as_utf8, warnings).decode("utf-8"), utf16
    if _UTF16.get((encoding or "").strip().lower()):
        encoding = None  # a UTF-16 header over bytes that are not UTF-16
    check_bytes(data)
    data = _drop_nuls(data, warnings)
    declared = _declared(data[:4096], encoding)
    if not encoding and "meta" in declared:
        # Browsers never read an XML declaration in HTML: <meta charset> is the body's.
        encoding = declared["meta"]
    content_type = f"text/html; charset={encoding}" if encoding else None
    used, text = html_to_unicode(content_type, data, auto_detect_fun=_guess)
    if warnings is not None:
        warnings += _mismatch(data, used, declared)
    if used.startswith("utf-16"):
        # A <meta> can only be read if the bytes are ASCII-compatible, so one that says
        # UTF-16 is wrong; WHATWG reads such a page as UTF-8 (here: UTF-8 or a guess).
        used = _guess(data)
        text = data.decode(used, "replace")
    return text, used
