"""A customer's stock fund allocations (配资) in the bot: the rate table and an application, payment of each
component (补缴), the allocations with their detail, password, chart and timeline, and the side requests
of a running allocation (top-up, extension, profit withdrawal, termination).

Applying::

    📈 m:allocate, /allocate   rate table ──al:prod:<code>──► leverages ──al:lev:<L>:<code>──► deposit typed
    ──► term typed ──► quote with al:apply:<token> / al:drop:<token> ──► allocations.apply ──► detail

A side request::

    al:top|ext|pro:<id> ──► amount or periods typed ──► confirm al:ask:<token> / al:drop:<token>
    al:end:<id> ──────────────────────────────────────► confirm al:ask:<token> / al:drop:<token>

Every ``al:`` button is an entry point of the customer's conversation (conversation.py): it leaves a
half-finished step, and the buttons that ask for typing enter the states below. The pending application
(``user_state["allocation_draft"]``) and side request (``user_state["allocation_ask"]``) stay in the
user's UI state; their confirm buttons name a token (the id of the message that completed them), so a
button of an earlier one is outdated. Applying is not idempotent in core: the draft remembers the
allocation it made, and a tap while the first is still being applied is answered "one moment". Paying,
cancelling and asking again are idempotent in core. Buttons name allocations by id; core checks that each
is the customer's own (another customer's is "not found").

The sub-account password is sent once, with ``protect_content``, and kept out of the logs: PTB logs the
parameters of every Bot API call at DEBUG, so the send runs under a filter that blanks any record holding
the password. It counts as shown only once Telegram accepted the message (core's ``password_to_send`` /
``password_sent``): a send Telegram refused is released at once, and a second press while it is on its
way is told to wait.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import tzinfo
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import allocation_requests as requests
from p2pstock.bots.telegram import allocation_timeline
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.allocation_press import (
    ASK,
    DEPOSIT,
    DRAFT,
    TERM,
    basis_points,
    confirm,
    local_time,
)
from p2pstock.bots.telegram.confirming import confirmed_once, pending, request_id
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    chat_id_of,
    customer_of,
    edit,
    message_of,
    outdated,
    query_of,
    say,
    tell_error,
    typed_amount,
)
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import deposit_range as _deposit_range
from p2pstock.bots.telegram.product_cards import per_period as _per
from p2pstock.bots.telegram.product_cards import ppm_percent as _ppm_percent
from p2pstock.bots.telegram.product_cards import rate_table_text
from p2pstock.bots.telegram.product_cards import term_unit as _unit
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.password import PasswordOnItsWay
from p2pstock.core.allocation.products import Component, Product
from p2pstock.core.allocation.risk import read_risk
from p2pstock.core.errors import InvalidInput, P2PStockError, Refused
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import Customer, KycStatus

END = ConversationHandler.END
log = logging.getLogger(__name__)

LIST_PAGE = 8
"""Allocations on one page of the list."""
_MAX_PAGE = 999
_SECRET_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "httpx", "httpcore")


# -- the rate table and an application ----------------------------------------------------------------


async def show_rate_table(update: Update, context: BotContext) -> int:
    """Every product on offer with its terms, and a button per product."""
    customer = await customer_of(update, context)
    lang = customer.language
    products = await call(context.services.products.rate_table)
    if not products:
        await say(update, context, text("alloc.table.empty", lang))
        return END
    rows = [
        [choice]
        for product in products
        if (choice := _button(product.name, cb.AllocationStep("prod", product.code))) is not None
    ]
    await say(update, context, rate_table_text(products, lang), InlineKeyboardMarkup(rows))
    return END


async def _choose_product(update: Update, context: BotContext, press: Press) -> object:
    product = await _offered(context, press.subject)
    if product is None:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    lang = press.lang
    rows = [
        [choice]
        for rate in product.rates
        if (
            choice := _button(
                text(
                    "alloc.leverage.button",
                    lang,
                    leverage=rate.leverage,
                    rate=_ppm_percent(rate.rate_ppm),
                    per=_per(product.mode, lang),
                ),
                cb.AllocationStep("lev", f"{rate.leverage}:{product.code}"),
            )
        )
        is not None
    ]
    await say(
        update, context, text("alloc.leverage.choose", lang, name=product.name), InlineKeyboardMarkup(rows)
    )
    return END


async def _choose_leverage(update: Update, context: BotContext, press: Press) -> object:
    leverage, _, code = press.subject.partition(":")
    product = await _offered(context, code)
    if product is None or not leverage.isdigit() or int(leverage) not in {r.leverage for r in product.rates}:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    context.user_state[DRAFT] = {
        "product": product.code,
        "version": product.version,
        "leverage": int(leverage),
    }
    await say(
        update,
        context,
        text(
            "alloc.deposit.ask", press.lang, **_deposit_range(product), name=product.name, leverage=leverage
        ),
    )
    return DEPOSIT


async def got_deposit(update: Update, context: BotContext) -> object:
    """The deposit typed: read as money and checked by the product's quote; then the term is asked."""
    customer = await customer_of(update, context)
    lang = customer.language
    draft, product = await _draft_product(update, context, lang)
    if draft is None or product is None:
        return END
    deposit = await typed_amount(update, context, lang)
    if deposit is None:
        return None
    try:
        product.quote(deposit.minor, int(draft["leverage"]), product.term_min)
    except InvalidInput:
        await say(update, context, text("alloc.deposit.bad", lang, **_deposit_range(product)))
        return None
    draft.update(deposit=deposit.minor, term=None, token=None)
    await say(update, context, text("alloc.term.ask", lang, deposit=deposit, **_term_range(product, lang)))
    return TERM


