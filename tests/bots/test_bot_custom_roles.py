"""Custom roles in the bot: a super admin names a role, ticks its permissions and describes it; the
definition waits for a second super admin, after which the role is listed and can be given to an
administrator beside the roles they hold. A default role's name or a malformed one is asked again,
/cancel or moving on drops the draft, and buttons that are forged or no longer fit are outdated with
nothing defined."""

from __future__ import annotations

import asyncio
import re

import pytest
from bot_harness import (
    BotHarness,
    TelegramUser,
    approve_in_queue,
    as_admin,
    button_data,
    buttons,
    play,
    staff_of,
    toasts,
)

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.texts import text
from p2pstock.core.names import code_name, name_of
from p2pstock.core.people.permissions import DEFAULT_ROLES, Permission, Role

ROOT, ROOT_2, REVIEWER, SUPPORT = 6101, 6102, 6103, 6104
OUTDATED = "This button is outdated."
DESCRIPTION = "Checks the audit trail and reads the statistics."
ASK_NAME = (
    "Type the name of the role (lowercase words joined by _, at most 40 characters, for example"
    " risk_auditor), or send /cancel:"
)
BAD_NAME = (
    "A role name is lowercase words joined by _, at most 40 characters. Type it again, or send /cancel:"
)
CHOOSE = "Choose the permissions of the role auditor (tap to tick or untick), then press Done:"
ASK_DESCRIPTION = "Type a description of the role auditor (at most 200 characters), or press Skip:"
WAITING = re.compile(r"The role (\S+) is waiting for a second administrator \(request (approval-\w+)\)\.")
CHANGE_WAITING = re.compile(
    r"The change for (\S+) is waiting for a second administrator \(request (approval-\w+)\)\."
)
LABELS = {
    "kyc.review": "Identities",
    "document.review": "Documents",
    "withdrawal.approve": "Withdrawals",
    "allocation.review": "Allocation review",
    "allocation.assign_account": "Allocation accounts",
    "allocation.daily_status": "Allocation daily status",
    "allocation.settle": "Allocation settlement",
    "loan.review": "Loan review",
    "loan.full_review": "Loan full review",
    "capital.manage": "Capital",
    "role.manage": "Roles",
    "stats.view": "Statistics",
    "audit.view": "Audit trail",
    "product.manage": "Products",
    "calendar.manage": "Trading calendar",
    "payment.resolve": "Mismatched payments",
    "customer.view": "Customer look-up",
    "dashboard.view": "Dashboard",
    "loan.write_off": "Loan write-off",
}
"""Each permission's button label in English."""


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


def custom_roles(app: App) -> dict[str, Role]:
    return {name: role for name, role in app.staff.roles().items() if name not in DEFAULT_ROLES}


def waiting(pattern: re.Pattern[str], message: str, target: str) -> str:
    """The approval request ``message`` says the change of ``target`` waits in."""
    match = pattern.fullmatch(message)
    assert match is not None, message
    assert match[1] == target
    return match[2]


def keyboard(bot: BotHarness) -> list[tuple[str, str]]:
    """The permission buttons as the last edit left them: (label, data), row after row."""
    *_, edited = (p for p in bot.request.of("editMessageReplyMarkup") if buttons(p))
    return [(b["text"], b["callback_data"]) for b in buttons(edited)]


async def define(bot: BotHarness, admin: TelegramUser, name: str, *permissions: str) -> None:
    """``admin`` starts defining ``name`` and ticks ``permissions``."""
    await bot.send(admin.presses("a:roles:define"))
    await bot.send(admin.says(name))
    for permission in permissions:
        await bot.send(admin.presses(f"a:rd_perm:{permission}"))


