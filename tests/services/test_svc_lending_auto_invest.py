"""Auto-invest (自动投标) on memory, SQLite and PostgreSQL: rules served in a fair round-robin queue, each
investment within the rule's cap, the balance kept and the product's auto share, a loan never over-funded
(not even by hand bidders racing a run), an investor short of money told once, a loan served once, a
paused rule never firing, and a bad rule refused with nothing kept."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
from lending_world import (
    AMOUNT,
    PERSONAL,
    assert_books_hold,
    frozen,
    open_lending,
    qualification,
    verified,
)
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import InvalidInput, NotFound, P2PStockError, Refused
from p2pstock.core.lending import applications
from p2pstock.core.lending.auto_invest import RuleTerms
from p2pstock.core.lending.loans import Investment, Loan, LoanStatus
from p2pstock.core.lending.schedules import Method
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.jobs import run_jobs

WHOLE = attrs.evolve(PERSONAL, code="whole", name="全额自动投标借款", auto_share_bp=10_000)
"""The reference product, but auto-invest may take the whole of a loan."""


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)
    app.loan_products.define(WHOLE, by="root")
    yield
    assert_books_hold(app)


def a_loan(app: App, *, amount: int = AMOUNT, product: str = "personal", served: bool = True) -> Loan:
    """Bella's loan listed by two reviewers: served to the rules as the final review does it, or (not
    ``served``) as if the process died between the listing and the run."""
    loan = app.lending.apply(
        "bella",
        product=product,
        amount=amount,
        months=18,
        rate_bp=1_200,
        method=Method.EQUAL_INSTALLMENTS,
        purpose="shop renovation",
        documents=[qualification(app)],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by="reviewer-1")
    if served:
        return app.lending.final_review(loan.id, by="reviewer-2")
    desk = app.lending.desk
    return app.office.run(lambda tx: applications.final_review(desk, tx, loan.id, by="reviewer-2"))


def keeps(app: App, clock: ManualClock, investor: str, **terms: object) -> None:
    """``investor`` keeps a rule of ``terms``, a second after the last rule was made."""
    clock.advance(seconds=1)
    app.auto_invest.save(investor, RuleTerms(**terms))  # type: ignore[arg-type]


def invested(app: App, loan: Loan) -> dict[str, int]:
    return {i.investor_id: i.amount for i in app.lending.investments(loan.id)}


def told(app: App, chat: int, start: str) -> list[str]:
    found = app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 200))
    return [n.text for n in found if n.text.startswith(start)]


# -- the queue ----------------------------------------------------------------------------------------


def test_a_hundred_rules_are_served_in_turn_across_ten_loans_each_once_before_any_twice(
    app: App, clock: ManualClock
) -> None:
    ids = [f"r{i:03d}" for i in range(100)]
    for investor in ids:
        verified(app, investor, wallet=100_000)
    made = ids[::-1]  # made in the reverse order of their ids: the queue follows when they were made
    for investor in made:
        keeps(app, clock, investor, amount=7_000)  # ¥70 a loan: ten fill a ¥1,000 loan's 70 % auto share

    served: list[list[str]] = []
    for _ in range(12):
        clock.advance(minutes=1)
        run = app.auto_invest.run(a_loan(app, amount=100_000, served=False).id)
        served.append([i.investor_id for i in run.investments])
        assert run.loan.funded == 70_000 and run.loan.remainder == 30_000

    assert served[:10] == [made[i : i + 10] for i in range(0, 100, 10)]
    order = [investor for loan in served for investor in loan]
    first_again = next(i for i, investor in enumerate(order) if investor in order[:i])
    assert first_again == 100 and sorted(order[:100]) == ids  # every rule once before any rule twice
    assert served[10:] == [made[:10], made[10:20]]  # then round again, the longest served first


def test_the_rules_of_a_loan_listed_by_the_final_review_invest_in_the_order_they_were_made(
    app: App, clock: ManualClock
) -> None:
    keeps(app, clock, "iris", amount=20_000)
    keeps(app, clock, "ivan", amount=20_000)
    loan = a_loan(app)

    assert loan.auto_done and loan.funded == 40_000 and loan.investors == 2
    [first, second] = sorted(app.lending.investments(loan.id), key=lambda i: i.investor_id != "iris")
    assert (first.investor_id, second.investor_id) == ("iris", "ivan")
    assert all(i.origin == "auto" and i.auto for i in (first, second))
    assert app.auto_invest.rule("iris").last_fired_at == app.auto_invest.rule("ivan").last_fired_at  # type: ignore[union-attr]


def test_a_rule_changed_after_it_fired_keeps_its_place_in_the_queue(app: App, clock: ManualClock) -> None:
    keeps(app, clock, "ivan", amount=10_000)
    a_loan(app)
    fired = app.auto_invest.rule("ivan").last_fired_at  # type: ignore[union-attr]

    keeps(app, clock, "ivan", amount=20_000)
    app.auto_invest.pause("ivan")

    changed = app.auto_invest.rule("ivan")
    assert changed is not None and fired is not None
    assert (changed.last_fired_at, changed.terms.amount, changed.active) == (fired, 20_000, False)


# -- limits -------------------------------------------------------------------------------------------


def test_each_auto_investment_keeps_to_its_rules_cap_and_kept_balance_and_together_to_the_auto_share(
    app: App, clock: ManualClock
) -> None:
    keeps(app, clock, "ivan", share_bp=5_000, cap=30_000)  # half of ¥10,000, at most ¥300
    keeps(app, clock, "iris", amount=400_000, keep=990_000)  # ¥4,000, but ¥9,900 stays: ¥100
    keeps(app, clock, "igor", amount=1_000_000)  # ¥10,000: what is left of the 70 % share
    loan = a_loan(app)

    assert invested(app, loan) == {"ivan": 30_000, "iris": 10_000, "igor": 310_000}
    assert loan.funded == AMOUNT * 7 // 10 and loan.status is LoanStatus.LISTED
    assert [frozen(app, who) for who in ("ivan", "iris", "igor")] == [30_000, 10_000, 310_000]
    verified(app, "hana", wallet=200_000)
    app.lending.invest(loan.id, investor_id="hana", amount=150_000)  # the rest is bid by hand
    assert app.lending.get(loan.id).status is LoanStatus.FULL


def test_an_amount_is_rounded_down_to_a_bid_the_loan_accepts_or_the_rule_is_skipped(
    app: App, clock: ManualClock
) -> None:
    verified(app, "odd", wallet=1_234_567)
    keeps(app, clock, "odd", share_bp=1_000)  # a tenth: ¥1,234.56 → ¥1,234.00 (bids go up in ¥1 steps)
    keeps(app, clock, "ivan", amount=4_999)  # below the ¥50 minimum bid: skipped, nobody told
    loan = a_loan(app)

    assert invested(app, loan) == {"odd": 123_400}
    assert told(app, 9001, "Auto-invest") == []


def test_auto_invest_fills_a_loan_whose_product_lets_it_and_never_over_funds_it(
    app: App, clock: ManualClock
) -> None:
    for investor in ("ivan", "iris", "igor"):
        keeps(app, clock, investor, amount=200_000)
    loan = a_loan(app, product="whole")

    assert invested(app, loan) == {"ivan": 200_000, "iris": 200_000, "igor": 100_000}
    assert (loan.status, loan.funded) == (LoanStatus.FULL, AMOUNT)
    assert told(app, 8001, f"Loan {loan.id} is fully funded")


def test_the_borrowers_own_rule_a_paused_rule_and_a_deleted_rule_never_fire(
    app: App, clock: ManualClock
) -> None:
    for investor in ("bella", "ivan", "iris", "igor"):
        keeps(app, clock, investor, amount=10_000)
    app.auto_invest.pause("ivan")
    assert app.auto_invest.delete("iris") and app.auto_invest.rule("iris") is None

    assert invested(app, a_loan(app)) == {"igor": 10_000}
    app.auto_invest.resume("ivan")
    assert invested(app, a_loan(app)) == {"ivan": 10_000, "igor": 10_000}


def test_an_investor_bidding_refuses_is_skipped_and_the_others_invest(app: App, clock: ManualClock) -> None:
    verified(app, "olga", wallet=500_000)
    keeps(app, clock, "olga", amount=10_000)
    keeps(app, clock, "ivan", amount=10_000)
    olga = app.customers.get("olga")
    app.office.run(lambda tx: tx.uow.customers.save(attrs.evolve(olga, status=KycStatus.PHONE_VERIFIED)))

    loan = a_loan(app)  # olga's identity is no longer verified: bidding refuses her

    assert invested(app, loan) == {"ivan": 10_000}
    assert frozen(app, "olga") == 0


def test_a_rule_waits_for_the_risk_disclosure(app: App) -> None:
    stranger = Customer(
        "olga", telegram_user_id=9100, language="en", phone="+8613900001111", status=KycStatus.VERIFIED
    )
    app.office.run(lambda tx: tx.uow.customers.add(stranger))  # verified, but the risk disclosure unread

    with pytest.raises(Refused) as refused:
        app.auto_invest.save("olga", RuleTerms(amount=10_000))

    assert refused.value.code == "lending_risk_first"
    assert app.auto_invest.rule("olga") is None


# -- telling ------------------------------------------------------------------------------------------


def test_each_investor_is_told_what_their_rule_invested(app: App, clock: ManualClock) -> None:
    keeps(app, clock, "ivan", amount=25_000)
    loan = a_loan(app)

    assert told(app, 9001, "Auto-invest") == [
        f"Auto-invest put ¥250.00 in loan {loan.id} (12.00% a year over 18 months); it is frozen until the "
        "loan is full and reviewed."
    ]


def test_an_investor_short_of_money_is_skipped_and_told_once_until_the_rule_fires_again(
    app: App, clock: ManualClock
) -> None:
    keeps(app, clock, "ivan", amount=10_000, keep=996_000)  # ¥10,000 less ¥9,960 kept: under the ¥50 bid
    keeps(app, clock, "iris", amount=10_000)
    first, second = a_loan(app), a_loan(app)
    shorts = told(app, 9001, "Auto-invest skipped")

    assert invested(app, first) == invested(app, second) == {"iris": 10_000}
    assert shorts == [
        f"Auto-invest skipped loan {first.id}: your available balance of ¥10,000.00 is below the ¥9,960.00 "
        "you keep plus the minimum bid of ¥50.00. Deposit more to keep auto-investing (you are not told "
        "again until your rule next invests)."
    ]
    keeps(app, clock, "ivan", amount=10_000)
    assert invested(app, a_loan(app))["ivan"] == 10_000
    assert not app.auto_invest.rule("ivan").low_balance_told  # type: ignore[union-attr]
    keeps(app, clock, "ivan", amount=10_000, keep=996_000)
    a_loan(app)
    assert len(told(app, 9001, "Auto-invest skipped")) == 2


# -- once per loan ------------------------------------------------------------------------------------


def test_a_loan_is_served_once_however_often_it_is_run(app: App, clock: ManualClock) -> None:
    keeps(app, clock, "ivan", amount=10_000)
    loan = a_loan(app)

    again = app.auto_invest.run(loan.id)
    relisted = app.lending.final_review(loan.id, by="reviewer-2")  # the same review, asked again
    report = run_jobs(app)

    assert not again.ran and again.investments == () and report.loans_auto_invested == 0
    assert relisted.funded == 10_000 and invested(app, loan) == {"ivan": 10_000}
    assert frozen(app, "ivan") == 10_000


def test_the_jobs_serve_a_loan_a_crash_left_unserved_and_only_once(app: App, clock: ManualClock) -> None:
    keeps(app, clock, "ivan", amount=10_000)
    loan = a_loan(app, served=False)
    assert not loan.auto_done and invested(app, loan) == {}

    assert run_jobs(app).loans_auto_invested == 1
    assert run_jobs(app).loans_auto_invested == 0
    assert invested(app, loan) == {"ivan": 10_000} and app.lending.get(loan.id).auto_done


# -- bad rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        ({}, "auto_stake"),
        ({"amount": 10_000, "share_bp": 100}, "auto_stake"),
        ({"share_bp": 10_001}, "auto_share_range"),
        ({"amount": -1}, "auto_amount_range"),
        ({"amount": 10_000, "keep": -5}, "auto_keep_range"),
        ({"amount": 10_000, "cap": 0}, "auto_cap_range"),
        ({"amount": 10_000, "months_min": 12, "months_max": 6}, "auto_term_range"),
        ({"amount": 10_000, "months_max": 400}, "auto_term_range"),
        ({"amount": 10_000, "rate_min_bp": 1_500, "rate_max_bp": 1_000}, "auto_rate_range"),
        ({"amount": 10_000, "methods": ()}, "auto_methods"),
        ({"amount": 10_000, "methods": ("weekly",)}, "auto_methods"),
        ({"amount": 10_000, "methods": ("bullet", "bullet")}, "auto_methods"),
        ({"amount": 10_000, "products": ("Personal Loan",)}, "auto_products"),
        ({"amount": 10.5}, "whole_number"),
    ],
)
def test_a_bad_rule_is_refused_by_its_code_and_nothing_is_kept(
    app: App, clock: ManualClock, terms: dict[str, object], code: str
) -> None:
    keeps(app, clock, "iris", amount=10_000)

    for investor in ("ivan", "iris"):
        with pytest.raises(InvalidInput) as refused:
            app.auto_invest.save(investor, RuleTerms(**terms))  # type: ignore[arg-type]
        assert refused.value.code == code

    assert app.auto_invest.rule("ivan") is None
    assert app.auto_invest.rule("iris").terms == RuleTerms(amount=10_000)  # type: ignore[union-attr]


def test_only_a_verified_customer_keeps_a_rule(app: App) -> None:
    app.office.run(lambda tx: tx.uow.customers.add(Customer("una", status=KycStatus.PHONE_VERIFIED)))

    with pytest.raises(Refused) as unverified:
        app.auto_invest.save("una", RuleTerms(amount=10_000))
    with pytest.raises(NotFound) as unknown:
        app.auto_invest.save("nobody", RuleTerms(amount=10_000))
    with pytest.raises(NotFound) as none:
        app.auto_invest.pause("ivan")

    assert (unverified.value.code, unknown.value.code) == ("verify_identity_first", "customer_not_found")
    assert none.value.code == "auto_rule_not_found" and app.auto_invest.rule("una") is None


# -- racing -------------------------------------------------------------------------------------------

HAND_BIDDERS = 8


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_hand_bidders_racing_a_run_leave_the_loan_funded_exactly_by_its_investments(
    app: App, clock: ManualClock
) -> None:
    for i in range(30):
        verified(app, f"auto-{i}", wallet=100_000)
        keeps(app, clock, f"auto-{i}", amount=10_000)  # ¥3,000 wanted of the ¥3,500 auto share
    for i in range(HAND_BIDDERS):
        verified(app, f"hand-{i}", wallet=100_000)
    loan = a_loan(app, served=False)

    def bid(i: int) -> object:
        if i == HAND_BIDDERS:
            return app.auto_invest.run(loan.id)
        return app.lending.invest(loan.id, investor_id=f"hand-{i}", amount=30_000)  # ¥2,400 in all

    answers, errors = at_once(HAND_BIDDERS + 1, bid)

    after, stored = app.lending.get(loan.id), app.lending.investments(loan.id)
    assert after.auto_done and after.funded == sum(i.amount for i in stored) <= AMOUNT
    assert sum(i.amount for i in stored if i.auto) <= AMOUNT * 7 // 10
    by_hand = [a for a in answers if isinstance(a, Investment)]
    assert sorted(i.id for i in stored if not i.auto) == sorted(i.id for i in by_hand)
    assert all(isinstance(e, P2PStockError) for e in errors), errors
    for investment in stored:
        assert frozen(app, investment.investor_id) == investment.amount