async def got_term(update: Update, context: BotContext) -> object:
    """The term typed: the quote is shown with ✅ apply / ✖️ cancel naming this message."""
    customer = await customer_of(update, context)
    lang = customer.language
    draft, product = await _draft_product(update, context, lang)
    if draft is None or product is None:
        return END
    if not isinstance(draft.get("deposit"), int):
        await say(update, context, text("alloc.draft.lost", lang))
        return END
    typed = (message_of(update).text or "").strip()
    term = int(typed) if typed.isdecimal() and len(typed) <= 4 else 0
    try:
        quote = product.quote(int(draft["deposit"]), int(draft["leverage"]), term)
    except InvalidInput:
        await say(update, context, text("alloc.term.bad", lang, **_term_range(product, lang)))
        return None
    token = message_of(update).message_id
    draft.update(term=term, token=token, applied=None)
    due = "\n".join(
        text("alloc.quote.due", lang, component=_component(part, lang), amount=Money(amount))
        for part, amount in quote.due.items()
    )
    message = text(
        "alloc.quote",
        lang,
        name=product.name,
        mode=name_of(product.mode, lang),
        deposit=Money(quote.deposit),
        leverage=quote.leverage,
        allocated=Money(quote.allocated),
        term=quote.term,
        unit=_unit(product.mode, lang),
        warning=Money(quote.warning_line),
        liquidation=Money(quote.liquidation_line),
        fee=Money(quote.fee_per_period),
        per=_per(product.mode, lang),
        due=due,
        total=Money(quote.total_due),
        minutes=product.payment_deadline_minutes,
    )
    await say(update, context, message, confirm(lang, "apply", token, "alloc.apply.button"))
    return END


async def _apply(update: Update, context: BotContext, press: Press) -> object:
    async def apply(draft: dict[str, Any]) -> object:
        return await _apply_draft(update, context, press, draft)

    return await confirmed_once(update, context, press.lang, key=DRAFT, token=press.subject, then=apply)


async def _apply_draft(update: Update, context: BotContext, press: Press, draft: dict[str, Any]) -> object:
    lang, customer = press.lang, press.customer
    if isinstance(draft.get("applied"), str):  # a second tap: the allocation made by the first
        await _show(update, context, customer, str(draft["applied"]), header="alloc.applied")
        return END
    product = await _offered(context, str(draft["product"]))
    if product is None or product.version != draft.get("version"):
        context.user_state.pop(DRAFT, None)
        await edit(update, text("alloc.product.gone", lang))
        return END
    try:
        allocation = await call(
            context.services.allocations.apply,
            customer.id,
            product=product.code,
            deposit=int(draft["deposit"]),
            leverage=int(draft["leverage"]),
            term=int(draft["term"]),
            request_id=request_id(update, draft["token"]),
        )
    except Refused as error:
        if customer.status is not KycStatus.VERIFIED:
            await say(update, context, text("alloc.verify_first", lang), _verify_buttons(lang))
        else:
            await tell_error(update, context, error, lang)
        return END
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        return END
    draft["applied"] = allocation.id
    await _render(update, context, allocation, lang, header="alloc.applied")
    return END


