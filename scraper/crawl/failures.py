"""Why a request produced no page: one reason per failure, never a silent drop.

Scrapy reports very different failures as `IgnoreRequest` (docs/design.md#look-alike-failures):
an HTTP error status, a robots.txt refusal, too many redirects, a body over the size
limit. `reason(failure)` names each, so a `failed` fetch always says what happened
(docs/design.md#d12-outcomes) and a crawl can tell a blocked site from a flaky one.
"""

from __future__ import annotations

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TxTimeoutError

# Statuses that mean "you may not have this" rather than "try later": a site that answers
# them to most requests has blocked the crawler (a CDN, a WAF, a login wall).
BLOCK_STATUSES = (401, 403, 407, 429, 451)


class Forbidden(IgnoreRequest):
    """robots.txt disallows the URL: nothing was sent."""


class OffsiteRedirect(IgnoreRequest):
    """A redirect left the site being crawled: the target was not fetched."""

    def __init__(self, target: str):
        super().__init__(f"redirect off-site to {target}")
        self.target = target


def reason(failure) -> str:
    """A one-line reason for a failed request, starting with its kind."""
    if failure.check(HttpError):
        response = failure.value.response
        retries = response.meta.get("retry_times", 0) if hasattr(response, "meta") else 0
        if 300 <= response.status < 400 and response.headers.get("Location"):
            return _unfollowed_redirect(response)
        return f"HTTP {response.status}" + (f" after {retries} retries" if retries else "")
    if failure.check(OffsiteRedirect, Forbidden):
        return str(failure.value)
    message = failure.getErrorMessage()
    if failure.check(IgnoreRequest) and "max redirections" in message:
        return "redirect loop: too many redirects"
    if failure.check(DownloadCancelledError) or "larger than download max size" in message:
        return f"too large: {_size_of(message)}"
    if failure.check(IgnoreRequest) and "decompress" in message.lower():
        return f"too large: {message}"  # a gzip bomb past the size limit
    if "Missing scheme in request url: " in message:  # Scrapy's follow of javascript:x
        target = message.split("Missing scheme in request url: ", 1)[1]
        return f"redirect to a {target.split(':', 1)[0].lower()}: URL not followed"
    if failure.check(TxTimeoutError) or "timed out" in message.lower() or "timeout" in message.lower():
        return f"timeout: {message}"
    return f"network error: {message}"


def _unfollowed_redirect(response) -> str:
    """A redirect Scrapy would not follow: to data:, file:, javascript: (name the scheme,
    "HTTP 302" alone hides why the page is missing)."""
    location = response.headers.get("Location").decode("latin-1").strip()
    scheme = location.split(":", 1)[0].lower() if ":" in location else ""
    if scheme and scheme not in ("http", "https"):
        return f"redirect to a {scheme}: URL not followed (HTTP {response.status})"
    return f"HTTP {response.status}: redirect to {location[:200]} not followed"


def _size_of(message: str) -> str:
    # "Received 25000000 bytes which is larger than download max size (20971520) in ..."
    words = message.split()
    for i, word in enumerate(words):
        if word == "bytes" and i and words[i - 1].isdigit():
            limit = message.partition("max size (")[2].partition(")")[0]
            return f"{words[i - 1]} bytes over the {limit}-byte limit"
    return message


def status_of(failure) -> int | None:
    if failure.check(HttpError):
        return failure.value.response.status
    return None
