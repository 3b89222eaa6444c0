"""Platform statistics: customers by verification status, the review queues, money moved on a day."""

from __future__ import annotations

from datetime import date

import pytest

from p2pstock.bootstrap import App
from p2pstock.core.money import CNY, Money
from p2pstock.core.people.permissions import PermissionDenied
from sample_documents import pdf

PDF = pdf("scan")


def test_the_overview_counts_customers_queues_and_the_money_moved_today(app: App) -> None:
    for n in range(3):
        app.customers.register(customer_id=f"c{n}")
    app.customers.upload_document("c0", "id_card_front", PDF)
    app.wallets.open("c1")
    app.wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money(100_000, CNY))
    app.wallets.request_withdrawal("c1", request_id="w1", amount=Money(30_000, CNY))
    app.wallets.request_withdrawal("c1", request_id="w2", amount=Money(20_000, CNY))

    overview = app.statistics.overview(by="support-1")

    assert overview.customers == {"registered": 3}
    assert (overview.documents_to_review, overview.identities_to_review) == (1, 0)
    assert (overview.withdrawals_pending, overview.withdrawals_pending_amount) == (2, 50_000)
    assert [(t.code, t.count, t.debits) for t in overview.moved] == [("deposit", 1, 100_000)]
    assert overview.day == date(2026, 1, 5)  # the business day of the test clock in Asia/Shanghai


def test_a_day_without_movements_shows_none(app: App) -> None:
    assert app.statistics.overview(by="finance-1", day=date(2025, 1, 1)).moved == []


def test_a_customer_cannot_see_platform_statistics(app: App) -> None:
    app.customers.register(customer_id="c0")

    with pytest.raises(PermissionDenied):
        app.statistics.overview(by="c0")
