"""``p2pstock payment …``: the held deposit orders listed, a resolution asked for by one administrator and
carried out or refused by a second one, from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from p2pstock.adapters.payments import callback_body, sign
from p2pstock.bootstrap import App, bootstrap
from p2pstock.cli import main
from p2pstock.core.money import CNY, Money
from p2pstock.core.payments import OrderStatus, PaymentCallback

SECRET = "whsec-cli-test"


@pytest.fixture(autouse=True)
def _isolated_settings(operator_shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2PSTOCK_PAYMENT_SECRET", SECRET)


@pytest.fixture
def platform() -> Iterator[App]:
    app = bootstrap()
    for admin_id, role in [("finance-1", "finance"), ("finance-2", "finance"), ("support-1", "support")]:
        app.staff.enrol_by_operator(admin_id, [role])
    app.customers.register(customer_id="alice", language="zh")
    app.wallets.open("alice")
    yield app
    app.close()


def held(app: App, paid: int = 9_000) -> str:
    """A ¥100.00 order the sandbox gateway reported paid with ``paid`` fen."""
    link = app.payments.start_deposit("alice", Money(10_000, CNY))
    body = callback_body(PaymentCallback(link.order_id, "SBX-1", paid, "CNY"))
    app.payments.confirm("sandbox", sign(SECRET, app.payments.now() // 1_000_000, body), body)
    return link.order_id


def test_a_held_order_is_listed_credited_by_one_administrator_and_approved_by_another(
    platform: App, capsys: pytest.CaptureFixture[str]
) -> None:
    order = held(platform)

    assert main(["payment", "list", "--mismatched", "--by", "finance-1"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith(
        f"{order}  alice  ordered ¥100.00  sandbox reports ¥90.00 (transaction SBX-1)  "
    )
    assert listed[-1] == "held orders: 1"

    resolve = ["payment", "resolve", order, "--credit", "--reason", "bank shows ¥90", "--by", "finance-1"]
    assert main(resolve) == 0
    asked = capsys.readouterr().out
    assert f"credit of {order} asked for; a second administrator must approve it:" in asked
    assert platform.payments.order(order).status is OrderStatus.MISMATCHED
    assert main(["payment", "list", "--mismatched", "--by", "finance-2"]) == 0
    assert "    credit asked by finance-1 (bank shows ¥90): approval-" in capsys.readouterr().out

    assert main(["payment", "approve", order, "--by", "finance-1"]) == 1  # the maker cannot check
    assert "refused: the administrator who opened a request cannot decide it" in capsys.readouterr().err
    assert main(["payment", "approve", order, "--by", "finance-2"]) == 0
    assert capsys.readouterr().out == f"{order} is credited\n"
    assert platform.wallets.balance("alice").available == Money(9_000, CNY)
    assert main(["payment", "approve", order, "--by", "finance-2"]) == 1  # nothing waits any more
    assert platform.wallets.balance("alice").available == Money(9_000, CNY)


def test_a_refund_asked_for_can_be_rejected_and_the_order_stays_held(
    platform: App, capsys: pytest.CaptureFixture[str]
) -> None:
    order = held(platform)
    assert main(["payment", "resolve", order, "--refund", "--reason", "asked", "--by", "finance-1"]) == 0

    assert main(["payment", "reject", order, "--reason", "check first", "--by", "finance-2"]) == 0

    assert capsys.readouterr().out.splitlines()[-1] == (
        f"the payment.refund of {order} was rejected; the order stays held"
    )
    assert platform.payments.order(order).status is OrderStatus.MISMATCHED


@pytest.mark.parametrize(
    "command",
    [
        ["payment", "list", "--mismatched", "--by", "support-1"],
        ["payment", "resolve", "ORDER", "--refund", "--reason", "mine", "--by", "support-1"],
    ],
    ids=["list", "resolve"],
)
def test_an_administrator_without_payment_resolve_is_refused(
    platform: App, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    order = held(platform)

    assert main([part.replace("ORDER", order) for part in command]) == 1

    assert (
        "refused: you are not allowed to resolve mismatched payments" in capsys.readouterr().err.splitlines()
    )
    assert platform.payments.order(order).status is OrderStatus.MISMATCHED


def test_resolve_needs_exactly_one_of_credit_and_refund(platform: App) -> None:
    order = held(platform)
    for outcome in ([], ["--credit", "--refund"]):
        with pytest.raises(SystemExit):
            main(["payment", "resolve", order, *outcome, "--reason", "x", "--by", "finance-1"])
