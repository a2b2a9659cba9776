"""Written notices as PDF: an embedded CJK font, the issuing agency, the text, and a QR code that opens the public
verification page. Each rendering also says where the seal goes (over the agency's name and the date), for the
signature that `org.services.sign` adds on top of these bytes."""

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT = "WenQuanYiMicroHei"


@cache
def _register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT


def _qr(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


SEAL_SIZE = 42 * mm


@dataclass(frozen=True)
class SealBox:
    """Where the seal goes: page index and (x1, y1, x2, y2) in PDF points from the bottom left."""

    page: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    seal: SealBox


class _SealMark(Flowable):
    """Takes no space; remembers the page and height where the text above it ended, so the seal can sit on the
    agency's name and the date wherever the text made them fall."""

    def __init__(self, found: list):
        super().__init__()
        self.found = found

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        _x, y = self.canv.absolutePosition(0, 0)
        self.found.append((self.canv.getPageNumber() - 1, y))


def _seal_box(page: int, text_bottom: float, right_edge: float) -> SealBox:
    centre_x, centre_y = right_edge - SEAL_SIZE / 2, text_bottom + 12 * mm
    half = SEAL_SIZE / 2
    return SealBox(page, (int(centre_x - half), int(centre_y - half), int(centre_x + half), int(centre_y + half)))


def notice(*, title: str, document_number: str, agency: str, addressee: str, paragraphs: list[str], date: str,
           verify_url: str, verify_label: str) -> Rendered:  # fmt: skip
    """One A4 notice. Text is escaped here: callers pass plain text, never markup."""
    font = _register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=30, alignment=1, spaceAfter=4 * mm),
        "number": ParagraphStyle("number", fontName=font, fontSize=11, alignment=1, spaceAfter=8 * mm),
        "addressee": ParagraphStyle("addressee", fontName=font, fontSize=12, leading=20, spaceAfter=2 * mm),
        "right": ParagraphStyle("right", fontName=font, fontSize=12, leading=20, alignment=2),
        "small": ParagraphStyle("small", fontName=font, fontSize=9, leading=13),
    }

    def text(value):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    story = [
        Paragraph(text(title), styles["title"]),
        Paragraph(text(document_number), styles["number"]),
        Paragraph(text(addressee) + "：", styles["addressee"]),
        *[Paragraph(text(p), body) for p in paragraphs],
        Spacer(1, 12 * mm),
        Paragraph(text(agency), styles["right"]),
        Paragraph(text(date), styles["right"]),
        _SealMark(mark := []),
        Spacer(1, 10 * mm),
    ]

    def footer(canvas, doc):
        canvas.saveState()
        renderPDF.draw(_qr(verify_url), canvas, 20 * mm, 15 * mm)
        canvas.setFont(font, 8)
        canvas.drawString(52 * mm, 30 * mm, verify_label)
        canvas.drawString(52 * mm, 25 * mm, verify_url)
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                                 bottomMargin=50 * mm, title=title, author=agency)  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    page, bottom = mark[0]
    return Rendered(out.getvalue(), _seal_box(page, bottom, A4[0] - 25 * mm))


def license_document(*, title: str, number: str, rows: list[tuple[str, str]], issuer: str, date: str, identifier: str,
            verify_url: str, verify_label: str) -> Rendered:  # fmt: skip
    """An electronic licence: A4 landscape, a double frame, the licence's name and number, its data as a table, the
    issuer and date (where the seal goes), the QR code of its verification page and its identifier."""
    font = _register_font()
    width, height = landscape(A4)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height))
    canvas.setTitle(f"{title} {number}")
    canvas.setAuthor(issuer)
    canvas.setStrokeColorRGB(0.55, 0.12, 0.1)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    canvas.setFillColorRGB(0.55, 0.12, 0.1)
    canvas.setFont(font, 30)
    canvas.drawCentredString(width / 2, height - 40 * mm, title)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 12)
    canvas.drawCentredString(width / 2, height - 50 * mm, f"编号：{number}")
    style = ParagraphStyle("cell", fontName=font, fontSize=12, leading=17, wordWrap="CJK")
    y = height - 64 * mm
    for label, value in rows:
        paragraph = Paragraph(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)
        _w, h = paragraph.wrap(width - 110 * mm, 60 * mm)
        canvas.setFont(font, 12)
        canvas.drawRightString(78 * mm, y - 12, f"{label}：")
        paragraph.drawOn(canvas, 82 * mm, y - h + 2)
        y -= max(h, 17) + 5
    canvas.setFont(font, 13)
    right = width - 40 * mm
    canvas.drawRightString(right, 50 * mm, issuer)
    canvas.drawRightString(right, 42 * mm, date)
    renderPDF.draw(_qr(verify_url, 26 * mm), canvas, 24 * mm, 22 * mm)
    canvas.setFont(font, 8)
    canvas.drawString(54 * mm, 36 * mm, verify_label)
    canvas.drawString(54 * mm, 31 * mm, verify_url)
    canvas.drawString(54 * mm, 26 * mm, f"证照标识：{identifier}")
    canvas.showPage()
    canvas.save()
    return Rendered(out.getvalue(), _seal_box(0, 38 * mm, right + 4 * mm))
