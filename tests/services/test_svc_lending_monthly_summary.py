"""Investors told once a month how their holdings stand: one bot digest per investor for the month just ended,
a line of totals and a line per loan — what it brought in the month (principal, interest, penalty interest,
the platform's fee), what is outstanding at the month's end, the next installment or how long it is
overdue — in their language, once however often and by however many workers the job runs, and never to an
investor who switched it off. On memory, SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from lending_world import assert_books_hold, listed, move_to, open_lending
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.lending import monthly_summary
from p2pstock.core.lending.loans import Loan
from p2pstock.core.lending.month_figures import HoldingMonth, escrow_payments, fee_shares
from p2pstock.core.lending.monthly_summary import MonthlySummaries, MonthSummary
from p2pstock.core.lending.repayments import Parts
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.jobs import run_jobs

APRIL, MAY_DAY = date(2026, 4, 1), date(2026, 5, 1)
IVAN, IRIS, IGOR = "9001", "9002", "9003"
"""The investors' bot chats."""
DIGESTS = ("Your lending summary", "出借月报")


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)
    yield
    assert_books_hold(app)


def summaries(app: App) -> MonthlySummaries:
    return MonthlySummaries(app.lending.desk)


def lent(app: App, shares: dict[str, int], **terms: object) -> Loan:
    """A loan of Bella's filled by ``shares`` (investor → amount) and disbursed at once."""
    loan = listed(app, **terms)
    for investor, amount in shares.items():
        app.lending.invest(loan.id, investor_id=investor, amount=amount)
    return app.lending.approve_full(loan.id, by="risk-1")


def april(app: App, clock: ManualClock) -> tuple[Loan, Loan]:
    """Two loans disbursed on 2 March: A, ¥5,000 over 18 months held 3:2 by Ivan and Iris, and B, ¥1,000 over
    12 months held by Ivan alone. On 2 April Bella repays A's first installment and leaves B's unpaid; the
    clock stops on 1 May."""
    a = lent(app, {"ivan": 300_000, "iris": 200_000})
    b = lent(app, {"ivan": 100_000}, amount=100_000, months=12)
    move_to(clock, date(2026, 4, 2), 9)
    app.lending.repay(a.id, customer_id="bella", request_id="a-1")
    move_to(clock, MAY_DAY, 9)
    return a, b


def told(app: App, chat: str, starts: tuple[str, ...] = DIGESTS) -> list[str]:
    found = app.office.read(lambda tx: tx.uow.outbox.of_recipient(chat, 100))
    return [n.text for n in sorted(found, key=lambda n: n.id) if n.text.startswith(starts)]


def test_an_investor_reads_one_digest_with_a_repaid_and_an_overdue_holding_to_the_fen(
    app: App, clock: ManualClock
) -> None:
    a, b = april(app, clock)

    assert summaries(app).send_due(MAY_DAY) == 2  # Ivan and Iris

    [digest] = told(app, IVAN)
    header, total, *loans = digest.splitlines()
    assert header == "Your lending summary (3 lines):"
    # A's first installment: principal 255.00 and interest 50.00, of which the platform takes a tenth, split
    # 3:2; B's first, 79.00 and 10.00 (9.00 after the fee), unpaid since 2 April. Due on 2 May: A's second,
    # 257.55 and 47.45 (42.71 after the fee), Ivan's 154.53 + 25.63; B's second, 79.79 + 8.29.
    assert total == (
        "2026-04-01 to 2026-04-30: ¥180.00 received in all (principal ¥153.00, interest ¥27.00, penalty "
        "interest ¥0.00; after the platform's fee of ¥3.00); principal outstanding on 2026-04-30: "
        "¥3,847.00; expected in 2026-05: ¥268.24"
    )
    assert sorted(loans) == sorted(
        [
            f"loan {a.id}: ¥3,000.00 invested, ¥180.00 received (principal ¥153.00, interest ¥27.00, "
            "penalty interest ¥0.00; after the platform's fee of ¥3.00), principal outstanding ¥2,847.00, "
            "next ¥180.16 due 2026-05-02",
            f"loan {b.id}: ¥1,000.00 invested, ¥0.00 received (principal ¥0.00, interest ¥0.00, penalty "
            "interest ¥0.00; after the platform's fee of ¥0.00), principal outstanding ¥1,000.00, ¥88.00 "
            "due 2026-04-02 overdue 29 days (overdue M1)",
        ]
    )
    [notice] = told(app, IVAN, (f"¥180.00 from loan {a.id}",))  # what 2 April's notice told him
    assert "principal ¥153.00, interest ¥27.00 (after the platform's fee of ¥3.00)" in notice


