"""Inline-button data: how the bot writes it and the strict parser it reads it back with.

Callback data comes back from the user's device, so it is untrusted input. ``parse`` accepts only the
exact shapes the bot writes — a prefix and fields checked one by one (ASCII digits, known names, bounded
lengths) — and answers ``None`` for anything else, which the bot answers as an outdated button and acts
on no further. A button never carries an amount or a customer: those stay on the server, and a button
only names which of the user's own pending steps it confirms.

::

    m:<item>                 a main-menu item (MENU_ITEMS)
    lang:<zh|en>             choose a language
    doc:<kind>               choose the kind of document to upload (DocumentKind)
    st:<page>[:<period>]     a page of fund activity (0–9999), of a period (month, last)
    st:<page>:<period>:<kind>   … of one kind of business (the period: all, month or last; KINDS)
    sx:<period>[:<kind>]     the fund activity of a period (all, month, last) as a CSV file; sp: as a PDF
    wd:<y|n>:<token>         confirm or cancel the pending withdrawal named by ``token``
    al:<verb>:<subject>      a customer's allocation buttons (allocation_customer.py; ALLOCATION_VERBS)
    ln:<verb>:<subject>      a customer's lending buttons (lending_customer.py; LENDING_VERBS)
    a:<verb>:<subject>       administrators' buttons (the desks admin.py dispatches to; ADMIN_VERBS)
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from p2pstock.core.ledger.activity import KINDS
from p2pstock.core.people.documents import DocumentKind
from p2pstock.core.people.permissions import Permission

MAX_BYTES = 64
"""Telegram's limit on callback data."""

MENU_ROWS = (
    ("wallet", "statement"),
    ("deposit", "withdraw"),
    ("phone", "identity"),
    ("documents", "status"),
    ("allocate", "allocations"),
    ("hall", "borrow"),
    ("loans", "language"),
)
"""The main menu's items, in the rows it shows them in."""
MENU_ITEMS = (
    *(item for row in MENU_ROWS for item in row),
    *("report", "report_on", "report_off", "holdings", "holdings_on", "holdings_off"),
    "transfers",
    *("risk", "contracts", "autoinvest"),
)

_NUMBER = r"(0|[1-9][0-9]{0,3})"
_MESSAGE_ID = r"([1-9][0-9]{0,14})"


@attrs.frozen
class Menu:
    item: str


@attrs.frozen
class ChooseLanguage:
    language: str


@attrs.frozen
class ChooseDocument:
    kind: DocumentKind


@attrs.frozen
class StatementPage:
    page: int
    period: str = ""
    """``""`` (everything), ``month`` or ``last`` (month)."""
    export: str = ""
    """``csv`` or ``pdf``: the period as a file of that format, not a page."""
    kind: str = ""
    """``""`` (every movement) or one kind of business (a key of ``core.ledger.activity.KINDS``)."""


@attrs.frozen
class WithdrawalAnswer:
    confirm: bool
    token: int


@attrs.frozen
class AdminAction:
    """An administrator's button: ``verb`` on ``subject`` (an id the service checks again)."""

    verb: str
    subject: str


@attrs.frozen
class AllocationStep:
    """A customer's allocation button: ``verb`` on ``subject`` (a product, an allocation id …; the service
    checks that it is the customer's own)."""

    verb: str
    subject: str


@attrs.frozen
class LoanStep:
    """A customer's lending button: ``verb`` on ``subject`` (a page, a product, a loan id, a token; the
    service checks what it names)."""

    verb: str
    subject: str


Callback = (
    Menu
    | ChooseLanguage
    | ChooseDocument
    | StatementPage
    | WithdrawalAnswer
    | AdminAction
    | AllocationStep
    | LoanStep
)

