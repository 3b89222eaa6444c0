"""Administrators in the bot, continued: platform statistics for every role, and role management for
super admins — appointing, giving or taking away a role and deactivating wait for a second super admin,
who approves them in the approvals queue; buttons naming what is not there are outdated, and anyone
without ``role.manage`` is refused with nothing changed. Custom roles: test_bot_custom_roles.py."""

from __future__ import annotations

import asyncio
import re

import pytest
from bot_harness import (
    PHONE,
    BotHarness,
    TelegramUser,
    approve_in_queue,
    as_admin,
    button_data,
    buttons,
    play,
    sms,
    staff_of,
    toasts,
)

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.texts import text
from p2pstock.core.money import Money
from p2pstock.core.names import code_name
from p2pstock.core.people.four_eyes import ApprovalRequest
from sample_documents import jpeg, png

ROOT, ROOT_2, REVIEWER, SUPPORT, NEW = 6001, 6002, 6003, 6004, 6010
FRONT = jpeg("front of the card")
BACK = png("back of the card")
REFUSAL = "Sorry, you are not allowed to do that."
OUTDATED = "This button is outdated."
STATS_VALUES = ("day", "customers", "statuses", "documents", "identities", "withdrawals", "pending", "moved")
"""The placeholders of the statistics text."""
WAITING = re.compile(
    r"The change for (\S+) is waiting for a second administrator \(request (approval-\w+)\)\."
)


@pytest.fixture
def admins(app: App) -> App:
    """Two super admins, a reviewer and a support admin of the conftest's, linked to Telegram accounts."""
    for admin_id, role, telegram in [
        ("root", "super_admin", ROOT),
        ("root-2", "super_admin", ROOT_2),
        ("reviewer-1", "reviewer", REVIEWER),
        ("support-1", "support", SUPPORT),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
    return app


def deactivated(app: App, admin_id: str, role: str) -> None:
    """``admin_id`` enrolled with ``role`` and deactivated by two super admins."""
    app.staff.enrol_by_operator(admin_id, [role])
    request = app.staff.deactivate(admin_id, by="root")
    assert isinstance(request, ApprovalRequest)
    app.approvals.approve(request.id, by="root-2")


def waiting_request(message: str, target: str) -> str:
    match = WAITING.fullmatch(message)
    assert match is not None, message
    assert match[1] == target
    return match[2]


# -- statistics ---------------------------------------------------------------------------------------


def platform_with_activity(app: App) -> None:
    """Two customers: one only registered; one with a verified phone, a submitted identity, two
    documents to review, a deposit of ¥1,000.00 and a pending withdrawal of ¥300.00."""
    app.customers.register(telegram_user_id=1001, language="zh")
    customer = app.customers.register(telegram_user_id=1002, language="zh")
    app.wallets.open(customer.id)
    app.customers.request_phone_code(customer.id, PHONE)
    app.dispatcher.dispatch_now()
    code = next(word for word in sms(app)[-1][1].replace("，", " ").split() if word.isdigit())
    app.customers.confirm_phone(customer.id, PHONE, code)
    app.customers.submit_identity(customer.id, "张三", "11010519491231002X")
    app.customers.upload_document(customer.id, "id_card_front", FRONT)
    app.customers.upload_document(customer.id, "id_card_back", BACK)
    app.wallets.confirm_deposit(customer.id, gateway="bank", transaction_id="T-1", amount=Money.parse("1000"))
    app.wallets.request_withdrawal(customer.id, request_id="W-1", amount=Money.parse("300"))


def test_a_support_admin_sees_the_platform_statistics_with_the_right_figures(admins: App) -> None:
    platform_with_activity(admins)
    day = admins.statistics.overview(by="support-1").day.isoformat()

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT)
        await bot.send(support.command("/admin"))
        await bot.send(support.presses("a:menu:stats"))
        await bot.send(as_admin(bot, SUPPORT, "zh-hans").presses("a:menu:stats"))

    bot = play(admins, scenario)
    menu, english, chinese = bot.request.of("sendMessage")
    assert button_data(menu) == ["a:menu:approvals", "a:menu:stats", "a:menu:reserve", "a:menu:customers"]
    assert english["text"] == "\n".join(
        [
            "📊 Platform statistics",
            "Customers: 2",
            "· registered, phone not verified yet: 1",
            "· phone verified, identity not submitted yet: 0",
            "· identity under review: 1",
            "· verified: 0",
            "· rejected: 0",
            "Documents to review: 2",
            "Identities to review: 1",
            "Pending withdrawals: 1, ¥300.00 in all",
            f"Money moved on {day}:",
            "· deposit: ¥1,000.00, transfers: 1",
            "",
            "Lending: ¥0.00 of principal outstanding, ¥0.00 overdue (0.00%); loans 0",
            "Platform income: —",
        ]
    )
    assert chinese["text"].splitlines()[:3] == ["📊 平台统计", "客户总数：2", "· 已注册，待验证手机：1"]
    assert "待审提现：1 笔，共 ¥300.00" in chinese["text"]
    assert f"{day} 资金流动：\n· 充值：¥1,000.00，共 1 笔\n\n借贷：在贷本金 ¥0.00" in chinese["text"]
    assert toasts(bot) == [None, None]


