"""Held payments in the administrators' bot: the queue in /admin, a credit or a refund asked for with its
reason, and the second administrator's approval from the same card — in Chinese and English."""

from __future__ import annotations

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play, sent_since

from p2pstock.adapters.payments import callback_body, sign
from p2pstock.adapters.payments.sandbox import process_secret
from p2pstock.bootstrap import App
from p2pstock.core.money import CNY, Money
from p2pstock.core.payments import OrderStatus, PaymentCallback
from p2pstock.core.people.four_eyes import ApprovalStatus

FINANCE, ROOT, REVIEWER = 6001, 6002, 6003


@pytest.fixture
def admins(app: App) -> App:
    for admin_id, role, telegram in [
        ("finance-tg", "finance", FINANCE),
        ("root-tg", "super_admin", ROOT),
        ("reviewer-tg", "reviewer", REVIEWER),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
    app.customers.register(customer_id="alice", language="en")
    app.wallets.open("alice")
    return app


def held(app: App, *, paid: int = 9_000) -> str:
    """A ¥100.00 deposit order the sandbox gateway reported paid with ``paid`` fen."""
    link = app.payments.start_deposit("alice", Money(10_000, CNY))
    body = callback_body(PaymentCallback(link.order_id, "T-1", paid, "CNY"))
    app.payments.confirm("sandbox", sign(process_secret(), app.payments.now() // 1_000_000, body), body)
    return link.order_id


def test_finance_asks_to_credit_a_held_payment_and_a_second_administrator_approves_it_from_the_queue(
    admins: App,
) -> None:
    order = held(admins)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        finance, root = as_admin(bot, FINANCE), as_admin(bot, ROOT, "zh")
        await bot.send(finance.command("/admin"))
        assert "a:menu:payments" in button_data(bot.request.of("sendMessage")[-1])
        mark = bot.request.mark()
        await bot.send(finance.presses("a:menu:payments"))
        [card] = sent_since(bot, mark)
        assert str(card["text"]).splitlines() == [
            f"Deposit order {order}",
            "Customer: alice",
            "Provider: sandbox (transaction T-1)",
            "Ordered: ¥100.00",
            "The provider reports: ¥90.00",
            "Ordered at: 2026-01-05 09:30",
        ]
        assert button_data(card) == [f"a:pay_cr:{order}", f"a:pay_rf:{order}"]
        await bot.send(finance.presses(f"a:pay_cr:{order}"))
        assert bot.request.last_text() == (
            "Type why this payment should be credited (the checker and the audit trail will read it),"
            " or send /cancel:"
        )
        await bot.send(finance.says("bank statement shows ¥90"))
        [approval] = [r.id for r in admins.approvals.pending(by="root-tg")]
        assert bot.request.last_text() == (
            f"Order {order}: Credit asked for; a second administrator must approve it ({approval})."
        )
        mark = bot.request.mark()
        await bot.send(finance.presses("a:menu:payments"))
        [own] = sent_since(bot, mark)
        assert str(own["text"]).splitlines()[-1] == (
            f"Credit asked for by finance-tg (bank statement shows ¥90); waits for a second administrator"
            f" ({approval})."
        )
        assert button_data(own) == []  # the maker cannot decide it
        mark = bot.request.mark()
        await bot.send(root.presses("a:menu:payments"))
        [theirs] = sent_since(bot, mark)
        assert str(theirs["text"]).splitlines()[0] == f"充值订单 {order}"
        assert str(theirs["text"]).splitlines()[-1] == (
            "已申请入账（发起人 finance-tg，原因：bank statement shows ¥90），"
            f"等待另一位管理员复核（{approval}）。"
        )
        assert button_data(theirs) == [f"a:ap_ok:{approval}", f"a:ap_no:{approval}"]
        await bot.send(root.presses(f"a:ap_ok:{approval}"))
        await bot.send(root.presses(f"a:ap_ok:{approval}"))  # a double tap

    play(admins, scenario)
    resolved = admins.payments.order(order)
    assert (resolved.status, resolved.resolved_by, resolved.approved_by) == (
        OrderStatus.CREDITED,
        "finance-tg",
        "root-tg",
    )
    assert admins.wallets.balance("alice").available == Money(9_000, CNY)


def test_a_refund_is_asked_for_in_chinese_and_rejected_by_the_second_administrator_with_a_reason(
    admins: App,
) -> None:
    order = held(admins)
    asked: list[str] = []

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        finance, root = as_admin(bot, FINANCE, "zh"), as_admin(bot, ROOT, "zh")
        await bot.send(finance.presses(f"a:pay_rf:{order}"))
        assert bot.request.last_text() == (
            "请输入退款原因（客户、复核人和审计记录可见），或发送 /cancel 取消："
        )
        await bot.send(finance.says("客户要求退款"))
        [approval] = [r.id for r in admins.approvals.pending(by="root-tg")]
        asked.append(approval)
        assert bot.request.last_text() == (
            f"订单 {order}：退款申请已提交，需另一位管理员在复核队列中同意（{approval}）。"
        )
        await bot.send(finance.presses(f"a:pay_cr:{order}"))
        await bot.send(finance.says("其实应该入账"))
        assert bot.request.last_text() == "该订单已有另一项处理申请在等待复核，请先同意或驳回它。"
        await bot.send(root.presses(f"a:ap_no:{approval}"))
        await bot.send(root.says("请先核对银行流水"))

    play(admins, scenario)
    rejected = admins.approvals.get(asked[0])
    assert (rejected.status, rejected.checker_id, rejected.reason) == (
        ApprovalStatus.REJECTED,
        "root-tg",
        "请先核对银行流水",
    )
    assert admins.payments.order(order).status is OrderStatus.MISMATCHED
    assert admins.wallets.balance("alice").available == Money(0, CNY)


def test_the_queue_is_empty_without_held_payments_and_absent_for_administrators_without_the_permission(
    admins: App,
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, FINANCE).presses("a:menu:payments"))
        await bot.send(as_admin(bot, REVIEWER).command("/admin"))
        await bot.send(as_admin(bot, REVIEWER).presses("a:menu:payments"))

    bot = play(admins, scenario)
    empty, _menu, refused = bot.request.texts()
    assert empty == "Nothing is waiting."
    assert "a:menu:payments" not in button_data(bot.request.of("sendMessage")[1])
    assert refused == "Sorry, you are not allowed to do that."
