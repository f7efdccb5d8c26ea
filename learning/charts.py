"""Accessible SVG charts drawn on the server: no JavaScript, a full text alternative in each.

The words are in the reader's language inside a request, else English."""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
from collections.abc import Sequence
from fractions import Fraction
from xml.sax.saxutils import escape

from flask_babel import gettext as _

# Fills keep at least 3:1 contrast against white (WCAG 1.4.11), text far more.
BEFORE_COLOUR = "#b35c00"
AFTER_COLOUR = "#1d4f91"
COMPLETE_COLOUR = "#1d4f91"
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#595959"
GRID_COLOUR = "#d0d0d0"
TRACK_COLOUR = "#eeeeee"

WIDTH = 720
LABEL_X = 8
BAR_X = 300
BAR_MAX = 340
LINE = 16
LABEL_CHARS = 40
LABEL_LINES = 3
KEY_CHARS = 100
BAR_HEIGHT = 14

# Characters XML 1.0 forbids even when escaped; a stray one in a label would break the page.
_INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def before_after_chart(
    items: Sequence[tuple[str, int | None, int | None]], scale: Sequence[str], title: str
) -> str:
    """A horizontal grouped bar chart of self-assessment ratings, before and after the course.

    `items` holds (statement, before, after); a rating of None was not answered and draws no
    bar. `scale` labels the ratings from 1 upwards (its length is the top of the scale; 5 when
    empty). The difference between the two bars never rests on colour: "before" is hatched,
    "after" solid, each bar ends with its name and number, and a legend sits on top.
    """
    top = len(scale) or 5
    prefix = _prefix("before_after", title, items, scale)

    def describe(value: int | None) -> str:
        if value is None:
            return _("not answered")
        label = scale[value - 1] if 1 <= value <= len(scale) else ""
        return f"{value} ({label})" if label else str(value)

    summary = _("Ratings from 1 to %(top)s.", top=top)
    if scale:
        summary = _(
            "Ratings from 1 (%(lowest)s) to %(top)s (%(highest)s).",
            lowest=scale[0], top=top, highest=scale[-1],
        )  # fmt: skip
    lines = [summary] + [
        _(
            "%(statement)s: before %(before)s, after %(after)s.",
            statement=label,
            before=describe(before),
            after=describe(after),
        )  # fmt: skip
        for label, before, after in items
    ]
    if not items:
        lines.append(_("No statements yet."))

    body: list[str] = [
        f'<defs><pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{BEFORE_COLOUR}"/></pattern></defs>',
        _swatch(LABEL_X, 8, f"url(#{prefix}-hatch)", BEFORE_COLOUR, _("Before")),
        _swatch(LABEL_X + 100, 8, AFTER_COLOUR, AFTER_COLOUR, _("After")),
    ]
    y = 66
    rows_top = y - 16
    for label, before, after in items:
        body.append(_label(label, y))
        for offset, value, name, fill, colour in (
            # TRANSLATORS: the name at the end of a bar: the rating before the course.
            (0, before, _("before"), f"url(#{prefix}-hatch)", BEFORE_COLOUR),
            # TRANSLATORS: the name at the end of a bar: the rating after the course.
            (BAR_HEIGHT + 6, after, _("after"), AFTER_COLOUR, AFTER_COLOUR),
        ):
            bar_y = y - 12 + offset
            if value is None:
                body.append(
                    f'<text x="{BAR_X + 4}" y="{bar_y + 11}" fill="{MUTED_COLOUR}"'
                    f' font-style="italic">{escape(name)}: {escape(_("not answered"))}</text>'
                )
                continue
            width = _num(BAR_MAX * min(max(value, 0), top) / top)
            body.append(
                f'<rect x="{BAR_X}" y="{bar_y}" width="{width}" height="{BAR_HEIGHT}"'
                f' fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
                f'<text x="{_num(BAR_X + float(width) + 6)}" y="{bar_y + 11}">'
                f"{escape(name)} {escape(str(value))}</text>"
            )
        y += max(_line_count(label) * LINE, 2 * BAR_HEIGHT + 6) + 16
    rows_bottom = y - 12
    # Grid lines and tick numbers, one per scale point, so bar lengths can be read off.
    ticks = [f'<g stroke="{GRID_COLOUR}">'] + [
        f'<line x1="{_num(x)}" y1="{rows_top}" x2="{_num(x)}" y2="{rows_bottom}"/>'
        for x in (BAR_X + BAR_MAX * point / top for point in range(top + 1))
    ]
    ticks.append('</g><g text-anchor="middle">')
    ticks += [
        f'<text x="{_num(BAR_X + BAR_MAX * point / top)}" y="{rows_top - 4}">{point}</text>'
        for point in range(1, top + 1)
    ]
    ticks.append("</g>")
    body[1:1] = ticks
    key = " · ".join(f"{number} = {label}" for number, label in enumerate(scale, start=1))
    for line in textwrap.wrap(_clean(key), KEY_CHARS):
        body.append(f'<text x="{LABEL_X}" y="{y}">{escape(line)}</text>')
        y += LINE
    return _svg(prefix, title, " ".join(lines), y, body)


