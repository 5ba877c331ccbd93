"""Helpers for the store tests: a fake extractor over JSON "pages" and a settable clock.

A fake page is JSON: the record fields plus anything else ("chrome"), which changes the
raw bytes but not the record, as a page whose navigation changed does.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from corpus.errors import ExtractError, NotASpeech
from corpus.record import Speech

BASE = "https://www.justice.gov/opa/speech/"

RECORD = {
    "generation": "current",
    "title": "Attorney General Delivers Remarks",
    "date": "2021-12-07",
    "location": "Washington, DC, United States",
    "delivery": "Remarks as prepared for delivery",
    "speakers": ["Attorney General Merrick B. Garland"],
    "components": ["Office of the Attorney General"],
    "topics": ["Antitrust"],
    "updated": "2021-12-07",
    "paragraphs": ["Good morning.", "Thank you all for coming."],
}


def page(**changes) -> bytes:
    return json.dumps({**RECORD, **changes}, sort_keys=True).encode()


class FakeExtractor:
    def __init__(self, version: str = "fake-1"):
        self.version = version
        self.calls = 0

    def __call__(self, body: bytes, url: str, *, encoding=None) -> Speech:
        self.calls += 1
        if body.startswith(b"<listing"):
            raise NotASpeech("a listing page, not a speech")
        try:
            data = json.loads(body)
        except ValueError:
            raise ExtractError("no speech body found") from None
        fields = {k: data[k] for k in RECORD}
        return Speech(url=url, text="\n\n".join(fields["paragraphs"]),
                      extractor_version=self.version, warnings=data.get("warnings", []),
                      **fields)


class Clock:
    """Each call returns the next microsecond-spaced moment; `set` jumps."""

    def __init__(self, start: str = "2024-01-01T00:00:00"):
        self.moment = datetime.fromisoformat(start).replace(tzinfo=timezone.utc)

    def set(self, moment: str) -> None:
        self.moment = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)

    def __call__(self) -> str:
        self.moment += timedelta(seconds=1)
        return self.moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rows(corpus, sql: str, params=()) -> list[dict]:
    return corpus.query(sql, params)
