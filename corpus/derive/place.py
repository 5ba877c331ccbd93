"""A location as stated -> (city, region, country): region the USPS code of a US state,
territory or DC, country ISO 3166 alpha-2.

"Washington, D.C.", "Washington, DC, United States" and "Washington, District of
Columbia" are one place. State and country names come from pycountry (ISO 3166-1 and
3166-2, maintained with the standard; one library for both, chosen over `us`, which
knows no countries: docs/derive.md has the figures). A part that is neither a state nor a country
stays in the city; a location naming nothing known gives its country as null, never a
guessed default.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

# Spellings the ISO names lack ("D.C.", "U.S.", "USA").
_REGION_SPELLINGS = {"d.c.": "DC", "d. c.": "DC", "washington d.c.": "DC"}
_COUNTRY_SPELLINGS = {"united states": "US", "united states of america": "US", "usa": "US",
                      "u.s.": "US", "u.s.a.": "US", "us": "US", "uk": "GB",
                      "united kingdom": "GB", "great britain": "GB", "england": "GB"}


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    """Lower-cased name or code -> USPS code, for the states, DC and the territories."""
    out = {}
    for sub in pycountry.subdivisions.get(country_code="US"):
        code = sub.code.split("-", 1)[1]
        out[sub.name.lower()] = code
        out[code.lower()] = code
    out.update(_REGION_SPELLINGS)
    return out


def region_code(text: str) -> str | None:
    return _regions().get(" ".join(text.lower().split()))


@lru_cache(maxsize=512)
def country_code(text: str) -> str | None:
    key = " ".join(text.lower().split())
    if key in _COUNTRY_SPELLINGS:
        return _COUNTRY_SPELLINGS[key]
    if len(key) < 4:  # "CA" is California here, not Canada: codes only via the table
        return None
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


def place(location: str | None) -> tuple[str | None, str | None, str | None]:
    if not location or not location.strip():
        return None, None, None
    parts = [p.strip() for p in location.split(",") if p.strip()]
    country = None
    if region_code(parts[-1]) is None:  # "CA" and "Georgia" are states before countries
        country = country_code(parts[-1])
        if country is not None:
            parts.pop()
    region = None
    # A lone part is a region only beside a country: "Washington" alone is the city.
    if parts and country in (None, "US") and (len(parts) > 1 or country):
        region = region_code(parts[-1])
        if region is not None:
            parts.pop()
            country = "US"
    return ", ".join(parts) or None, region, country