def completion_chart(rows: Sequence[tuple[str, float]], title: str) -> str:
    """Horizontal bars of percent complete per module, the percent printed after each bar."""
    prefix = _prefix("completion", title, rows)
    lines = [
        _("%(module)s: %(percent)s%% complete.", module=label, percent=_percent(value))
        for label, value in rows
    ]
    body: list[str] = []
    y = 20
    for label, value in rows:
        share = min(max(float(value), 0.0), 100.0)
        width = _num(BAR_MAX * share / 100)
        body.append(_label(label, y))
        body.append(
            f'<rect x="{BAR_X}" y="{y - 12}" width="{BAR_MAX}" height="{BAR_HEIGHT + 2}"'
            f' fill="{TRACK_COLOUR}"/>'
            f'<rect x="{BAR_X}" y="{y - 12}" width="{width}" height="{BAR_HEIGHT + 2}"'
            f' fill="{COMPLETE_COLOUR}"/>'
            f'<text x="{_num(BAR_X + BAR_MAX + 6)}" y="{y}">{_percent(value)}%</text>'
        )
        y += max(_line_count(label) * LINE, BAR_HEIGHT + 2) + 12
    if not rows:
        lines.append(_("No modules yet."))
        body.append(f'<text x="{LABEL_X}" y="{y}">{escape(_("No modules yet."))}</text>')
        y += LINE
    return _svg(prefix, title, " ".join(lines), y, body)


# --- Internals ----------------------------------------------------------------------------


def _svg(prefix: str, title: str, desc: str, height: int, body: list[str]) -> str:
    # width="100%" and a viewBox (no fixed pixel size) let the chart scale with its column.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%"'
        f' role="img" aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc"'
        f' font-family="system-ui, sans-serif" font-size="13" fill="{TEXT_COLOUR}">'
        f'<title id="{prefix}-title">{escape(_clean(title))}</title>'
        f'<desc id="{prefix}-desc">{escape(_clean(desc))}</desc>' + "".join(body) + "</svg>"
    )


def _label(text: str, y: int) -> str:
    """A statement or module name wrapped onto lines, since SVG text never wraps by itself."""
    lines = _wrap(text)
    spans = "".join(
        f'<tspan x="{LABEL_X}" dy="{0 if index == 0 else LINE}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    # The full text stays available as a tooltip when the label had to be shortened.
    tooltip = f"<title>{escape(_clean(text))}</title>" if lines[-1].endswith("…") else ""
    return f'<text x="{LABEL_X}" y="{y}">{tooltip}{spans}</text>'


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(_clean(text), LABEL_CHARS, max_lines=LABEL_LINES, placeholder=" …") or [""]


def _line_count(text: str) -> int:
    return len(_wrap(text))


def _swatch(x: int, y: int, fill: str, stroke: str, name: str) -> str:
    return (
        f'<rect x="{x}" y="{y}" width="24" height="{BAR_HEIGHT}" fill="{fill}"'
        f' stroke="{stroke}" stroke-width="1.5"/>'
        f'<text x="{x + 30}" y="{y + 11}">{escape(name)}</text>'
    )


def _clean(text: str) -> str:
    return _INVALID_XML_RE.sub("", str(text))


def _num(value: float) -> str:
    """Coordinates with at most one decimal, to keep the markup short."""
    return f"{round(value, 1):g}"


def _percent(value: float) -> int:
    return math.floor(Fraction(min(max(float(value), 0.0), 100.0)) + Fraction(1, 2))


def _prefix(*parts: object) -> str:
    """An id prefix unique to the chart's content, so two charts on one page do not collide."""
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"chart-{digest[:10]}"
