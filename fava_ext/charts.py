"""Inline SVG charts for the extension pages, rendered on the server: no scripts, no CDN."""
from __future__ import annotations

from decimal import Decimal
from html import escape


def _svg_open(width: int, height: int, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="wuye-chart" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">')


def rates_chart(months: list[dict], width: int = 720, height: int = 220) -> str:
    """Monthly 当期收缴率 (bars) and 综合收缴率 (line), 0-100 %."""
    if not months:
        return ""
    left, bottom, top = 40, 28, 12
    n = len(months)
    step = (width - left - 10) / n
    plot_h = height - bottom - top
    parts = [_svg_open(width, height, "按月收缴率")]
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{pct}%</text>')
    points = []
    for i, m in enumerate(months):
        x = left + i * step
        r = m["rates"]["current"]["ratio"]
        o = m["rates"]["overall"]["ratio"]
        if r is not None:
            h = plot_h * float(min(Decimal(r), Decimal(1)))
            parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                         f'height="{h:.1f}" fill="#4a7fb5"><title>{m["period"]} 当期收缴率 '
                         f'{Decimal(r) * 100:.2f}%</title></rect>')
        if o is not None:
            points.append(f"{x + step / 2:.1f},{top + plot_h * (1 - float(min(Decimal(o), Decimal(1)))):.1f}")
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
                     f'{m["period"][5:]}</text>')
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#d9822b" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _nice_max(v: Decimal) -> Decimal:
    if v <= 0:
        return Decimal(1)
    mag = Decimal(10) ** (len(str(int(v))) - 1)
    for k in (1, 2, 2.5, 5, 10):
        top = mag * Decimal(str(k))
        if top >= v:
            return top
    return mag * 10


def billed_collected_chart(months: list[dict], width: int = 720, height: int = 240) -> str:
    """Per month: 当期应收 (grey) beside 当期实收 (blue), in 元, one scale."""
    if not months:
        return ""
    left, bottom, top = 70, 40, 12
    n = len(months)
    step = (width - left - 10) / n
    plot_h = height - bottom - top
    top_v = _nice_max(max(max(Decimal(m["figures"]["receivable"]), Decimal(m["figures"]["collected"]))
                          for m in months))
    parts = [_svg_open(width, height, "按月当期应收与当期实收")]
    for k in range(5):
        v = top_v * k / 4
        y = top + plot_h * (1 - k / 4)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{v:,.0f}</text>')
    for i, m in enumerate(months):
        x = left + i * step
        for j, (key, colour, name) in enumerate((("receivable", "#b0b0b0", "当期应收"),
                                                 ("collected", "#4a7fb5", "当期实收"))):
            v = Decimal(m["figures"][key])
            h = plot_h * float(max(v, Decimal(0)) / top_v)
            parts.append(f'<rect x="{x + step * (0.1 + 0.4 * j):.1f}" y="{top + plot_h - h:.1f}" '
                         f'width="{step * 0.38:.1f}" height="{h:.1f}" fill="{colour}"><title>{m["period"]} '
                         f'{name} {v:,.2f}</title></rect>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 24}" font-size="10" text-anchor="middle">'
                     f'{m["period"][5:]}</text>')
    parts.append(f'<rect x="{left}" y="{height - 14}" width="10" height="10" fill="#b0b0b0"/>'
                 f'<text x="{left + 14}" y="{height - 5}" font-size="11">当期应收</text>'
                 f'<rect x="{left + 80}" y="{height - 14}" width="10" height="10" fill="#4a7fb5"/>'
                 f'<text x="{left + 94}" y="{height - 5}" font-size="11">当期实收</text>')
    parts.append("</svg>")
    return "".join(parts)


def aging_chart(buckets: list[tuple[str, Decimal, bool]], width: int = 720, height: int = 200) -> str:
    """Horizontal bars: the amount open in each aging bucket; the limitation-risk bucket red."""
    if not buckets:
        return ""
    left, right, row_h = 90, 110, (height - 10) / len(buckets)
    top_v = _nice_max(max((v for _, v, _ in buckets), default=Decimal(0)))
    plot_w = width - left - right
    parts = [_svg_open(width, height, "欠费账龄分布")]
    for i, (label, v, risk) in enumerate(buckets):
        y = 5 + i * row_h
        w = plot_w * float(max(v, Decimal(0)) / top_v)
        parts.append(f'<text x="{left - 6}" y="{y + row_h * 0.65:.1f}" font-size="11" text-anchor="end">'
                     f'{escape(label)}</text><rect x="{left}" y="{y + row_h * 0.15:.1f}" width="{w:.1f}" '
                     f'height="{row_h * 0.7:.1f}" fill="{"#c00" if risk else "#4a7fb5"}"><title>{escape(label)} '
                     f'{v:,.2f}</title></rect><text x="{left + w + 4:.1f}" y="{y + row_h * 0.65:.1f}" '
                     f'font-size="11">{v:,.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)