def test_an_investor_who_reads_chinese_gets_the_digest_in_chinese(app: App, clock: ManualClock) -> None:
    a, _ = april(app, clock)
    app.customers.set_language("iris", "zh")

    summaries(app).send_due(MAY_DAY)

    [digest] = told(app, IRIS)
    assert digest.splitlines() == [
        "出借月报（2 行）：",
        "2026-04-01 至 2026-04-30：共回款 ¥120.00（本金 ¥102.00，利息 ¥18.00，罚息 ¥0.00；"
        "已扣平台服务费 ¥2.00）；2026-04-30 待收本金 ¥1,898.00；2026-05 预计回款 ¥120.10",
        f"借款 {a.id}：投资 ¥2,000.00，回款 ¥120.00（本金 ¥102.00，利息 ¥18.00，罚息 ¥0.00；"
        "已扣平台服务费 ¥2.00），待收本金 ¥1,898.00，下期 2026-05-02 预计回款 ¥120.10",
    ]


def test_running_it_again_or_by_hand_tells_nobody_twice(app: App, clock: ManualClock) -> None:
    april(app, clock)
    assert summaries(app).send_due(MAY_DAY) == 2

    assert summaries(app).send_due(MAY_DAY) == 0
    move_to(clock, date(2026, 5, 20), 9)
    assert summaries(app).send_due(date(2026, 5, 20)) == 0
    assert summaries(app).send(APRIL) == 0  # by hand: every investor is gone through, none told again

    assert [len(told(app, chat)) for chat in (IVAN, IRIS, IGOR)] == [1, 1, 0]


def test_two_workers_running_it_at_once_tell_each_investor_once(app: App, clock: ManualClock) -> None:
    april(app, clock)

    answers, errors = at_once(2, lambda _: summaries(app).send(APRIL))

    assert errors == []
    assert sorted(answers) in ([0, 2], [1, 1])  # between them, each investor told by one worker
    assert [len(told(app, chat)) for chat in (IVAN, IRIS)] == [1, 1]