_MENU = re.compile(f"m:({'|'.join(MENU_ITEMS)})")
_LANGUAGE = re.compile(r"lang:(zh|en)")
_DOCUMENT = re.compile(f"doc:({'|'.join(kind.value for kind in DocumentKind)})")
EXPORTS = {"sx": "csv", "sp": "pdf"}
"""A fund activity file's button prefix → its format."""
_KIND = f"({'|'.join(KINDS)})"
_STATEMENT = re.compile(f"st:{_NUMBER}(?::(month|last))?")
_STATEMENT_OF_KIND = re.compile(f"st:{_NUMBER}:(all|month|last):{_KIND}")
_EXPORT = re.compile(f"(sx|sp):(all|month|last)(?::{_KIND})?")
_WITHDRAWAL = re.compile(f"wd:(y|n):{_MESSAGE_ID}")
ADMIN_QUEUES = (
    "documents",
    "identities",
    "withdrawals",
    "approvals",
    "audit",
    "stats",
    "roles",
    "allocations",
    "loans",
    "products",
    "capital",
    "calendar",
    "payments",
    "dashboard",
    "customers",
    "reserve",
    "stress",
)
LOAN_QUEUES = ("applied", "reviewed", "full", "repaying")
ALLOCATION_QUEUES = ("review", "confirmed", "running", "requests", "import", "flagged")
ALLOCATION_VERBS = (
    "prod",  # subject: a product code, to choose its leverage
    "lev",  # subject: <leverage>:<product code>
    "ack",  # subject: <leverage>:<product code>, the choice the risk disclosure was accepted for
    "apply",  # subject: the token of the application being confirmed
    "list",  # subject: a page of the customer's allocations
    "show",  # subject: an allocation id (so are the rest)
    "pay",  # subject: <component>:<allocation id>
    "cancel",
    "pw",
    "chart",
    "tl",
    "doc",  # the allocation agreement's PDF
    "renew",  # subject: on|off:<allocation id>, automatic renewal
    "top",
    "ext",
    "pro",
    "end",
    "grow",  # subject: an allocation id, to expand (the deposit to add is asked for)
    "shrink",  # subject: an allocation id, to reduce (the deposit to take out is asked for)
    "ask",  # subject: the token of the side request being confirmed (top-up, extension, profit, end)
    "drop",  # subject: the token of the application or side request being abandoned
)
_ALLOCATION = re.compile(f"al:({'|'.join(ALLOCATION_VERBS)}):([A-Za-z0-9_.:-]{{1,48}})")
LENDING_VERBS = (
    "hall",  # subject: a page of the financing hall, and the filter it is shown with (<page>:<filter>)
    "show",  # subject: a loan id, as investors see it
    "inv",  # subject: a loan id, to invest in (the amount is asked for)
    "prod",  # subject: a product code, to borrow under (a method is chosen next)
    "meth",  # subject: <method>:<product code>
    "mine",  # subject: a page of the customer's loans and investments
    "loan",  # subject: a loan id, as its borrower sees it
    "pay",  # subject: a loan id, to repay what is due
    "early",  # subject: a loan id, to repay in full
    "wd",  # subject: a loan id, an application to withdraw
    "ok",  # subject: the token of the step being confirmed (an application, investment or repayment)
    "drop",  # subject: the token of the step being abandoned
    "auto",  # subject: <action>[.<argument>] on the customer's auto-invest rule (lending_auto.ACTIONS)
    "th",  # subject: a page of the debt transfer hall (lending_transfer.py)
    "tbuy",  # subject: a sale's id, to buy from (the principal is asked for)
    "tsell",  # subject: an investment id, to sell from (the principal, then the discount, is asked for)
    "tmine",  # subject: a page of the customer's own sales
    "tcan",  # subject: a sale's id, to take back
    "ack",  # subject: the loan id to invest in once the risk disclosure is accepted, or "-"
    "ct",  # subject: a loan id, whose agreement's PDF is sent
    "ctp",  # subject: a debt purchase's id, whose transfer agreement's PDF is sent
)
_LENDING = re.compile(f"ln:({'|'.join(LENDING_VERBS)}):([A-Za-z0-9_.:-]{{1,48}})")
ROLE_STEPS = ("appoint", "change", "deactivate", "define")
_ADMIN_ID = r"[A-Za-z0-9_.:@=-]{1,48}"
_ROLE_NAME = r"[a-z]+(?:_[a-z]+)*"
_PERMISSIONS = "|".join(re.escape(permission.value) for permission in Permission)
_PAGE = r"(@(0|[1-9][0-9]{0,2}))?"
_FLAGGED = r"[A-Za-z0-9_.-]{1,32}:[0-9]{8}:[1-9][0-9]{0,3}"
"""A daily status held as implausible: its allocation, day and revision (allocation_flagged.py)."""
"""A page of a list after its name (admin_views.py), the first when left out."""
ADMIN_VERBS = {
    "menu": f"({'|'.join(ADMIN_QUEUES)}){_PAGE}",  # subject: a menu entry[@page]
    "doc_ok": _ADMIN_ID,
    "doc_no": _ADMIN_ID,
    "id_ok": _ADMIN_ID,
    "id_no": _ADMIN_ID,
    "wd_ok": _ADMIN_ID,
    "wd_no": _ADMIN_ID,
    "ap_ok": _ADMIN_ID,
    "ap_no": _ADMIN_ID,
    "roles": "|".join(ROLE_STEPS),  # subject: a step of role management
    "new_role": _ROLE_NAME,  # subject: a role name, for the appointment being made
    "ro_admin": _ADMIN_ID,  # subject: an administrator id, whose role is to change
    "ro_set": f"{_ROLE_NAME}:.+",  # subject: <role name>:<administrator id>, a role to give or take
    "off_ask": _ADMIN_ID,  # subject: an administrator id, to deactivate once confirmed
    "off_ok": _ADMIN_ID,
    "off_keep": _ADMIN_ID,
    "rd_perm": _PERMISSIONS,  # subject: a permission, ticked or unticked in the role being defined
    "rd_done": _ROLE_NAME,  # subject: the name of the role being defined, its permissions chosen
    "rd_skip": _ROLE_NAME,  # subject: the name of the role being defined, without a description
    "al_q": f"({'|'.join(ALLOCATION_QUEUES)}){_PAGE}",  # subject: a list of allocations[@page]
    "al_show": _ADMIN_ID,  # subject: an allocation id
    "cu_show": _ADMIN_ID,  # subject: a customer id, whose page to show
    "al_call": f"(confirmed|no_answer|declined):{_ADMIN_ID}",  # subject: <call outcome>:<allocation id>
    "al_ok": _ADMIN_ID,  # confirm the allocation
    "al_no": _ADMIN_ID,  # reject the allocation (a reason is asked for)
    "al_assign": _ADMIN_ID,  # assign the sub-account (code and password are asked for)
    "al_status": _ADMIN_ID,  # enter a daily status
    "al_settle": _ADMIN_ID,  # settle (the final assets are asked for)
    "al_chart": _ADMIN_ID,  # the chart of assets against the lines
    "al_tl": _ADMIN_ID,  # the timeline (its last events)
    "rq_ok": _ADMIN_ID,  # subject: a side request id
    "sf_ok": _FLAGGED,  # subject: <allocation id>:<YYYYMMDD>:<revision>, a status held, to put into effect
    "sf_no": _FLAGGED,  # … to reject (a reason is asked for)
    "rq_no": _ADMIN_ID,
    "ln_q": f"({'|'.join(LOAN_QUEUES)}){_PAGE}",  # subject: a list of loans[@page]
    "ln_first": _ADMIN_ID,  # subject: a loan id, to pass its first review
    "ln_final": _ADMIN_ID,  # list it (the final review)
    "ln_full": _ADMIN_ID,  # pass the full review: disburse
    "ln_no": _ADMIN_ID,  # reject at a review (a reason is asked for)
    "ln_ref": _ADMIN_ID,  # refuse at the full review (a reason is asked for)
    "ln_wo": _ADMIN_ID,  # write a loan being repaid off (a reason is asked for; lending_guarantee.py)
    "rs_fund": r"[a-z0-9_.]+",  # subject: a loan product code, whose guarantee reserve to fund
    "rs_ok": _ADMIN_ID,  # subject: the token of the funding shown, to carry it out
    "cal_year": r"\d{4}",  # subject: a year, to show what the calendar knows of it
    "cal_load": "-",  # subject: "-", a notice of closures is asked for
    "cal_ok": _ADMIN_ID,  # subject: the token of the notice read, to load it
    "cal_day": "-",  # subject: "-", a day's override is asked for
    "pd_file": "-",  # subject: "-", a product file is asked for
    "pd_ok": _ADMIN_ID,  # subject: the token of the products previewed, to publish them
    "pd_off": r"[al]:[a-z0-9_.]+",  # subject: a:<code> (allocation) or l:<code> (loan), to withdraw it
    "pd_export": "-",  # subject: "-", the products sent as a file
    "pd_new": "[al]",  # subject: a or l, a new product asked for field by field
    "pd_edit": r"[al]:[a-z0-9_.]+",  # subject: a:<code> or l:<code>, a new version asked field by field
    "cap_move": "in|out",  # subject: in or out, the amount and reference are asked for
    "cap_ok": _ADMIN_ID,  # subject: the token of the movement shown, to carry it out
    "pay_cr": _ADMIN_ID,  # subject: a held payment order, to credit what arrived (a reason is asked)
    "pay_rf": _ADMIN_ID,  # subject: a held payment order, to record its refund (a reason is asked)
}
"""Verb → the exact shape of its subject (most are an id, which the service checks again)."""
_ADMIN = re.compile(f"a:({'|'.join(ADMIN_VERBS)}):({_ADMIN_ID})")
_ADMIN_SUBJECTS = {verb: re.compile(shape) for verb, shape in ADMIN_VERBS.items()}


