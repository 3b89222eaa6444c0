"""One loan as each of its readers sees it: an investor in the hall (its terms, how far it is funded, what
may be invested, what the platform verified of its borrower), its borrower (its state, why it was turned
down, its unpaid installments) and an administrator (its terms, whose it is, its state and funding, its
documents and reviews). The terms, the purpose and the reason are written once for all of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from p2pstock.bots.telegram.product_cards import percent
from p2pstock.bots.telegram.texts import text
from p2pstock.core.lending.hall import BorrowerFacts
from p2pstock.core.lending.loans import Loan
from p2pstock.core.lending.views import InstallmentView
from p2pstock.core.money import Money
from p2pstock.core.names import code_name, name_of
from p2pstock.core.people.documents import CustomerDocument, DocumentKind


class Audience(Enum):
    INVESTOR = "investor"
    BORROWER = "borrower"
    STAFF = "staff"


@dataclass(frozen=True)
class Seen:
    """What the reader knows beyond the loan: the verified facts of its borrower (an investor), its
    unpaid installments (its borrower), the borrower's documents (the staff)."""

    borrower: BorrowerFacts | None = None
    unpaid: Sequence[InstallmentView] = ()
    documents: Sequence[CustomerDocument] = ()


def loan_text(loan: Loan, audience: Audience, lang: str, seen: Seen = Seen()) -> str:
    """Everything ``audience`` may know of ``loan``, a fact a line."""
    heads = {Audience.INVESTOR: hall_line, Audience.BORROWER: own_line, Audience.STAFF: _terms}
    lines = [heads[audience](loan, lang)]
    if audience is not Audience.BORROWER:
        lines.append(text("loan.page.purpose", lang, purpose=loan.purpose))
    if seen.borrower is not None:
        lines += [_bids(loan, lang), _borrower(seen.borrower, lang)]
    if audience is Audience.STAFF:
        lines += _staff(loan, lang, seen.documents)
    if loan.reason and audience is not Audience.INVESTOR:
        lines.append(text("reason", lang, reason=loan.reason))
    return "\n".join(lines + [_installment(view, lang) for view in seen.unpaid])


def hall_line(loan: Loan, lang: str) -> str:
    """The loan on a line of the hall: its terms and how far it is funded."""
    progress, left = percent(loan.funded * 10_000 // loan.amount), Money(loan.remainder)
    return text("loan.hall.line", lang, terms=_terms(loan, lang), progress=progress, left=left)


def own_line(loan: Loan, lang: str) -> str:
    """The loan on a line of its borrower's list: its amount and state."""
    return text("loan.mine.loan", lang, id=loan.id, amount=Money(loan.amount), status=loan.status)


def _terms(loan: Loan, lang: str) -> str:
    t = loan.terms
    rate, amount = percent(t.rate_bp), Money(loan.amount)
    return text(
        "loan.card.terms", lang, id=loan.id, amount=amount, rate=rate, months=t.months, method=t.method
    )


def _bids(loan: Loan, lang: str) -> str:
    (low, high), step = loan.bid_range(), Money(loan.product.bid_step)
    return text("loan.page.bids", lang, low=Money(low), high=Money(high), step=step)


def _borrower(facts: BorrowerFacts, lang: str) -> str:
    kinds = ", ".join(name_of(DocumentKind(kind), lang) for kind in facts.qualifications) or "—"
    identity, phone = _yes(facts.identity_verified, lang), _yes(facts.phone_verified, lang)
    shown = {"name": facts.name, "identity": identity, "phone": phone, "repaid": facts.loans_repaid}
    return text("loan.page.borrower", lang, documents=kinds, **shown)


def _staff(loan: Loan, lang: str, documents: Sequence[CustomerDocument]) -> list[str]:
    """Whose the loan is, its state and funding, its documents and who reviewed it."""
    funding = {"funded": Money(loan.funded), "investors": loan.investors}
    lines = [text("admin.loan.card", lang, borrower=loan.borrower_id, status=loan.status, **funding)]
    lines += [
        text("admin.loan.document", lang, id=d.id, kind=d.kind, status=d.status)
        for d in documents
        if d.id in loan.documents
    ]
    return lines + [
        text("admin.loan.review", lang, by=r.by, outcome=_yes(r.approved, lang)) for r in loan.reviews
    ]


def _installment(view: InstallmentView, lang: str) -> str:
    i, late = view.installment, ""
    if view.days_overdue:
        bucket = code_name("bucket", view.bucket, lang)
        late = text("loan.own.late", lang, days=view.days_overdue, bucket=bucket)
    if i.advanced_at is not None:
        late += text("loan.own.advanced", lang)
    return text(
        "loan.own.installment", lang, number=i.number, due=str(i.due), owed=Money(view.owed), late=late
    )


def _yes(value: bool, lang: str) -> str:
    return text("loan.yes" if value else "loan.no", lang)
