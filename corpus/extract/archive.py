"""The old static archive: /archive/ag/speeches/YYYY/*.htm (1990s-2008 HTML 4 pages).

No fields here: a free-form header of title / event / place / date lines (centred or bold)
sits above the text, which ends with "###". The speaker and the delivery are read from
the title ("Prepared Remarks of Attorney General ..."), the place from the header.
"""

from __future__ import annotations

import re

from corpus.extract import clean
from corpus.extract.fields import DELIVERY, head_title, parse_date
from corpus.record import Speech

# The content cell of the archive's layout table; else the body.
CONTAINER = [
    ("densest-td", "//td[p][not(.//td)]"),
    ("body", "//body"),
]
HEADER_SCAN = 8  # the header is within the first blocks
HEADER_MAX_WORDS = 30

NOTE = re.compile(r"^\(?\s*note\b.*deviates?\b", re.I)
PLACE = re.compile(r"^[A-Z][A-Za-z .'’-]+,\s*[A-Z][A-Za-z .'’-]+\.?$")
TITLE_DELIVERY = re.compile(
    r"^(prepared (?:remarks|statement|testimony)"
    r"|(?:remarks|testimony|statement) as (?:prepared for delivery|delivered))\b",
    re.I,
)
ROLE = (
    r"(?:(?:Acting|Deputy|Associate|Assistant|Principal Deputy)\s+)*"
    r"(?:Attorney General|Solicitor General|Director)"
)
SPEAKER = re.compile(ROLE + r"((?:\s+(?:[A-Z][A-Za-z'’-]+|[A-Z]\.)){1,4})")
# Title-case words that end a name ("... Ashcroft At The ...", "... Ashcroft Transcript").
NAME_STOP = {
    "at", "to", "the", "on", "in", "for", "of", "and", "with", "before", "before",
    "regarding", "about", "during", "transcript", "remarks", "statement", "testimony",
    "news", "press", "conference", "delivers", "announces", "speaks", "addresses",
}
URL_DATE = re.compile(r"/(\d{2})(\d{2})(\d{2})[^/]*\.html?$", re.I)


def _centred_or_bold(el) -> bool:
    for node in (el, *el.iterancestors()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("center", "h1", "h2", "h3", "h4"):
            return True
        if (node.get("align") or "").lower() == "center":
            return True
        if "text-align:center" in (node.get("style") or "").replace(" ", "").lower():
            return True
        if tag in ("td", "body", "table"):
            break
    strong = el.xpath("./b | ./strong | ./font/b | ./b/font")
    return bool(strong) and clean.collapse(el.text or "") == ""


def title_line(header) -> str | None:
    """The first header line set as a title (centred, bold, <font size>, a heading) that
    is not a date, a place, a delivery line or an editorial note."""
    for owner, text in header:
        if parse_date(text) or PLACE.match(text) or DELIVERY.match(text) or NOTE.match(text):
            continue
        if _centred_or_bold(owner) or owner.xpath("./font[@size]"):
            return text
    return None


def _link_dense(el) -> bool:
    total = len(clean.collapse(el.text_content()))
    links = sum(len(clean.collapse(a.text_content())) for a in el.iter("a"))
    return total > 0 and links >= 0.8 * total


def container(doc):
    cells = doc.xpath(CONTAINER[0][1])
    if cells:
        return max(cells, key=lambda td: len(td.text_content()))
    body = doc.find("body")
    return body if body is not None else doc


def speaker_from(text: str) -> str | None:
    m = SPEAKER.search(text)
    if not m:
        return None
    words = m.group(1).split()
    kept = []
    for word in words:
        if word.lower().strip(".,") in NAME_STOP:
            break
        kept.append(word)
    if not kept:
        return None
    role = m.group(0)[: m.start(1) - m.start(0)].strip()
    return " ".join([role, *kept]).rstrip(",")


def delivery_from_title(title: str) -> str | None:
    m = TITLE_DELIVERY.match(title)
    return clean.collapse(m.group(1)) if m else None


def _header_end(blocks, title: str | None = None) -> int:
    """Index after the header: up to a date line among the first short blocks, or the
    run of centred/bold blocks; editorial notes right after it belong to it too, and so
    do centred title and place lines after a date that opens the header."""
    end = 0
    for i, (owner, text) in enumerate(blocks[:HEADER_SCAN]):
        if len(text.split()) > HEADER_MAX_WORDS:
            break
        if parse_date(text) and len(text) < 60:
            end = i + 1
    if not end:
        while end < len(blocks) and _centred_or_bold(blocks[end][0]):
            end += 1
    while end < len(blocks) and _centred_or_bold(blocks[end][0]) and (
        blocks[end][1] == title or PLACE.match(blocks[end][1])
    ):
        end += 1
    while end < len(blocks) and NOTE.match(blocks[end][1]):
        end += 1
    return end


def parse(doc, url: str, warnings: list[str]) -> Speech:
    root = container(doc)
    blocks = []
    for owner, raw in clean.blocks(root):
        text = clean.collapse(raw)
        if not text or _link_dense(owner):
            continue
        blocks.append((owner, text))

    title = head_title(doc)
    end = _header_end(blocks, title)
    header = [text for _, text in blocks[:end]]
    on_top = title_line(blocks[:end])
    if on_top and title not in header:
        # The title by position: what stands above the text, when the <title> is not
        # one of the header's lines (a generic "Speeches of the Attorney General").
        title = on_top
        warnings.append("title-fallback: header-line")
    elif not title:
        title = header[0] if header else None
        if title:
            warnings.append("title-fallback: first-header-line")

    date = location = None
    for line in header:
        if date is None and len(line) < 60 and parse_date(line):
            date = parse_date(line)
        elif location is None and PLACE.match(line) and not NOTE.match(line):
            if not title or line.lower() not in title.lower():
                location = line
    if date is None:
        m = URL_DATE.search(url)
        if m:
            date = parse_date(f"{m[1]}/{m[2]}/{2000 + int(m[3]) if int(m[3]) < 50 else 1900 + int(m[3])}")
        if date:
            warnings.append("date-fallback: url")
        else:
            warnings.append("date-missing: no value found")

    paragraphs = []
    for _, text in blocks[end:]:
        if clean.END_MARK.match(text):
            break  # what follows the end mark is the page's footer
        if text == title or NOTE.match(text) or clean.is_boilerplate(text):
            continue
        paragraphs.append(text)

    speaker = speaker_from(title or "") or next(filter(None, map(speaker_from, header)), None)
    if not speaker:
        warnings.append("speakers-missing: no speaker in title or header")
    delivery = delivery_from_title(title or "")
    if paragraphs and DELIVERY.match(paragraphs[0]) and delivery is None:
        delivery = clean.collapse(paragraphs.pop(0)).rstrip(". ")

    return Speech(
        url=url,
        generation="archive",
        title=title or "",
        date=date,
        location=location,
        delivery=delivery,
        speakers=[speaker] if speaker else [],
        paragraphs=paragraphs,
        warnings=warnings,
    )
