"""Electronic agreements (电子合同): what an agreement says, as plain data an ``AgreementPrinter`` (an
adapter) lays out as a PDF — its template and version, its number, the parties (names and ID numbers
masked), the terms, the schedule and the clauses in Chinese and English. The clauses are part of the
template: a changed text is a new version, and an agreement always names the version it was made from. The
Chinese text prevails. Lending makes its own (``lending.agreements``), allocation its own
(``allocation.agreement``).

An issued agreement is kept in the document store under its SHA-256, which its business records; ``intact``
hashes the stored bytes again before they are handed out. ``after_commit`` issues one once the business
step it belongs to has committed (a failure is logged and left to the jobs).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

import attrs

from p2pstock.core.errors import NotFound, P2PStockError, Refused, StorageError
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.documents import DocumentStore

log = logging.getLogger(__name__)

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


class ContractTampered(Refused):
    """A stored agreement no longer matches the hash recorded when it was issued."""

    code = "contract_tampered"


def intact(store: DocumentStore, sha256: str, of: str) -> bytes:
    """The agreement stored under ``sha256`` (of the record ``of``), hashed again first."""
    if not sha256:
        raise NotFound(f"{of} has no agreement yet", code="contract_not_issued", of=of)
    try:
        content = store.get(sha256)
    except StorageError:
        content = b""
    if hashlib.sha256(content).hexdigest() != sha256:
        log.error("the agreement of %s no longer matches its hash", of)
        raise ContractTampered(f"the agreement of {of} was changed after it was issued", of=of)
    return content


def after_commit(hooks: Sequence[Callable[[str], object]], of: str) -> None:
    """Call each of ``hooks`` with ``of`` (a loan, a purchase, an allocation) once its transaction
    committed; a failure is logged and left to the jobs (they issue an agreement a hook could not)."""
    for hook in hooks:
        try:
            hook(of)
        except (P2PStockError, OSError) as error:
            log.warning("after %s: %s: %s", of, type(error).__name__, error)
