"""A small trend line as SVG points, drawn on the server so the dashboard needs no script for it."""


def points(values, width=96, height=24, padding=2):
    """'x,y x,y …' for the non-empty values, scaled into the box; fewer than two values give ''."""
    present = [(index, float(value)) for index, value in enumerate(values) if value is not None]
    if len(present) < 2:
        return ""
    low = min(v for _i, v in present)
    high = max(v for _i, v in present)
    span = high - low or 1.0
    last = max(len(values) - 1, 1)
    inner_width, inner_height = width - 2 * padding, height - 2 * padding
    coordinates = [
        (padding + inner_width * i / last, height - padding - inner_height * (v - low) / span) for i, v in present
    ]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
