"""Attachments of a speech: finding them on its page, and the text of a PDF.

Pure functions (no network, no Scrapy): the crawler fetches what `find_attachments`
and `api_attachments` return, and stores `pdf_text` of the bytes (docs/design.md#d15-attachments).

PDF text comes from pdfminer.six, chosen by measurement (scripts/bench_pdf.py,
docs/benchmarks.md): on generated PDFs with known text it is the only library tried that
keeps every paragraph whole, including a two-column page drawn line by line across both
columns; its 50 pages/s is far above the rate a polite crawl fetches attachments.
Its layout analysis gives text boxes, which are our paragraphs.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html

from corpus.urls import is_justice_host

MAX_PAGES = 300
MAX_BYTES = 20 * 1024 * 1024  # the page bound of docs/design.md#d13-bounds

# Page furniture, not text: a lone page number, "Page 2 of 9", "- 3 -".
_FURNITURE = re.compile(r"^(?:page\s+)?[-\u2013 ]*\d{1,4}[-\u2013 ]*(?:of\s+\d{1,4})?$", re.I)


@dataclass
class AttachmentText:
    text: str = ""
    paragraphs: list[str] = field(default_factory=list)
    pages: int = 0  # pages in the file (0 when it could not be read)
    warnings: list[str] = field(default_factory=list)
    page_paragraphs: list[list[str]] = field(default_factory=list)  # per page read


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str
    media_type_guess: str


def pdf_text(data: bytes, max_pages: int = MAX_PAGES, max_bytes: int = MAX_BYTES) -> AttachmentText:
    """The text of a PDF, one paragraph per text box; never raises on bad input.

    Past `max_bytes` nothing is read; past `max_pages` the rest is left out. Each of
    these, a broken or password-protected file and pages without a text layer (scans)
    is a warning, so a caller never mistakes a partial text for the whole.
    """
    out = AttachmentText()
    if len(data) > max_bytes:
        out.warnings.append(f"pdf-too-large: {len(data)} bytes > {max_bytes}")
        return out
    if not data.lstrip()[:5].startswith(b"%PDF"):
        out.warnings.append("pdf-unreadable: not a PDF (no %PDF header)")
        return out
    try:
        _read(data, max_pages, out)
    except Exception as exc:  # pdfminer raises many types, and bad files reach them all
        out.warnings.append(_failure(exc))
    out.paragraphs = [p for page in out.page_paragraphs for p in page]
    out.text = "\n\n".join(out.paragraphs)
    return out


def _read(data: bytes, max_pages: int, out: AttachmentText) -> None:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it logs every odd object
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    out.pages = _page_count(document)
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    blank = []
    for number, page in enumerate(PDFPage.create_pages(document), 1):
        if number > max_pages:
            out.warnings.append(f"pdf-truncated: read {max_pages} of {out.pages} pages")
            break
        interpreter.process_page(page)
        layout = device.get_result()
        boxes = [item for item in layout if isinstance(item, LTTextContainer)]
        texts = [_squash(box.get_text()) for box in _reading_order(boxes, layout.width)]
        paragraphs = [t for t in texts if t and not _FURNITURE.match(t)]
        out.page_paragraphs.append(paragraphs)
        if not paragraphs:
            blank.append(number)
    out.pages = max(out.pages, len(out.page_paragraphs))
    if not out.page_paragraphs:
        out.warnings.append("pdf-unreadable: no pages")
        return
    if blank and len(blank) == len(out.page_paragraphs):
        out.warnings.append("pdf-no-text: no page has a text layer (a scan?)")
    elif blank:
        out.warnings.append("pdf-no-text-layer: pages " + ",".join(map(str, blank[:20])))


def _reading_order(boxes: list, width: float) -> list:
    """Two columns read left then right, under any full-width boxes above them.

    pdfminer's own order (boxes_flow) sometimes puts a right-column box between two
    left-column ones (measured: 2 of 10 two-column pages); other layouts keep its order.
    """
    mid, slack = width / 2, width * 0.05
    left = [b for b in boxes if b.x1 <= mid + slack]
    right = [b for b in boxes if b.x0 >= mid - slack and b not in left]
    spanning = [b for b in boxes if b not in left and b not in right]
    if not left or not right:
        return boxes
    top_of_columns = max(b.y1 for b in left + right)
    if any(b.y0 < top_of_columns for b in spanning):
        return boxes

    def down(group):
        return sorted(group, key=lambda b: -b.y1)

    return down(spanning) + down(left) + down(right)


def _page_count(document) -> int:
    from pdfminer.pdftypes import resolve1

    try:
        return int(resolve1(resolve1(document.catalog["Pages"])["Count"]))
    except Exception:  # a broken page tree: counted while reading instead
        return 0


def _failure(exc: Exception) -> str:
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name or "Encryption" in name:
        return f"pdf-encrypted: {name}"
    return f"pdf-unreadable: {name}: {str(exc)[:200]}"


def _squash(text: str) -> str:
    return " ".join(text.split())


# ---- finding attachments ----

_FILE_DOWNLOAD = re.compile(r"^(?:/[\w.-]+)*/file/\d+/download/?$", re.I)
_OUT_OF_BODY = ("ancestor::header", "ancestor::footer", "ancestor::nav",
                "ancestor::*[@role='navigation' or @role='banner' or @role='contentinfo']")
_MEDIA = {".pdf": "application/pdf", ".doc": "application/msword",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".txt": "text/plain", ".rtf": "application/rtf"}


def is_attachment_url(url: str, base_url: str = "https://www.justice.gov") -> bool:
    """A file on the site: /file/NNN/download (any component prefix) or a .pdf."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not is_justice_host(url, base_url):
        return False
    path = unquote(parts.path)
    return bool(_FILE_DOWNLOAD.match(path)) or path.lower().endswith(".pdf")


