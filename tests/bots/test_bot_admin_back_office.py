"""The back office in the bot's /admin, without Python: a super administrator publishes products from a
file after seeing them as customers will, defines a loan product field by field, changes and withdraws
products; finance funds the capital pool, a large movement waiting for a second administrator."""

from __future__ import annotations

import pytest
from bot_harness import BotHarness, TelegramUser, approve_in_queue, as_admin, button_data, play

from p2pstock.bootstrap import App
from p2pstock.core.catalog_file import ALLOCATION_FIELDS, LOAN_FIELDS
from p2pstock.core.money import Money

ROOT, FINANCE, FINANCE_2, REVIEWER = 7301, 7302, 7303, 7304
FILE = """\
[[allocation_product]]
code = "daily"
name = "按天配资"
mode = "daily"
deposit_min = "1,000"
deposit_max = "1,000,000"
deposit_step = "1,000"
term_min = 2
term_max = 30
rates = { 3 = "0.05%", 5 = "0.06%" }
risk_fund = "0.5%"
"""


@pytest.fixture
def office(app: App) -> App:
    for admin_id, role, telegram in [
        ("root-7", "super_admin", ROOT),
        ("finance-7", "finance", FINANCE),
        ("finance-8", "finance", FINANCE_2),
        ("reviewer-7", "reviewer", REVIEWER),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
    return app


def last_buttons(bot: BotHarness) -> list[str]:
    return button_data(bot.request.of("sendMessage")[-1])


def test_a_product_file_is_shown_as_customers_will_see_it_and_published_on_the_button(office: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.command("/admin"))
        await bot.send(root.presses("a:menu:products"))
        await bot.send(root.presses("a:pd_file:-"))
        bot.request.files["products"] = FILE.encode()
        await bot.send(
            root.sends_document("products", len(FILE.encode()), "application/toml", "products.toml")
        )
        (publish,) = last_buttons(bot)
        await bot.send(root.presses(publish))
        await bot.send(root.presses(publish))  # a second tap publishes nothing more

    bot = play(office, scenario)
    texts = bot.request.texts()
    preview = next(t for t in texts if t.startswith("Customers will see this"))
    assert preview.splitlines()[2:5] == [
        "📈 Allocation products and rates",
        "",
        "【按天配资】 daily",
    ]
    assert "· Leverage and rate: 3× 0.05 % per trading day; 5× 0.06 % per trading day" in preview
    assert "Published:\n· daily version 1" in texts
    assert texts.count("This button is outdated.") == 1
    assert [p.code for p in office.products.rate_table()] == ["daily"]
    (record,) = [r for r in office.audit.records(by="root", limit=200) if r.action == "product.define"]
    assert (record.actor, record.target) == ("root-7", "daily@1")


def test_a_file_with_problems_is_answered_problem_by_problem_in_chinese(office: App) -> None:
    bad = FILE.replace('deposit_min = "1,000"', "deposit_min = 1000.5").replace(
        "term_max = 30", 'term_max = "x"'
    )

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        root = as_admin(bot, ROOT, "zh")
        await bot.send(root.presses("a:pd_file:-"))
        await bot.send(root.says(bad))

    bot = play(office, scenario)
    assert bot.request.last_text().splitlines() == [
        "有 2 处问题，未读取任何产品：",
        '· allocation_product[1].deposit_min：请写成文字（如 "1,000.50" 或 "0.06%"），不要写小数',
        "· allocation_product[1].term_max：须为大于零的整数",
        "请修改后重新发送，或发送 /cancel。",
    ]
    assert office.products.rate_table() == []


LOAN_ANSWERS = ["personal", "个人信用借款", "1,000", "100,000", "1", "12", "6%", "24%", "等额本息, bullet"]


def test_a_loan_product_is_defined_field_by_field_and_a_bad_answer_is_asked_again(office: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses("a:pd_new:l"))
        for answer in LOAN_ANSWERS[:6]:
            await bot.send(root.says(answer))
        await bot.send(root.says("lots"))  # not a percentage: asked again
        for answer in LOAN_ANSWERS[6:]:
            await bot.send(root.says(answer))
        for _optional in range(sum(field.optional for field in LOAN_FIELDS)):
            await bot.send(root.says("-"))
        (publish,) = last_buttons(bot)
        await bot.send(root.presses(publish))

    bot = play(office, scenario)
    texts = bot.request.texts()
    assert texts[0].startswith(f"Step 1 of {len(LOAN_FIELDS)}\nThe product code")
    assert "· rate_min: must be a percentage such as 0.06%" in texts
    assert texts[-1] == "Published:\n· personal version 1"
    (product,) = office.loan_products.offered()
    assert (product.rate_min_bp, product.rate_max_bp, product.amount_max) == (600, 2_400, 10_000_000)
    assert [m.value for m in product.methods] == ["equal_installments", "bullet"]


def test_a_product_changed_in_one_field_becomes_its_next_version_and_can_be_withdrawn(office: App) -> None:
    office.product_files.publish(FILE, by="root-7")

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses("a:pd_edit:a:daily"))
        await bot.send(root.says("按天配资（新）"))
        for _kept in range(len(ALLOCATION_FIELDS) - 2):  # every field after the code and the name
            await bot.send(root.says("-"))
        (publish,) = last_buttons(bot)
        await bot.send(root.presses(publish))
        await bot.send(root.presses("a:pd_off:a:daily"))

    bot = play(office, scenario)
    assert (
        bot.request.texts()[0]
        == f"Step 2 of {len(ALLOCATION_FIELDS)}\nThe name customers see, e.g. Daily allocation\n"
        "Now: 按天配资 (send - to keep it)"
    )
    (entry,) = office.products.catalogue(by="root-7")
    assert (entry.product.version, entry.product.name, entry.offered) == (2, "按天配资（新）", False)
    assert entry.product.rates == office.products.version("daily", 1).rates