def test_every_role_sees_statistics_and_an_empty_platform_shows_zeros(admins: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        for telegram in (ROOT, REVIEWER, SUPPORT):
            await bot.send(as_admin(bot, telegram).command("/admin"))
        await bot.send(as_admin(bot, REVIEWER).presses("a:menu:stats"))

    bot = play(admins, scenario)
    *menus, overview = bot.request.of("sendMessage")
    assert all("a:menu:stats" in button_data(menu) for menu in menus)
    assert "Customers: 0" in overview["text"]
    assert "Pending withdrawals: 0, ¥0.00 in all" in overview["text"]
    assert (
        ":\n· none\n\nLending: ¥0.00 of principal outstanding, ¥0.00 overdue (0.00%); loans 0"
        in overview["text"]
    )


def test_a_customer_gets_neither_statistics_nor_role_management(admins: App) -> None:
    platform_with_activity(admins)
    before = staff_of(admins)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/admin"))
        for data in ("a:menu:stats", "a:menu:roles", "a:roles:appoint", "a:ro_set:super_admin:root"):
            await bot.send(user.presses(data))
        await bot.send(user.presses("a:off_ok:root-2"))
        await bot.send(user.presses("a:new_role:super_admin"))

    bot = play(admins, scenario)
    [answer] = bot.request.texts()
    assert answer.startswith("没有理解您的消息")
    assert toasts(bot) == ["此按钮已失效。"] * 6
    assert staff_of(admins) == before
    assert admins.approvals.pending(by="root") == []


# -- role management ----------------------------------------------------------------------------------


def test_a_super_admin_sees_the_administrators_and_what_can_be_done(admins: App) -> None:
    deactivated(admins, "old-1", "reviewer")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.command("/admin"))
        await bot.send(root.presses("a:menu:roles"))

    bot = play(admins, scenario)
    menu, listing = bot.request.of("sendMessage")
    assert button_data(menu)[-6:] == [
        "a:menu:audit", "a:menu:stats", "a:menu:reserve", "a:menu:dashboard", "a:menu:customers",
        "a:menu:roles",
    ]  # fmt: skip
    assert listing["text"].splitlines() == [
        "Administrators:",
        "· finance-1: finance (active)",
        "· finance-2: finance (active)",
        "· old-1: reviewer (deactivated)",
        "· reviewer-1: reviewer (active)",
        "· reviewer-2: reviewer (active)",
        "· risk-1: risk officer (active)",
        "· root: super administrator (active)",
        "· root-2: super administrator (active)",
        "· support-1: support (active)",
    ]
    assert button_data(listing) == [
        "a:roles:appoint",
        "a:roles:change",
        "a:roles:deactivate",
        "a:roles:define",
    ]


