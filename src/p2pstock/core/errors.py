"""Every error p2pstock raises, in one tree.

::

    P2PStockError                      base of everything below; ``str(e)`` is safe to show a customer
    ├── InvalidInput                   bad input: a clear message, nothing changed
    │   ├── MoneyError                 an amount that cannot be parsed or combined (core.money)
    │   └── UnsafeText                 typed text holding a character that cannot be shown as typed
    ├── NotFound                       the account, transfer or request does not exist
    ├── Refused                        a business rule said no; nothing changed
    │   ├── InsufficientFunds          not enough available balance
    │   ├── WithdrawalBlocked          a platform policy forbids this withdrawal now
    │   ├── AlreadyDecided             the request was approved or rejected before
    │   └── IdempotencyConflict        an id was reused with different details
    │       └── DepositMismatch        a gateway confirmed the same transaction with another amount
    ├── LedgerRefused                  a ledger operation answered with a failure result
    └── StorageError                   the storage could not complete the operation
        └── TransientConflict          a serialization failure or deadlock; the operation may be retried

Embedders catch the branch they care about. Every error core raises also carries a ``code``: a stable
snake_case name of its reason (``term_days``, ``allocation_not_found``), given at the raise site or by a
class of its own, with the ``values`` its reason needs as keywords (amounts as ``Money``, days as
``date``, ids as text; never an enum). The English message stays for logs and embedders; a frontend
says the code and its values in the reader's language (the bot's ``refusal.<code>`` texts) and never
passes the English on. A test holds every raise in core to this.
"""

from __future__ import annotations


class P2PStockError(Exception):
    """Base class of every error raised by p2pstock."""

    code: str = ""
    values: dict[str, object]

    def __init__(self, *args: object, code: str = "", **values: object) -> None:
        super().__init__(*args)
        if code:
            self.code = code
        self.values = values


class InvalidInput(P2PStockError, ValueError):
    """The input is malformed or out of range; nothing was changed."""


class UnsafeText(InvalidInput):
    """Text a person typed holds a character that cannot be stored or shown as typed (a control
    character such as NUL, a text-direction override, a zero-width or other invisible character, a line
    separator, half of a surrogate pair); ``what`` names the text and ``character`` the first such
    character (``U+202E``). See ``core.validation.check_text``."""

    code = "unsafe_text"

    def __init__(self, what: str, character: str) -> None:
        super().__init__(
            f"{what} holds a control, invisible or text-direction character ({character}); "
            "type it again without it"
        )
        self.what = what
        self.character = character


class NotFound(P2PStockError, LookupError):
    """The thing asked for does not exist."""


class Refused(P2PStockError):
    """A business rule refused the operation; nothing was changed."""


class InsufficientFunds(Refused):
    """The available balance does not cover the amount."""

    code = "insufficient_funds"


class WithdrawalBlocked(Refused):
    """A platform policy forbids this withdrawal at the moment."""

    code = "withdrawal_blocked"


class AlreadyDecided(Refused):
    """The request has already been decided and cannot be decided again."""


class IdempotencyConflict(Refused):
    """An idempotency key was reused with different details; nothing was changed."""


class DepositMismatch(IdempotencyConflict):
    """A payment gateway confirmed a transaction already credited, but with another amount."""

    code = "deposit_mismatch"


class LedgerRefused(P2PStockError):
    """A ledger operation failed; ``result`` names the precise reason."""

    code = "ledger_refused"

    def __init__(self, message: str, result: object) -> None:
        super().__init__(message)
        self.result = result


class StorageError(P2PStockError):
    """The storage could not complete the operation."""

    code = "storage_failed"


class TransientConflict(StorageError):
    """A serialization failure or deadlock; running the whole operation again is safe."""

    code = "transient_conflict"
