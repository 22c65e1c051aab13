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