def test_an_appointed_finance_admin_waits_for_a_second_super_admin_then_sees_the_withdrawals(
    admins: App,
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root, root_2 = as_admin(bot, ROOT), as_admin(bot, ROOT_2)
        await bot.send(root.presses("a:roles:appoint"))
        await bot.send(root.says("fin-new"))
        await bot.send(root.says(str(NEW)))
        roles = bot.request.of("sendMessage")[-1]
        assert roles["text"] == f"Choose the role of fin-new (Telegram {NEW}):"
        assert button_data(roles) == [
            "a:new_role:finance",
            "a:new_role:reviewer",
            "a:new_role:risk_officer",
            "a:new_role:super_admin",
            "a:new_role:support",
        ]
        await bot.send(root.presses("a:new_role:finance"))
        approval_id = waiting_request(bot.request.last_text(), "fin-new")
        assert await asyncio.to_thread(admins.staff.administrator, "fin-new") is None
        await bot.send(root.presses("a:new_role:finance"))  # a second tap: the appointment is made
        await bot.send(as_admin(bot, NEW).command("/admin"))  # not an administrator yet
        await bot.send(root.presses(f"a:ap_ok:{approval_id}"))
        await approve_in_queue(bot, root_2, approval_id)
        await bot.send(as_admin(bot, NEW).command("/admin"))

    bot = play(admins, scenario)
    texts = bot.request.texts()
    assert texts[:2] == [
        "Type the new administrator's id (letters, digits and _.:@/+=-), or send /cancel:",
        "Type the Telegram user id fin-new uses (a number), or send /cancel:",
    ]
    assert texts[4].startswith("I did not understand")
    assert texts[5] == "You opened this request; another administrator has to decide it."
    approval = next(t for t in texts if t.startswith("Approval "))
    assert approval.splitlines()[1:4] == ["Action: appoint an administrator", "Target: fin-new", "Amount: —"]
    new_menu = bot.request.of("sendMessage")[-1]
    assert new_menu["text"] == "Administration (fin-new):"
    assert "a:menu:withdrawals" in button_data(new_menu)
    assert toasts(bot)[2] == OUTDATED  # the second tap on the role
    appointed = staff_of(admins)["fin-new"]
    assert (appointed.roles, appointed.active, appointed.telegram_user_id) == ({"finance"}, True, NEW)


def test_an_appointment_asks_again_for_what_does_not_fit_and_cancel_leaves_nothing(admins: App) -> None:
    before = staff_of(admins)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses("a:roles:appoint"))
        await bot.send(root.says("not an id!"))
        await bot.send(root.says("support-1"))
        await bot.send(root.says("ops-7"))
        await bot.send(root.says("seven"))
        await bot.send(root.says(str(ROOT_2)))
        await bot.send(root.says("9" * 30))
        await bot.send(root.command("/cancel"))
        await bot.send(root.says(str(NEW)))
        await bot.send(root.presses("a:new_role:finance"))
        await bot.send(root.presses("a:roles:appoint"))
        await bot.send(root.says("ops-8"))
        await bot.send(root.presses("a:menu:stats"))  # moving on drops the appointment
        await bot.send(root.says("6011"))

    bot = play(admins, scenario)
    texts = bot.request.texts()
    assert texts[1].startswith("An id must be 1 to 200 letters")
    assert texts[2] == (
        "support-1 is already an active administrator; change their role instead. Type another id,"
        " or send /cancel:"
    )
    assert texts[3] == "Type the Telegram user id ops-7 uses (a number), or send /cancel:"
    bad_telegram = "That is not a Telegram user id."
    assert texts[4] == bad_telegram
    assert texts[5] == (
        "That Telegram account already belongs to administrator root-2. Type another id, or send /cancel:"
    )
    assert texts[6] == bad_telegram
    assert texts[7] == "Cancelled."
    assert texts[8].startswith("I did not understand")
    assert texts[-2].startswith("📊 Platform statistics")
    assert texts[-1].startswith("I did not understand")
    assert toasts(bot) == [None, OUTDATED, None, None]
    assert staff_of(admins) == before
    assert admins.approvals.pending(by="root-2") == []


