"""URL canonicalisation: one speech is one id whichever way it was reached.

The id is the canonical path: no scheme, host, query, fragment, trailing slash or
`/archives` prefix (justice.gov serves past administrations' pages both under
/opa/speech/... and /archives/opa/speech/...). Legacy hosts (usdoj.gov) map to the same id.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

DEFAULT_BASE_URL = "https://www.justice.gov"
JUSTICE_HOSTS = frozenset(
    {"justice.gov", "www.justice.gov", "usdoj.gov", "www.usdoj.gov"}
)
_SLASHES = re.compile(r"/{2,}")
# Characters that percent-decoding may expose but that change a path's meaning (or, NUL,
# that no path may hold), each held by a private-use mark while the rest is decoded: a
# mark a URL itself may carry (%00 was one) would turn into another character.
_KEEP_ENCODED = {"%2F": "\ue000", "%3F": "\ue001", "%23": "\ue002", "%00": "\ue003"}
_ENCODED = re.compile("|".join(_KEEP_ENCODED), re.I)
# Drupal serves its speech paths whatever their case: /OPA/SPEECH/X is /opa/speech/x. The
# static archive (a file tree) is case-sensitive, so only these paths are folded.
_DRUPAL_SPEECH = re.compile(r"^(?:/archives)?(?:/[^/]+)?/speech/", re.I)


# A crawl asks for the id of one URL about six times (dedup, frontier, witnesses...),
# mostly while it handles that page: a pure function of a string, so a small cache does.
@lru_cache(maxsize=4096)
def canonical_id(url: str) -> str:
    """Return the canonical path id of a justice.gov URL (absolute or site-relative)."""
    path = urlsplit(url.strip()).path or "/"
    path = _ENCODED.sub(lambda m: _KEEP_ENCODED[m.group(0).upper()], path)
    path = unquote(path)
    if _DRUPAL_SPEECH.match(path):
        path = path.lower()
    for enc, mark in _KEEP_ENCODED.items():
        path = path.replace(mark, enc)
    path = _SLASHES.sub("/", path)
    if not path.startswith("/"):
        path = "/" + path
    path = posixpath.normpath(path) if "/." in path else path
    if path == "/archives" or path.startswith("/archives/"):
        path = path[len("/archives"):] or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return path


def is_justice_host(url: str, base_url: str = DEFAULT_BASE_URL) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in JUSTICE_HOSTS or host == (urlsplit(base_url).hostname or "").lower()


def absolute_url(id_or_url: str, base_url: str = DEFAULT_BASE_URL) -> str:
    return urljoin(base_url.rstrip("/") + "/", id_or_url)