def guess_media_type(url: str, name: str = "") -> str:
    for text in (urlsplit(url).path, name):
        match = re.search(r"(\.[a-z]{2,4})\s*$", text.lower())
        if match and match.group(1) in _MEDIA:
            return _MEDIA[match.group(1)]
    return "application/octet-stream"


# Cheap test on the raw bytes before a second parse of the page: most pages link no file,
# and this runs for every page the writer records (it was a third of the writer's time).
# Substring tests, not a case-blind regex: on a 50 KB page that is 0.2 ms against ~5 us.
_MAYBE_FILE = (b"/download", b".pdf", b".PDF", b".Pdf")


def find_attachments(html: bytes, url: str) -> list[Attachment]:
    """Files a speech page links outside its header, footer and navigation, in page order."""
    if isinstance(html, bytes) and b"\x00" not in html[:1024] and \
            not any(mark in html for mark in _MAYBE_FILE):
        return []  # (a UTF-16 page has NULs between its letters: it is always parsed)
    try:
        doc = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (lxml.etree.ParserError, ValueError):
        return []
    found, seen = [], set()
    outside = " or ".join(_OUT_OF_BODY)
    for link in doc.xpath(f"//a[@href][not({outside})]"):
        target = urljoin(url, link.get("href").strip())
        target = target.split("#", 1)[0]
        if target in seen or not is_attachment_url(target, url):
            continue
        seen.add(target)
        name = _link_name(link.text_content(), target)
        found.append(Attachment(target, name, guess_media_type(target, name)))
    return found


def _link_name(text: str, url: str) -> str:
    """'Download testimony.pdf' -> 'testimony.pdf'; no text -> the file's name."""
    name = re.sub(r"^\s*download\s*:?\s*", "", _squash(text), flags=re.I)
    name = re.sub(r"\s*\[?\(?\s*pdf\s*(?:,\s*[\d.]+\s*[kmg]?b)?\s*\)?\]?\s*$", "", name,
                  flags=re.I) if not name.lower().endswith(".pdf") else name
    if name:
        return name
    path = unquote(urlsplit(url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return path.rsplit("/", 2)[-2] if last == "download" and path.count("/") >= 2 else last


def api_attachments(value, base_url: str = "https://www.justice.gov") -> list[Attachment]:
    """The `attachment` field of a justice.gov API record, whatever shape it comes in.

    Its exact shape is not documented: a list (or a single object) of file objects with
    a URL under url/uri/href/src and a name under filename/name/title/description, or
    bare URL strings. Anything without a usable URL is left out.
    """
    items = value if isinstance(value, list) else [value] if value else []
    found, seen = [], set()
    for item in items:
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict):
            continue
        href = next((item[k] for k in ("url", "uri", "href", "src", "file")
                     if isinstance(item.get(k), str) and item[k].strip()), "")
        if not href or href.startswith("public://"):
            continue
        target = urljoin(base_url.rstrip("/") + "/", href.strip())
        if target in seen:
            continue
        seen.add(target)
        name = next((item[k] for k in ("filename", "name", "title", "description")
                     if isinstance(item.get(k), str) and item[k].strip()), "")
        name = _link_name(name, target)
        mime = item.get("filemime") or item.get("mime") or item.get("type")
        found.append(Attachment(target, name, mime if isinstance(mime, str) and "/" in mime
                                else guess_media_type(target, name)))
    return found


# ---- bodies that only point to a file ----

# Each is a whole paragraph that says "the text is elsewhere" (lower-cased, squashed).
POINTER_SENTENCES = [
    r"plain text version of this (?:speech|testimony|statement|document|remarks?) is not available"
    r"[,.;:]?(?:\s*(?:please\s+)?see the (?:text[- ]accessible )?pdf(?: version)?(?: below| attached)?)?",
    r"(?:please\s+)?(?:see|view|read|download)(?: the)? (?:attached |text[- ]accessible )?"
    r"(?:pdf|attachment|file)(?: version)?(?: (?:below|attached|here))?(?: for the (?:full )?"
    r"(?:text|speech|testimony|remarks))?",
    r"(?:the )?(?:full |complete )?(?:text|transcript) of (?:this|the) (?:speech|testimony|statement|remarks)"
    r" is (?:available|attached|provided)(?: (?:as|in) (?:a |the )?(?:pdf|attachment|file)| below| here)*",
    r"(?:click|see) (?:here|below)(?: to| for)? (?:view|read|download|the)?\s*(?:the )?"
    r"(?:full )?(?:text|speech|testimony|remarks|pdf|attachment)",
    r"(?:attachment\(s\):\s*)?download [\w .()-]*\.pdf",
    r"\[?pdf\]?",
]
_POINTER = re.compile(r"^(?:" + "|".join(POINTER_SENTENCES) + r")[\s.!:]*$")


def is_pointer_only(paragraphs: list[str]) -> bool:
    """True when a body is only sentences pointing to the text elsewhere (its PDF).

    An empty body is not a pointer (nothing points anywhere); a body with one real
    paragraph beside the pointer is not either: its text is kept as is.
    """
    kept = [_squash(p).lower() for p in paragraphs if _squash(p) and _squash(p) != "###"]
    if not kept or len(kept) > 4 or any(len(p) > 400 for p in kept):
        return False
    sentences = [s for p in kept for s in re.split(r"(?<=[.!])\s+(?=\S)", p)]
    return all(_POINTER.match(s) for s in sentences)
