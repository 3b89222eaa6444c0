"""Products in the bot, for administrators holding ``product.manage``: the "🗂 Products" entry of the admin
menu — allocation products (the rate table) and loan products, each with its version and whether it is
offered.

- A product file (TOML, ``p2pstock.core.catalog_file``) sent as a document or typed (``admin.pd_file``) is
  read and shown exactly as customers will see it, with a button that publishes it: every product of the
  file as its next version, in one transaction. A file with problems is answered problem by problem.
- Step by step (``admin.pd_field``): a new product, or a new version of one on offer, is asked field by
  field (``-`` keeps the default or the current value); each answer is read as the file would read it,
  and the product ends in the same preview and publish button.
- Withdraw stops offering a product; export sends the products as a file to edit and send back.

What waits between messages is kept in the user's state under ``STEP``; core checks ``product.manage``
on every call.
"""

from __future__ import annotations

import io
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import (
    END,
    TEXT_OR_FILE,
    Desk,
    Kept,
    asking,
    confirmed,
    deciding,
    problems_told,
    to_confirm,
    typed_or_sent,
    typing,
)
from p2pstock.bots.telegram.context import BotContext, call, chat_id_of, ended, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import loan_products_text, rate_table_text
from p2pstock.bots.telegram.texts import TEXTS, text
from p2pstock.bots.telegram.typed import Typed
from p2pstock.core.allocation.catalog import ProductCatalog
from p2pstock.core.allocation.ports import CatalogEntry
from p2pstock.core.allocation.products import Product
from p2pstock.core.catalog_file import (
    KINDS,
    CatalogFile,
    CatalogUnreadable,
    FileProblem,
    build,
    catalog_text,
    read_field,
)
from p2pstock.core.lending.catalog import LoanCatalog
from p2pstock.core.lending.ports import LoanCatalogEntry
from p2pstock.core.people.permissions import Permission

FILE = "admin.pd_file"
FIELD = "admin.pd_field"
STEP = "admin_products"
"""The user-state key: ``{"step": FILE}``, ``{"step": FIELD, "kind", "index", "values", "current"}`` or
``{"step": "confirm", "token", "file"}`` (the file text waiting for its publish button)."""
KIND_LETTERS = {"a": "allocation_product", "l": "loan_product"}


async def show_menu(update: Update, context: BotContext, press: Press) -> object:
    """Every product with its state, and the buttons to add, change, withdraw and export."""
    services, admin, lang = context.services, press.admin, press.lang
    allocation = await call(services.products.catalogue, by=admin.id)
    loans = await call(services.loan_products.catalogue, by=admin.id)
    lines = [text("admin.pd.menu", lang)]
    rows = []
    for letter, entries in (("a", allocation), ("l", loans)):
        for entry in entries:
            product = entry.product
            state = text("admin.pd.offered" if entry.offered else "admin.pd.withdrawn", lang)
            named = {"code": product.code, "version": product.version, "name": product.name}
            lines.append(text(f"admin.pd.line.{letter}", lang, state=state, **named))
            subject = f"{letter}:{product.code}"
            row = [button(text("admin.pd.edit", lang, code=product.code), cb.AdminAction("pd_edit", subject))]
            if entry.offered:
                row.append(button(text("admin.pd.withdraw", lang), cb.AdminAction("pd_off", subject)))
            rows.append(row)
    if len(lines) == 1:
        lines.append(text("admin.pd.none", lang))
    rows += [
        [button(text("admin.pd.upload", lang), cb.AdminAction("pd_file", "-"))],
        [
            button(text("admin.pd.new.a", lang), cb.AdminAction("pd_new", "a")),
            button(text("admin.pd.new.l", lang), cb.AdminAction("pd_new", "l")),
        ],
        [button(text("admin.pd.export", lang), cb.AdminAction("pd_export", "-"))],
    ]
    return await ended(update, context, "\n".join(lines), InlineKeyboardMarkup(rows))


async def got_file(typed: Typed, _: Kept, __: str) -> object:
    """A product file, typed or as a document: shown as customers will see it, with its publish button."""
    content = await typed_or_sent(typed)
    try:
        products = await call(typed.context.services.product_files.read, content)
    except CatalogUnreadable as unreadable:
        await typed.say("\n".join(problem_lines(unreadable.problems, typed.lang)))
        return FILE
    return await _preview(typed, products, content)


async def _preview(typed: Typed, products: CatalogFile, content: str) -> object:
    """What customers will see, and the button that publishes it (the file waits for it)."""
    parts, lang = [text("admin.pd.preview", typed.lang)], typed.lang
    if products.allocation_products:
        parts.append(rate_table_text(products.allocation_products, lang))
    if products.loan_products:
        parts.append(loan_products_text(products.loan_products, lang))
    return await to_confirm(typed, "\n\n".join(parts), confirm=("admin.pd.publish", "pd_ok"), file=content)


@confirmed
async def _publish(context: BotContext, press: Press, waited: Kept) -> str:
    done = await call(context.services.product_files.publish, str(waited["file"]), by=press.admin.id)
    lines = [text("admin.pd.published", press.lang)]
    lines += [
        text(
            "admin.pd.published_line" if item.changed else "admin.pd.unchanged_line",
            press.lang,
            code=item.code,
            version=item.version,
        )
        for item in done
    ]
    return "\n".join(lines)


