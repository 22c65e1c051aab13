"""Charts drawn on the server as plain data for an SVG template: no JavaScript."""

import math
import textwrap

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import queries

# The bar charts' geometry: labels on the left, bars from BAR_LEFT, BAR_HEIGHT per bar.
BAR_LEFT, BAR_WIDTH, BAR_HEIGHT = 140, 240, 24
# A row's label is wrapped onto lines of at most LABEL_CHARS characters (about the 130 to 160
# units the charts leave their labels, at 12px), each LINE_HEIGHT below the last, its row as
# tall as they need: a name is read whole, as in the table, and never runs into the bars.
LABEL_CHARS, LINE_HEIGHT = 19, 14


def _label_lines(label, y):
    """The lines of a row's `label` whose first line's baseline is at `y`: (text, y) each."""
    lines = textwrap.wrap(label, LABEL_CHARS, break_on_hyphens=False) or [label]
    return [{"text": line, "y": y + LINE_HEIGHT * index} for index, line in enumerate(lines)]


def bar_chart(title, rows, label, value):
    """Geometry of a horizontal bar chart drawn as SVG on the server (400 x 24 per bar)."""
    largest = max((row[value] or 0 for row in rows), default=0)
    bars = _bars(rows, label, value, _scale(largest))
    return {"title": title, "bars": bars, "height": _height(bars), "width": 400}


def _scale(largest):
    """A bar's length for a figure, the longest (BAR_WIDTH) for `largest`."""
    return lambda figure: round(BAR_WIDTH * (figure or 0) / (largest or 1), 1)


def _height(bars):
    return max((bar["bottom"] for bar in bars), default=BAR_HEIGHT)


def _bars(rows, label, value, length):
    """A bar per row, `length(row[value])` long, its figure after it, its label wrapped as the
    diverging charts' are (its row, to `bottom`, as tall as its lines)."""
    bars = []
    y = 0
    for row in rows:
        lines = _label_lines(str(row[label]), y + 16)
        bottom = y + BAR_HEIGHT + LINE_HEIGHT * (len(lines) - 1)
        bars.append(
            {
                "label": str(row[label]),
                "lines": lines,
                "value": row[value],
                "y": y,
                "bottom": bottom,
                "width": length(row[value]),
                "value_x": round(BAR_LEFT + length(row[value]) + 6, 1),
            }
        )
        y = bottom
    return bars


def closing_chart(title, description, rows):
    """Geometry of the closing reasons' chart: a bar per row of queries.closing_reasons (in its
    order) as long as the applications closed for it, its rejected part filled and its
    withdrawn part after it hollow (`rest_x`, `rest_width`), the number closed beside it."""
    length = _scale(max((row["closed"] for row in rows), default=0))
    bars = _bars(rows, "reason", "closed", length)
    for bar, row in zip(bars, rows, strict=True):
        bar["width"] = length(row["rejected"])
        bar["rest_x"] = BAR_LEFT + bar["width"]
        bar["rest_width"] = round(length(row["closed"]) - bar["width"], 1)
    return {
        "title": title,
        "description": description,
        "bars": bars,
        "height": _height(bars),
        "width": 400,
    }


def load_chart(title, description, rows):
    """Geometry of the interviewer load chart: a bar per row of load_by_interviewer (those the
    table shows, in its order) as long as the interviews of their busiest week, their weekly
    cap marked across it, and a bar over the cap marked `over` (drawn in another colour and
    said in words). The busiest week, not the period's total: the cap is a week's."""
    largest = max((max(row["busiest"], row["cap"] or 0) for row in rows), default=0)
    length = _scale(largest)
    bars = _bars(rows, "interviewer", "busiest", length)
    for bar, row in zip(bars, rows, strict=True):
        cap_x = None if row["cap"] is None else BAR_LEFT + length(row["cap"])
        bar["cap_x"] = cap_x
        # The figure clears the cap's mark when the bar stops short of it.
        bar["value_x"] = max(bar["value_x"], (cap_x or 0) + 6)
        # The table's rule: some week went over the cap (the busiest did, then).
        bar["over"] = bool(row["weeks_over_cap"])
    # Wider than a plain bar chart: an over-cap bar's figure says so in words (in German too).
    return {
        "title": title,
        "description": description,
        "bars": bars,
        "height": _height(bars),
        "width": 540,
    }


# The diverging charts' geometry: labels, room for a negative figure, the axis (zero in its
# middle), room for a positive figure, then a note (the sample).
NAME_WIDTH, FIGURE_ROOM, AXIS_WIDTH, NOTE_WIDTH = 130, 40, 180, 120
# Above the rows, when the chart has a reference line: its label.
REFERENCE_BAND = 16


