"""Extraction: (html bytes, url) -> Speech record. A pure function of its inputs.

One module per site generation (current, drupal7, archive), chosen by markers in the
page. Usage:

    from corpus.extract import extract
    speech = extract(open("page.html", "rb").read(), "https://www.justice.gov/opa/speech/...")
"""

from __future__ import annotations

from corpus.errors import ExtractError, NotASpeech
from corpus.extract import archive, current, drupal7
from corpus.extract.bounds import bound_fields, check_page_size
from corpus.extract.decode import decode
from corpus.extract.page import (
    canonical_url,
    generation,
    looks_truncated,
    parse,
    refuse_non_speech,
)
from corpus.extract.structured import assemble
from corpus.record import Speech

# Bump when a change can alter any record: `reextract` marks new versions with it.
EXTRACTOR_VERSION = "1.3"

__all__ = [
    "extract",
    "canonical_url",
    "Speech",
    "ExtractError",
    "NotASpeech",
    "EXTRACTOR_VERSION",
]


def extract(html: bytes, url: str, *, encoding: str | None = None) -> Speech:
    """Extract the speech record of one page.

    `encoding` is the HTTP charset when known. Raises NotASpeech for a page that is not
    a speech page, ExtractError for one that cannot be read; a partial but honest record
    (a truncated body) comes back with warnings.
    """
    if isinstance(html, str):
        html = html.encode("utf-8")
    check_page_size(html)  # before the tree: lxml costs ~60 times the bytes
    warnings: list[str] = []
    text, _ = decode(html, encoding, warnings)
    truncated = looks_truncated(text)
    doc = parse(text, warnings)

    gen = generation(doc, url, warnings)
    if gen is None:
        if truncated:
            raise ExtractError(f"page truncated before any speech markup ({len(html)} bytes)")
        raise NotASpeech("no justice.gov speech markup found")
    refuse_non_speech(doc, gen)

    if gen == "archive":
        speech = archive.parse(doc, url, warnings)
    else:
        module = current if gen == "current" else drupal7
        speech = assemble(doc, url, gen, module, warnings, truncated=truncated, source=text)

    bound_fields(speech)
    if truncated:
        speech.warnings.append("truncated: the page ends without </html>; text may be cut")
    if not speech.paragraphs:
        cut = " (page truncated)" if truncated else ""
        raise ExtractError(f"no speech text found in a {gen} page{cut}")
    if not speech.title:
        raise ExtractError(f"no title found in a {gen} page")
    speech.text = "\n\n".join(speech.paragraphs)
    speech.extractor_version = EXTRACTOR_VERSION
    return speech
