"""The probe's findings from its samples: coverage per generation, what failed (exit 3),
warnings by kind. Pure functions of the samples and pages (scraper/probe/run.py fetches).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from corpus.extract.witness import FIELDS as WITNESSED

GENERATIONS = ("current", "drupal7", "archive")
COVERAGE = ("title", "date", "location", "delivery", "speakers", "components", "topics",
            "paragraphs")
# Found on every sample or the probe fails.
REQUIRED = {"current": ("title", "date", "paragraphs"),
            "drupal7": ("title", "date", "paragraphs"),
            "archive": ("title", "date", "paragraphs")}
# Found on some sample of a generation or the probe fails: a statement or testimony can
# lack a speaker on the real site too, but markup we no longer read loses it on every page.
# Missing on some samples only is a note (a page to look at), not a failure.
EXPECTED = {"current": ("speakers", "components"), "drupal7": ("speakers", "components"),
            "archive": ()}


@dataclass
class Sample:
    url: str  # as discovered
    final_url: str = ""  # after redirects
    generation: str = ""  # from the page's markup; the hint when extraction failed
    error: str = ""
    found: dict = field(default_factory=dict)  # field -> on the page itself (before any fill)
    agreement: dict = field(default_factory=dict)  # field -> agree | disagree | filled | ...
    warnings: list = field(default_factory=list)


def coverage(samples: list[Sample]) -> dict:
    """{generation: {"samples": M, "fields": {field: found on N}}} of extracted samples."""
    result: dict = {}
    for sample in samples:
        if sample.error:
            continue
        entry = result.setdefault(sample.generation, {"samples": 0,
                                                      "fields": dict.fromkeys(COVERAGE, 0)})
        entry["samples"] += 1
        for name, present in sample.found.items():
            entry["fields"][name] += int(present)
    return result


def _disagreeing_source(sample: Sample, name: str) -> str:
    for warning in sample.warnings:
        if warning.startswith(f"{name}-disagrees-"):
            return warning.split(":")[0][len(f"{name}-disagrees-"):]
    return "witness"


def problems(samples: list[Sample], pages: list, listed: dict) -> list[str]:
    """What makes the probe fail (exit 3), one line each, worst first. `pages`: every
    page fetched (scraper.probe.run.Page); `listed`: speeches found per discovery source."""
    lines = []
    extracted = [s for s in samples if not s.error]
    for gen in GENERATIONS:
        of_gen = [s for s in extracted if s.generation == gen]
        for name in REQUIRED[gen] + EXPECTED[gen]:
            missing = [s for s in of_gen if not s.found.get(name)]
            if missing and (name in REQUIRED[gen] or len(missing) == len(of_gen)):
                lines.append(_missing(name, missing, of_gen, gen))
    for name in WITNESSED:
        heard = [s for s in extracted if name in s.agreement]
        bad = [s for s in heard if s.agreement[name] == "disagree"]
        if bad:
            lines.append(f"{name} disagrees with the {_disagreeing_source(bad[0], name)} on"
                         f" {len(bad)} of {len(heard)} witnessed samples"
                         f" ({bad[0].generation}, e.g. {bad[0].final_url})")
    lines += [f"{s.generation} sample failed: {s.error} at {s.final_url}"
              for s in samples if s.error]
    lines += [f"{p.kind} failed: {p.reason} at {p.url}" for p in pages
              if p.reason and p.kind != "speech" and not p.retried]
    if listed.get("listing") == 0:
        lines.append("the listing page listed no speeches: its markup may have changed")
    if not samples:
        lines.append("no speech page could be sampled")
    return lines


def notes(samples: list[Sample]) -> list[str]:
    """Expected fields missing on some samples of a generation (not all): pages to look at."""
    lines = []
    for gen in GENERATIONS:
        of_gen = [s for s in samples if not s.error and s.generation == gen]
        for name in EXPECTED[gen]:
            missing = [s for s in of_gen if not s.found.get(name)]
            if missing and len(missing) < len(of_gen):
                lines.append(_missing(name, missing, of_gen, gen))
    return lines


def _missing(name: str, missing: list[Sample], of_gen: list[Sample], gen: str) -> str:
    return (f"{name} missing on {len(missing)} of {len(of_gen)} {gen} samples"
            f" (e.g. {missing[0].final_url})")


def warning_kinds(samples: list[Sample]) -> dict:
    counts = Counter(w.split(":")[0] for s in samples for w in s.warnings)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
