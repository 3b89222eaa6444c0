"""Plugins given to the composition root take part in real service calls: a veto denies an action the
administrator's roles allow, and listeners hear each committed change once, never a rolled-back one."""

from __future__ import annotations

from pathlib import Path

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.core.audit import AuditRecord
from p2pstock.core.backoffice import Tx
from p2pstock.core.people.permissions import PermissionDenied
from p2pstock.plugin import hookimpl
from sample_documents import pdf


class NoReviewsOnSundays:
    """Denies document reviews to one administrator; says nothing about anything else."""

    @hookimpl
    def p2pstock_permission_veto(self, admin_id: str, roles: frozenset[str], permission: str) -> bool | None:
        if admin_id == "reviewer-1" and permission == "document.review":
            return False
        return None


class Recorder:
    def __init__(self) -> None:
        self.heard: list[AuditRecord] = []

    @hookimpl
    def p2pstock_event(self, record: AuditRecord) -> None:
        self.heard.append(record)


def platform(tmp_path: Path, *plugins: object) -> App:
    app = bootstrap(
        Settings(data_dir=tmp_path, document_store="memory"),
        uow_factory=MemoryUnitOfWorkFactory(),
        clock=ManualClock(),
        plugins=plugins,
    )
    for admin_id in ("reviewer-1", "reviewer-2"):
        app.staff.enrol_by_operator(admin_id, ["reviewer"])
    return app


def test_a_veto_denies_an_action_the_roles_allow_and_only_that_one(tmp_path: Path) -> None:
    app = platform(tmp_path, NoReviewsOnSundays())
    customer = app.customers.register(customer_id="alice")
    document = app.customers.upload_document(customer.id, "id_card_front", pdf("scan"))

    with pytest.raises(PermissionDenied):
        app.kyc.accept_document(document.id, by="reviewer-1")
    assert app.kyc.accept_document(document.id, by="reviewer-2").status == "accepted"
    assert app.kyc.identities_to_review(by="reviewer-1") == []


def test_listeners_hear_each_committed_change_once(tmp_path: Path) -> None:
    recorder = Recorder()
    app = platform(tmp_path, recorder)
    customer = app.customers.register(customer_id="alice")
    app.customers.set_language(customer.id, "en")
    with pytest.raises(PermissionDenied):
        app.kyc.verify_identity(customer.id, by="alice")

    assert [(r.action, r.target) for r in recorder.heard][-2:] == [
        ("customer.register", "alice"),
        ("customer.language", "alice"),
    ]
    assert [r.seq for r in recorder.heard] == list(range(1, len(recorder.heard) + 1))


def test_a_listener_that_raises_does_not_undo_or_stop_the_change(tmp_path: Path) -> None:
    class Broken:
        @hookimpl
        def p2pstock_event(self, record: AuditRecord) -> None:
            raise RuntimeError("listener bug")

    app = platform(tmp_path, Broken())

    customer = app.customers.register(customer_id="alice")

    assert app.customers.get(customer.id).id == "alice"
    assert app.audit.verify().checked == 3  # two enrolments and the registration


def test_listeners_hear_nothing_of_a_rolled_back_change(tmp_path: Path) -> None:
    recorder = Recorder()
    app = platform(tmp_path, recorder)
    heard_before = len(recorder.heard)

    def audit_then_fail(tx: Tx) -> None:
        tx.audit("reviewer-1", "document.accepted", "d1")
        raise LookupError("the document vanished")

    with pytest.raises(LookupError):
        app.office.run(audit_then_fail)

    assert len(recorder.heard) == heard_before
    assert app.audit.verify().checked == heard_before
