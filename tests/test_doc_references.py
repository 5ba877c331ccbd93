"""The project explains itself (docs/design.md#d20-the-project-explains-itself).

Every reference to a docs/*.md file, in code, docs, README and the release card, names a
file that exists and, with an #anchor, a heading of that file (GitHub's slugs); every
repository path written in README.md, docs/*.md or a comment (`corpus/store/raw.py`,
scripts/bench.py) exists; and no text points at a design document outside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Where references live: the packages, scripts, tests, docs and the top-level files.
TEXT_SUFFIXES = {".py", ".md", ".sh", ".json", ".toml", ".cfg", ".j2", ".css", ".service",
                 ".timer", ".example"}
TOP_FILES = ("README.md", "metadata.json", "pyproject.toml", "scrapy.cfg", ".ci/run")
SKIPPED_DIRS = {"__pycache__", ".venv", "fixtures", ".git"}  # fixtures: saved web pages

# docs/x.md, docs/x.md#anchor, or several anchors of one file: docs/x.md#a, #b
REFERENCE = re.compile(r"docs/([\w.-]+?\.md)((?:#[\w-]+)?(?:, #[\w-]+)*)")
# A Markdown link to a file beside it and/or an anchor: [D2](design.md#d2-lock), [x](#x)
LINK = re.compile(r"\]\(([\w./-]*\.md)?(?:#([\w-]+))?\)")
# A path inside the repository: one of its top folders, then the rest of the path (a
# `*` or `{a,b}` read as the shell would), not the tail of some other path.
REPO_PATH = re.compile(r"(?<![\w/.])((?:corpus|scraper|scripts|tests|docs|\.ci)/[\w./*{},-]*[\w*}])")
# Documents that are not in the repository, and the old way of citing them by number.
OUTSIDE = re.compile("|".join([r"DESIGN\.md", r"DESIGN Decision", r"\.\./shared",
                               "notes" + r"/scrapy", r"\bDecisions? \d"]))


def text_files(root: Path = ROOT) -> list[Path]:
    found = [root / name for name in TOP_FILES if (root / name).is_file()]
    for folder in ("corpus", "scraper", "scripts", "tests", "docs"):
        for path in sorted((root / folder).rglob("*")):
            parts = set(path.relative_to(root).parts)
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not parts & SKIPPED_DIRS:
                found.append(path)
    return found


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """The anchors of a Markdown text's headings (not of `#` lines in code blocks);
    a repeated heading gets -1, -2... as on GitHub."""
    found, times = set(), {}
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"#{1,6} (.+)", line)):
            base = slug(m.group(1))
            n = times.get(base, 0)
            times[base] = n + 1
            found.add(f"{base}-{n}" if n else base)
    return found


def broken_references(text: str, root: Path = ROOT) -> list[str]:
    """The docs/*.md references of a text that do not resolve, each with the reason."""
    broken = []
    for m in REFERENCE.finditer(text):
        doc = root / "docs" / m.group(1)
        if not doc.is_file():
            broken.append(f"{m.group(0)}: no such file")
            continue
        own = anchors(doc.read_text(encoding="utf-8"))
        for anchor in re.findall(r"#([\w-]+)", m.group(2)):
            if anchor not in own:
                broken.append(f"{m.group(0)}: no heading #{anchor}")
    return broken


def broken_links(markdown: str, path: Path) -> list[str]:
    """Markdown links of a file (relative to its folder) that do not resolve."""
    broken = []
    for m in LINK.finditer(markdown):
        target = (path.parent / m.group(1)) if m.group(1) else path
        if not target.is_file():
            broken.append(f"link {m.group(0)[1:]}: no such file")
        elif m.group(2) and m.group(2) not in anchors(target.read_text(encoding="utf-8")):
            broken.append(f"link {m.group(0)[1:]}: no heading #{m.group(2)}")
    return broken


def missing_paths(text: str, root: Path = ROOT) -> list[str]:
    """The repository paths a text names that do not exist."""
    missing = []
    for m in REPO_PATH.finditer(text):
        for one in _braces(m.group(1)):
            if not (any(root.glob(one)) if "*" in one else (root / one).exists()):
                missing.append(m.group(1))
                break
    return missing


def _braces(path: str) -> list[str]:
    m = re.search(r"\{([^{}]+)\}", path)
    if not m:
        return [path]
    return [p for alt in m.group(1).split(",")
            for p in _braces(path[:m.start()] + alt + path[m.end():])]


def problems(root: Path = ROOT, skip: Path | None = None) -> list[str]:
    found = []
    for path in text_files(root):
        if path == skip:
            continue
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(root)
        found += [f"{name}: {why}" for why in broken_references(text, root)]
        found += [f"{name}: names {m.group(0)!r}, which is outside the repository"
                  for m in OUTSIDE.finditer(text)]
        found += [f"{name}: {p} does not exist" for p in missing_paths(text, root)
                  if not REFERENCE.fullmatch(p)]  # a docs/*.md reference: said above
        if path.suffix == ".md":
            found += [f"{name}: {why}" for why in broken_links(text, path)]
    return found


def test_every_doc_reference_resolves_and_nothing_points_outside():
    scanned = set(text_files())
    assert {ROOT / "README.md", ROOT / ".ci" / "run", ROOT / "metadata.json",
            ROOT / "corpus" / "errors.py", ROOT / "docs" / "design.md"} <= scanned
    # This file writes broken references on purpose (the checker's own test): left out.
    assert problems(skip=Path(__file__).resolve()) == []


def test_the_release_card_references_resolve():
    from corpus.publish.card import readme
    from corpus.publish.package import Meta

    manifest = {"format": "parquet", "as_of": None, "generated_at": "2026-01-01T00:00:00Z",
                "files": [{"table": t, "rows": 3} for t in
                          ("speeches", "speech_versions", "captures", "attachments")]}
    card = readme(Meta(version="1.0.0", authors=["Doe, Jane"]), manifest, "2026-01-01")
    assert "docs/design.md#" in card  # the card cites the design: the check has work to do
    assert broken_references(card) == []
    assert not OUTSIDE.search(card)


def test_design_has_the_twenty_decisions_with_stable_anchors():
    own = anchors((ROOT / "docs" / "design.md").read_text(encoding="utf-8"))
    numbered = sorted(int(a[1:].split("-")[0]) for a in own if re.fullmatch(r"d\d+-[\w-]+", a))
    assert numbered == list(range(1, 21))
    assert {"the-house", "layering-rules", "data-flow", "data-model", "scrapy-facts",
            "d1-exit-codes", "d10-one-writer", "content-hash"} <= own


def test_slugs_are_githubs():
    assert slug("D1 Exit codes") == "d1-exit-codes"
    assert slug("Markup we were not built against (`families.py`)") == \
        "markup-we-were-not-built-against-familiespy"
    assert slug("Issue 9, third session: where a crawl's CPU goes (2026-11-27, later)") == \
        "issue-9-third-session-where-a-crawls-cpu-goes-2026-11-27-later"
    text = "# A\n```sh\n# not a heading\n```\n## A\n### `speeches`\n"
    assert anchors(text) == {"a", "a-1", "speeches"}


def test_the_checker_finds_what_is_broken(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "real.py").write_text("")
    (tmp_path / "docs" / "design.md").write_text(
        "# Design\n## D1 Exit codes\nSee [D1](#d1-exit-codes), [D2](#d2-lock), [x](gone.md).\n"
        "`corpus/real.py`, `corpus/gone.py`, `corpus/{real,lost}.py`\n", encoding="utf-8")
    (tmp_path / "corpus" / "errors.py").write_text(
        '"""Exit codes (corpus/real.py, scraper/old.py): docs/design.md#d1-exit-codes; docs/design.md#d1-exit-code; docs/design.md#d1-exit-codes, #d2;'
        ' docs/missing.md; ' + "DESIGN" + '.md Decision 1."""\n', encoding="utf-8")
    found = problems(tmp_path)
    assert sorted(found) == sorted([
        "corpus/errors.py: docs/design.md#d1-exit-code: no heading #d1-exit-code",
        "corpus/errors.py: docs/design.md#d1-exit-codes, #d2: no heading #d2",
        "corpus/errors.py: docs/missing.md: no such file",
        "corpus/errors.py: names 'DESIGN.md', which is outside the repository",
        "corpus/errors.py: names 'Decision 1', which is outside the repository",
        "docs/design.md: link (#d2-lock): no heading #d2-lock",
        "docs/design.md: link (gone.md): no such file",
        "corpus/errors.py: scraper/old.py does not exist",
        "docs/design.md: corpus/gone.py does not exist",
        "docs/design.md: corpus/{real,lost}.py does not exist",
    ])
