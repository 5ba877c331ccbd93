"""The extraction the store runs on a page, a capture or a stored raw page."""

from __future__ import annotations

from collections.abc import Callable

from corpus.extract.attachments import is_pointer_only
from corpus.urls import canonical_id

TEXT_FROM_ATTACHMENT = "text-from-attachment"
TEXT_IN_ATTACHMENT = "text-in-attachment"  # pointer-only, its file not read yet


class Extraction:
    """The extractor (corpus.extract by default), then a pointer-only body replaced by
    its attachment's text when the corpus has read it: so a re-crawl or `reextract` of
    that page gives the record the speech already has, not the pointer again.

    `attachment_text(speech_id)` gives (paragraphs, url) of the speech's file with
    text, or None (corpus/store/files.py)."""

    def __init__(self, extractor: Callable | None,
                 attachment_text: Callable[[str], tuple[list[str], str] | None]):
        self.extractor = extractor
        self.attachment_text = attachment_text

    def __call__(self, body: bytes, url: str, encoding: str | None):
        if self.extractor is None:
            from corpus.extract import extract

            self.extractor = extract
        speech = self.extractor(body, url, encoding=encoding)
        if not is_pointer_only(list(speech.paragraphs or [])):
            return speech
        text = self.attachment_text(canonical_id(url))
        if text is None:
            speech.warnings.append(f"{TEXT_IN_ATTACHMENT}: the body only points to a file"
                                   " not read yet")
            return speech
        speech.paragraphs = text[0]
        speech.warnings.append(f"{TEXT_FROM_ATTACHMENT}: {text[1]}")
        return speech