def test_finance_funds_the_pool_and_a_large_movement_waits_for_a_second_administrator(office: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        finance, second = as_admin(bot, FINANCE), as_admin(bot, FINANCE_2)
        await bot.send(finance.presses("a:menu:capital"))
        await bot.send(finance.presses("a:cap_move:in"))
        await bot.send(finance.says("a million"))
        await bot.send(finance.says("1,000,000 seed-1"))
        (confirm,) = last_buttons(bot)
        await bot.send(finance.presses(confirm))
        await bot.send(finance.presses("a:cap_move:in"))
        await bot.send(finance.says("6,000,000 seed-2"))
        (confirm,) = last_buttons(bot)
        await bot.send(finance.presses(confirm))
        approval = bot.request.last_text().split("approval ")[1].split(")")[0]
        await approve_in_queue(bot, second, approval)
        await bot.send(finance.presses("a:menu:capital"))

    bot = play(office, scenario)
    texts = bot.request.texts()
    assert texts[0].startswith("In the pool: ¥0.00\n· lent to 0 running daily allocations: ¥0.00")
    assert texts[2].startswith("That is not the format")
    assert "Put ¥1,000,000.00 into the pool (seed-1)?" in texts
    assert "Done; the pool holds ¥1,000,000.00." in texts
    assert any(t.startswith("¥6,000,000.00 waits for a second administrator (approval ") for t in texts)
    assert texts[-1].startswith("In the pool: ¥7,000,000.00")
    assert office.capital.balance() == Money(700_000_000)


def test_administrators_without_the_permission_have_no_entry_and_are_refused(office: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.command("/admin"))
        await bot.send(reviewer.presses("a:menu:products"))
        await bot.send(reviewer.presses("a:pd_file:-"))
        await bot.send(reviewer.presses("a:cap_move:in"))

    bot = play(office, scenario)
    menu, *refusals = bot.request.of("sendMessage")
    assert not {"a:menu:products", "a:menu:capital"} & set(button_data(menu))
    assert [p["text"] for p in refusals] == ["Sorry, you are not allowed to do that."] * 3
