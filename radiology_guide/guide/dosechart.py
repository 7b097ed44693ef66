"""A radiation dose table, drawn again as a chart a patient can read.

Any Markdown table with a "dose" column and a "background" column (how long
natural background radiation takes to give the same dose: "About 3 days",
"About 1 year") gets an SVG chart after it, drawn here on the server when
the content is saved. The bars run on a time scale marked in days, weeks,
months and years, spaced by powers of ten (a logarithmic scale): a chest
X-ray (3 days) and a CT scan (4.5 years) differ 500 times, so on an even
scale the X-ray would not show at all. Tests without ionising radiation say
so in words.

The chart repeats the table, which stays in place for screen readers, so
the chart itself is hidden from them (aria-hidden) and says so in its
caption. It uses no colour to carry meaning, prints in black and white, and
needs no script or request.
"""

import math
import re

from django.utils.html import escape

TABLE = re.compile(r'(<div class="table-scroll"[^>]*><table>.*?</table></div>)', re.S)
CELL = re.compile(r"<t([hd])[^>]*>(.*?)</t[hd]>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
DURATION = re.compile(r"([\d.]+)\s*(day|week|month|year)s?", re.I)
DAYS = {"day": 1, "week": 7, "month": 30.4, "year": 365.25}
TICKS = [(1, "1 day"), (7, "1 week"), (30.4, "1 month"), (365.25, "1 year"), (3652.5, "10 years")]

WIDTH, LEFT, RIGHT = 360, 8, 12
ROW_HEIGHT, TOP = 52, 8
SCALE_DAYS = (1, 3652.5)


def _text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _x(days):
    low, high = (math.log10(d) for d in SCALE_DAYS)
    share = (math.log10(max(days, SCALE_DAYS[0])) - low) / (high - low)
    return LEFT + share * (WIDTH - LEFT - RIGHT)


def _rows(table_html):
    rows = [[_text(cell) for _, cell in CELL.findall(row)] for row in ROW.findall(table_html)]
    if not rows:
        return None
    header = [cell.lower() for cell in rows[0]]
    dose = next((i for i, cell in enumerate(header) if "dose" in cell), None)
    background = next((i for i, cell in enumerate(header) if "background" in cell), None)
    if dose is None or background is None:
        return None
    parsed = []
    for cells in rows[1:]:
        if len(cells) <= max(dose, background):
            return None
        found = DURATION.search(cells[background])
        days = float(found.group(1)) * DAYS[found.group(2).lower()] if found else None
        parsed.append((cells[0], days, cells[background]))
    return parsed if any(days for _, days, _ in parsed) else None


def chart(rows):
    height = TOP + ROW_HEIGHT * len(rows) + 34
    parts = [
        f'<svg class="dose-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-hidden="true" focusable="false" font-size="13">'
    ]
    bottom = TOP + ROW_HEIGHT * len(rows)
    for days, label in TICKS:
        x = _x(days)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{bottom + 4}" stroke="#b1b4b6"/>')
        anchor = "start" if days == TICKS[0][0] else "end" if days == TICKS[-1][0] else "middle"
        parts.append(f'<text x="{x:.1f}" y="{bottom + 20}" text-anchor="{anchor}" fill="#212b32">{label}</text>')
    for index, (name, days, words) in enumerate(rows):
        y = TOP + ROW_HEIGHT * index
        parts.append(
            f'<text x="{LEFT}" y="{y + 16}" font-weight="bold" fill="#212b32">{escape(name.split(" (")[0][:40])}</text>'
        )
        if days:
            end = _x(days)
            parts.append(
                f'<rect x="{LEFT}" y="{y + 24}" width="{end - LEFT:.1f}" height="16" fill="#005eb8" stroke="#003087"/>'
            )
            inside = end > WIDTH - 110
            parts.append(
                f'<text x="{end - 6 if inside else end + 6:.1f}" y="{y + 37}" '
                f'text-anchor="{"end" if inside else "start"}" fill="{"#fff" if inside else "#212b32"}">'
                f"{escape(words)}</text>"
            )
        else:
            parts.append(f'<text x="{LEFT}" y="{y + 37}" fill="#212b32">{escape(words)}</text>')
    parts.append("</svg>")
    return (
        f'<figure class="dose-chart-figure">{"".join(parts)}'
        f"<figcaption>The table above as a chart: each bar shows how long natural background radiation "
        f"takes to give the same dose. The scale is stretched at the short end, so that a few days still "
        f"show.</figcaption></figure>"
    )


def add_dose_charts(html: str) -> str:
    """Put a chart after every dose table in rendered HTML."""

    def replace(match):
        rows = _rows(match.group(1))
        if not rows:
            return match.group(1)
        return match.group(1) + chart(rows)

    return TABLE.sub(replace, html)