def test_a_role_given_waits_for_a_second_super_admin_then_is_held_beside_the_others(admins: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root, root_2 = as_admin(bot, ROOT), as_admin(bot, ROOT_2)
        await bot.send(root.presses("a:roles:change"))
        await bot.send(root.presses("a:ro_admin:support-1"))
        await bot.send(root.presses("a:ro_set:reviewer:support-1"))
        approval_id = waiting_request(bot.request.last_text(), "support-1")
        assert (await asyncio.to_thread(staff_of, admins))["support-1"].roles == {"support"}
        await approve_in_queue(bot, root_2, approval_id)
        await bot.send(as_admin(bot, SUPPORT).command("/admin"))
        await bot.send(root.presses("a:ro_admin:support-1"))

    bot = play(admins, scenario)
    admins_shown, roles_shown, *_, support_menu, roles_again = bot.request.of("sendMessage")
    assert admins_shown["text"] == "Whose roles are to change?"
    assert "a:ro_admin:support-1" in button_data(admins_shown)
    assert "support-1 (support)" in [b["text"] for b in buttons(admins_shown)]
    assert roles_shown["text"] == "Tap a role to give it to support-1 or take it away (✓ held now: support):"
    assert [(b["text"], b["callback_data"]) for b in buttons(roles_shown)] == [
        ("finance", "a:ro_set:finance:support-1"),
        ("reviewer", "a:ro_set:reviewer:support-1"),
        ("risk officer", "a:ro_set:risk_officer:support-1"),
        ("super administrator", "a:ro_set:super_admin:support-1"),
        ("✓ support", "a:ro_set:support:support-1"),
    ]
    assert button_data(support_menu) == [
        "a:menu:documents",
        "a:menu:identities",
        "a:menu:allocations",
        "a:menu:loans",
        "a:menu:approvals",
        "a:menu:stats",
        "a:menu:reserve",
        "a:menu:customers",
    ]
    assert staff_of(admins)["support-1"].roles == {"reviewer", "support"}
    assert [b["text"] for b in buttons(roles_again)] == [
        "finance",
        "✓ reviewer",
        "risk officer",
        "super administrator",
        "✓ support",
    ]


def test_a_role_held_is_taken_away_but_never_the_last_and_a_waiting_change_is_decided_first(
    admins: App,
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root, root_2 = as_admin(bot, ROOT), as_admin(bot, ROOT_2)
        await bot.send(root.presses("a:ro_set:reviewer:support-1"))
        first = waiting_request(bot.request.last_text(), "support-1")
        await bot.send(root.presses("a:ro_set:reviewer:support-1"))  # the same change: the same request
        assert waiting_request(bot.request.last_text(), "support-1") == first
        await bot.send(root.presses("a:ro_set:finance:support-1"))  # another change while one waits
        assert bot.request.last_text() == (
            f"Another change for support-1 is already waiting for a second administrator (request {first});"
            " have it approved or rejected first."
        )
        await approve_in_queue(bot, root_2, first)
        await bot.send(root.presses("a:ro_set:support:support-1"))  # taken away
        second = waiting_request(bot.request.last_text(), "support-1")
        assert second != first
        await approve_in_queue(bot, root_2, second)
        await bot.send(root.presses("a:ro_set:reviewer:support-1"))  # the last one: not taken away

    bot = play(admins, scenario)
    assert bot.request.last_text() == (
        "reviewer is the only role support-1 holds; to take every permission away, deactivate them instead."
    )
    assert toasts(bot) == [None] * len(toasts(bot))
    assert staff_of(admins)["support-1"].roles == {"reviewer"}
    assert admins.approvals.pending(by="root-2") == []


def test_a_deactivation_is_confirmed_then_waits_for_a_second_super_admin(admins: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root, root_2 = as_admin(bot, ROOT), as_admin(bot, ROOT_2)
        await bot.send(root.presses("a:roles:deactivate"))
        await bot.send(root.presses("a:off_ask:reviewer-1"))
        await bot.send(root.presses("a:off_keep:reviewer-1"))
        assert (await asyncio.to_thread(staff_of, admins))["reviewer-1"].active
        await bot.send(root.presses("a:off_ask:reviewer-1"))
        await bot.send(root.presses("a:off_ok:reviewer-1"))
        approval_id = waiting_request(bot.request.last_text(), "reviewer-1")
        await bot.send(root.presses("a:off_ok:reviewer-1"))  # asked again: the same request
        assert waiting_request(bot.request.last_text(), "reviewer-1") == approval_id
        await approve_in_queue(bot, root_2, approval_id)
        await bot.send(root.presses("a:off_ok:reviewer-1"))  # already deactivated
        await bot.send(as_admin(bot, REVIEWER).command("/admin"))

    bot = play(admins, scenario)
    chooser, confirm, cancelled, *_ = bot.request.of("sendMessage")
    assert chooser["text"] == "Which administrator is to be deactivated?"
    assert "a:off_ask:reviewer-1" in button_data(chooser)
    assert confirm["text"] == "Deactivate reviewer-1 (reviewer)? They lose every permission."
    assert button_data(confirm) == ["a:off_ok:reviewer-1", "a:off_keep:reviewer-1"]
    assert cancelled["text"] == "Cancelled."
    assert bot.request.last_text().startswith("I did not understand")
    assert toasts(bot)[-1] == OUTDATED
    assert not staff_of(admins)["reviewer-1"].active
    assert admins.staff.permissions("reviewer-1") == frozenset()


def test_a_reviewer_has_no_roles_entry_and_forged_role_buttons_change_nothing(admins: App) -> None:
    before = staff_of(admins)
    forged = [
        "a:menu:roles",
        "a:roles:appoint",
        "a:roles:change",
        "a:ro_admin:support-1",
        "a:ro_set:super_admin:reviewer-1",
        "a:off_ask:root",
        "a:off_ok:root",
        "a:new_role:super_admin",
        "a:roles:define",
        "a:rd_perm:role.manage",
        "a:rd_done:auditor",
        "a:rd_skip:auditor",
    ]

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.command("/admin"))
        for data in forged:
            await bot.send(reviewer.presses(data))
        await bot.send(reviewer.says("reviewer-9"))

    bot = play(admins, scenario)
    menu, *refusals, unknown = bot.request.texts()
    assert "a:menu:roles" not in button_data(bot.request.of("sendMessage")[0])
    assert menu == "Administration (reviewer-1):"
    assert refusals == [REFUSAL] * len(forged)
    assert unknown.startswith("I did not understand")
    assert staff_of(admins) == before
    assert admins.approvals.pending(by="root") == []


@pytest.mark.parametrize(
    "data",
    [
        "a:ro_set:no_such_role:support-1",
        "a:ro_set:finance:ghost",
        "a:ro_admin:ghost",
        "a:off_ask:ghost",
        "a:off_ok:ghost",
        "a:new_role:finance",
        "a:new_role:no_such_role",
        "a:roles:everything",
        "a:ro_set:finance",
        "a:ro_set:Finance:support-1",
        "a:new_role:Finance",
        "a:off_ok:" + "x" * 49,
        "a:rd_perm:stats.view",
        "a:rd_perm:stats_view",
        "a:rd_perm:everything",
        "a:rd_done:auditor",
        "a:rd_done:Auditor",
        "a:rd_skip:auditor",
    ],
)
def test_a_super_admins_button_naming_what_is_not_there_is_outdated(admins: App, data: str) -> None:
    deactivated(admins, "gone-1", "finance")
    before = staff_of(admins)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses(data))
        await bot.send(root.presses(data.replace("ghost", "gone-1")))

    bot = play(admins, scenario)
    assert toasts(bot) == [OUTDATED, OUTDATED]
    assert bot.request.of("sendMessage") == []
    assert staff_of(admins) == before
    assert admins.approvals.pending(by="root-2") == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_role_management_and_statistics_speak_both_languages(admins: App, language: str) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT, language)
        await bot.send(root.command("/admin"))
        await bot.send(root.presses("a:menu:stats"))
        await bot.send(root.presses("a:menu:roles"))
        await bot.send(root.presses("a:roles:appoint"))
        await bot.send(root.says("fin-new"))
        await bot.send(root.says(str(NEW)))
        await bot.send(root.presses("a:new_role:finance"))
        await bot.send(root.presses("a:roles:change"))
        await bot.send(root.presses("a:ro_admin:support-1"))
        await bot.send(root.presses("a:ro_set:finance:support-1"))
        await bot.send(root.presses("a:roles:deactivate"))
        await bot.send(root.presses("a:off_ask:risk-1"))
        await bot.send(root.presses("a:off_ok:risk-1"))

    bot = play(admins, scenario)
    sent = bot.request.of("sendMessage")
    waiting = [str(p["text"]) for p in sent if "approval-" in str(p["text"])]
    requests = {r.target: r.id for r in admins.approvals.pending(by="root-2")}
    assert [str(p["text"]).splitlines()[0] for p in sent] == [
        text("admin.menu", language, admin="root"),
        text("admin.stats", language, **dict.fromkeys(STATS_VALUES, "")).splitlines()[0],
        text("admin.roles.title", language),
        text("admin.appoint.ask_id", language),
        text("admin.appoint.ask_telegram", language, admin="fin-new"),
        text("admin.appoint.choose_role", language, admin="fin-new", telegram=NEW),
        waiting[0],
        text("admin.change.choose_admin", language),
        text(
            "admin.change.choose_role",
            language,
            admin="support-1",
            roles=code_name("role", "support", language),
        ),
        waiting[1],
        text("admin.deactivate.choose_admin", language),
        text(
            "admin.deactivate.confirm",
            language,
            admin="risk-1",
            roles=code_name("role", "risk_officer", language),
        ),
        waiting[2],
    ]
    assert waiting == [
        text("admin.roles.waiting", language, admin=target, approval=requests[target])
        for target in ("fin-new", "support-1", "risk-1")
    ]
    labels = [b["text"] for p in sent for b in buttons(p)]
    for key in (
        "admin.queue.stats",
        "admin.queue.roles",
        "admin.roles.appoint",
        "admin.roles.change",
        "admin.roles.deactivate",
        "admin.roles.define",
        "admin.deactivate.yes",
        "admin.deactivate.no",
    ):
        assert text(key, language) in labels
