"""Charts drawn on the server as plain data for an SVG template: no JavaScript."""


def bar_chart(title, rows, label, value):
    """Geometry of a horizontal bar chart drawn as SVG on the server (400 x 24 per bar)."""
    largest = max((row[value] or 0 for row in rows), default=0) or 1
    bars = [
        {
            "label": str(row[label]),
            "value": row[value],
            "y": 24 * index,
            "width": round(240 * (row[value] or 0) / largest, 1),
        }
        for index, row in enumerate(rows)
    ]
    return {"title": title, "bars": bars, "height": max(24 * len(bars), 24)}


# The interval chart's geometry: labels on the left, -1 to 1 across the rest.
LABEL_WIDTH, PLOT_WIDTH, ROW_HEIGHT = 160, 220, 24


def interval_chart(title, rows):
    """Geometry of a chart of correlations with their intervals, one row each (rows with an
    estimate, in their order): a dot at the estimate, a line from `low` to `high`, the zero
    line marked; a weak row is drawn hollow."""

    def x(value):
        return round(LABEL_WIDTH + PLOT_WIDTH * (value + 1) / 2, 1)

    drawn = [row for row in rows if row.get("estimate") is not None]
    points = [
        {
            "label": str(row["name"]),
            "estimate": row["estimate"],
            "low": row["low"],
            "high": row["high"],
            "weak": row["weak"],
            "hires": row["hires"],
            "y": ROW_HEIGHT * index + ROW_HEIGHT // 2,
            "x": x(row["estimate"]),
            "x_low": None if row["low"] is None else x(row["low"]),
            "x_high": None if row["high"] is None else x(row["high"]),
        }
        for index, row in enumerate(drawn)
    ]
    height = max(ROW_HEIGHT * len(points), ROW_HEIGHT)
    return {
        "title": title,
        "points": points,
        "height": height + ROW_HEIGHT,  # the axis' labels below the rows
        "plot_bottom": height,
        "axis": [{"value": value, "x": x(value)} for value in (-1, -0.5, 0, 0.5, 1)],
        "zero": x(0),
        "left": LABEL_WIDTH,
        "right": LABEL_WIDTH + PLOT_WIDTH,
        "width": LABEL_WIDTH + PLOT_WIDTH + 20,
    }