def _period(written: str) -> str:
    """A period as ``StatementPage`` holds it: ``all`` is ``""``."""
    return "" if written == "all" else written


def role_and_admin(subject: str) -> tuple[str, str]:
    """The role name and the administrator id an ``ro_set`` subject names."""
    role, admin_id = subject.split(":", 1)
    return role, admin_id


def parse(data: object) -> Callback | None:
    """The button ``data`` names, or ``None`` when it is not exactly something the bot writes."""
    if not isinstance(data, str) or not data.isascii() or len(data) > MAX_BYTES:
        return None
    if match := _MENU.fullmatch(data):
        return Menu(match[1])
    if match := _LANGUAGE.fullmatch(data):
        return ChooseLanguage(match[1])
    if match := _DOCUMENT.fullmatch(data):
        return ChooseDocument(DocumentKind(match[1]))
    if match := _STATEMENT.fullmatch(data):
        return StatementPage(int(match[1]), match[2] or "")
    if match := _STATEMENT_OF_KIND.fullmatch(data):
        return StatementPage(int(match[1]), _period(match[2]), kind=match[3])
    if match := _EXPORT.fullmatch(data):
        return StatementPage(0, _period(match[2]), export=EXPORTS[match[1]], kind=match[3] or "")
    if match := _WITHDRAWAL.fullmatch(data):
        return WithdrawalAnswer(match[1] == "y", int(match[2]))
    if match := _ALLOCATION.fullmatch(data):
        return AllocationStep(match[1], match[2])
    if match := _LENDING.fullmatch(data):
        return LoanStep(match[1], match[2])
    if match := _ADMIN.fullmatch(data):
        verb, subject = match[1], match[2]
        return AdminAction(verb, subject) if _ADMIN_SUBJECTS[verb].fullmatch(subject) else None
    return None


