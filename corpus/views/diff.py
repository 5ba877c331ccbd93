"""What changed between two versions of a speech record, as structured hunks.

`diff(old, new)` returns a `RecordDiff`: the fields that changed (old and new values),
then the paragraph operations. Paragraphs are aligned first (difflib); a paragraph
replaced by a similar one is a "changed" op carrying its word-level segments (equal /
removed / added). Paragraph numbers are those of the newer version, except for removed
paragraphs, numbered in the older one.

Renderers read the hunks, never a text form: `diff_records` (below) writes the text
lines of `history`; the HTML report renders the same hunks with <del>/<ins>.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from corpus.record import SHOWN_FIELDS

FIELDS = SHOWN_FIELDS + ("url",)
_TOKENS = re.compile(r"\s+|[^\s]+")
_PAIRING_LIMIT = 400  # old x new paragraphs paired by similarity: keeps a full rewrite cheap


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: object
    new: object


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal" | "removed" | "added"
    text: str


@dataclass(frozen=True)
class ParagraphOp:
    kind: str  # "added" | "removed" | "changed"
    number: int  # 1-based: in the new version (in the old one for "removed")
    text: str  # the paragraph: new text ("added", "changed") or old text ("removed")
    segments: tuple[Segment, ...] = ()  # "changed" only: the words, in order


@dataclass(frozen=True)
class RecordDiff:
    fields: tuple[FieldChange, ...]
    paragraphs: tuple[ParagraphOp, ...]

    def __bool__(self) -> bool:
        return bool(self.fields or self.paragraphs)

    def __len__(self) -> int:
        return len(self.fields) + len(self.paragraphs)


def word_segments(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level segments turning `old` into `new` (whitespace runs are tokens too)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Segment("removed", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(Segment("added", "".join(b[j1:j2])))
    return tuple(out)


def diff(old: dict, new: dict) -> RecordDiff:
    """How `new` differs from `old` (falsy when their shown fields and paragraphs agree)."""
    fields = tuple(FieldChange(name, old.get(name), new.get(name))
                   for name in FIELDS if old.get(name) != new.get(name))
    a, b = old.get("paragraphs") or [], new.get("paragraphs") or []
    ops: list[ParagraphOp] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace":
            ops += _replaced(a, b, i1, i2, j1, j2)
        elif op != "equal":
            ops += [_removed(a, i) for i in range(i1, i2)]
            ops += [_added(b, j) for j in range(j1, j2)]
    return RecordDiff(fields, tuple(ops))


def _removed(a: list[str], i: int) -> ParagraphOp:
    return ParagraphOp("removed", i + 1, a[i])


def _added(b: list[str], j: int) -> ParagraphOp:
    return ParagraphOp("added", j + 1, b[j])


def _similar(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()


def _replaced(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int
              ) -> list[ParagraphOp]:
    """Pair each old paragraph with the most similar later new one (in order), if any."""
    ops, j = [], j1
    pairing = (i2 - i1) * (j2 - j1) <= _PAIRING_LIMIT
    for i in range(i1, i2):
        scores = [(_similar(a[i], b[k]), k) for k in range(j, j2)] if pairing else []
        score, k = max(scores, key=lambda s: (s[0], -s[1]), default=(0.0, -1))
        if score < 0.5:
            ops.append(_removed(a, i))
            continue
        ops += [_added(b, n) for n in range(j, k)]
        ops.append(ParagraphOp("changed", k + 1, b[k], word_segments(a[i], b[k])))
        j = k + 1
    ops += [_added(b, n) for n in range(j, j2)]
    return ops


# -- the text rendering of `history` ----------------------------------------------------

_MARK = {"equal": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def segments_text(segments) -> str:
    """Segments as one line: removed words as [-old-], added ones as {+new+}."""
    return "".join(_MARK[s.kind].format(s.text) for s in segments)


def word_diff(old: str, new: str) -> str:
    return segments_text(word_segments(old, new))


def diff_lines(hunks: RecordDiff) -> list[str]:
    """The text lines of a diff: `name: old -> new` per field, then `± ¶n: ...`."""
    lines = [f"{c.name}: {_show(c.old)} -> {_show(c.new)}" for c in hunks.fields]
    for op in hunks.paragraphs:
        text = segments_text(op.segments) if op.kind == "changed" else op.text
        lines.append(f"{_SIGN[op.kind]} ¶{op.number}: {text}")
    return lines


def diff_records(old: dict, new: dict) -> list[str]:
    """Lines describing how `new` differs from `old` (empty when they are equal)."""
    return diff_lines(diff(old, new))
