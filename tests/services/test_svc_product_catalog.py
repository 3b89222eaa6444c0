"""The rate table: products defined and versioned by administrators holding product.manage; what customers
see is the newest version of each product still offered, and every version stays readable."""

from __future__ import annotations

import attrs
import pytest

from p2pstock.bootstrap import App
from p2pstock.core.allocation.products import LeverageRate, Mode, Product, from_json, to_json
from p2pstock.core.errors import NotFound
from p2pstock.core.people.permissions import PermissionDenied

DAILY = Product(
    code="daily.basic",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(3, 500), LeverageRate(5, 600)),
    deposit_min=100_000,
    deposit_max=10_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)
MONTHLY = attrs.evolve(
    DAILY, code="monthly.basic", name="按月配资", mode=Mode.MONTHLY, term_min=1, term_max=6, prepaid_periods=1
)


def test_a_product_definition_survives_storage_exactly() -> None:
    assert from_json(to_json(MONTHLY)) == MONTHLY


def test_defined_products_make_up_the_rate_table(app: App) -> None:
    app.products.define(MONTHLY, by="root")
    app.products.define(DAILY, by="root")

    assert app.products.rate_table() == [DAILY, MONTHLY]


def test_defining_a_product_again_makes_a_new_version_and_keeps_the_old_one(app: App) -> None:
    app.products.define(DAILY, by="root")
    cheaper = attrs.evolve(DAILY, rates=(LeverageRate(3, 450), LeverageRate(5, 550)))

    second = app.products.define(cheaper, by="root")

    assert second.version == 2
    assert app.products.rate_table() == [second]
    assert app.products.version("daily.basic", 1) == DAILY


def test_the_same_definition_again_makes_no_new_version(app: App) -> None:
    app.products.define(DAILY, by="root")

    assert app.products.define(attrs.evolve(DAILY, version=7), by="root").version == 1
    assert len([r for r in app.audit.records(by="root", limit=100) if r.action == "product.define"]) == 1


def test_a_withdrawn_product_leaves_the_rate_table_but_stays_readable(app: App) -> None:
    app.products.define(DAILY, by="root")
    app.products.define(MONTHLY, by="root")

    app.products.withdraw("daily.basic", by="root")
    app.products.withdraw("daily.basic", by="root")  # twice is harmless

    assert app.products.rate_table() == [MONTHLY]
    assert app.products.version("daily.basic", 1) == DAILY


def test_only_product_managers_define_or_withdraw(app: App) -> None:
    with pytest.raises(PermissionDenied):
        app.products.define(DAILY, by="finance-1")
    app.products.define(DAILY, by="root")
    with pytest.raises(PermissionDenied):
        app.products.withdraw("daily.basic", by="reviewer-1")

    assert app.products.rate_table() == [DAILY]


def test_unknown_products_are_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        app.products.version("daily.basic", 1)
    with pytest.raises(NotFound):
        app.products.withdraw("daily.basic", by="root")
