"""A customer's lending in the bot: the hall's pages and filters, investing with the expected schedule shown
first, a borrower's own loan, repaying once however often ✅ is tapped, and buttons that are outdated or
not the customer's own changing nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot_harness import BotHarness, TelegramUser, button_data, play, toasts
from lending_bot_world import IRIS, IVAN, a_customer, confirm_button, the_platform

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram import lending_hall, lending_mine
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.people.customers import KycStatus
from sample_documents import png

OLGA, UNA = 2003, 2004


def listed(app: App, *, method: Method = Method.EQUAL_INSTALLMENTS, months: int = 12) -> Loan:
    """Bella's loan of ¥5,000 at 12 %, listed by two reviewers."""
    document = app.customers.upload_document("bella", "house_certificate", png(f"house certificate {months}"))
    app.kyc.accept_document(document.id, by="reviewer-1")
    loan = app.lending.apply(
        "bella",
        product="personal",
        amount=500_000,
        months=months,
        rate_bp=1_200,
        method=method,
        purpose="shop",
        documents=[document.id],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by="reviewer-1")
    return app.lending.final_review(loan.id, by="reviewer-2")


def disbursed(app: App) -> Loan:
    loan = listed(app, months=2)
    app.lending.invest(loan.id, investor_id="ivan", amount=300_000)
    app.lending.invest(loan.id, investor_id="iris", amount=200_000)
    return app.lending.approve_full(loan.id, by="risk-1")


def last_message(bot: BotHarness) -> dict[str, object]:
    return [p for name, p in bot.request.calls if name in ("sendMessage", "editMessageText")][-1]


def test_the_hall_filters_by_term_and_method_and_names_the_filter(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    short = listed(app, method=Method.BULLET, months=3)
    long = listed(app, months=12)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.command("/hall"))
        everything = last_message(bot)
        assert f"ln:show:{short.id}" in button_data(everything) and f"ln:show:{long.id}" in button_data(
            everything
        )
        assert "ln:hall:0:short" in button_data(everything) and "ln:hall:0:bullet" in button_data(everything)
        await bot.send(ivan.presses("ln:hall:0:short"))
        shown = last_message(bot)
        assert str(shown["text"]).startswith("🏦 Financing hall (page 1, up to 6 months)")
        assert [d for d in button_data(shown) if d.startswith("ln:show:")] == [f"ln:show:{short.id}"]
        await bot.send(ivan.presses("ln:hall:0:equal_principal"))
        assert "No loans of this kind" in str(last_message(bot)["text"])
        await bot.send(ivan.presses("ln:hall:0:sideways"))

    bot = play(app, scenario)
    assert toasts(bot)[-1] == "This button is outdated."


def test_investing_shows_the_expected_schedule_and_freezes_only_when_confirmed(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    loan = listed(app, months=12)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.presses(f"ln:show:{loan.id}"))
        assert "Borrower 王**" in str(last_message(bot)["text"])
        await bot.send(ivan.presses(f"ln:inv:{loan.id}"))
        await bot.send(ivan.says("1,000"))
        offer = str(last_message(bot)["text"])
        assert offer.splitlines()[1] == "· 1. 2026-04-02: principal ¥78.80, interest ¥10.00"
        assert len(offer.splitlines()) == 5  # the first three installments and the last
        assert app.wallets.balance("ivan").frozen.minor == 0
        ok = confirm_button(bot)
        await bot.send(ivan.presses(ok))
        await bot.send(ivan.presses(ok))  # a second tap

    play(app, scenario)
    assert app.wallets.balance("ivan").frozen.minor == 100_000
    assert [i.amount for i in app.lending.investments(loan.id)] == [100_000]