def write(callback: Callback) -> str:
    """The data of a button for ``callback``; what ``parse`` reads back the same."""
    match callback:
        case Menu(item):
            data = f"m:{item}"
        case ChooseLanguage(language):
            data = f"lang:{language}"
        case ChooseDocument(kind):
            data = f"doc:{kind.value}"
        case StatementPage(_, period, "csv" | "pdf" as export, kind):
            prefix = next(prefix for prefix, name in EXPORTS.items() if name == export)
            data = f"{prefix}:{period or 'all'}{f':{kind}' if kind else ''}"
        case StatementPage(page, period, _, kind) if kind:
            data = f"st:{page}:{period or 'all'}:{kind}"
        case StatementPage(page, period):
            data = f"st:{page}:{period}" if period else f"st:{page}"
        case WithdrawalAnswer(confirm, token):
            data = f"wd:{'y' if confirm else 'n'}:{token}"
        case AdminAction(verb, subject):
            data = f"a:{verb}:{subject}"
        case AllocationStep(verb, subject):
            data = f"al:{verb}:{subject}"
        case LoanStep(verb, subject):
            data = f"ln:{verb}:{subject}"
    if parse(data) != callback:
        raise ValueError(f"{callback!r} cannot be written as button data")
    return data


def accepts(*kinds: type) -> Callable[[object], bool]:
    """A ``CallbackQueryHandler`` pattern: true for data that parses as one of ``kinds``."""
    return lambda data: isinstance(parse(data), kinds)
