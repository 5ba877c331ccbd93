"""Research fields derived from a stored record: who spoke in which role, what kind of
text, where, how long, in which language, and what each paragraph is.

Pure functions of a record's stored fields (title, url, generation, location, delivery,
speakers, paragraphs): no network, no store, never the replica. The store calls
`derive` on every version it writes and `reextract` on every version it holds; the
values are record fields outside the content hash (corpus/record.py), so a change of
these rules makes no new version. Person ids are the one derived value that needs the
corpus (ids once given are kept): corpus/store/people.py assigns them with the matching
rules of people.py.
"""

from __future__ import annotations

from corpus.derive.kind import delivery_status, kind
from corpus.derive.people import speakers_from_title, split_speaker
from corpus.derive.place import place
from corpus.derive.text import counts, language, paragraph_roles

__all__ = ["derive", "SPEAKERS_FROM_TITLE"]

SPEAKERS_FROM_TITLE = "speakers-from-title"


def derive(record: dict) -> tuple[dict, list[str]]:
    """(the derived fields of a record, warnings). `person_ids` is left to the store."""
    warnings: list[str] = []
    speakers = list(record.get("speakers") or [])
    if not speakers:
        speakers = speakers_from_title(record.get("title") or "")
        # The old archive names its speakers only in the title: that is no surprise.
        if speakers and record.get("generation") != "archive":
            warnings.append(f"{SPEAKERS_FROM_TITLE}: {'; '.join(speakers)}")
    split = [split_speaker(s) for s in speakers]
    paragraphs = list(record.get("paragraphs") or [])
    roles = paragraph_roles(paragraphs)
    words, kept = counts(paragraphs, roles)
    city, region, country = place(record.get("location"))
    values = {
        "speaker_names": [name for _, name in split],
        "speaker_roles": [role for role, _ in split],
        "kind": kind(record.get("delivery"), record.get("title") or "",
                     record.get("url") or ""),
        "delivery_status": delivery_status(record.get("delivery")),
        "city": city,
        "region": region,
        "country": country,
        "word_count": words,
        "paragraph_count": kept,
        "language": language(paragraphs, roles),
        "paragraph_roles": roles,
    }
    return values, warnings
