"""How long printing a lending agreement takes, against the floor of any PDF with the same font.

The library side prints the loan agreement of a ¥1,000,000 loan over 18 months lent by ``--lenders``
investors (``PdfAgreementPrinter``: the parties, the terms, seven clauses in two languages and the schedule
as tables). The floor is fpdf2 alone embedding the same CJK font for one line of text: parsing the font
file and writing its subset is what no PDF in Chinese can avoid. Each side runs ``--reps`` times, in turns;
medians (best), and the ratio of the medians.

    .venv/bin/python bench/lending/agreement.py [--lenders 3] [--reps 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fpdf import FPDF

from p2pstock import fonts
from p2pstock.adapters.agreement_pdf import PdfAgreementPrinter
from p2pstock.core.agreements import Agreement
from p2pstock.core.lending import agreements
from p2pstock.core.lending.loans import Investment, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.products import LoanProduct, LoanTerms
from p2pstock.core.lending.schedules import Method, schedule
from p2pstock.core.people.customers import Customer

START = date(2026, 3, 2)
PRODUCT = LoanProduct(
    code="bench",
    version=1,
    name="个人信用借款",
    amount_min=100_000,
    amount_max=100_000_000,
    months_min=1,
    months_max=36,
    rate_min_bp=600,
    rate_max_bp=2_400,
    methods=(Method.EQUAL_INSTALLMENTS,),
    listing_fee_bp=200,
    interest_fee_bp=1_000,
)


def agreement(lenders: int) -> Agreement:
    amount = 100_000_000
    terms = LoanTerms(amount, 18, 1_200, Method.EQUAL_INSTALLMENTS, 3, 5_000)
    loan = Loan(
        "Lbench000001", "bella", PRODUCT, terms, "店面装修", (), 0, LoanStatus.REPAYING, start_date=START
    )
    plan = [
        LoanInstallment(loan.id, i.number, i.due, i.principal, i.interest)
        for i in schedule(amount, 1_200, 18, Method.EQUAL_INSTALLMENTS, START)
    ]
    share = amount // lenders
    holders = [
        (Investment(f"i{n}", loan.id, f"c{n}", share + (amount - share * lenders if n == 0 else 0), 0), None)
        for n in range(lenders)
    ]
    borrower = Customer("bella", real_name="王小明")
    return agreements.loan_agreement(loan, holders, borrower, plan, brand="p2pstock", made_on=START)


def floor(font: Path) -> bytes:
    pdf = FPDF()
    pdf.add_font("text", fname=font, collection_font_number=fonts.face_of(font))
    pdf.set_font("text", size=10)
    pdf.add_page()
    pdf.cell(0, 6, "借款协议 Loan Agreement")
    return bytes(pdf.output())


def timed(work: Callable[[], bytes], into: list[float]) -> int:
    started = time.perf_counter()
    size = len(work())
    into.append(time.perf_counter() - started)
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lenders", type=int, default=3)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    font = fonts.cjk_font()
    if font is None:
        print("no CJK font on this machine: install fonts-wqy-microhei (nothing measured)")
        return 1
    made, printer = agreement(args.lenders), PdfAgreementPrinter()
    library: list[float] = []
    base: list[float] = []
    sizes = (0, 0)
    for _ in range(args.reps):
        sizes = (timed(lambda: printer.print(made), library), timed(lambda: floor(font), base))
    print(f"font: {font} (face {fonts.face_of(font)})")
    print(f"loan agreement, {args.lenders} lenders, 18 installments: {sizes[0]:,} bytes (floor {sizes[1]:,})")
    for side, times in (
        ("library  PdfAgreementPrinter.print", library),
        ("floor    fpdf2, the font, one line", base),
    ):
        print(f"  {side:<40} {statistics.median(times) * 1000:7.1f} ms ({min(times) * 1000:.1f})")
    print(f"  library ÷ floor (medians): {statistics.median(library) / statistics.median(base):.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