@deciding
async def _withdraw(context: BotContext, press: Press) -> str:
    letter, code = press.subject.split(":", 1)
    await call(_catalog(context, letter).withdraw, code, by=press.admin.id)
    return text("admin.pd.withdrawn_now", press.lang, code=code)


def _catalog(context: BotContext, letter: str) -> ProductCatalog | LoanCatalog:
    """The allocation products (``a``) or the loan products (``l``)."""
    return context.services.products if letter == "a" else context.services.loan_products


async def _export(update: Update, context: BotContext, press: Press) -> object:
    content = await call(context.services.product_files.export, by=press.admin.id)
    document = io.BytesIO(content.encode())
    await context.bot.send_document(
        chat_id_of(update), document, filename="products.toml", caption=text("admin.pd.exported", press.lang)
    )
    return END


# -- step by step -------------------------------------------------------------------------------------


async def _start_new(update: Update, context: BotContext, press: Press) -> object:
    kind = KIND_LETTERS[press.subject]
    pending = {"step": FIELD, "kind": kind, "index": 0, "values": {}, "current": {}}
    return await _ask_field(update, context, press.lang, pending)


async def _start_edit(update: Update, context: BotContext, press: Press) -> object:
    """A new version of a product on file: each field asked with its current value offered."""
    letter, code = press.subject.split(":", 1)
    kind = KIND_LETTERS[letter]
    entries: list[CatalogEntry] | list[LoanCatalogEntry] = await call(
        _catalog(context, letter).catalogue, by=press.admin.id
    )
    product = next((entry.product for entry in entries if entry.product.code == code), None)
    if product is None:
        return await ended(update, context, text("outdated", press.lang))
    fields, _make = KINDS[kind]
    current = {f.key: f.show(getattr(product, f.attribute)) for f in fields}
    pending = {"step": FIELD, "kind": kind, "index": 1, "values": {"code": code}, "current": current}
    return await _ask_field(update, context, press.lang, pending)


async def _ask_field(update: Update, context: BotContext, lang: str, pending: dict[str, Any]) -> object:
    fields, _make = KINDS[str(pending["kind"])]
    field = fields[int(pending["index"])]
    context.user_state[STEP] = pending
    lines = [
        text("admin.pd.step", lang, number=int(pending["index"]) + 1, count=len(fields)),
        text(f"admin.pd.field.{field.key}", lang),
    ]
    current = pending["current"].get(field.key)
    if current is not None:
        lines.append(text("admin.pd.current", lang, value=current))
    elif field.optional:
        lines.append(text("admin.pd.default", lang))
    await say(update, context, "\n".join(lines))
    return FIELD


async def got_field(typed: Typed, pending: Kept, answer: str) -> object:
    """One answer: read as the file would read it; the next field, or the product's preview."""
    lang = typed.lang
    fields, _make = KINDS[str(pending["kind"])]
    field = fields[int(pending["index"])]
    values: dict[str, str] = dict(pending["values"])
    if answer != "-":
        values[field.key] = answer
    elif field.key in pending["current"]:
        values[field.key] = str(pending["current"][field.key])
    elif not field.optional:
        await typed.tell("admin.pd.required")
        return FIELD
    if field.key in values:
        try:
            read_field(field, values[field.key], field.key)
        except CatalogUnreadable as unreadable:
            await typed.say("\n".join(problem_lines(unreadable.problems, lang)[1:-1]))
            return FIELD
    pending = {**pending, "values": values, "index": int(pending["index"]) + 1}
    if pending["index"] < len(fields):
        return await _ask_field(typed.update, typed.context, lang, pending)
    return await _finish(typed, str(pending["kind"]), values)


async def _finish(typed: Typed, kind: str, values: dict[str, str]) -> object:
    """The product the answers make, previewed with its publish button; a product rule it breaks told."""
    fields, _make = KINDS[kind]
    try:
        read = {f.key: read_field(f, values[f.key], f.key) for f in fields if f.key in values}
        product = build(kind, read, kind)
    except CatalogUnreadable as unreadable:  # told, and the step ends
        await typed.say("\n".join(problem_lines(unreadable.problems, typed.lang)[:-1]))
        return END
    if isinstance(product, Product):
        content = catalog_text(allocation_products=[product])
    else:
        content = catalog_text(loan_products=[product])
    return await _preview(typed, await call(typed.context.services.product_files.read, content), content)


# -- problems -----------------------------------------------------------------------------------------


def problem_lines(problems: tuple[FileProblem, ...], lang: str) -> list[str]:
    """A file's problems, each where it is and why, in ``lang``."""
    return problems_told(problems, _problem, lang, "admin.pd.unreadable", "file.send_again")


def _problem(problem: FileProblem, lang: str) -> str:
    key = f"admin.pd.why.{problem.code}"
    why = text(key, lang, **dict(problem.values)) if key in TEXTS else problem.text
    return text("admin.pd.problem", lang, where=problem.where, why=why)


# -- wiring -------------------------------------------------------------------------------------------

DESK = Desk(
    {
        "pd_file": asking(STEP, FILE, "admin.pd.ask_file"),
        "pd_ok": _publish,
        "pd_off": _withdraw,
        "pd_export": _export,
        "pd_new": _start_new,
        "pd_edit": _start_edit,
    },
    Permission.PRODUCT_MANAGE,
    typed=(typing(STEP, FILE, got_file, reads=TEXT_OR_FILE), typing(STEP, FIELD, got_field)),
)
