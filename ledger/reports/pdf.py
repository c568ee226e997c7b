"""A report as an A4 PDF (reportlab): title, the tables, the notes and, for the disclosure, the posting,
objection and signature blocks. Chinese text uses reportlab's built-in CID font STSong-Light, so no system
font is needed; `invariant` output (no creation time, a fixed document id) keeps a report from the same
commit the same bytes."""
from __future__ import annotations

import io
from decimal import Decimal

from ledger.basics.money import fmt

FONT = "STSong-Light"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else ""
    if isinstance(v, Decimal):
        return fmt(v) if v.as_tuple().exponent == -2 else str(v)
    return str(v)


def pdf_bytes(title: str, tables: list, notes: list[str], blocks: list[str] = ()) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    h1 = ParagraphStyle("h1", fontName=FONT, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm)
    h2 = ParagraphStyle("h2", fontName=FONT, fontSize=11, leading=15, spaceBefore=3 * mm, spaceAfter=1.5 * mm)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10.5, wordWrap="CJK")
    num = ParagraphStyle("num", parent=cell, alignment=2)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=title, author="wuye", invariant=1)
    story = [Paragraph(escape(title), h1)]
    for t in tables:
        rows = [[Paragraph(escape(h), cell) for h in t.headers]]
        for r in t.rows:
            rows.append([Paragraph(escape(_cell(c)), num if isinstance(c, (int, Decimal)) and not isinstance(c, bool)
                                   else cell) for c in r])
        grid = Table(rows, repeatRows=1, hAlign="LEFT", colWidths=[doc.width / max(len(t.headers), 1)] * len(t.headers))
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Paragraph(escape(t.title), h2), grid]
    story.append(Spacer(1, 3 * mm))
    story += [Paragraph(escape(n), body) for n in notes]
    if blocks:
        story.append(Spacer(1, 6 * mm))
        story.append(KeepTogether([Paragraph(escape(b), body) for b in blocks]))
    doc.build(story)
    return out.getvalue()
