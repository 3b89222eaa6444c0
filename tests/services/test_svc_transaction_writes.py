"""A service transaction writes its audit records and notifications as it commits, however many there are:
the records chain one to the next from the trail's head, the notifications keep their order, a rolled-back
transaction leaves neither behind, and a read-only transaction may write neither."""

from __future__ import annotations

import pytest

from p2pstock.bootstrap import App
from p2pstock.core.backoffice import Tx
from p2pstock.core.clock import to_micros
from p2pstock.core.notifications import Channel

PHONE = "+8613800138000"


def audit_three_and_tell_three(tx: Tx) -> None:
    for i in range(3):
        tx.audit("root", "test.step", f"thing-{i}", after={"step": i})
        tx.notify(Channel.SMS, PHONE, "identity.verified", "en")


def test_the_audit_records_of_one_transaction_chain_on_from_the_head_of_the_trail(app: App) -> None:
    before = app.audit.records(by="root", limit=1000)

    app.office.run(audit_three_and_tell_three)
    app.office.run(audit_three_and_tell_three)

    added = app.audit.records(by="root", after_seq=before[-1].seq if before else 0, limit=1000)
    assert [r.target for r in added] == [f"thing-{i}" for i in range(3)] * 2
    assert [r.seq for r in added] == list(range(added[0].seq, added[0].seq + 6))
    assert app.audit.verify().ok


def test_every_notification_of_one_transaction_is_stored_with_its_time(app: App) -> None:
    app.office.run(audit_three_and_tell_three)

    stored = app.office.read(lambda tx: tx.uow.outbox.of_recipient(PHONE, 10))
    assert len({n.id for n in stored}) == 3
    assert {n.created_at for n in stored} == {to_micros(app.office.clock.now())}


def test_a_transaction_that_fails_after_auditing_and_notifying_leaves_neither(app: App) -> None:
    before = app.audit.records(by="root", limit=1000)

    def fail(tx: Tx) -> None:
        audit_three_and_tell_three(tx)
        raise LookupError("stop")

    with pytest.raises(LookupError):
        app.office.run(fail)

    assert app.audit.records(by="root", limit=1000) == before
    assert app.office.read(lambda tx: tx.uow.outbox.of_recipient(PHONE, 10)) == []


def test_a_read_only_transaction_may_neither_audit_nor_notify(app: App) -> None:
    with pytest.raises(RuntimeError, match="read-only"):
        app.office.read(lambda tx: tx.notify(Channel.SMS, PHONE, "identity.verified", "en"))
    with pytest.raises(RuntimeError, match="read-only"):
        app.office.read(lambda tx: tx.audit("root", "test.step", "thing"))