def test_a_custom_role_defined_by_two_super_admins_is_given_to_an_administrator(admins: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root, root_2, support = as_admin(bot, ROOT), as_admin(bot, ROOT_2), as_admin(bot, SUPPORT)
        await bot.send(root.command("/admin"))
        await bot.send(root.presses("a:menu:roles"))
        await define(bot, root, "auditor", "audit.view", "kyc.review", "stats.view", "kyc.review")
        assert keyboard(bot)[-10:] == [
            ("Roles", "a:rd_perm:role.manage"),
            ("✓ Statistics", "a:rd_perm:stats.view"),
            ("✓ Audit trail", "a:rd_perm:audit.view"),
            ("Products", "a:rd_perm:product.manage"),
            ("Trading calendar", "a:rd_perm:calendar.manage"),
            ("Mismatched payments", "a:rd_perm:payment.resolve"),
            ("Customer look-up", "a:rd_perm:customer.view"),
            ("Dashboard", "a:rd_perm:dashboard.view"),
            ("Loan write-off", "a:rd_perm:loan.write_off"),
            ("✅ Done", "a:rd_done:auditor"),
        ]
        assert keyboard(bot)[0] == ("Identities", "a:rd_perm:kyc.review")  # ticked, then unticked
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.says(f"  {DESCRIPTION} "))
        approval_id = waiting(WAITING, bot.request.last_text(), "auditor")
        assert "auditor" not in await asyncio.to_thread(custom_roles, admins)
        await bot.send(root.presses(f"a:ap_ok:{approval_id}"))  # the maker cannot approve it
        await approve_in_queue(bot, root_2, approval_id)
        await bot.send(root.presses("a:menu:roles"))

        await bot.send(root.presses("a:ro_admin:support-1"))
        await bot.send(root.presses("a:ro_set:auditor:support-1"))
        change_id = waiting(CHANGE_WAITING, bot.request.last_text(), "support-1")
        await bot.send(support.command("/admin"))
        await bot.send(support.presses("a:menu:audit"))  # not yet an auditor
        await approve_in_queue(bot, root_2, change_id)
        await bot.send(support.command("/admin"))
        await bot.send(support.presses("a:menu:audit"))

    bot = play(admins, scenario)
    sent = bot.request.of("sendMessage")
    _menu, listing, ask_name, choose, ask_description = sent[:5]
    assert "a:roles:define" in button_data(listing)
    assert ask_name["text"] == ASK_NAME
    assert choose["text"] == CHOOSE
    assert [(b["text"], b["callback_data"]) for b in buttons(choose)] == [
        *((LABELS[p.value], f"a:rd_perm:{p.value}") for p in Permission),
        ("✅ Done", "a:rd_done:auditor"),
    ]
    assert [len(row) for row in choose["reply_markup"]["inline_keyboard"]] == [2] * 9 + [1, 1]
    assert ask_description["text"] == ASK_DESCRIPTION
    assert button_data(ask_description) == ["a:rd_skip:auditor"]
    texts = bot.request.texts()
    assert "You opened this request; another administrator has to decide it." in texts
    approval = next(t for t in texts if t.startswith("Approval "))
    assert approval.splitlines()[1:4] == ["Action: define a role", "Target: auditor", "Amount: —"]

    [overview] = [p for p in sent if str(p["text"]).startswith("Administrators:") and p is not listing]
    assert overview["text"].splitlines()[-3:] == [
        "Custom roles:",
        "· auditor: Statistics (stats.view), Audit trail (audit.view)",
        f"  {DESCRIPTION}",
    ]
    [roles_shown] = [p for p in sent if str(p["text"]).startswith("Tap a role")]
    assert [b["text"] for b in buttons(roles_shown)][:2] == ["auditor", "finance"]
    first_menu, second_menu = (p for p in sent if p["text"] == "Administration (support-1):")
    assert "a:menu:audit" not in button_data(first_menu)
    assert button_data(second_menu) == [
        "a:menu:approvals",
        "a:menu:audit",
        "a:menu:stats",
        "a:menu:reserve",
        "a:menu:customers",
    ]
    assert texts[-1].startswith("The audit trail is intact:")
    assert "Sorry, you are not allowed to do that." in texts  # the audit check before the approval

    assert custom_roles(admins) == {
        "auditor": Role("auditor", frozenset({Permission.AUDIT_VIEW, Permission.STATS_VIEW}), DESCRIPTION)
    }
    assert staff_of(admins)["support-1"].roles == {"auditor", "support"}
    held = {Permission.AUDIT_VIEW, Permission.STATS_VIEW, Permission.CUSTOMER_VIEW}  # the support role's too
    assert admins.staff.permissions("support-1") == held


def test_a_default_or_malformed_name_is_asked_again(admins: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses("a:roles:define"))
        for typed in ("super_admin", "Auditor", "risk__auditor", "_x", "a" * 41, "审计", "finance"):
            await bot.send(root.says(typed))
        await bot.send(root.says("risk_auditor"))

    bot = play(admins, scenario)
    default = "{} is a default role and cannot be redefined. Type another name, or send /cancel:"
    assert bot.request.texts() == [
        ASK_NAME,
        default.format("super_admin"),
        BAD_NAME,
        BAD_NAME,
        BAD_NAME,
        BAD_NAME,
        BAD_NAME,
        default.format("finance"),
        CHOOSE.replace("auditor", "risk_auditor"),
    ]
    assert custom_roles(admins) == {}


