"""Electronic agreements (电子合同): what an agreement says, as plain data an ``AgreementPrinter`` (an
adapter) lays out as a PDF — its template and version, its number, the parties (names and ID numbers
masked), the terms, the schedule and the clauses in Chinese and English. The clauses are part of the
template: a changed text is a new version, and an agreement always names the version it was made from. The
Chinese text prevails. Lending makes its own (``lending.agreements``).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

import attrs

from p2pstock.core.people.customers import Customer

Bilingual = tuple[str, str]
"""A text in Chinese and in English."""


@attrs.frozen
class Template:
    name: str
    version: int
    title: Bilingual
    clauses: tuple[Bilingual, ...]

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"


@attrs.frozen
class Party:
    """A party as the agreement names it (masked) and what they put in or took over."""

    role: Bilingual
    name: str
    id_number: str
    amount: int


@attrs.frozen
class Row:
    """One installment of the schedule."""

    number: int
    due: date
    principal: int
    interest: int


@attrs.frozen
class Agreement:
    template: Template
    number: str
    """The agreement's number (合同编号)."""
    brand: str
    made_on: date
    made_at: int
    """When it was made (microseconds): the PDF's creation time, so printing it again gives the same file."""
    parties: tuple[Party, ...]
    terms: tuple[tuple[Bilingual, str], ...]
    """Each term's label and its value."""
    schedule: tuple[Row, ...]


class AgreementPrinter(Protocol):
    def print(self, agreement: Agreement) -> bytes:
        """The agreement laid out as a PDF; the same agreement always gives the same bytes."""
        ...


def masked_name(customer: Customer | None) -> str:
    """The first character of the real name, the rest starred (王**); the id when there is no name."""
    if customer is None:
        return "—"
    name = customer.real_name.strip()
    return name[0] + "*" * (len(name) - 1) if name else f"#{customer.id[:6]}"


def id_number(customer: Customer | None) -> str:
    return customer.resident_id.masked if customer is not None and customer.resident_id else "—"


def party(role: Bilingual, customer: Customer | None, amount: int) -> Party:
    return Party(role, masked_name(customer), id_number(customer), amount)


def percent_signed(bp: int) -> str:
    return ("+" if bp > 0 else "-" if bp < 0 else "") + percent(abs(bp))


def percent(bp: int) -> str:
    whole, part = divmod(bp, 100)
    return f"{whole}.{part:02d}%"