def test_more_than_the_wallet_holds_is_asked_again_before_any_confirmation(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    a_customer(app, "olga", OLGA, wallet=50_000)
    loan = listed(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        olga = bot.user(OLGA, language_code="en")
        await bot.send(olga.presses(f"ln:inv:{loan.id}"))
        await bot.send(olga.says("1,000"))
        assert str(last_message(bot)["text"]) == (
            "That is more than the ¥500.00 you have available: deposit more, or type another amount."
        )
        assert not [d for d in button_data(last_message(bot)) if d.startswith("ln:ok:")]
        await bot.send(olga.says("500"))
        assert str(last_message(bot)["text"]).startswith(f"Invest ¥500.00 in loan {loan.id}")

    play(app, scenario)
    assert app.lending.investments(loan.id) == []


def test_a_customer_not_yet_verified_is_told_how_before_investing_or_borrowing(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    a_customer(app, "una", UNA, wallet=100_000, status=KycStatus.PHONE_VERIFIED)
    loan = listed(app)
    told = []

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        una = bot.user(UNA, language_code="en")
        for step in (f"ln:inv:{loan.id}", "ln:meth:equal_installments:personal"):
            await bot.send(una.presses(step))
            told.append((str(last_message(bot)["text"]), button_data(last_message(bot))))

    play(app, scenario)
    verify = ["m:phone", "m:identity", "m:documents", "m:status"]
    assert told == [
        (
            "Please verify your identity before investing: verify your phone, submit your identity and your "
            "ID card photos; once they are accepted you can invest.",
            verify,
        ),
        (
            "Please verify your identity before applying for a loan: verify your phone, submit your identity "
            "and your ID card photos; once they are accepted you can apply.",
            verify,
        ),
    ]


def test_an_investment_confirmed_after_cancel_is_outdated_and_freezes_nothing(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    loan = listed(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.presses(f"ln:inv:{loan.id}"))
        await bot.send(ivan.says("1,000"))
        ok = confirm_button(bot)
        await bot.send(ivan.command("/cancel"))
        await bot.send(ivan.presses(ok))

    bot = play(app, scenario)
    assert toasts(bot)[-1] == "This button is outdated."
    assert app.wallets.balance("ivan").frozen.minor == 0
    assert app.lending.investments(loan.id) == []


def test_the_hall_and_a_borrowers_loans_are_paged_in_place(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    loans = [listed(app, months=months).id for months in range(1, lending_mine.MINE_PAGE + 2)]

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.command("/loans"))
        first = last_message(bot)
        assert [d for d in button_data(first) if not d.startswith("ln:loan:")] == ["ln:mine:1"]
        assert len(button_data(first)) == lending_mine.MINE_PAGE + 1
        await bot.send(bella.presses("ln:mine:1"))
        second = last_message(bot)
        assert str(second["text"]).splitlines()[0] == "📒 Your loans"
        assert len(str(second["text"]).splitlines()) == 2
        assert button_data(second)[-1] == "ln:mine:0"
        shown = [d.removeprefix("ln:loan:") for d in button_data(first) + button_data(second)]
        assert sorted(d for d in shown if not d.startswith("ln:mine:")) == sorted(loans)
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.command("/hall"))
        assert "ln:hall:1:all" in button_data(last_message(bot))
        await bot.send(ivan.presses("ln:hall:1:all"))
        hall = last_message(bot)
        assert str(hall["text"]).startswith("🏦 Financing hall (page 2")
        assert (
            len([d for d in button_data(hall) if d.startswith("ln:show:")])
            == len(loans) - lending_hall.HALL_PAGE
        )
        assert "ln:hall:0:all" in button_data(hall) and "ln:hall:2:all" not in button_data(hall)

    play(app, scenario)


def test_a_borrower_gets_no_invest_button_on_their_own_loan_and_core_refuses_it_anyway(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    loan = listed(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.presses(f"ln:show:{loan.id}"))
        assert button_data(last_message(bot)) == []
        await bot.send(bella.presses(f"ln:inv:{loan.id}"))
        await bot.send(bella.says("100"))
        await bot.send(bella.presses(confirm_button(bot)))
        assert "own loan" in bot.request.last_text()

    play(app, scenario)
    assert app.lending.get(loan.id).funded == 0


def test_repaying_once_however_often_the_confirmation_is_tapped(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    loan = disbursed(app)
    clock.set(datetime(2026, 4, 2, 2, tzinfo=UTC))

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.presses(f"ln:loan:{loan.id}"))
        assert button_data(last_message(bot)) == [f"ln:pay:{loan.id}", f"ln:early:{loan.id}"]
        await bot.send(bella.presses(f"ln:pay:{loan.id}", message_id=700))
        assert "Repay ¥2,538.00 on loan" in bot.request.last_text()
        ok = confirm_button(bot)
        for _ in range(3):
            await bot.send(bella.presses(ok, message_id=701))

    play(app, scenario)
    assert app.lending.get(loan.id).payments == 1
    assert [i.settled for i in app.lending.installments(loan.id)] == [True, False]


def test_a_forged_or_foreign_button_changes_nothing(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    loan = disbursed(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        iris = bot.user(IRIS, language_code="en")
        await bot.send(iris.presses(f"ln:loan:{loan.id}"))  # not her loan
        await bot.send(iris.presses(f"ln:pay:{loan.id}"))
        await bot.send(bella.presses("ln:ok:12345"))  # no step waits for it
        await bot.send(bella.presses("ln:meth:bullet:nosuchproduct"))

    bot = play(app, scenario)
    assert app.lending.get(loan.id).payments == 0
    assert toasts(bot).count("This button is outdated.") == 4


def test_an_early_repayment_ends_the_loan_from_the_bot(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    loan = disbursed(app)
    clock.set(datetime(2026, 3, 17, 2, tzinfo=UTC))  # half of the first month

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.presses(f"ln:early:{loan.id}", message_id=800))
        quote = app.lending.payoff(loan.id, customer_id="bella")
        assert f"in full: {Money(quote.total)}" in bot.request.last_text()
        await bot.send(bella.presses(confirm_button(bot), message_id=801))

    play(app, scenario)
    assert app.lending.get(loan.id).status is LoanStatus.REPAID


def test_the_confirmation_of_an_earlier_repayment_is_outdated_once_another_was_asked_for(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    loan = disbursed(app)
    clock.set(datetime(2026, 4, 2, 2, tzinfo=UTC))

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.presses(f"ln:pay:{loan.id}", message_id=900))
        pay = confirm_button(bot)
        await bot.send(bella.presses(f"ln:early:{loan.id}", message_id=900))
        await bot.send(bella.presses(pay, message_id=901))  # ✅ under "Repay ¥2,538.00"

    bot = play(app, scenario)
    assert toasts(bot)[-1] == "This button is outdated."
    assert app.lending.get(loan.id).payments == 0


def test_a_repayment_confirmed_after_the_jobs_collected_it_is_refused(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    loan = disbursed(app)
    clock.set(datetime(2026, 4, 2, 2, tzinfo=UTC))

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.presses(f"ln:pay:{loan.id}", message_id=950))
        app.lending.collect_due(date(2026, 4, 2))
        await bot.send(bella.presses(confirm_button(bot), message_id=951))
        assert "changed" in bot.request.last_text()

    play(app, scenario)
    assert app.lending.get(loan.id).payments == 1  # the jobs' collection only


def test_an_amount_outside_the_bid_range_is_asked_for_again_and_a_closed_loan_ends_the_step(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    loan = listed(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan, iris = bot.user(IVAN, language_code="en"), bot.user(IRIS, language_code="en")
        await bot.send(ivan.presses(f"ln:inv:{loan.id}"))
        await bot.send(ivan.says("10"))
        assert "Invest between ¥50.00 and ¥5,000.00" in bot.request.last_text()
        await bot.send(ivan.says("50.50"))
        assert "steps of ¥1.00" in bot.request.last_text()
        await bot.send(iris.presses(f"ln:inv:{loan.id}"))
        app.lending.invest(loan.id, investor_id="ivan", amount=500_000)  # filled meanwhile
        await bot.send(iris.says("100"))
        assert bot.request.last_text() == f"Loan {loan.id} no longer takes investments."

    play(app, scenario)
    assert app.wallets.balance("iris").frozen.minor == 0


def test_a_purpose_with_a_hidden_character_is_refused_before_anything_is_shown_back(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    app.customers.upload_document("bella", "house_certificate", png())

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.presses("ln:prod:personal"))
        await bot.send(bella.presses("ln:meth:equal_installments:personal"))
        await bot.send(bella.says("5000 2 12 shop\u202eevitaroced"))
        assert bot.request.last_text() == (
            "That text holds a control or invisible character (such as a zero-width or text-direction "
            "character); please type it again without it."
        )
        await bot.send(bella.says("5000 2 12 shop decoration"))
        assert "shop decoration" in bot.request.last_text()
        await bot.send(bella.presses(confirm_button(bot)))

    bot = play(app, scenario)
    assert not any("\u202e" in text for text in bot.request.texts())
    [loan] = app.lending.loans_of("bella")
    assert loan.purpose == "shop decoration"