def test_a_role_without_permissions_a_message_instead_of_buttons_and_a_long_description_are_refused(
    admins: App,
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await define(bot, root, "auditor", "stats.view", "stats.view")
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.says("audit.view"))
        await bot.send(root.presses("a:rd_perm:audit.view"))
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.presses("a:rd_done:auditor"))  # a double tap
        await bot.send(root.says("x" * 201))
        await bot.send(root.presses("a:rd_skip:auditor"))

    bot = play(admins, scenario)
    assert bot.request.texts()[2:] == [
        "Choose at least one permission, then press Done.",
        "Choose the permissions with the buttons above and press Done, or send /cancel.",
        ASK_DESCRIPTION,
        "A description has at most 200 characters; type it again, or press Skip:",
        bot.request.texts()[-1],
    ]
    approval_id = waiting(WAITING, bot.request.last_text(), "auditor")
    assert toasts(bot)[-3:] == [None, OUTDATED, None]
    [request] = admins.approvals.pending(by="root-2")
    assert (request.id, request.action, request.target) == (approval_id, "role.define", "auditor")


@pytest.mark.parametrize("step", ["name", "permissions", "description"])
def test_cancel_or_moving_on_drops_the_role_being_defined(admins: App, step: str) -> None:
    async def reach(bot: BotHarness, root: TelegramUser) -> None:
        await bot.send(root.presses("a:roles:define"))
        if step != "name":
            await bot.send(root.says("auditor"))
            await bot.send(root.presses("a:rd_perm:audit.view"))
        if step == "description":
            await bot.send(root.presses("a:rd_done:auditor"))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await reach(bot, root)
        await bot.send(root.command("/cancel"))
        assert bot.request.last_text() == "Cancelled."
        await bot.send(root.says("auditor"))
        await bot.send(root.presses("a:rd_perm:stats.view"))
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.presses("a:rd_skip:auditor"))
        await reach(bot, root)
        await bot.send(root.presses("a:menu:stats"))  # moving on
        await bot.send(root.says("A description"))
        await bot.send(root.presses("a:rd_skip:auditor"))

    bot = play(admins, scenario)
    assert bot.request.texts()[-2].startswith("📊 Platform statistics")
    assert bot.request.last_text().startswith("I did not understand")
    assert toasts(bot)[-1] == OUTDATED
    assert custom_roles(admins) == {}
    assert admins.approvals.pending(by="root-2") == []


@pytest.mark.parametrize(
    "data",
    [
        "a:rd_perm:everything",
        "a:rd_perm:stats_view",
        "a:rd_perm:STATS.VIEW",
        "a:rd_perm:stats.view:auditor",
        "a:rd_perm:",
        "a:rd_done:other_role",
        "a:rd_done:Auditor",
        "a:rd_skip:auditor",
        "a:rd_skip:other_role",
    ],
)
def test_a_forged_or_stale_definition_button_is_outdated_and_defines_nothing(admins: App, data: str) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await define(bot, root, "auditor", "stats.view")
        mark = bot.request.mark()
        await bot.send(root.presses(data))
        assert [name for name, _ in bot.request.since(mark)] == ["answerCallbackQuery"]
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.presses("a:rd_skip:auditor"))

    bot = play(admins, scenario)
    assert toasts(bot)[2] == OUTDATED
    assert custom_roles(admins) == {}
    if bot.request.last_text().startswith("The role auditor"):  # data the bot could have written
        waiting(WAITING, bot.request.last_text(), "auditor")
        [request] = admins.approvals.pending(by="root-2")
        assert request.payload == '{"description":"","permissions":["stats.view"]}'
    else:  # data the bot never writes leaves the draft, like any other button
        assert admins.approvals.pending(by="root-2") == []


