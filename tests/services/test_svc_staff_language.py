"""A notice to the staff reaches each administrator in the language they read the bot in."""

from __future__ import annotations

from p2pstock.bootstrap import App
from p2pstock.core.backoffice import CHAT_LANGUAGE
from p2pstock.core.notifications import render
from p2pstock.core.people.permissions import Permission

ENGLISH_OFFICER, CHINESE_OFFICER, NEW_OFFICER = 7001, 7002, 7003


def received(app: App, chat: int) -> list[str]:
    return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 10))]


def test_each_administrator_reads_a_staff_notice_in_their_own_language(app: App) -> None:
    for admin_id, chat in (
        ("risk-en", ENGLISH_OFFICER),
        ("risk-zh", CHINESE_OFFICER),
        ("risk-new", NEW_OFFICER),
    ):
        app.staff.enrol_by_operator(admin_id, ["risk_officer"], telegram_user_id=chat)
    app.customers.register(telegram_user_id=ENGLISH_OFFICER, language="en")
    app.customers.register(telegram_user_id=CHINESE_OFFICER, language="zh")

    told = app.office.run(
        lambda tx: tx.tell_staff(Permission.CALENDAR_MANAGE, "calendar.unknown_year", year=2028)
    )

    assert told == 3
    assert received(app, ENGLISH_OFFICER) == [render("calendar.unknown_year", "en", year=2028)]
    assert received(app, CHINESE_OFFICER) == [render("calendar.unknown_year", "zh", year=2028)]
    assert received(app, NEW_OFFICER) == [render("calendar.unknown_year", "zh", year=2028)]
    assert render("calendar.unknown_year", "en", year=2028) != render(
        "calendar.unknown_year", "zh", year=2028
    )


def test_an_administrator_without_a_customer_account_reads_the_language_the_bot_answers_them_in(
    app: App,
) -> None:
    app.staff.enrol_by_operator("risk-en", ["risk_officer"], telegram_user_id=ENGLISH_OFFICER)
    app.office.run(lambda tx: tx.uow.ui_state.put(f"{CHAT_LANGUAGE}{ENGLISH_OFFICER}", "en"))

    app.office.run(lambda tx: tx.tell_staff(Permission.CALENDAR_MANAGE, "calendar.unknown_year", year=2028))

    assert received(app, ENGLISH_OFFICER) == [render("calendar.unknown_year", "en", year=2028)]