def _diverging_chart(chart, rows, extent, references=()):
    """Geometry of a chart of figures either side of 0: a row per dict of `rows` (`label`,
    `value` or None, `note`, `weak`, in their order), a bar from 0 to its value on an axis from
    -`extent` to `extent` (a value beyond is drawn at its end), its figure beyond the bar's end,
    and a dashed line at each of `references`; its label wrapped onto as many lines as it
    needs, the row as tall as they are. `chart`: its title, description and what a row
    without a value reads."""
    zero = NAME_WIDTH + FIGURE_ROOM + AXIS_WIDTH / 2

    def x(value):
        return round(zero + AXIS_WIDTH / 2 * max(-1, min(1, value / extent)), 1)

    top = REFERENCE_BAND if references else 0
    drawn = []
    y = top
    for row in rows:
        value = row["value"]
        end = zero if value is None else x(value)
        lines = _label_lines(row["label"], y + 16)
        drawn.append(
            {
                **row,
                "y": y,
                "lines": lines,
                "bar_x": min(zero, end),
                "bar_width": None if value is None else round(abs(end - zero), 1),
                # The figure beyond the bar's end: left of a negative one.
                "value_x": round(end - 4 if value is not None and value < 0 else end + 4, 1),
                "value_anchor": "end" if value is not None and value < 0 else "start",
            }
        )
        y += BAR_HEIGHT + LINE_HEIGHT * (len(lines) - 1)
    bottom = max(y, top + BAR_HEIGHT)
    right = NAME_WIDTH + 2 * FIGURE_ROOM + AXIS_WIDTH
    return {
        **chart,
        "rows": drawn,
        "top": top,
        "plot_bottom": bottom,
        "height": bottom + BAR_HEIGHT,  # the axis' labels below the rows
        "zero": zero,
        "axis": [
            {"value": tick, "x": x(tick)} for tick in (-extent, -extent / 2, 0, extent / 2, extent)
        ],
        "references": [{"value": value, "x": x(value)} for value in references],
        "note_x": right + 6,
        "width": right + NOTE_WIDTH,
    }


def calibration_chart(chart, rows):
    """Each interviewer's offset from their panels (calibration rows as the table shows them):
    the one their leaning is told from, ratings' or else votes', with the ratings or votes
    compared as its note; hollow (`weak`) where too few are to tell a leaning. The axis spans
    the furthest offset, 1 at the least (either side of a leaning's threshold of 0.5)."""
    drawn = []
    for row in rows:
        offset, told = queries.leaning_offset(row)
        compared = row["leaning_compared"]
        if row["leaning_from"] == "vote":
            note = ngettext("%(counter)s vote", "%(counter)s votes", compared)
        else:
            note = ngettext("%(counter)s rating", "%(counter)s ratings", compared)
        drawn.append(
            {
                "label": str(row["interviewer"]),
                "value": offset,
                "note": note % {"counter": compared},
                "weak": not told,
            }
        )
    furthest = max((abs(row["value"]) for row in drawn if row["value"] is not None), default=0)
    extent = max(1, math.ceil(2 * furthest) / 2)  # to the next half point
    return _diverging_chart(chart, drawn, extent)


# Krippendorff's conventional lowest alpha for tentative conclusions.
ALPHA_THRESHOLD = 0.667


def agreement_chart(chart, rows):
    """Krippendorff's alpha of each criterion (agreement rows as the table shows them) from -1
    to 1, lines at 0 and at ALPHA_THRESHOLD, the panels as each row's note; a criterion without
    an alpha (too few ratings, or all alike) reads chart["missing"]."""
    drawn = [
        {
            "label": str(row["criterion"]),
            "value": row["alpha"],
            "note": ngettext("%(counter)s panel", "%(counter)s panels", row["panels"])
            % {"counter": row["panels"]},
            "weak": False,
        }
        for row in rows
    ]
    return _diverging_chart(chart, drawn, 1, references=(ALPHA_THRESHOLD,))


# The interval chart's geometry: labels on the left, -1 to 1 across the rest.
LABEL_WIDTH, PLOT_WIDTH, ROW_HEIGHT = 160, 220, 24


def interval_chart(title, rows):
    """Geometry of a chart of correlations with their intervals, one row each (rows with an
    estimate, in their order): a dot at the estimate, a line from `low` to `high`, the zero
    line marked; a weak row is drawn hollow. A label is wrapped as the diverging charts' are,
    its row as tall as its lines. Without a dot, `empty` says why: too few hires, or enough
    (a row `shown`) but scored alike on a side, so no order to compare."""

    def x(value):
        return round(LABEL_WIDTH + PLOT_WIDTH * (value + 1) / 2, 1)

    points = []
    top = 0
    for row in rows:
        if row.get("estimate") is None:
            continue
        y = top + ROW_HEIGHT // 2
        lines = _label_lines(str(row["name"]), y + 4)
        points.append(
            {
                "label": str(row["name"]),
                "lines": lines,
                "estimate": row["estimate"],
                "low": row["low"],
                "high": row["high"],
                "weak": row["weak"],
                "hires": row["hires"],
                "y": y,
                "x": x(row["estimate"]),
                "x_low": None if row["low"] is None else x(row["low"]),
                "x_high": None if row["high"] is None else x(row["high"]),
            }
        )
        top += ROW_HEIGHT + LINE_HEIGHT * (len(lines) - 1)
    height = max(top, ROW_HEIGHT)
    if any(row.get("shown") for row in rows):
        empty = _(
            "No criterion has an order to compare: its hires scored alike at hire or at their "
            "check-in."
        )
    else:
        empty = _("No criterion has enough hires with a check-in yet.")
    return {
        "title": title,
        "points": points,
        "empty": empty,
        "height": height + ROW_HEIGHT,  # the axis' labels below the rows
        "plot_bottom": height,
        "axis": [{"value": value, "x": x(value)} for value in (-1, -0.5, 0, 0.5, 1)],
        "zero": x(0),
        "left": LABEL_WIDTH,
        "right": LABEL_WIDTH + PLOT_WIDTH,
        "width": LABEL_WIDTH + PLOT_WIDTH + 20,
    }
