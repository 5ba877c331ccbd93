"""Faults on demand: which request fails, and how.

A request of an eligible kind of path fails with probability `rate`; which requests
fail is decided by a hash of (seed, URL, how many times this URL was asked for), so a
run is reproducible whatever the order of concurrent requests. `max_per_url` bounds the
failures of one URL, so a crawler that retries eventually gets every page.
`fail(path, kind, times)` queues failures for one exact path+query, for targeted tests.
"""

from __future__ import annotations

import email.utils
import hashlib
import math
import threading
from dataclasses import asdict, dataclass, fields

KINDS = ("429", "500", "503", "slow", "reset", "truncate")
PATH_KINDS = ("robots", "sitemap", "listing", "api", "feed", "speech", "archive_index", "redirect", "missing", "gone")
DEFAULT_PATHS = ("speech", "listing", "api", "feed", "sitemap", "archive_index")


@dataclass
class Faults:
    rate: float = 0.0
    kinds: tuple = ("500", "429")
    paths: tuple = DEFAULT_PATHS
    max_per_url: int | None = 2
    retry_after: float = 1
    retry_after_form: str = "seconds"  # "seconds" | "date" | "mixed"
    slow_seconds: float = 1.0
    seed: int = 0

    def __post_init__(self):
        if isinstance(self.kinds, str):
            self.kinds = tuple(k for k in self.kinds.split(",") if k)
        if isinstance(self.paths, str):
            self.paths = tuple(k for k in self.paths.split(",") if k)
        self.kinds, self.paths = tuple(self.kinds), tuple(self.paths)
        if not 0 <= self.rate <= 1:
            raise ValueError("fault rate must be between 0 and 1")
        for kind in self.kinds:
            if kind not in KINDS:
                raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
        for kind in self.paths:
            if kind not in PATH_KINDS + ("all",):
                raise ValueError(f"unknown path kind {kind!r}; known: {', '.join(PATH_KINDS)}, all")
        if self.retry_after_form not in ("seconds", "date", "mixed"):
            raise ValueError("retry_after_form must be seconds, date or mixed")
        if self.rate and not self.kinds:
            raise ValueError("a fault rate needs at least one fault kind")

    @classmethod
    def from_dict(cls, data: dict | None) -> "Faults":
        if not data:
            return cls()
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["kinds"], out["paths"] = list(self.kinds), list(self.paths)
        return out


def _unit(*parts) -> float:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class FaultState:
    """The faults in force and the per-URL counters; thread-safe."""

    def __init__(self, faults: Faults | None = None):
        self.lock = threading.Lock()
        self.config = faults or Faults()
        self.seen: dict[str, int] = {}
        self.given: dict[str, int] = {}
        self.queued: dict[str, list[str]] = {}

    def set(self, faults: Faults):
        with self.lock:
            self.config = faults
            self.seen.clear()
            self.given.clear()

    def fail(self, target: str, kind: str = "500", times: int = 1):
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        with self.lock:
            self.queued.setdefault(target, []).extend([kind] * times)

    def decide(self, target: str, path_kind: str) -> str | None:
        """The fault for this request, or None."""
        with self.lock:
            queue = self.queued.get(target)
            if queue:
                kind = queue.pop(0)
                if not queue:
                    del self.queued[target]
                return kind
            c = self.config
            if not c.rate or not (path_kind in c.paths or "all" in c.paths):
                return None
            n = self.seen.get(target, 0)
            self.seen[target] = n + 1
            if c.max_per_url is not None and self.given.get(target, 0) >= c.max_per_url:
                return None
            if _unit(c.seed, target, n, "hit") >= c.rate:
                return None
            self.given[target] = self.given.get(target, 0) + 1
            return c.kinds[int(_unit(c.seed, target, n, "kind") * len(c.kinds))]

    def retry_after(self, target: str, now: float) -> str:
        c = self.config
        form = c.retry_after_form
        if form == "mixed":
            form = "date" if _unit(c.seed, target, "form") < 0.5 else "seconds"
        if form == "date":
            return email.utils.formatdate(math.ceil(now + c.retry_after), usegmt=True)
        return f"{c.retry_after:g}"
