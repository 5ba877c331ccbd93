"""The current site (USWDS Drupal, 2023+): /opa/speech/... pages with layout-builder blocks."""

from __future__ import annotations

from corpus.extract.fields import has_class, labelled

ITEM = f"//div[{has_class('field-item')}]"

ARTICLE = "//article[contains(@class,'content-type-speech')]"

SELECTORS = {
    "body": [
        ("field_body", ".//div[contains(@class,'field_body')]"),
        ("text-formatted", "//main//div[contains(@class,'text-formatted')]"),
    ],
    "title": [
        ("h1-field", ".//h1//span[contains(@class,'field-formatter--string')]"),
        ("article-h1", ".//h1"),
        ("main-h1", "//main//h1"),
        ("og:title", "//meta[@property='og:title']/@content"),
        ("twitter:title", "//meta[@name='twitter:title']/@content"),
    ],
    "date": [
        ("node-date-time", ".//div[contains(@class,'node-date')]//time/@datetime"),
        ("article-time", ".//time/@datetime"),
        ("node-date-text", "//div[contains(@class,'node-date')]"),
    ],
    "location": [
        ("address", ".//div[contains(@class,'field_location')]//p[contains(@class,'address')]"),
        ("field_location", "//div[contains(@class,'field_location')]"),
        ("labelled", labelled("location")),
    ],
    "delivery": [
        ("field_speech_type", ".//div[contains(@class,'field_speech_type')]"),
        ("any-speech-type", "//*[contains(@class,'speech_type') or contains(@class,'speech-type')]"),
    ],
    "speakers": [
        ("field_speaker", ".//div[contains(@class,'field_speaker')]" + ITEM),
        ("labelled", labelled("speaker", "speakers")),
    ],
    "topics": [
        ("node-topics", ".//div[contains(@class,'node-topics')]//li"),
        ("labelled", labelled("topic", "topics", "topic(s)")),
    ],
    "components": [
        ("field_component", ".//div[contains(@class,'field_component')]" + ITEM),
        ("labelled", labelled("component", "components", "component(s)")),
    ],
    "updated": [
        ("node-updated-date", "//div[contains(@class,'node-updated-date')]"),
    ],
}

# Fields that a speech page may honestly lack: no warning when they are missing.
OPTIONAL = {"delivery", "topics", "location", "updated"}
