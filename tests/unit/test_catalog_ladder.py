"""A product's alert ladder in the TOML product file: written as an array of inline tables, read back the
same (messages with quotes included), typed in the bot's short form, and refused rung by rung with where
and why; a product without one keeps the stored text it had before ladders existed."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.allocation.ladder import MAX_CUSHION_BP, MAX_RUNGS, Audience, Rung
from p2pstock.core.allocation.products import LeverageRate, Mode, Product, from_json, to_json
from p2pstock.core.catalog_file import ALLOCATION_FIELDS, CatalogUnreadable, catalog_text, read_catalog

PRODUCT = Product(
    code="daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
)
FILE = """
[[allocation_product]]
code = "daily"
name = "按天配资"
mode = "daily"
deposit_min = "1,000"
deposit_max = "1,000,000"
deposit_step = "1,000"
term_min = 2
term_max = 30
rates = { 5 = "0.06%" }
rungs = [
  { cushion = "5%", audience = "both" },
  { cushion = "10.5%", audience = "customer", zh = "请关注\\"持仓\\"", en = "Mind your \\"positions\\"" },
]
"""
MESSAGE = st.text(
    st.characters(categories=["L", "N"]) | st.sampled_from(' "\\,，。{}[]=#'), max_size=40
).filter(lambda text: text == text.strip())
"""A message, quotes, backslashes and TOML's own marks among it (empty: the default text)."""
RUNGS = st.lists(
    st.builds(
        lambda cushion, audience, message: Rung(cushion, audience, message, message[::-1] or ""),
        st.integers(1, MAX_CUSHION_BP),
        st.sampled_from(Audience),
        MESSAGE,
    ),
    max_size=MAX_RUNGS,
    unique_by=lambda rung: rung.cushion_bp,
)
RUNGS_FIELD = next(field for field in ALLOCATION_FIELDS if field.key == "rungs")


def test_a_file_with_a_ladder_reads_into_rungs_highest_line_first() -> None:
    [product] = read_catalog(FILE).allocation_products

    assert product.rungs == (
        Rung(1_050, Audience.CUSTOMER, zh='请关注"持仓"', en='Mind your "positions"'),
        Rung(500, Audience.BOTH),
    )


def test_the_file_an_export_writes_reads_back_the_same_products() -> None:
    products = read_catalog(FILE).allocation_products

    written = catalog_text(products)

    assert read_catalog(written).allocation_products == products
    assert 'rungs = [{ cushion = "10.5%", audience = "customer", zh = "请关注\\"持仓\\""' in written


@given(RUNGS)
def test_any_ladder_written_to_a_file_reads_back_the_same(rungs: list[Rung]) -> None:
    product = attrs.evolve(PRODUCT, rungs=tuple(rungs))

    [read] = read_catalog(catalog_text([product])).allocation_products

    assert read.rungs == product.rungs


def test_the_bot_shows_a_ladder_as_the_file_writes_it_and_reads_its_short_form() -> None:
    [product] = read_catalog(FILE).allocation_products

    shown = RUNGS_FIELD.show(product.rungs)

    assert RUNGS_FIELD.read(shown) == product.rungs  # sending - keeps the messages
    assert RUNGS_FIELD.read("5%:both, 10%：客户; 2.5%") == (
        Rung(500, Audience.BOTH),
        Rung(1_000, Audience.CUSTOMER),
        Rung(250, Audience.BOTH),
    )
    assert RUNGS_FIELD.read("none") == RUNGS_FIELD.read("无") == ()
    assert RUNGS_FIELD.show(()) == "none"


@pytest.mark.parametrize(
    ("rungs", "where", "code"),
    [
        ('[{ cushion = "0%" }]', "allocation_product[1].rungs", "rung_cushion"),
        ('[{ cushion = "60%" }]', "allocation_product[1].rungs", "rung_cushion"),
        ('[{ cushion = "5%", audience = "all" }]', "allocation_product[1].rungs", "rung_audience"),
        ('[{ cushion = "5%", zh = "只有中文" }]', "allocation_product[1].rungs", "rung_message"),
        ('[{ cushion = "5%", colour = "red" }]', "allocation_product[1].rungs", "rungs"),
        ("5", "allocation_product[1].rungs", "rungs"),
        ('[{ cushion = "5%" }, { cushion = "5.00%" }]', "allocation_product[1]", "rungs_twice"),
    ],
)
def test_a_bad_ladder_is_refused_saying_where_and_why(rungs: str, where: str, code: str) -> None:
    broken = FILE.split("rungs = [", maxsplit=1)[0] + f"rungs = {rungs}\n"

    with pytest.raises(CatalogUnreadable) as unreadable:
        read_catalog(broken)

    [problem] = unreadable.value.problems
    assert (problem.where, problem.code) == (where, code)


def test_a_product_without_a_ladder_is_stored_as_before_and_one_with_a_ladder_keeps_it() -> None:
    [laddered] = read_catalog(FILE).allocation_products

    assert "rungs" not in json.loads(to_json(PRODUCT))
    assert from_json(to_json(laddered)) == laddered
    assert json.loads(to_json(laddered))["rungs"][0] == {
        "audience": "customer",
        "cushion_bp": 1_050,
        "en": 'Mind your "positions"',
        "zh": '请关注"持仓"',
    }
