"""Bar charts as data for the templates: the dashboard draws them as inline SVG on the server (no JavaScript, no
CDN). Geometry is in SVG attributes (x, y, width, height), colours in classes of static/dashboard.css (the CSP
allows no inline style). Each bar carries a `<title>` with its day and value, and the template adds the figures as
a table too, so the numbers are there for screen readers and when SVG is not shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH = 600  # the viewBox; the SVG scales to its box
HEIGHT = 160
TOP = 16  # room for the value labels above the bars
BOTTOM = 20  # room for the date labels
LEFT = 4


@dataclass(frozen=True)
class Bar:
    """One day's bar: where it is drawn, and what its title and label say."""

    x: float
    y: float
    width: float
    height: float
    value: int
    title: str
    label_x: float


@dataclass(frozen=True)
class Chart:
    """One series' chart."""

    key: str
    label: str
    bars: list[Bar]
    total: int
    peak: int
    dates: list[tuple[float, str, str]]  # (x, text-anchor, text) of the date labels under the bars
    rows: list[tuple[str, int]]  # (day, value) for the table under the chart
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot_top(self) -> int:
        """The y of the top of the plotting area (a bar's hover area reaches it)."""
        return TOP

    @property
    def plot_height(self) -> int:
        """The height of the plotting area."""
        return HEIGHT - TOP - BOTTOM

    @property
    def baseline(self) -> int:
        """The y of the bars' bottom edge."""
        return HEIGHT - BOTTOM


def bar_chart(key: str, label: str, days: list[date], values: list[int], unit: tuple[str, str]) -> Chart:
    """A chart of one value per day (`unit`, e.g. ("message", "messages"), names the values in the titles)."""
    peak = max(values, default=0)
    slot = (WIDTH - LEFT) / max(len(days), 1)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        height = round(room * value / peak, 1) if peak else 0.0
        x = round(LEFT + index * slot + slot * 0.1, 1)
        width = round(slot * 0.8, 1)
        bars.append(Bar(x, round(HEIGHT - BOTTOM - height, 1), width, height, value,
                        f"{day.isoformat()}: {value} {unit[0] if value == 1 else unit[1]}", round(x + width / 2, 1)))
    picks = sorted({0, len(days) // 2, len(days) - 1}) if days else []
    anchors = {0: ("start", lambda bar: bar.x), len(days) - 1: ("end", lambda bar: round(bar.x + bar.width, 1))}
    dates = []
    for i in picks:
        anchor, where = anchors.get(i, ("middle", lambda bar: bar.label_x))
        dates.append((where(bars[i]), anchor if len(picks) > 1 else "middle", days[i].strftime("%d %b")))
    rows = [(day.isoformat(), value) for day, value in zip(days, values, strict=True)]
    return Chart(key, label, bars, sum(values), peak, dates, rows)
