"""The current site (USWDS Drupal, 2023+): /opa/speech/... pages with layout-builder blocks.

The first rule of each field is the markup of our accuracy pages; the rest (the shared
families of `families.py`) read the same field in any other Drupal convention.
"""

from __future__ import annotations

from corpus.extract.families import family
from corpus.extract.fields import has_class

ITEM = f"//div[{has_class('field-item')}]"

ARTICLE = "//article[contains(@class,'content-type-speech')]"

SELECTORS = {
    "body": [
        ("field_body", ".//div[contains(@class,'field_body')]"),
        *family("body"),
        ("text-formatted", "//main//div[contains(@class,'text-formatted')]"),
    ],
    "title": [
        ("h1-field", ".//h1//span[contains(@class,'field-formatter--string')]"),
        ("article-h1", ".//h1"),
        ("main-h1", "//main//h1"),
        ("page-h1", "//h1[@id='page-title' or @id='node-title' or contains(@class,'page-title')]"),
        ("og:title", "//meta[@property='og:title']/@content"),
        ("twitter:title", "//meta[@name='twitter:title']/@content"),
    ],
    "date": [
        ("node-date-time", ".//div[contains(@class,'node-date')]//time/@datetime"),
        ("article-time", ".//time/@datetime"),
        *family("date"),
        ("node-date-text", "//div[contains(@class,'node-date')]"),
    ],
    "location": [
        ("address", ".//div[contains(@class,'field_location')]//p[contains(@class,'address')]"),
        *family("location"),
        ("field_location", "//div[contains(@class,'field_location')]"),
    ],
    "delivery": [
        ("field_speech_type", ".//div[contains(@class,'field_speech_type')]"),
        *family("delivery"),
        ("any-speech-type", "//*[contains(@class,'speech_type') or contains(@class,'speech-type')]"),
    ],
    "speakers": [
        ("field_speaker", ".//div[contains(@class,'field_speaker')]" + ITEM),
        *family("speakers"),
    ],
    "topics": [
        ("node-topics", ".//div[contains(@class,'node-topics')]//li"),
        *family("topics"),
    ],
    "components": [
        ("field_component", ".//div[contains(@class,'field_component')]" + ITEM),
        *family("components"),
    ],
    "updated": [
        ("node-updated-date", ".//div[contains(@class,'node-updated-date')]"),
        *family("updated"),
        ("any-updated-date", "//div[contains(@class,'node-updated-date')]"),
    ],
}

# Fields that a speech page may honestly lack: no warning when they are missing.
OPTIONAL = {"delivery", "topics", "location", "updated"}
