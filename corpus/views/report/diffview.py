"""The hunks of corpus.views.diff as rows for the report's diff list (diff.html.j2).

Plain data only: the template escapes every piece of text it writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.views.diff import RecordDiff, Segment, diff

MAX_DIFF_LINES = 60  # rows shown per change; `history` shows them all


@dataclass(frozen=True)
class Row:
    kind: str  # "field" | "added" | "removed" | "changed"
    tag: str  # field name, or the paragraph number as "+¶3", "−¶3", "¶3"
    old: str = ""  # field: old value; removed: the paragraph
    new: str = ""  # field: new value; added: the paragraph
    parts: tuple[Segment, ...] = ()  # changed: the words, grouped


@dataclass(frozen=True)
class DiffView:
    rows: list[Row]
    more: int  # rows left out past the cap
    speech_id: str | None


def shown(value) -> str:
    """A field value as text: lists joined with "; ", None as an em dash."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "(none)"
    return str(value)


def grouped(segments) -> tuple[Segment, ...]:
    """A run of changed words kept apart only by unchanged spaces reads as one removal
    and one addition, not word by word."""
    groups: list[list] = []  # ["equal", text] or ["change", removed, added]
    for seg in segments:
        last = groups[-1] if groups else None
        if seg.kind == "equal":
            groups.append(["equal", seg.text])
            continue
        slot = 1 if seg.kind == "removed" else 2
        if last and last[0] == "change":
            last[slot] += seg.text
            continue
        if (last and not last[1].strip() and len(groups) > 1 and groups[-2][0] == "change"):
            groups.pop()  # the spaces between two changes join both sides of the change
            change = groups[-1]
            change[1] += last[1] if change[1] else ""
            change[2] += last[1] if change[2] else ""
            change[slot] += seg.text
            continue
        groups.append(["change", seg.text if slot == 1 else "", seg.text if slot == 2 else ""])
    parts = []
    for group in groups:
        if group[0] == "equal":
            parts.append(Segment("equal", group[1]))
            continue
        parts += [Segment(kind, text) for kind, text in (("removed", group[1]),
                                                         ("added", group[2])) if text]
    return tuple(parts)


def rows(hunks: RecordDiff) -> list[Row]:
    out = [Row("field", c.name, old=shown(c.old), new=shown(c.new)) for c in hunks.fields]
    for op in hunks.paragraphs:
        if op.kind == "added":
            out.append(Row("added", f"+¶{op.number}", new=op.text))
        elif op.kind == "removed":
            out.append(Row("removed", f"−¶{op.number}", old=op.text))
        else:
            out.append(Row("changed", f"¶{op.number}", parts=grouped(op.segments)))
    return out


def diff_view(old: dict, new: dict, *, max_lines: int = MAX_DIFF_LINES) -> DiffView:
    """The diff between two versions, capped at `max_lines` rows."""
    every = rows(diff(old, new))
    return DiffView(every[:max_lines], max(len(every) - max_lines, 0), new.get("speech_id"))