async def _drop(update: Update, context: BotContext, press: Press) -> object:
    """✖️ under a quote or a side request's confirmation: forget it."""
    for key, done in ((DRAFT, "applied"), (ASK, "done")):
        step = pending(context, key, press.subject)
        if step is not None and not step.get(done):
            context.user_state.pop(key, None)
            await query_of(update).answer()
            await edit(update, text("alloc.dropped", press.lang))
            return END
    await outdated(update, press.lang)
    return None


# -- the customer's allocations ------------------------------------------------------------------------


async def show_list(update: Update, context: BotContext) -> int:
    """The customer's allocations, newest first, a button each."""
    customer = await customer_of(update, context)
    message, markup = await _list_page(context, customer, 0)
    await say(update, context, message, markup)
    return END


async def _turn_list(update: Update, context: BotContext, press: Press) -> object:
    if not press.subject.isdigit() or int(press.subject) > _MAX_PAGE:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    message, markup = await _list_page(context, press.customer, int(press.subject))
    await edit(update, message, markup)
    return END


async def _list_page(context: BotContext, customer: Customer, page: int) -> tuple[str, InlineKeyboardMarkup]:
    lang = customer.language
    mine = await call(context.services.allocations.of_customer, customer.id)
    if not mine:
        return text("alloc.list.empty", lang), InlineKeyboardMarkup(
            [[button(text("menu.allocate", lang), cb.Menu("allocate"))]]
        )
    page = min(page, (len(mine) - 1) // LIST_PAGE)
    shown = mine[page * LIST_PAGE : (page + 1) * LIST_PAGE]
    lines = [text("alloc.list.title", lang, page=page + 1)]
    rows: list[list[InlineKeyboardButton]] = []
    for number, allocation in enumerate(shown, start=page * LIST_PAGE + 1):
        status = _status(allocation, lang)
        lines.append(
            text(
                "alloc.list.line",
                lang,
                number=number,
                id=allocation.id,
                name=allocation.product.name,
                allocated=Money(allocation.allocated),
                status=status,
            )
        )
        choice = _button(
            text("alloc.list.button", lang, id=allocation.id, status=status), _step("show", allocation)
        )
        if choice is not None:
            rows.append([choice])
    turns = []
    if page > 0:
        turns.append(button(text("statement.previous", lang), cb.AllocationStep("list", str(page - 1))))
    if len(mine) > (page + 1) * LIST_PAGE:
        turns.append(button(text("statement.next", lang), cb.AllocationStep("list", str(page + 1))))
    if turns:
        rows.append(turns)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _show_detail(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    await _show(update, context, press.customer, press.subject)
    return END


async def _show(
    update: Update, context: BotContext, customer: Customer, allocation_id: str, *, header: str = ""
) -> None:
    allocations, lang = context.services.allocations, customer.language
    allocation = await attempt(update, context, lang, allocations.get, allocation_id, customer_id=customer.id)
    await _render(update, context, allocation, customer.language, header=header)


async def _render(
    update: Update, context: BotContext, allocation: Allocation, lang: str, *, header: str = ""
) -> None:
    """Replace the message whose button was pressed with the allocation's detail and its buttons."""
    body = detail_text(allocation, lang, context.services.ledger.timezone)
    await edit(
        update, f"{text(header, lang)}\n\n{body}" if header else body, detail_buttons(allocation, lang)
    )


def detail_text(allocation: Allocation, lang: str, zone: tzinfo) -> str:
    """Everything the customer may know of ``allocation``, a line each."""
    a = allocation
    lines = [
        text(
            "alloc.detail.title",
            lang,
            id=a.id,
            name=a.product.name,
            mode=name_of(a.mode, lang),
        ),
        text("alloc.detail.status", lang, status=_status(a, lang)),
        *_state_lines(a, lang),
        text(
            "alloc.detail.funds",
            lang,
            deposit=Money(a.deposit),
            leverage=a.leverage,
            allocated=Money(a.allocated),
        ),
        text(
            "alloc.detail.term",
            lang,
            term=a.term,
            unit=_unit(a.mode, lang),
            fee=Money(a.fee_per_period),
            per=_per(a.mode, lang),
        ),
    ]
    if a.status.awaiting_payment:
        lines += _due_lines(a, lang, zone)
    lines += _trading_lines(a, lang)
    lines += _closing_lines(a, lang)
    return "\n".join(lines)


def _state_lines(a: Allocation, lang: str) -> list[str]:
    lines = []
    if a.running:
        lines.append(text("alloc.detail.risk", lang, risk=text(f"alloc.risk.{a.risk.value}", lang)))
    if a.overdue:
        lines.append(text("alloc.detail.overdue", lang, amount=Money(a.fees_unpaid)))
    if a.terminating and a.status is Status.IN_PROGRESS:
        lines.append(text("alloc.detail.terminating", lang))
    return lines


def _trading_lines(a: Allocation, lang: str) -> list[str]:
    """Dates, sub-account, lines, the latest assets and the money of a confirmed or running allocation."""
    lines = []
    if a.start_date is not None and a.end_date is not None:
        lines.append(
            text("alloc.detail.dates", lang, start=a.start_date.isoformat(), end=a.end_date.isoformat())
        )
    if a.sub_account:
        lines.append(text("alloc.detail.sub_account", lang, sub_account=a.sub_account))
    if a.warning_line:
        lines.append(
            text(
                "alloc.detail.lines",
                lang,
                warning=Money(a.warning_line),
                liquidation=Money(a.liquidation_line),
            )
        )
    if a.last_assets is not None and a.last_status_date is not None:
        lines.append(
            text("alloc.detail.assets", lang, assets=Money(a.last_assets), day=a.last_status_date.isoformat())
        )
        if a.warning_line:
            lines.append(text("alloc.detail.ratio", lang, ratio=_ratio(a, a.last_assets)))
    if a.start_date is not None:
        lines.append(text("alloc.detail.fees", lang, paid=Money(a.fees_paid), unpaid=Money(a.fees_unpaid)))
        if Component.RISK_FUND in a.due:
            lines.append(text("alloc.detail.risk_fund", lang, amount=Money(a.risk_fund)))
        lines.append(
            text("alloc.detail.extras", lang, top_ups=Money(a.top_ups), profit=Money(a.profit_withdrawn))
        )
    return lines


def _closing_lines(a: Allocation, lang: str) -> list[str]:
    """The settlement, or why the allocation was rejected or cancelled."""
    lines = []
    if a.settlement is not None:
        s = a.settlement
        lines.append(
            text(
                "alloc.detail.settlement",
                lang,
                final=Money(s.final_assets),
                payout=Money(max(s.payout, 0)),
                fees=Money(s.fees_collected),
                from_fund=Money(s.from_risk_fund),
                refund=Money(s.refund),
            )
        )
        if s.receivable:
            lines.append(text("alloc.detail.receivable", lang, amount=Money(s.receivable)))
        if s.loss:
            lines.append(text("alloc.detail.loss", lang, amount=Money(s.loss)))
    if a.reason and a.status in (Status.REJECTED, Status.CANCELLED):
        lines.append(text("alloc.detail.reason", lang, reason=a.reason))
    return lines


def detail_buttons(allocation: Allocation, lang: str) -> InlineKeyboardMarkup:
    """The actions that make sense in the allocation's status."""
    a = allocation
    wanted: list[list[tuple[str, cb.AllocationStep]]] = []
    if a.status.awaiting_payment:
        for part, amount in a.outstanding.items():
            label = text("alloc.button.pay", lang, component=_component(part, lang), amount=Money(amount))
            wanted.append([(label, cb.AllocationStep("pay", f"{part.value}:{a.id}"))])
    if a.status.awaiting_payment or (a.status is Status.UNDER_REVIEW and not a.calls):
        wanted.append([(text("alloc.button.cancel", lang), _step("cancel", a))])
    if a.running and a.sealed_password and not a.password_shown:
        wanted.append([(text("alloc.button.password", lang), _step("pw", a))])
    views = [(text("alloc.button.timeline", lang), _step("tl", a))]
    if a.warning_line:
        views.insert(0, (text("alloc.button.chart", lang), _step("chart", a)))
    wanted.append(views)
    if a.running:
        wanted.append(
            [
                (text("alloc.button.top_up", lang), _step("top", a)),
                (text("alloc.button.extension", lang), _step("ext", a)),
            ]
        )
        last = [(text("alloc.button.profit", lang), _step("pro", a))]
        if not a.terminating:
            last.append((text("alloc.button.termination", lang), _step("end", a)))
        wanted.append(last)
    wanted.append(
        [
            (text("alloc.button.refresh", lang), _step("show", a)),
            (text("alloc.button.list", lang), cb.AllocationStep("list", "0")),
        ]
    )
    rows = [[b for label, step in row if (b := _button(label, step)) is not None] for row in wanted]
    return InlineKeyboardMarkup([row for row in rows if row])


def _due_lines(a: Allocation, lang: str, zone: tzinfo) -> list[str]:
    lines = [text("alloc.detail.due_title", lang, deadline=local_time(a.deadline, zone))]
    for part, amount in a.due.items():
        key = "alloc.detail.due_paid" if part in a.holds else "alloc.detail.due_open"
        lines.append(text(key, lang, component=_component(part, lang), amount=Money(amount)))
    lines.append(text("alloc.detail.due_total", lang, total=Money(sum(a.due.values())), paid=Money(a.paid)))
    return lines


# -- paying, cancelling, the password ------------------------------------------------------------------


async def _pay(update: Update, context: BotContext, press: Press) -> object:
    part, _, allocation_id = press.subject.partition(":")
    if part not in {c.value for c in Component} or not allocation_id:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    services = context.services
    allocation = await attempt(
        update,
        context,
        press.lang,
        services.allocations.pay,
        allocation_id,
        Component(part),
        customer_id=press.customer.id,
    )
    await _render(update, context, allocation, press.lang)
    return END


async def _cancel(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    allocation = await attempt(
        update,
        context,
        press.lang,
        context.services.allocations.cancel,
        press.subject,
        customer_id=press.customer.id,
    )
    await _render(update, context, allocation, press.lang, header="alloc.cancelled")
    return END


async def _password(update: Update, context: BotContext, press: Press) -> object:
    """The sub-account password, once: sent protected and never logged, counted as shown only once Telegram
    accepted the message (a refused send leaves it to be asked for again), then the advice to change it."""
    await query_of(update).answer()
    lang, customer_id = press.lang, press.customer.id
    allocations = context.services.allocations
    try:
        allocation = await call(allocations.get, press.subject, customer_id=customer_id)
        delivery = await call(allocations.password_to_send, press.subject, customer_id=customer_id)
    except PasswordOnItsWay:
        await say(update, context, text("alloc.password.on_its_way", lang))
        return END
    except Refused:
        await say(update, context, text("alloc.password.refused", lang))
        return END
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        return END
    message = text(
        "alloc.password.show",
        lang,
        id=allocation.id,
        sub_account=allocation.sub_account,
        password=delivery.password,
    )
    try:
        with unlogged(delivery.password):
            await context.bot.send_message(chat_id=chat_id_of(update), text=message, protect_content=True)
    except TelegramError as error:
        log.warning("the password of allocation %s was not sent (%s)", allocation.id, type(error).__name__)
        await call(allocations.password_not_sent, allocation.id, customer_id=customer_id, hold=delivery.hold)
        with contextlib.suppress(TelegramError):  # the chat may refuse this too (the bot was blocked)
            await say(update, context, text("alloc.password.not_sent", lang))
        return END
    await call(allocations.password_sent, allocation.id, customer_id=customer_id)
    await say(update, context, text("alloc.password.keep_safe", lang))
    await _show(update, context, press.customer, allocation.id)
    return END


@contextlib.contextmanager
def unlogged(secret: str) -> Iterator[None]:
    """While inside, a log record of the Bot API client that holds ``secret`` is logged without it."""
    blank = _Blank(secret)
    loggers = [logging.getLogger(name) for name in _SECRET_LOGGERS]
    for logger in loggers:
        logger.addFilter(blank)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(blank)


class _Blank(logging.Filter):
    """Blanks a record that shows the secret as it is, or escaped as ``repr`` or JSON would show it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        escaped = secret.replace("\\", "\\\\")
        forms = {
            secret,
            escaped,
            escaped.replace("'", "\\'"),
            escaped.replace('"', '\\"'),
            repr(secret)[1:-1],
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
        }
        self._forms = tuple(form for form in forms if form)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            shown = record.getMessage()
        except (TypeError, ValueError):
            shown = f"{record.msg} {record.args}"
        if any(form in shown for form in self._forms):
            record.msg, record.args = "[a message with a secret, not logged]", None
        return True


# -- the buttons -----------------------------------------------------------------------------------------

Action = Callable[[Update, BotContext, Press], Awaitable[object]]

ACTIONS: dict[str, Action] = {
    "prod": _choose_product,
    "lev": _choose_leverage,
    "apply": _apply,
    "drop": _drop,
    "list": _turn_list,
    "show": _show_detail,
    "pay": _pay,
    "cancel": _cancel,
    "pw": _password,
    "chart": allocation_timeline.chart,
    "tl": allocation_timeline.show_timeline,
    "top": requests.ask_top_up,
    "ext": requests.ask_extension,
    "pro": requests.ask_profit,
    "end": requests.ask_termination,
    "ask": requests.send_request,
}
"""Verb → what its button does (every verb of ``callbacks.ALLOCATION_VERBS``)."""


async def on_button(update: Update, context: BotContext) -> object:
    """Any ``al:`` button: the action of its verb. The next state of the conversation: a typing step,
    ``END``, or ``None`` (unchanged) for a button that was outdated."""
    query = query_of(update)
    step = cb.parse(query.data)
    customer = await customer_of(update, context)
    if not isinstance(step, cb.AllocationStep) or step.verb not in ACTIONS:
        await outdated(update, customer.language)
        return None
    return await ACTIONS[step.verb](update, context, Press.of_customer(customer, step.subject))


# -- helpers ---------------------------------------------------------------------------------------------


async def _offered(context: BotContext, code: str) -> Product | None:
    products = await call(context.services.products.rate_table)
    return next((product for product in products if product.code == code), None)


async def _draft_product(
    update: Update, context: BotContext, lang: str
) -> tuple[dict[str, Any] | None, Product | None]:
    """The pending application and its product as still offered, or (None, None) once the user was told."""
    draft = context.user_state.get(DRAFT)
    if not isinstance(draft, dict) or not isinstance(draft.get("product"), str):
        await say(update, context, text("alloc.draft.lost", lang))
        return None, None
    product = await _offered(context, str(draft["product"]))
    if product is None or product.version != draft.get("version"):
        context.user_state.pop(DRAFT, None)
        await say(update, context, text("alloc.product.gone", lang))
        return None, None
    return draft, product


def _term_range(product: Product, lang: str) -> dict[str, object]:
    return {"low": product.term_min, "high": product.term_max, "unit": _unit(product.mode, lang)}


def _ratio(a: Allocation, assets: int) -> str:
    """R = A / (B + unpaid fees), as core reads it."""
    reading = read_risk(
        a.risk,
        assets,
        warning_line=a.warning_line,
        liquidation_line=a.liquidation_line,
        allocated=a.allocated,
        unpaid_fees=a.fees_unpaid,
    )
    return basis_points(reading.ratio_bp)


def _component(part: Component, lang: str) -> str:
    return name_of(part, lang)


def _status(a: Allocation, lang: str) -> str:
    return name_of(a.status, lang)


def _step(verb: str, allocation: Allocation) -> cb.AllocationStep:
    return cb.AllocationStep(verb, allocation.id)


def _button(label: str, step: cb.AllocationStep) -> InlineKeyboardButton | None:
    """A button for ``step``, or None when its subject is too long for button data."""
    try:
        return button(label, step)
    except ValueError:
        return None


def _verify_buttons(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(text("menu.phone", lang), cb.Menu("phone")),
                button(text("menu.identity", lang), cb.Menu("identity")),
            ],
            [
                button(text("menu.documents", lang), cb.Menu("documents")),
                button(text("menu.status", lang), cb.Menu("status")),
            ],
        ]
    )
