"""Products as customers read them: the rate table of allocation products and the loan products offered
to borrowers. The customers' menus and the administrators' preview of a product before it is published
use the same texts, so what an administrator approves is what customers will see."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

from p2pstock.bots.telegram.texts import DEFAULT_LANGUAGE, text
from p2pstock.core.allocation.products import Mode, Product
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.money import Money

P = TypeVar("P", Product, LoanProduct)
SEPARATORS = {"zh": "；", "en": "; "}
"""What separates the items of a list within a line, in each language's own punctuation."""


def rate_table_text(products: Sequence[Product], lang: str) -> str:
    """The rate table: its title, each product, and the legend of the lines."""
    parts = [text("alloc.table.title", lang)]
    parts += [allocation_product_text(product, lang) for product in products]
    parts.append(text("alloc.table.legend", lang))
    return "\n\n".join(parts)


def allocation_product_text(product: Product, lang: str) -> str:
    per = per_period(product.mode, lang)
    rates = SEPARATORS.get(lang, SEPARATORS[DEFAULT_LANGUAGE]).join(
        text("alloc.table.rate", lang, leverage=r.leverage, rate=ppm_percent(r.rate_ppm), per=per)
        for r in product.rates
    )
    lines = [
        text(
            "alloc.table.product",
            lang,
            name=product.name,
            mode=product.mode,
            rates=rates,
            warning=product.warning_ratio_pct,
            liquidation=product.liquidation_ratio_pct,
            term_min=product.term_min,
            term_max=product.term_max,
            unit=term_unit(product.mode, lang),
            **deposit_range(product),
        )
    ]
    if product.trial:
        lines.append(text("alloc.table.trial", lang))
    if product.risk_fund_ppm:
        lines.append(text("alloc.table.risk_fund", lang, rate=ppm_percent(product.risk_fund_ppm)))
    if product.prepaid_periods:
        lines.append(text("alloc.table.prepaid", lang, periods=product.prepaid_periods))
    lines.append(text("alloc.table.deadline", lang, minutes=product.payment_deadline_minutes))
    return "\n".join(lines)


def product_label(product: Product, lang: str) -> str:
    """A product's button: its name, with the free trial's badge (🎁 免息体验) on a trial."""
    return text("alloc.table.trial_button", lang, name=product.name) if product.trial else product.name


def loan_products_text(products: Sequence[LoanProduct], lang: str) -> str:
    """What a borrower is offered: the title and each loan product."""
    return "\n\n".join([text("loan.products.title", lang)] + [loan_product_text(p, lang) for p in products])


def loan_product_text(product: LoanProduct, lang: str) -> str:
    return text(
        "loan.product", lang, name=product.name, fee=percent(product.listing_fee_bp), **loan_ranges(product)
    )


def loan_ranges(product: LoanProduct) -> dict[str, object]:
    """The amounts, terms and rates a loan product takes."""
    return {
        "low": Money(product.amount_min),
        "high": Money(product.amount_max),
        "months_min": product.months_min,
        "months_max": product.months_max,
        "rate_min": percent(product.rate_min_bp),
        "rate_max": percent(product.rate_max_bp),
    }


def deposit_range(product: Product) -> dict[str, object]:
    return {
        "low": Money(product.deposit_min),
        "high": Money(product.deposit_max),
        "step": Money(product.deposit_step),
    }


def ppm_percent(ppm: int) -> str:
    """Parts per million as a per-cent figure: 600 → "0.06", 15,000 → "1.5"."""
    return f"{(Decimal(ppm) / 10_000).normalize():f}"


def basis_points(bp: int) -> str:
    """Basis points as a per-cent figure with two decimals: 11,500 → "115.00"."""
    sign = "-" if bp < 0 else ""
    return f"{sign}{abs(bp) // 100}.{abs(bp) % 100:02d}"


def percent(bp: int) -> str:
    """Basis points as a percentage with two decimals: 1200 → 12.00%."""
    return f"{basis_points(bp)}%"


def by_code(products: Iterable[P], code: str) -> P | None:
    """The product ``code`` of ``products``, or None."""
    return next((product for product in products if product.code == code), None)


def term_unit(mode: Mode, lang: str) -> str:
    return text(f"alloc.unit.{mode.value}", lang)


def per_period(mode: Mode, lang: str) -> str:
    return text(f"alloc.per.{mode.value}", lang)
