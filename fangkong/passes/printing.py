"""Printable pass cards: A4 sheets of 2 × 4 cards of 90 × 60 mm with cut marks. Each card shows the
holder, the household, the validity, the signed QR code (vector, error correction M), the pass number
in large type for gates that type it, and a place for the community seal (docs: forms.md §7a).

Chinese text uses STSong-Light, an Adobe CID font that reportlab knows without a font file: the PDF
names the font and the viewer or printer supplies a Song face. Callers pass passes loaded with
`select_related("person", "household", "community")`; this module reads nothing else.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import segno
from django.utils import translation
from reportlab import rl_config
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from fangkong.passes.models import Pass
from fangkong.passes.signing import pass_qr

FONT, MONO, DIGITS = "STSong-Light", "Courier", "Helvetica-Bold"
CARD_W, CARD_H = 90 * mm, 60 * mm
COLS, ROWS = 2, 4
PER_PAGE = COLS * ROWS
PAGE_W, PAGE_H = A4
LEFT = (PAGE_W - COLS * CARD_W) / 2
BOTTOM = (PAGE_H - ROWS * CARD_H) / 2
BAND_H = 10 * mm
PAD = 4 * mm
QR_SIZE = 30 * mm  # the symbol without its quiet zone; version 7 puts a module at about 0.67 mm
TEXT_RIGHT = 52 * mm  # left column ends here: the QR's quiet zone (4 modules, 2.7 mm) stays white
INK, GREY, RULE = HexColor("#111111"), HexColor("#666666"), HexColor("#bbbbbb")

# Colours after the seed (蓝色出入证 for water delivery) and [YL] (红证, 黄证, 绿证): the guard knows the
# kind at a glance. (band colour, title colour)
STYLES = {
    Pass.Kind.RESIDENT: (HexColor("#c62828"), white),
    Pass.Kind.TEMPORARY: (HexColor("#f9c80e"), INK),
    Pass.Kind.SERVICE: (HexColor("#1565c0"), white),
    Pass.Kind.VEHICLE: (HexColor("#2e7d32"), white),
}
CARD_LANGUAGE = "zh-hans"  # cards are printed in Chinese whatever the language of the page that asks


def card_title(kind: str) -> str:
    """The kind's name on the card: its name on screen (`Pass.Kind`'s label) in Chinese, so the card in
    the holder's hand and the page the office reads say the same word."""
    with translation.override(CARD_LANGUAGE):
        return str(Pass.Kind(kind).label if kind in Pass.Kind.values else Pass.Kind.TEMPORARY.label)

_registered = False
rl_config.useA85 = 0  # page streams stay binary (compressed): ASCII85 only slows a long PDF down


def _font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _fit(text: str, font: str, size: float, width: float, smallest: float = 6.0) -> tuple[str, float]:
    """Shrink to fit, down to `smallest`; past that cut the text and end it with an ellipsis."""
    while size > smallest and _width(text, font, size) > width:
        size -= 0.5
    if _width(text, font, size) > width:
        while text and _width(text + "…", font, size) > width:
            text = text[:-1]
        text += "…"
    return text, size