def test_another_definition_waiting_for_the_same_role_is_decided_first_and_a_redefinition_starts_from_it(
    admins: App,
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root, root_2 = as_admin(bot, ROOT), as_admin(bot, ROOT_2)
        await define(bot, root, "auditor", "audit.view")
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.presses("a:rd_skip:auditor"))
        first = waiting(WAITING, bot.request.last_text(), "auditor")
        await define(bot, root_2, "auditor", "stats.view")
        await bot.send(root_2.presses("a:rd_done:auditor"))
        await bot.send(root_2.presses("a:rd_skip:auditor"))
        assert bot.request.last_text() == (
            f"Another definition of the role auditor is already waiting for a second administrator"
            f" (request {first}); have it approved or rejected first."
        )
        await approve_in_queue(bot, root_2, first)
        await bot.send(root_2.presses("a:roles:define"))
        await bot.send(root_2.says("auditor"))

    bot = play(admins, scenario)
    redefine = bot.request.of("sendMessage")[-1]
    assert redefine["text"] == (
        "The role auditor exists: its permissions are ticked, and what you choose replaces them.\n" + CHOOSE
    )
    ticked = [b["callback_data"] for b in buttons(redefine) if b["text"].startswith("✓ ")]
    assert ticked == ["a:rd_perm:audit.view"]
    assert custom_roles(admins)["auditor"].permissions == {Permission.AUDIT_VIEW}


def test_a_role_being_defined_survives_a_restart_of_the_bot(admins: App) -> None:
    async def before(bot: BotHarness, user: TelegramUser) -> None:
        await define(bot, as_admin(bot, ROOT), "auditor", "stats.view")

    async def after(bot: BotHarness, user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses("a:rd_perm:audit.view"))
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.says(DESCRIPTION))

    play(admins, before)
    bot = play(admins, after)
    waiting(WAITING, bot.request.last_text(), "auditor")
    [request] = admins.approvals.pending(by="root-2")
    assert request.payload == f'{{"description":"{DESCRIPTION}","permissions":["audit.view","stats.view"]}}'


@pytest.mark.parametrize("language", ["zh", "en"])
def test_defining_and_giving_a_role_speak_both_languages(admins: App, language: str) -> None:
    defined: list[str] = []

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        root, root_2 = as_admin(bot, ROOT, language), as_admin(bot, ROOT_2, language)
        await bot.send(root.presses("a:roles:define"))
        await bot.send(root.says("super_admin"))
        await bot.send(root.says("Auditor"))
        await define(bot, root, "auditor", "stats.view", "audit.view")
        await bot.send(root.says("?"))
        await bot.send(root.presses("a:rd_done:auditor"))
        await bot.send(root.presses("a:rd_skip:auditor"))
        [request] = await asyncio.to_thread(admins.approvals.pending, by="root-2")
        defined.append(request.id)
        await bot.send(root_2.presses(f"a:ap_ok:{request.id}"))
        await bot.send(root.presses("a:menu:roles"))
        await bot.send(root.presses("a:ro_set:support:support-1"))
        await bot.send(root.presses("a:ro_set:auditor:support-1"))
        await bot.send(root.presses("a:ro_set:finance:support-1"))

    bot = play(admins, scenario)
    sent = bot.request.of("sendMessage")
    [change] = admins.approvals.pending(by="root-2")
    permissions = ", ".join(f"{name_of(Permission(p), language)} ({p})" for p in ("stats.view", "audit.view"))
    texts = [str(p["text"]) for p in sent]
    assert texts[:9] == [
        text("admin.define.ask_name", language, max=40),
        text("admin.define.default_name", language, role="super_admin"),
        text("admin.define.bad_name", language, max=40),
        text("admin.define.ask_name", language, max=40),
        text("admin.define.choose_permissions", language, role="auditor"),
        text("admin.define.use_buttons", language),
        text("admin.define.ask_description", language, role="auditor", max=200),
        text("admin.define.waiting", language, role="auditor", approval=defined[0]),
        text("admin.approval_approved", language, id=defined[0]),
    ]
    assert texts[9].splitlines()[-2:] == [
        text("admin.roles.custom_title", language),
        text("admin.roles.custom_line", language, role="auditor", permissions=permissions),
    ]
    assert texts[10:] == [
        text(
            "admin.change.last_role", language, role=code_name("role", "support", language), admin="support-1"
        ),
        text("admin.roles.waiting", language, admin="support-1", approval=change.id),
        text("admin.roles.other_waiting", language, admin="support-1", approval=change.id),
    ]
    labels = [b["text"] for p in sent for b in buttons(p)]
    for key in ("admin.roles.define", "admin.define.done_button", "admin.define.skip"):
        assert text(key, language) in labels
    for permission in Permission:
        assert name_of(permission, language) in labels
    ticked = [label for label, _data in keyboard(bot) if label[0] == "✓"]
    assert ticked == [f"✓ {name_of(Permission(p), language)}" for p in ("stats.view", "audit.view")]
