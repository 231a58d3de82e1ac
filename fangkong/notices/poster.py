"""A notice as an A4 poster: title, text, the community's name and a QR code to the notice's public page.

Chinese text uses STSong-Light (a CID font reportlab knows without a file), as the pass cards do."""

from __future__ import annotations

import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
_registered = False


def _font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


def _lines(text: str, size: float, width: float) -> list[str]:
    """Wrap by width, character by character (Chinese has no spaces to break at)."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for ch in para:
            if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
                out.append(line)
                line = ""
            line += ch
        out.append(line)
    return out


def _qr(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    matrix = segno.make_qr(text, error="m").matrix
    n = len(matrix) + 8  # a quiet zone of 4 modules on each side
    m = size / n
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for i, dark in enumerate(row):
            if dark:
                c.rect(x + (i + 4) * m, y + size - (r + 5) * m, m, m, stroke=0, fill=1)


def notice_poster_pdf(*, title: str, body: str, community: str, url: str, date_label: str) -> bytes:
    _font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    width, height = A4
    c.setTitle(title)
    margin = 20 * mm
    y = height - margin - 16 * mm
    for line in _lines(title, 26, width - 2 * margin)[:3]:
        c.setFont(FONT, 26)
        c.drawCentredString(width / 2, y, line)
        y -= 12 * mm
    y -= 4 * mm
    c.setFont(FONT, 14)
    qr_size = 55 * mm
    for line in _lines(body, 14, width - 2 * margin):
        if y < margin + qr_size + 20 * mm:
            c.drawString(margin, y, "……")
            break
        c.drawString(margin, y, line)
        y -= 8 * mm
    _qr(c, url, margin, margin + 8 * mm, qr_size)
    c.setFont(FONT, 11)
    left = margin + qr_size + 8 * mm
    c.drawString(left, margin + 8 * mm + qr_size - 10 * mm, "扫码查看全文 · Scan for the full text")
    c.drawString(margin + qr_size + 8 * mm, margin + 8 * mm + qr_size - 20 * mm, community)
    c.drawString(margin + qr_size + 8 * mm, margin + 8 * mm + qr_size - 28 * mm, date_label)
    c.showPage()
    c.save()
    return buf.getvalue()
