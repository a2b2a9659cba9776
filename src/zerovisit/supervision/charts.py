"""Trend charts drawn on the server as SVG: no charting library, no script, nothing fetched; a screen reader gets
the figures from the table that goes with each chart."""

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT, PAD = 320, 120, 24


def line(values: list[float | None], *, label: str) -> str:
    """A line over the values (None: no data that month, a gap), scaled from 0 to the largest value."""
    top = max((v for v in values if v is not None), default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def point(i, v):
        return PAD + i * step, HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top

    segments, current = [], []
    for i, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point(i, value))
    if current:
        segments.append(current)
    paths = format_html_join(
        "", '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="2"/>',
        ((" ".join(f"{x:.1f},{y:.1f}" for x, y in segment),) for segment in segments),
    )  # fmt: skip
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="2.5" fill="currentColor"/>',
        ((f"{x:.1f}", f"{y:.1f}") for x, y in (point(i, v) for i, v in enumerate(values) if v is not None)),
    )  # fmt: skip
    axis = format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="1"/>',
                       PAD, HEIGHT - PAD, WIDTH - PAD, HEIGHT - PAD)  # fmt: skip
    peak = format_html('<text x="2" y="{}" font-size="10" fill="#555">{}</text>', PAD - 6, f"{top:g}")
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="none">'
        "{}{}{}{}</svg>",
        WIDTH, HEIGHT, label, axis, peak, paths, dots,
    )  # fmt: skip
