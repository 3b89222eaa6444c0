"""The platform's trading calendar: the holiday source plus the overrides administrators holding
``product.manage`` set (a day the exchanges closed unexpectedly, or a year whose holidays are not
published yet), audited like every administrative action."""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.core.allocation.calendar import HolidaySource, TradingCalendar
from p2pstock.core.allocation.ports import DayOverride
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_reason


@attrs.define
class TradingDays:
    office: Backoffice
    source: HolidaySource

    def calendar(self) -> TradingCalendar:
        """The calendar as it stands now, overrides included."""
        overrides = self.office.read(lambda tx: tx.uow.calendar_overrides.all())
        return TradingCalendar(self.source, {o.day: o.trades for o in overrides})

    def overrides(self) -> list[DayOverride]:
        return sorted(self.office.read(lambda tx: tx.uow.calendar_overrides.all()), key=lambda o: o.day)

    def set_override(self, day: date, *, trades: bool, reason: str, by: str) -> DayOverride:
        """Declare that ``day`` trades (or does not), saying why."""
        if not isinstance(day, date) or not isinstance(trades, bool):
            raise InvalidInput("an override needs a date and whether the day trades")
        why = check_reason(reason)

        def override(tx: Tx) -> DayOverride:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            entry = DayOverride(day, trades, why, admin.id, tx.now)
            tx.uow.calendar_overrides.put(entry)
            tx.audit(admin.id, "calendar.override", day.isoformat(), after={"trades": trades, "reason": why})
            return entry

        return self.office.run(override)

    def clear_override(self, day: date, *, by: str) -> bool:
        """Let the holiday data decide ``day`` again; False if it had no override."""

        def clear(tx: Tx) -> bool:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            removed = tx.uow.calendar_overrides.delete(day)
            if removed:
                tx.audit(admin.id, "calendar.clear", day.isoformat())
            return removed

        return self.office.run(clear)
