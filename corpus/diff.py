"""A readable diff between two versions of a speech record, for `history`.

Fields are shown as `old -> new`; paragraphs are aligned first (difflib), then a
paragraph replaced by a similar one shows its word changes inline as [-old-]{+new+}.
Paragraph numbers (¶n) are those of the newer version, except for removed paragraphs
("- ¶n"), numbered in the older one.
"""

from __future__ import annotations

import difflib
import json
import re

from corpus.record import SHOWN_FIELDS

FIELDS = SHOWN_FIELDS + ("url",)
_TOKENS = re.compile(r"\s+|[^\s]+")


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def word_diff(old: str, new: str) -> str:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def diff_records(old: dict, new: dict) -> list[str]:
    """Lines describing how `new` differs from `old` (empty when they are equal)."""
    lines = [f"{name}: {_show(old.get(name))} -> {_show(new.get(name))}"
             for name in FIELDS if old.get(name) != new.get(name)]
    a, b = old.get("paragraphs") or [], new.get("paragraphs") or []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace":
            lines += _replaced(a, b, i1, i2, j1, j2)
        elif op != "equal":
            lines += [f"- ¶{i + 1}: {a[i]}" for i in range(i1, i2)]
            lines += [f"+ ¶{j + 1}: {b[j]}" for j in range(j1, j2)]
    return lines


def _similar(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()


def _replaced(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[str]:
    """Pair each old paragraph with the most similar later new one (in order), if any."""
    lines, j = [], j1
    pairing = (i2 - i1) * (j2 - j1) <= 400  # keep a rewrite of a whole speech cheap
    for i in range(i1, i2):
        scores = [(_similar(a[i], b[k]), k) for k in range(j, j2)] if pairing else []
        score, k = max(scores, key=lambda s: (s[0], -s[1]), default=(0.0, -1))
        if score < 0.5:
            lines.append(f"- ¶{i + 1}: {a[i]}")
            continue
        lines += [f"+ ¶{n + 1}: {b[n]}" for n in range(j, k)]
        lines.append(f"~ ¶{k + 1}: {word_diff(a[i], b[k])}")
        j = k + 1
    lines += [f"+ ¶{n + 1}: {b[n]}" for n in range(j, j2)]
    return lines