def test_a_run_that_crashed_halfway_is_finished_by_the_next_and_tells_nobody_twice(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    april(app, clock)
    monkeypatch.setattr(monthly_summary, "INVESTORS", 1)  # a transaction per investor: Iris's, then Ivan's
    real = Tx.tell_digest

    def crash_at_ivan(tx: Tx, customer: object, key: str, lines: object) -> int:
        if getattr(customer, "id", "") == "ivan":
            raise RuntimeError("the worker died")
        return real(tx, customer, key, lines)  # type: ignore[arg-type]

    monkeypatch.setattr(Tx, "tell_digest", crash_at_ivan)
    with pytest.raises(RuntimeError):
        summaries(app).send_due(MAY_DAY)
    assert [len(told(app, chat)) for chat in (IVAN, IRIS)] == [0, 1]

    monkeypatch.setattr(Tx, "tell_digest", real)
    assert summaries(app).send_due(MAY_DAY) == 1

    assert [len(told(app, chat)) for chat in (IVAN, IRIS)] == [1, 1]


def test_an_investor_who_switched_it_off_is_not_told_until_they_switch_it_on(
    app: App, clock: ManualClock
) -> None:
    april(app, clock)
    assert summaries(app).wanted("ivan")

    assert summaries(app).switch("ivan", on=False) is False
    assert summaries(app).send_due(MAY_DAY) == 1

    assert not summaries(app).wanted("ivan")
    assert (len(told(app, IVAN)), len(told(app, IRIS))) == (0, 1)
    assert summaries(app).switch("ivan", on=True) and summaries(app).wanted("ivan")


def test_the_summary_of_an_unknown_customer_cannot_be_switched(app: App) -> None:
    with pytest.raises(NotFound):
        summaries(app).switch("nobody", on=False)


def test_a_month_without_a_payment_still_summarises_what_is_outstanding(app: App, clock: ManualClock) -> None:
    loan = lent(app, {"igor": 100_000}, amount=100_000, months=3, method=Method.BULLET)
    move_to(clock, MAY_DAY, 9)

    assert summaries(app).send_due(MAY_DAY) == 1

    [digest] = told(app, IGOR)
    assert digest.splitlines()[1:] == [
        "2026-04-01 to 2026-04-30: ¥0.00 received in all (principal ¥0.00, interest ¥0.00, penalty interest "
        "¥0.00; after the platform's fee of ¥0.00); principal outstanding on 2026-04-30: ¥1,000.00; "
        "expected in 2026-05: ¥0.00",
        # the whole at maturity: 1,000.00 and three months at 1 %, 30.00, less the platform's tenth
        f"loan {loan.id}: ¥1,000.00 invested, ¥0.00 received (principal ¥0.00, interest ¥0.00, penalty "
        "interest ¥0.00; after the platform's fee of ¥0.00), principal outstanding ¥1,000.00, next "
        "¥1,027.00 due 2026-06-02",
    ]


def test_a_loan_repaid_in_the_month_is_summarised_as_repaid_and_one_repaid_before_it_is_not(
    app: App, clock: ManualClock
) -> None:
    before = lent(app, {"igor": 100_000}, amount=100_000, months=12)
    during = lent(app, {"igor": 100_000}, amount=100_000, months=12)
    move_to(clock, date(2026, 3, 20), 9)
    app.lending.repay_early(before.id, customer_id="bella", request_id="early-march")
    move_to(clock, APRIL, 9)  # before its first installment falls due: no penalty interest
    app.lending.repay_early(during.id, customer_id="bella", request_id="early-april")
    move_to(clock, MAY_DAY, 9)

    summaries(app).send_due(MAY_DAY)

    [digest] = told(app, IGOR)
    _, total, line = digest.splitlines()
    [notice] = [n for n in told(app, IGOR, ("¥",)) if f"from loan {during.id}" in n]  # 1 April's
    got, principal, interest, fee = re.findall(r"¥[\d,.]+\d", notice)
    assert principal == "¥1,000.00"
    assert line == (
        f"loan {during.id}: ¥1,000.00 invested, {got} received (principal ¥1,000.00, interest {interest}, "
        f"penalty interest ¥0.00; after the platform's fee of {fee}), repaid in full"
    )
    assert "principal outstanding on 2026-04-30: ¥0.00; expected in 2026-05: ¥0.00" in total


def test_each_investors_month_adds_up_what_every_installment_notice_told_them(
    app: App, clock: ManualClock
) -> None:
    loan = lent(app, {"ivan": 250_000, "iris": 150_000, "igor": 100_000})  # 5:3:2, fen split by lot
    move_to(clock, date(2026, 4, 2), 9)
    app.lending.repay(loan.id, customer_id="bella", request_id="first")
    app.lending.repay(loan.id, customer_id="bella", request_id="second")  # the next one, early
    move_to(clock, MAY_DAY, 9)

    summaries(app).send_due(MAY_DAY)

    for chat in (IVAN, IRIS, IGOR):
        notices = told(app, chat, ("¥",))
        assert len(notices) == 2
        parts = [re.findall(r"¥([\d,.]+\d)", notice) for notice in notices]  # whole, principal, interest, fee
        sums = [Money(sum(Money.parse(p[k]).minor for p in parts)) for k in range(4)]
        [digest] = told(app, chat)
        assert (
            f"{sums[0]} received (principal {sums[1]}, interest {sums[2]}, penalty interest ¥0.00; after the "
            f"platform's fee of {sums[3]})"
        ) in digest


def test_a_month_that_has_not_ended_is_refused(app: App, clock: ManualClock) -> None:
    move_to(clock, date(2026, 4, 30), 23)
    with pytest.raises(InvalidInput, match="2026-04 has not ended"):
        summaries(app).send(APRIL)


def test_the_jobs_tell_last_months_summary_on_their_first_run_of_a_month_and_not_again(
    app: App, clock: ManualClock
) -> None:
    april(app, clock)

    first = run_jobs(app, MAY_DAY)  # collects B's overdue installment first: on 1 May, not in April
    move_to(clock, date(2026, 5, 2), 9)
    again = run_jobs(app)

    assert (first.holdings_summaries, again.holdings_summaries) == (2, 0)
    assert "  investors told last month's holdings summary: 2" in first.lines()
    [digest] = told(app, IVAN)
    assert "principal outstanding on 2026-04-30: ¥3,847.00" in digest


def test_a_fee_split_that_does_not_give_back_what_the_ledger_paid_is_shown_as_unknown(
    app: App, clock: ManualClock
) -> None:
    a, _ = april(app, clock)
    loan, held = app.lending.get(a.id), app.lending.investments(a.id)
    before = {i.id: i.amount for i in held}  # nothing was repaid before 2 April's payment
    payments = app.office.read(lambda tx: escrow_payments(tx, loan, 0))
    assert [sorted(fees.values()) for fees in fee_shares(loan, held, payments, before) or []] == [[200, 300]]

    tampered = [attrs.evolve(p, fee=p.fee + 1) for p in payments]

    assert fee_shares(loan, held, tampered, before) is None
    holding = HoldingMonth(loan.id, 300_000, Parts(0, 2_700, 15_300), None, 284_700)
    lines = MonthSummary(APRIL, date(2026, 4, 30), (holding,)).lines("en")
    assert all("after the platform's fee of —)" in line for line in lines)
