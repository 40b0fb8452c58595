"""Scorecards as a PDF for a performance review: the business's name, the period, a table per team.

Names are printed with reportlab's built-in CID fonts, which a PDF reader supplies, so Korean, Japanese and
Chinese names print without font files: the reader's language picks the page's font (Helvetica for English),
and a name in a script that font lacks (Hangul on an English page) gets the CID font of its own script.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from functools import cache
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from patronage.console.scorecard_file import (
    METRIC_LABELS,
    CardTable,
    metric_text,
    overall_text,
    person_name,
    rank_text,
)
from patronage.core.business import business_zone
from patronage.standards.scorecards import Metric, Scorecard, ScorePeriod

LATIN = "Helvetica"
KOREAN, JAPANESE, CHINESE = "HYSMyeongJo-Medium", "HeiseiMin-W3", "STSong-Light"
FONT_OF_LANGUAGE = {"ko": KOREAN, "ja": JAPANESE, "zh": CHINESE}


@cache
def _registered(font: str) -> str:
    if font != LATIN:
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    return font


def page_font(language: str | None) -> str:
    """The font of the reader's language: a CID font for Korean, Japanese and Chinese, else Helvetica."""
    return FONT_OF_LANGUAGE.get((language or "en").split("-")[0].lower(), LATIN)


def _is_hangul(char: str) -> bool:
    code = ord(char)
    return 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def _is_kana(char: str) -> bool:
    return 0x3040 <= ord(char) <= 0x30FF


def text_font(text: str, base: str) -> str:
    """The page's font where it has the text's letters; else the CID font of the text's script (Han
    characters alone: Chinese's, which holds the most of them)."""
    if all(ord(char) < 0x100 for char in text):
        return _registered(base)
    if any(_is_hangul(char) for char in text):
        return _registered(KOREAN)
    if any(_is_kana(char) for char in text):
        return _registered(JAPANESE)
    return _registered(base if base != LATIN else CHINESE)


def _cell(metric: Metric, name: str) -> str:
    text = f"{metric_text(name, metric.value)} ({metric.count})"
    if metric.rank is not None:
        text += f" #{rank_text(metric)}"
    if metric.baseline is not None:
        text += "\n" + _("business %(share)s") % {"share": metric_text(name, metric.baseline)}
    return text


def _row(card: Scorecard) -> list[str]:
    who = person_name(card.user) if card.user is not None else _("Whole team")
    return [who, overall_text(card.overall), *[_cell(getattr(card, name), name) for name in METRIC_LABELS]]


def _table(table: CardTable, base: str) -> Table:
    header = [_("Person"), _("Overall"), *[str(label) for label in METRIC_LABELS.values()]]
    rows = [header, *[_row(card) for card in table.cards]]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
    ]
    style += [
        ("FONTNAME", (col, line), (col, line), text_font(text, base))
        for line, row in enumerate(rows)
        for col, text in enumerate(row)
    ]
    widths = [55 * mm, 18 * mm] + [38 * mm] * len(METRIC_LABELS)
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


def _paragraph(text: str, base: str, size: int) -> Paragraph:
    style = ParagraphStyle("line", fontName=text_font(text, base), fontSize=size, leading=size * 1.3)
    return Paragraph(escape(text), style)


def scorecards_pdf(*, tables: list[CardTable], period: ScorePeriod, business: str, now: datetime) -> bytes:
    """The cards as an A4 landscape PDF in the active language, dates in the business's zone."""
    base = page_font(get_language())
    last_day = period.end - timedelta(days=1)
    span = f"{date_format(period.start, 'DATE_FORMAT')} \u2013 {date_format(last_day, 'DATE_FORMAT')}"
    printed = date_format(timezone.localtime(now, business_zone()), "DATETIME_FORMAT")
    story: list[Flowable] = [
        _paragraph(business, base, 16),
        _paragraph(_("Scorecards %(period)s (%(span)s)") % {"period": period.label, "span": span}, base, 12),
        _paragraph(_("Printed %(when)s") % {"when": printed}, base, 8),
    ]
    for table in tables:
        title = table.team.name if table.team is not None else _("Own scorecard")
        story += [Spacer(1, 6 * mm), _paragraph(title, base, 12), Spacer(1, 2 * mm), _table(table, base)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=f"{business} {period.label}")
    document.build(story)
    return buffer.getvalue()
