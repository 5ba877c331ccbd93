"""The geometry of the speeches-per-month bar chart: numbers only, drawn by chart.svg.j2.

Months without speeches are left empty; the x axis has one slot per month. Spans over
two years are widened to whole years and labelled every 1, 2, 5, 10... years.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 58  # margins around the plot, in SVG units


@dataclass(frozen=True)
class Bar:
    month: str  # YYYY-MM
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Chart:
    width: int
    height: int
    base: float  # y of the x axis
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)  # (count, y)
    x_marks: list[tuple[str, float]] = field(default_factory=list)  # (label, x)

    @property
    def left(self) -> int:
        return LEFT

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def top(self) -> int:
        return TOP

    @property
    def middle_x(self) -> float:
        return LEFT + (self.width - LEFT - RIGHT) / 2

    @property
    def middle_y(self) -> float:
        return (TOP + self.base) / 2


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def nice_step(top: int, ticks: int = 5) -> int:
    """A round step (1, 2, 5 x 10^k) giving about `ticks` ticks up to `top`."""
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def _span(first: int, last: int) -> tuple[int, int, int]:
    """(first slot, last slot, years between labels; 0: label months)."""
    if last - first + 1 <= 24:
        return first, last, 0
    years = last // 12 - first // 12 + 1
    every = next((s for s in (1, 2, 5, 10, 20, 50) if years / s <= 16), 100)
    # whole years on the axis, starting at a labelled one
    return (first // 12) // every * every * 12, (last // 12) * 12 + 11, every


def _x_marks(first: int, last: int, every: int, slot: float) -> list[tuple[str, float]]:
    slots = last - first + 1
    if not every:  # months, centred under their slot
        step = 1 if slots <= 12 else 2
        return [(f"{(first + i) // 12}-{(first + i) % 12 + 1:02d}", LEFT + i * slot + slot / 2)
                for i in range(0, slots, step)]
    return [(str(year), LEFT + (year * 12 - first) * slot)
            for year in range(first // 12, last // 12 + 1, every)]


def chart(by_month: list[tuple[str, int]], *, width: int = 1100, height: int = 300) -> Chart:
    """Bars of speeches per month from (YYYY-MM, count) pairs in month order."""
    first, last, every = _span(_index(by_month[0][0]), _index(by_month[-1][0]))
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    peak = max(n for _, n in by_month)
    step = nice_step(peak)
    y_max = step * math.ceil(peak / step)
    slot = plot_w / (last - first + 1)
    bar_w = min(max(slot * 0.8, 1.0), 36.0)
    base = TOP + plot_h

    def y(value: float) -> float:
        return base - plot_h * value / y_max

    out = Chart(width, height, base)
    out.y_ticks = [(tick, y(tick)) for tick in range(0, y_max + 1, step)]
    for month, n in by_month:
        x = LEFT + (_index(month) - first) * slot + (slot - bar_w) / 2
        out.bars.append(Bar(month, n, x, y(n), bar_w, base - y(n)))
    out.x_marks = _x_marks(first, last, every, slot)
    return out
