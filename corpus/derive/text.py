"""What each paragraph is, how long the speech is, and its language.

Roles are a list parallel to the paragraphs (text | heading | stage | lead): a role
never removes or merges a paragraph. A stage direction is a paragraph that is only a
bracketed direction ("[Applause]"); one inside a text paragraph stays text. A press lead
is a dateline paragraph opening the page ("WASHINGTON – This morning ...") and, when a
heading follows within a few paragraphs, everything before that heading (the press
office's words, not the speaker's). Counts cover text and heading paragraphs only.

Language: langdetect (a port of Google's language-detection; 2.6 MB, pure Python),
seeded so that it is deterministic; it is most of the cost of deriving a record, so it
reads the first 600 characters only (figures in docs/derive.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

ROLES = ("text", "heading", "stage", "lead")
COUNTED = ("text", "heading")
LANGUAGE_SAMPLE = 600  # characters read: enough for a stable answer; langdetect is slow
LANGUAGE_MIN_WORDS = 20  # below this langdetect guesses: the language is null

_STAGE = re.compile(r"^[\[(][A-Za-z][A-Za-z ,’'-]{0,40}[\])]\.?$")
_DATELINE = re.compile(r"^[A-Z][A-Z.’' ]{1,30}(?:, [A-Z][A-Za-z. ]{1,20})?\s+[–—-]{1,2}\s")
_SENTENCE_END = tuple(".?!;,”\"’')…")
_LEAD_REACH = 4  # a heading this close to a dateline closes the lead


def _heading(paragraph: str) -> bool:
    """A short line that is no sentence: "LOOKING AHEAD:", "Protecting Our Communities"."""
    words = paragraph.split()
    if not words or len(words) > 12 or not paragraph[0].isalnum():
        return False
    if paragraph.endswith(":"):
        return len(words) <= 8
    # "...witnesses; and": an item of a list running on, not a heading
    if ";" in paragraph or words[-1] in ("and", "or", "but"):
        return False
    return not paragraph.endswith(_SENTENCE_END) and paragraph[0].isupper()


def paragraph_roles(paragraphs: list[str]) -> list[str]:
    roles = []
    for paragraph in paragraphs:
        if _STAGE.match(paragraph) and not paragraph.lower().startswith("(note"):
            roles.append("stage")
        elif _heading(paragraph):
            roles.append("heading")
        else:
            roles.append("text")
    if paragraphs and _DATELINE.match(paragraphs[0]):
        roles[0] = "lead"
        head = next((i for i in range(1, min(_LEAD_REACH + 1, len(roles)))
                     if roles[i] == "heading"), None)
        for i in range(1, head or 1):
            roles[i] = "lead"
    return roles


def counts(paragraphs: list[str], roles: list[str]) -> tuple[int, int]:
    """(word_count, paragraph_count): whitespace-separated tokens and paragraphs of the
    text and heading paragraphs."""
    kept = [p for p, role in zip(paragraphs, roles) if role in COUNTED]
    return sum(len(p.split()) for p in kept), len(kept)


def language(paragraphs: list[str], roles: list[str]) -> str | None:
    """ISO 639-1 code of the text paragraphs, or None when there is too little text."""
    text = " ".join(p for p, role in zip(paragraphs, roles) if role == "text")
    if len(text.split()) < LANGUAGE_MIN_WORDS:
        return None
    return _detect(text[:LANGUAGE_SAMPLE])


@lru_cache(maxsize=1024)
def _detect(sample: str) -> str | None:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0  # langdetect samples at random: a fixed seed, one answer
    try:
        return detect(sample).split("-", 1)[0]
    except LangDetectException:
        return None
