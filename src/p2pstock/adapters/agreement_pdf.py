"""The lending agreements printed as PDFs (fpdf2), in Chinese with the English under each part.

An A4 document: the title and the agreement's number, date and template; the parties (names and ID numbers
masked) with what each lent or took over; the terms; the numbered clauses; the schedule; the electronic
seal. The PDF's creation date is when the agreement was made, so printing the same agreement again gives
the same bytes (and the same hash). An agreement is Chinese first: without a CJK font (named, or found on
the machine; ``p2pstock.fonts``) nothing is printed — the issuing is left for the jobs once one is
installed — rather than a contract of question marks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from p2pstock import fonts
from p2pstock.core.agreements import Agreement, Party
from p2pstock.core.errors import StorageError
from p2pstock.core.money import Money
from p2pstock.printing import Columns, Document, table

PARTIES = Columns(
    ("身份 Role", "姓名 Name", "证件号 ID", "金额 Amount"), (30.0, 45.0, 60.0, 45.0), ("L",) * 3 + ("R",)
)
TERMS_WIDTHS = (70.0, 110.0)
SCHEDULE = Columns(
    ("期数 No.", "还款日 Due", "本金 Principal", "利息 Interest", "合计 Total"),
    (20.0, 40.0, 40.0, 40.0, 40.0),
    ("C", "L", "R", "R", "R"),
)


class PdfAgreementPrinter:
    def __init__(self, font: Path | None = None) -> None:
        self._font = font

    def print(self, agreement: Agreement) -> bytes:
        font = self._font or fonts.cjk_font()
        if font is None:
            raise StorageError(
                "no font that prints Chinese: install one (apt-get install fonts-wqy-microhei) or name it "
                "with P2PSTOCK_CJK_FONT; agreements are issued once there is one"
            )
        return _printed(agreement, font, fonts.face_of(font))


def _printed(agreement: Agreement, font: Path, face: int) -> bytes:
    zh, en = agreement.template.title
    pdf = Document(f"{agreement.number} · {agreement.template.id} · {{page}}", font, face)
    pdf.describe(
        f"{zh} {agreement.number}", agreement.brand, datetime.fromtimestamp(agreement.made_at / 1e6, UTC)
    )
    pdf.add_page()
    pdf.lines((f"{zh}  {en}",), size=16, height=10)
    pdf.lines(
        (
            f"合同编号 No.: {agreement.number}",
            f"签订日期 Date: {agreement.made_on.isoformat()}",
            f"平台 Platform: {agreement.brand}",
            f"模板 Template: {agreement.template.id}",
        )
    )
    _section(pdf, "一、当事人 Parties")
    table(pdf, PARTIES, [_party(p) for p in agreement.parties])
    _section(pdf, "二、借款信息 Terms")
    terms = Columns(("项目 Term", "内容 Value"), TERMS_WIDTHS, ("L", "L"))
    table(pdf, terms, [(f"{zh} {en}", value) for (zh, en), value in agreement.terms])
    _section(pdf, "三、条款 Clauses")
    for n, (zh_clause, en_clause) in enumerate(agreement.template.clauses, start=1):
        pdf.lines((f"{n}、{zh_clause}",), size=10, height=6)
        pdf.lines((f"   {en_clause}",), size=8, height=4.5)
        pdf.ln(1)
    if agreement.schedule:
        _section(pdf, "四、还款计划 Schedule")
        rows = [_row(str(r.number), r.due.isoformat(), r.principal, r.interest) for r in agreement.schedule]
        principal = sum(r.principal for r in agreement.schedule)
        interest = sum(r.interest for r in agreement.schedule)
        table(pdf, SCHEDULE, [*rows, _row("合计 Total", "", principal, interest)])
    pdf.ln(6)
    pdf.lines((f"电子签章 Signed electronically: {agreement.brand}", f"合同编号 No.: {agreement.number}"))
    return bytes(pdf.output())


def _section(pdf: Document, title: str) -> None:
    pdf.ln(3)
    pdf.lines((title,), size=12, height=8)


def _party(party: Party) -> tuple[str, str, str, str]:
    zh, en = party.role
    return (f"{zh} {en}", party.name, party.id_number, str(Money(party.amount)))


def _row(number: str, due: str, principal: int, interest: int) -> tuple[str, str, str, str, str]:
    return (number, due, str(Money(principal)), str(Money(interest)), str(Money(principal + interest)))