def _wrap(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    """Break anywhere (Chinese has no spaces); the last line takes the rest, cut by `_fit`."""
    out: list[str] = []
    while text and len(out) < lines - 1 and _width(text, font, size) > width:
        cut = len(text)
        while cut > 1 and _width(text[:cut], font, size) > width:
            cut -= 1
        out.append(text[:cut])
        text = text[cut:].lstrip()
    if text:
        out.append(_fit(text, font, size, width, smallest=size)[0])
    return out


def _text(c: Canvas, x: float, y: float, text: str, font: str = FONT, size: float = 8.0, *,
          color=INK, bold: bool = False, right: bool = False, spacing: float = 0) -> None:
    c.saveState()  # the text render mode outlives BT/ET: keep a bold stroke from leaking into the next text
    c.setFont(font, size)
    c.setFillColor(color)
    t = c.beginText()
    if bold:  # STSong-Light has no bold face: stroke the glyph outlines as well
        c.setStrokeColor(color)
        c.setLineWidth(size / 30)
        t.setTextRenderMode(2)
    if spacing:
        t.setCharSpace(spacing)
    t.setTextOrigin(x - _width(text, font, size) if right else x, y)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


def _qr(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Dark modules as one vector path of their horizontal and vertical runs, so every edge between two
    dark modules lies inside a rectangle and no hairline seams show when a viewer anti-aliases. Drawn
    in module units under one transform: integer operands keep a long PDF quick to write."""
    matrix = segno.make_qr(text, error="m", boost_error=False).matrix
    n = len(matrix)
    ops = [f"q 0 g {size / n:.5f} 0 0 {-size / n:.5f} {x:.3f} {y + size:.3f} cm"]
    for r in range(n):
        for transpose in (False, True):
            line = bytes(matrix[i][r] for i in range(n)) if transpose else matrix[r]
            start = None
            for i, dark in enumerate([*line, 0]):
                if dark and start is None:
                    start = i
                elif not dark and start is not None:
                    ops.append(f"{r} {start} 1 {i - start} re" if transpose else f"{start} {r} {i - start} 1 re")
                    start = None
    ops.append("f Q")
    c.addLiteral("\n".join(ops))


def _card(c: Canvas, p: Pass, x: float, y: float, seq: int, title: str) -> None:
    band, title_color = STYLES.get(p.kind, STYLES[Pass.Kind.TEMPORARY])
    top = y + CARD_H
    c.setStrokeColor(RULE)
    c.setLineWidth(0.3)
    c.setDash(1, 2)
    c.rect(x, y, CARD_W, CARD_H, stroke=1, fill=0)
    c.setDash()
    c.setFillColor(band)
    c.rect(x, top - BAND_H, CARD_W, BAND_H, stroke=0, fill=1)
    _text(c, x + PAD, top - 7 * mm, title, size=14, color=title_color, bold=True)
    name, size = _fit(p.community.name, FONT, 9, CARD_W - 2 * PAD - _width(title, FONT, 14) - 4 * mm)
    _text(c, x + CARD_W - PAD, top - 6.6 * mm, name, size=size, color=title_color, right=True)

    label_w = 10 * mm
    value_x, value_w = x + PAD + label_w, TEXT_RIGHT - PAD - label_w

    def row(baseline_mm: float, label: str) -> float:
        _text(c, x + PAD, top - baseline_mm * mm, label, size=7, color=GREY)
        return top - baseline_mm * mm

    holder, size = _fit(p.person.name, FONT, 13, value_w, smallest=8)
    _text(c, value_x, row(17, "姓　名"), holder, size=size, bold=True)
    _text(c, value_x, row(22.5, "证件号"), p.person.id_number_masked or "—", MONO, 8.5)
    address = p.household.address if p.household else "—"
    baseline = row(27.5, "住　址")
    for i, line in enumerate(_wrap(address, FONT, 7.5, value_w, lines=2)):
        _text(c, value_x, baseline - i * 3.3 * mm, line, size=7.5)
    validity = f"{p.valid_from:%Y-%m-%d} 至 {p.valid_until:%Y-%m-%d}"
    validity, size = _fit(validity, FONT, 7.5, value_w)
    _text(c, value_x, row(35.5, "有效期"), validity, size=size)
    if p.plate:
        _text(c, value_x, row(39.5, "车　牌"), p.plate, size=8.5, bold=True)
    _text(c, x + PAD, y + 15.5 * mm, "通行证编号", size=6.5, color=GREY)
    _text(c, x + PAD, y + 9 * mm, p.number, DIGITS, 20, spacing=1.5)  # Helvetica's digits are all one width
    _text(c, x + PAD, y + 3.5 * mm, "凭本证并出示身份证出入 · 涂改无效", size=6, color=GREY)

    qr_x, qr_y = x + CARD_W - PAD - QR_SIZE, top - BAND_H - 3.5 * mm - QR_SIZE
    _qr(c, pass_qr(p), qr_x, qr_y, QR_SIZE)
    c.setStrokeColor(GREY)
    c.setLineWidth(0.4)
    c.line(qr_x, y + 5 * mm, qr_x + QR_SIZE, y + 5 * mm)
    _text(c, qr_x, y + 2 * mm, "发证单位（盖章）", size=6.5, color=GREY)
    _text(c, x + CARD_W - 2 * mm, y + 2 * mm, str(seq), MONO, 5.5, color=GREY, right=True)


def _cut_marks(c: Canvas) -> None:
    c.setStrokeColor(INK)
    c.setLineWidth(0.3)
    right, top = LEFT + COLS * CARD_W, BOTTOM + ROWS * CARD_H
    for i in range(COLS + 1):
        cx = LEFT + i * CARD_W
        c.line(cx, BOTTOM - 8 * mm, cx, BOTTOM - 2 * mm)
        c.line(cx, top + 2 * mm, cx, top + 8 * mm)
    for j in range(ROWS + 1):
        cy = BOTTOM + j * CARD_H
        c.line(LEFT - 8 * mm, cy, LEFT - 2 * mm, cy)
        c.line(right + 2 * mm, cy, right + 8 * mm, cy)


def cards_range(first: int, last: int) -> str:
    """第1–8张 for a run of cards, 第1张 for one."""
    return f"第{first}张" if first == last else f"第{first}–{last}张"


def pass_cards_pdf(passes: Sequence[Pass], progress: Callable[[int, int], None] | None = None) -> bytes:
    """One A4 page per 8 cards, in the order given. The page header counts cards for the print run.
    `progress(cards done, cards)` is told after every page."""
    _font()
    titles = {kind: card_title(kind) for kind in Pass.Kind.values}
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle("通行证 Passes")
    c.setCreator("Fangkong")
    pages = max(1, -(-len(passes) // PER_PAGE))
    for page in range(pages):
        chunk = passes[page * PER_PAGE:(page + 1) * PER_PAGE]
        first = page * PER_PAGE + 1
        header = (f"通行证 第{page + 1}/{pages}页 · {cards_range(first, first + len(chunk) - 1)}，共{len(passes)}张"
                  if chunk else "通行证 · 0")
        _text(c, LEFT, PAGE_H - 12 * mm, header, size=8, color=GREY)
        if chunk:
            _text(c, LEFT + COLS * CARD_W, PAGE_H - 12 * mm, f"{chunk[0].number} … {chunk[-1].number}", MONO, 8,
                  color=GREY, right=True)
        _cut_marks(c)
        for i, p in enumerate(chunk):
            col, row = i % COLS, i // COLS
            _card(c, p, LEFT + col * CARD_W, BOTTOM + (ROWS - 1 - row) * CARD_H, first + i,
                  titles.get(p.kind, titles[Pass.Kind.TEMPORARY]))
        c.showPage()
        if progress:
            progress(first - 1 + len(chunk), len(passes))
    c.save()
    return buf.getvalue()
