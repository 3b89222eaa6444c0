"""Papers a customer acknowledges before doing business: the lender's risk disclosure (风险揭示书) before the
first investment, the allocation agreement and risk disclosure before the first allocation, and later
versions of them.

A ``Paper`` is named and versioned; its text lives with the frontend that shows it, under the same name and
version, so what a customer accepted can always be shown again. An acknowledgement records the customer,
the paper, its version and when; acknowledging again is harmless. A new version must be acknowledged anew.
``acknowledging`` records and checks acknowledgements.
"""

from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class Paper:
    name: str
    version: int

    @property
    def key(self) -> str:
        """Where its text is kept: ``paper.<name>.v<version>``."""
        return f"paper.{self.name}.v{self.version}"


LENDING_RISK = Paper("lending_risk", 1)
"""The lending risk disclosure (出借人风险揭示书) an investor accepts before the first investment."""
ALLOCATION_RISK = Paper("allocation_risk", 1)
"""The allocation agreement's terms and risk disclosure (配资协议及风险揭示书) a customer accepts before
the first application."""


@attrs.frozen
class Acknowledgement:
    customer_id: str
    paper: str
    version: int
    at: int
    """When it was accepted (microseconds)."""


class AcknowledgementRepository(Protocol):
    def get(self, customer_id: str, paper: str, version: int) -> Acknowledgement | None: ...
    def add(self, acknowledgement: Acknowledgement) -> None:
        """``TransientConflict`` if the customer acknowledged that version already."""
        ...

    def of_customer(self, customer_id: str) -> list[Acknowledgement]:
        """The customer's acknowledgements, the earliest first."""
        ...
