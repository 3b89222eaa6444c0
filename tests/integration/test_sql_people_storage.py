"""Customers, phone codes, documents, staff, approvals, the audit trail and the outbox, stored in a SQLite
file and in PostgreSQL: every record comes back exactly as it went in, the database refuses what the rules
forbid, the audit trail cannot be rewritten, and writers of the trail take turns."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from p2pstock.core.audit import GENESIS_HASH, AuditRecord, verify
from p2pstock.core.errors import NotFound, StorageError, TransientConflict
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.money import Money
from p2pstock.core.notifications import Channel, DeliveryStatus, Notification, RetryPolicy
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import ContentType, CustomerDocument, DocumentKind, ReviewStatus
from p2pstock.core.people.four_eyes import ApprovalRequest, ApprovalStatus
from p2pstock.core.people.permissions import Administrator, Permission, Role
from p2pstock.core.people.phone_codes import CodeChallenge, PhoneCodes
from p2pstock.core.people.resident_id import ResidentId, check_digit
from p2pstock.core.wallet.service import Wallets

T = TypeVar("T")

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = 1_767_225_600_123_456  # 2026-01-01 00:00:00.123456 UTC, in microseconds
SECOND = 1_000_000
PHONE = "+8613812345678"
OTHER_PHONE = "+8615987654321"


def resident_id(first17: str) -> ResidentId:
    return ResidentId(first17 + check_digit(first17))


ZHANG = resident_id("11010519491231002")
LI = resident_id("44030419900101123")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[sa.Engine]:
    """A PostgreSQL engine whose lock waits give up after 5 s: a missing SKIP LOCKED fails, not hangs."""
    engine = create_engine(pg_url)

    @sa.event.listens_for(engine, "connect")
    def _lock_timeout(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        dbapi_connection.commit()

    yield engine
    engine.dispose()


@pytest.fixture
def units(engine: sa.Engine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine)


def write(units: SqlUnitOfWorkFactory, action: Callable[[SqlUnitOfWork], object]) -> None:
    with units() as uow:
        action(uow)
        uow.commit()


def each(
    method: Callable[[SqlUnitOfWork], Callable[[T], None]], items: Iterable[T]
) -> Callable[[SqlUnitOfWork], None]:
    """An action that hands every one of ``items`` to the unit of work's ``method``."""

    def run(uow: SqlUnitOfWork) -> None:
        for item in items:
            method(uow)(item)

    return run


def read(units: SqlUnitOfWorkFactory, query: Callable[[SqlUnitOfWork], T]) -> T:
    with units(readonly=True) as uow:
        return query(uow)


def on_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


# -- records


def full_customer() -> Customer:
    return Customer(
        id="cust-1",
        telegram_user_id=7_000_000_000_123,  # beyond 32 bits
        language="en",
        phone=PHONE,
        real_name="张三丰",
        resident_id=ZHANG,
        status=KycStatus.REJECTED,
        rejection_reason="照片模糊 — the photo is blurry",
        created_at=NOW,
    )


def challenge(issued_at: datetime, *, attempts: int = 0, used: bool = False) -> CodeChallenge:
    return CodeChallenge(
        phone=PHONE,
        code_hash="ab" * 32,
        salt="cd" * 16,
        issued_at=issued_at,
        expires_at=issued_at + timedelta(minutes=5),
        attempts=attempts,
        used=used,
    )


def document(document_id: str, customer_id: str, uploaded_at: int) -> CustomerDocument:
    return CustomerDocument(
        id=document_id,
        customer_id=customer_id,
        kind=DocumentKind.ID_CARD_FRONT,
        sha256="0123456789abcdef" * 4,
        content_type=ContentType.PNG,
        size=123_456,
        uploaded_at=uploaded_at,
    )


def request(request_id: str, *, action: str, target: str, amount: int | None, at: int) -> ApprovalRequest:
    return ApprovalRequest(
        id=request_id,
        permission=Permission.WITHDRAWAL_APPROVE,
        action=action,
        target=target,
        payload='{"amount":6000000,"note":"大额提现"}',
        amount=amount,
        maker_id="admin-maker",
        created_at=at,
        expires_at=at + 86_400 * SECOND,
        status=ApprovalStatus.PENDING,
    )


def sms(notification_id: str, *, at: int, recipient: str = PHONE) -> Notification:
    return Notification.new(notification_id, Channel.SMS, recipient, "您的验证码是 123456", now=at)


def audit_chain(count: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for i in range(count):
        records.append(
            AuditRecord.append(
                records[-1] if records else None,
                at=NOW + i,
                actor="admin-1",
                action="customer.verify",
                target=f"cust-{i}",
                before={"status": "identity_submitted", "name": "张三"} if i else None,
                after={"status": "verified"},
            )
        )
    return records


# -- customers


def test_a_customer_with_every_field_set_comes_back_unchanged_by_every_key(
    units: SqlUnitOfWorkFactory,
) -> None:
    customer = full_customer()
    write(units, lambda uow: uow.customers.add(customer))

    with units() as uow:
        assert uow.customers.get("cust-1") == customer
        assert uow.customers.get("cust-1", lock=True) == customer
        assert uow.customers.by_telegram(7_000_000_000_123) == customer
        assert uow.customers.by_resident_id(ZHANG.number) == customer
        assert uow.customers.by_phone(PHONE) == customer


def test_a_new_customer_comes_back_with_no_telegram_account_no_phone_and_no_identity(
    units: SqlUnitOfWorkFactory,
) -> None:
    customer = Customer.register("cust-2", at=NOW)
    write(units, lambda uow: uow.customers.add(customer))

    stored = read(units, lambda uow: uow.customers.get("cust-2"))
    assert stored == customer
    assert stored is not None
    assert (stored.telegram_user_id, stored.phone, stored.resident_id) == (None, "", None)
    assert read(units, lambda uow: uow.customers.by_phone("")) is None


def test_unknown_customers_are_none_by_every_key(units: SqlUnitOfWorkFactory) -> None:
    with units() as uow:
        assert uow.customers.get("nobody") is None
        assert uow.customers.by_telegram(42) is None
        assert uow.customers.by_resident_id(LI.number) is None
        assert uow.customers.by_phone(OTHER_PHONE) is None


def test_saving_a_customer_replaces_what_was_stored(units: SqlUnitOfWorkFactory) -> None:
    write(units, lambda uow: uow.customers.add(Customer.register("cust-3", telegram_user_id=5, at=NOW)))
    with units() as uow:
        stored = uow.customers.get("cust-3", lock=True)
        assert stored is not None
        submitted = stored.phone_verified("138 1234 5678").submit_identity("  李四  ", LI)
        uow.customers.save(submitted)
        uow.commit()

    assert read(units, lambda uow: uow.customers.get("cust-3")) == submitted
    assert read(units, lambda uow: uow.customers.by_resident_id(LI.number)) == submitted


def test_customers_in_a_status_come_oldest_first_up_to_the_limit(units: SqlUnitOfWorkFactory) -> None:
    def add_all(uow: SqlUnitOfWork) -> None:
        for i, at in enumerate((NOW + 3, NOW + 1, NOW + 2, NOW)):
            uow.customers.add(Customer.register(f"c{i}", at=at))
        uow.customers.add(full_customer())  # rejected, so not in the queue

    write(units, add_all)
    queue = read(units, lambda uow: uow.customers.in_status(KycStatus.REGISTERED, 3))
    assert [c.id for c in queue] == ["c3", "c1", "c2"]
    assert [c.id for c in read(units, lambda uow: uow.customers.in_status("rejected", 10))] == ["cust-1"]


def test_many_customers_may_lack_a_telegram_account_a_phone_and_an_identity(
    units: SqlUnitOfWorkFactory,
) -> None:
    write(units, each(lambda uow: uow.customers.add, [Customer.register(f"c{i}", at=NOW) for i in range(3)]))
    assert len(read(units, lambda uow: uow.customers.in_status(KycStatus.REGISTERED, 10))) == 3


def test_many_customers_are_read_by_id_at_once_leaving_out_unknown_ids(units: SqlUnitOfWorkFactory) -> None:
    customers = [Customer.register(f"c{i:04}", at=NOW) for i in range(900)]
    write(units, each(lambda uow: uow.customers.add, customers))
    wanted = [f"c{i:04}" for i in range(0, 1_000, 2)]  # more ids than one query takes, some unknown

    found = read(units, lambda uow: uow.customers.many(wanted))

    assert found == {c.id: c for c in customers[::2]}
    assert read(units, lambda uow: uow.customers.many([])) == {}


@pytest.mark.parametrize(
    "duplicate",
    [
        pytest.param(Customer.register("cust-1", at=NOW), id="id"),
        pytest.param(Customer.register("other", telegram_user_id=7_000_000_000_123, at=NOW), id="telegram"),
        pytest.param(Customer("other", phone=PHONE, status=KycStatus.PHONE_VERIFIED), id="phone"),
        pytest.param(Customer("other", resident_id=ZHANG, status=KycStatus.VERIFIED), id="resident_id"),
    ],
)
def test_a_second_customer_with_the_same_id_telegram_account_phone_or_identity_is_refused_by_the_database(
    engine: sa.Engine, units: SqlUnitOfWorkFactory, duplicate: Customer
) -> None:
    write(units, lambda uow: uow.customers.add(full_customer()))

    with pytest.raises(StorageError) as refused, units() as uow:
        uow.customers.add(duplicate)
        uow.commit()

    # PostgreSQL's unique violation (23505) may be a concurrent insert, so it asks for a retry; SQLite's
    # writers take turns, so a duplicate there was there to be seen before the insert.
    assert type(refused.value) is (TransientConflict if on_postgres(engine) else StorageError)
    with units(readonly=True) as uow:
        assert uow.customers.get("cust-1") == full_customer()
        assert uow.customers.get("other") is None


def test_saving_a_customer_onto_another_ones_phone_is_refused_by_the_database(
    units: SqlUnitOfWorkFactory,
) -> None:
    write(units, each(lambda uow: uow.customers.add, [full_customer(), Customer("other")]))
    with pytest.raises(StorageError), units() as uow:
        uow.customers.save(Customer("other").phone_verified(PHONE))
    assert read(units, lambda uow: uow.customers.by_phone(PHONE)) == full_customer()


def test_saving_a_record_that_was_never_added_is_not_found(units: SqlUnitOfWorkFactory) -> None:
    with units() as uow:
        with pytest.raises(NotFound):
            uow.customers.save(full_customer())
        with pytest.raises(NotFound):
            uow.documents.save(document("d-1", "cust-1", NOW))
        with pytest.raises(NotFound):
            uow.approvals.save(request("r-1", action="withdrawal.approve", target="w", amount=1, at=NOW))
        with pytest.raises(NotFound):
            uow.outbox.save(sms("n-1", at=NOW))


# -- phone codes


def test_phone_codes_come_back_with_their_challenge_and_every_send_time_to_the_microsecond(
    units: SqlUnitOfWorkFactory,
) -> None:
    first = datetime(2026, 3, 1, 9, 30, 0, 123_456, tzinfo=SHANGHAI)
    sends = (first, first + timedelta(minutes=2, microseconds=1), first + timedelta(minutes=9))
    codes = PhoneCodes(PHONE, "cust-1", challenge(sends[-1], attempts=3, used=True), sends)
    write(units, lambda uow: uow.phone_codes.put(codes))

    with units() as uow:
        stored = uow.phone_codes.get(PHONE, lock=True)
        assert stored == codes
        assert stored is not None
        assert stored.challenge.issued_at.tzinfo == UTC
        assert stored.challenge.used is True
        assert uow.phone_codes.get(OTHER_PHONE) is None


def test_putting_phone_codes_again_replaces_the_numbers_record(units: SqlUnitOfWorkFactory) -> None:
    issued = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    write(units, lambda uow: uow.phone_codes.put(PhoneCodes(PHONE, "cust-1", challenge(issued), ())))
    assert read(units, lambda uow: uow.phone_codes.get(PHONE)) == PhoneCodes(
        PHONE, "cust-1", challenge(issued), ()
    )

    later = issued + timedelta(minutes=1)
    reissued = PhoneCodes(PHONE, "cust-1", challenge(issued), (issued,)).reissued("cust-2", challenge(later))
    write(units, lambda uow: uow.phone_codes.put(reissued))
    assert read(units, lambda uow: uow.phone_codes.get(PHONE)) == reissued


# -- documents


def test_a_reviewed_document_comes_back_with_its_review(units: SqlUnitOfWorkFactory) -> None:
    pending = document("d-1", "cust-1", NOW)
    write(units, lambda uow: uow.documents.add(pending))
    assert read(units, lambda uow: uow.documents.get("d-1")) == pending

    rejected = pending.reviewed(ReviewStatus.REJECTED, by="admin-1", at=NOW + SECOND, reason="看不清 blurry")
    write(units, lambda uow: uow.documents.save(rejected))
    with units() as uow:
        assert uow.documents.get("d-1", lock=True) == rejected
        assert uow.documents.get("d-2") is None


def test_a_customers_documents_come_oldest_first_and_only_pending_ones_wait_for_review(
    units: SqlUnitOfWorkFactory,
) -> None:
    def add_all(uow: SqlUnitOfWork) -> None:
        uow.documents.add(document("d-b", "cust-1", NOW + 2))
        uow.documents.add(document("d-a", "cust-1", NOW + 1))
        uow.documents.add(document("d-c", "cust-2", NOW))
        accepted = document("d-d", "cust-2", NOW - 1).reviewed(ReviewStatus.ACCEPTED, by="admin-1", at=NOW)
        uow.documents.add(accepted)

    write(units, add_all)
    with units(readonly=True) as uow:
        assert [d.id for d in uow.documents.of_customer("cust-1")] == ["d-a", "d-b"]
        assert [d.id for d in uow.documents.of_customer("cust-2")] == ["d-d", "d-c"]
        assert uow.documents.of_customer("cust-3") == []
        assert [d.id for d in uow.documents.pending(10)] == ["d-c", "d-a", "d-b"]
        assert [d.id for d in uow.documents.pending(1)] == ["d-c"]


# -- staff


def test_custom_roles_come_back_with_their_permissions_and_description(units: SqlUnitOfWorkFactory) -> None:
    assert read(units, lambda uow: uow.staff.custom_roles()) == {}
    roles = [
        Role("auditor", frozenset({Permission.AUDIT_VIEW, Permission.STATS_VIEW}), "只读审计 — read-only"),
        Role("everything", frozenset(Permission)),
        Role("nothing_yet", frozenset()),
    ]
    write(units, each(lambda uow: uow.staff.put_role, roles))
    assert read(units, lambda uow: uow.staff.custom_roles()) == {role.name: role for role in roles}

    narrowed = Role("auditor", frozenset({Permission.AUDIT_VIEW}), "")
    write(units, lambda uow: uow.staff.put_role(narrowed))
    assert read(units, lambda uow: uow.staff.custom_roles()["auditor"]) == narrowed


def test_administrators_come_back_whole_and_putting_one_again_replaces_it(
    units: SqlUnitOfWorkFactory,
) -> None:
    admins = [
        Administrator("zed", frozenset({"finance", "reviewer", "super_admin"}), True, 9_000_000_000_001),
        Administrator("amy", frozenset(), active=False),
        Administrator("bob", frozenset({"support"})),
    ]
    write(units, each(lambda uow: uow.staff.put, admins))

    with units() as uow:
        assert uow.staff.all() == [admins[1], admins[2], admins[0]]
        assert uow.staff.get("zed") == admins[0]
        assert uow.staff.get("amy", lock=True) == admins[1]
        assert uow.staff.get("nobody") is None
        assert uow.staff.by_telegram(9_000_000_000_001) == admins[0]
        assert uow.staff.by_telegram(1) is None

    promoted = Administrator("bob", frozenset({"finance"}), False, 77)
    write(units, lambda uow: uow.staff.put(promoted))
    assert read(units, lambda uow: uow.staff.get("bob")) == promoted
    assert read(units, lambda uow: uow.staff.by_telegram(77)) == promoted


def test_two_administrators_cannot_share_a_telegram_account(
    engine: sa.Engine, units: SqlUnitOfWorkFactory
) -> None:
    write(units, lambda uow: uow.staff.put(Administrator("amy", frozenset(), telegram_user_id=77)))
    with pytest.raises(StorageError) as refused, units() as uow:
        uow.staff.put(Administrator("bob", frozenset(), telegram_user_id=77))
    assert type(refused.value) is (TransientConflict if on_postgres(engine) else StorageError)


# -- approvals


def test_approval_requests_come_back_whole_whether_pending_or_decided(units: SqlUnitOfWorkFactory) -> None:
    open_one = request("r-1", action="withdrawal.approve", target="wd-1", amount=6_000_000, at=NOW)
    no_amount = attrs.evolve(
        request("r-2", action="role.grant", target="admin-2", amount=None, at=NOW),
        permission=Permission.ROLE_MANAGE,
    )
    write(units, each(lambda uow: uow.approvals.add, [open_one, no_amount]))

    rejected = attrs.evolve(
        open_one,
        status=ApprovalStatus.REJECTED,
        checker_id="admin-checker",
        decided_at=NOW + 5,
        reason="不对",
    )
    write(units, lambda uow: uow.approvals.save(rejected))
    with units() as uow:
        assert uow.approvals.get("r-1", lock=True) == rejected
        assert uow.approvals.get("r-2") == no_amount
        assert uow.approvals.get("r-3") is None


def test_pending_approvals_come_oldest_first_narrowed_by_action_and_target(
    units: SqlUnitOfWorkFactory,
) -> None:
    def add_all(uow: SqlUnitOfWork) -> None:
        uow.approvals.add(request("r-1", action="withdrawal.approve", target="wd-1", amount=1, at=NOW + 3))
        uow.approvals.add(request("r-2", action="withdrawal.approve", target="wd-2", amount=1, at=NOW + 2))
        uow.approvals.add(request("r-3", action="allocation.settle", target="wd-1", amount=None, at=NOW + 1))
        done = request("r-4", action="withdrawal.approve", target="wd-1", amount=1, at=NOW)
        uow.approvals.add(attrs.evolve(done, status=ApprovalStatus.EXPIRED, decided_at=NOW + 9))

    write(units, add_all)
    with units(readonly=True) as uow:
        assert [r.id for r in uow.approvals.pending(10)] == ["r-3", "r-2", "r-1"]
        assert [r.id for r in uow.approvals.pending(2)] == ["r-3", "r-2"]
        assert [r.id for r in uow.approvals.pending(10, action="withdrawal.approve")] == ["r-2", "r-1"]
        assert [r.id for r in uow.approvals.pending(10, target="wd-1")] == ["r-3", "r-1"]
        pending = uow.approvals.pending(10, action="withdrawal.approve", target="wd-1")
        assert [r.id for r in pending] == ["r-1"]
        assert uow.approvals.pending(10, action="role.grant") == []


# -- the audit trail


def test_the_audit_head_advances_with_each_append_and_the_stored_chain_verifies(
    units: SqlUnitOfWorkFactory,
) -> None:
    chain = audit_chain(3)
    assert read(units, lambda uow: uow.audit.records(0, 10)) == []
    with units() as uow:
        assert uow.audit.head() is None
        uow.audit.append([chain[0]])
        assert uow.audit.head() == chain[0]
        uow.commit()
    with units() as uow:
        assert uow.audit.head() == chain[0]
        uow.audit.append([chain[1]])
        uow.audit.append([chain[2]])
        assert uow.audit.head() == chain[2]
        uow.commit()

    with units(readonly=True) as uow:
        assert uow.audit.records(0, 10) == chain
        assert uow.audit.records(1, 1) == [chain[1]]
        assert uow.audit.records(3, 10) == []
        assert verify(uow.audit.records(0, 10)).ok


def test_an_audit_append_that_does_not_follow_the_head_is_refused_as_a_conflict(
    units: SqlUnitOfWorkFactory,
) -> None:
    chain = audit_chain(3)
    write(units, lambda uow: uow.audit.append([chain[0]]))
    with pytest.raises(TransientConflict), units() as uow:
        uow.audit.append([chain[0]])  # the same place again
    with pytest.raises(TransientConflict), units() as uow:
        uow.audit.append([chain[2]])  # skipping one
    with pytest.raises(TransientConflict), units() as uow:
        uow.audit.append([chain[1], chain[1]])  # the second does not follow the first
    assert read(units, lambda uow: uow.audit.records(0, 10)) == chain[:1]


def test_an_audit_append_rolled_back_leaves_the_head_where_it_was(units: SqlUnitOfWorkFactory) -> None:
    chain = audit_chain(2)
    write(units, lambda uow: uow.audit.append([chain[0]]))
    with units() as uow:
        uow.audit.append([chain[1]])  # no commit
    with units() as uow:
        assert uow.audit.head() == chain[0]


def test_a_read_only_unit_of_work_may_read_the_audit_trail_but_not_append_to_it(
    units: SqlUnitOfWorkFactory,
) -> None:
    chain = audit_chain(1)
    write(units, lambda uow: uow.audit.append([chain[0]]))
    with units(readonly=True) as uow:
        assert uow.audit.records(0, 10) == chain
        with pytest.raises(RuntimeError):
            uow.audit.head()
        with pytest.raises(RuntimeError):
            uow.audit.append([chain[0]])


@pytest.mark.own_database  # a guard switched off on it
def test_a_tampered_audit_record_is_still_read_back_so_that_verify_can_report_it(
    engine: sa.Engine, units: SqlUnitOfWorkFactory
) -> None:
    write(units, lambda uow: uow.audit.append(audit_chain(2)))
    with engine.begin() as connection:  # someone able to switch the guards off
        if on_postgres(engine):
            connection.exec_driver_sql("ALTER TABLE audit_record DISABLE TRIGGER audit_record_immutable")
            connection.exec_driver_sql("UPDATE audit_record SET actor = 'not an id!' WHERE seq = 2")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_record_no_update")
            connection.exec_driver_sql("UPDATE audit_record SET actor = 'not an id!' WHERE seq = 2")

    check = verify(read(units, lambda uow: uow.audit.records(0, 10)))
    assert (check.ok, check.first_broken) == (False, 2)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_record SET actor = 'someone-else'", "DELETE FROM audit_record WHERE seq = 1"],
    ids=["update", "delete"],
)
def test_audit_records_cannot_be_changed_or_deleted_even_by_direct_sql(
    engine: sa.Engine, units: SqlUnitOfWorkFactory, statement: str
) -> None:
    chain = audit_chain(2)
    write(units, lambda uow: uow.audit.append(chain))
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert read(units, lambda uow: uow.audit.records(0, 10)) == chain


@pytest.mark.postgres
def test_audit_records_cannot_be_truncated_on_postgres(pg_engine: sa.Engine) -> None:
    write(SqlUnitOfWorkFactory(pg_engine), lambda uow: uow.audit.append([audit_chain(1)[0]]))
    with pytest.raises(sa.exc.DBAPIError), pg_engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE audit_record")


def test_the_audit_head_table_holds_one_row_only(engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, '{GENESIS_HASH}')")


def test_two_concurrent_audit_appenders_take_turns(units: SqlUnitOfWorkFactory) -> None:
    start = threading.Barrier(2)
    heads: list[int] = []
    errors: list[BaseException] = []

    def appender(name: str) -> None:
        try:
            start.wait(timeout=10)
            with units() as uow:
                head = uow.audit.head()
                heads.append(0 if head is None else head.seq)
                time.sleep(0.2)  # the other appender arrives meanwhile and must wait
                uow.audit.append(
                    [AuditRecord.append(head, at=NOW, actor=name, action="role.grant", target="admin-9")]
                )
                uow.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=appender, args=(f"admin-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(heads) == [0, 1]
    records = read(units, lambda uow: uow.audit.records(0, 10))
    assert [r.seq for r in records] == [1, 2]
    assert {r.actor for r in records} == {"admin-0", "admin-1"}
    assert verify(records).ok


# -- the outbox


def test_notifications_come_back_whole_while_pending_and_after_failing(units: SqlUnitOfWorkFactory) -> None:
    pending = sms("n-1", at=NOW)
    email = Notification.new("n-2", Channel.EMAIL, "王小明@example.cn", "身份已验证 ✓", now=NOW)
    write(units, lambda uow: uow.outbox.add([pending, email]))
    assert read(units, lambda uow: uow.outbox.get("n-1")) == pending

    failed = pending.failed(NOW + SECOND, "provider timeout", RetryPolicy(max_attempts=1))
    write(units, lambda uow: uow.outbox.save(failed))
    with units() as uow:
        stored = uow.outbox.get("n-1", lock=True)
        assert stored == failed
        assert stored is not None
        assert (stored.status, stored.attempts, stored.last_error) == (
            DeliveryStatus.FAILED,
            1,
            "provider timeout",
        )
        assert uow.outbox.get("n-2") == email
        assert uow.outbox.get("n-3") is None


def test_due_notifications_are_the_pending_ones_whose_time_has_come_oldest_first(
    units: SqlUnitOfWorkFactory,
) -> None:
    def add_all(uow: SqlUnitOfWork) -> None:
        uow.outbox.add([sms("n-b", at=NOW)])
        uow.outbox.add([sms("n-a", at=NOW)])
        uow.outbox.add([sms("n-early", at=NOW - 5)])
        uow.outbox.add([sms("n-later", at=NOW + 1)])
        uow.outbox.add([sms("n-sent", at=NOW - 9).sent(NOW)])
        uow.outbox.add([sms("n-retry", at=NOW - 9).failed(NOW - 8, "busy", RetryPolicy())])  # due in 30 s

    write(units, add_all)
    with units() as uow:
        assert [n.id for n in uow.outbox.due(NOW, 10)] == ["n-early", "n-a", "n-b"]
        assert [n.id for n in uow.outbox.due(NOW, 2)] == ["n-early", "n-a"]
        assert [n.id for n in uow.outbox.due(NOW + 30 * SECOND, 10)] == [
            "n-early",
            "n-a",
            "n-b",
            "n-later",
            "n-retry",
        ]


def test_a_recipients_notifications_come_newest_first(units: SqlUnitOfWorkFactory) -> None:
    def add_all(uow: SqlUnitOfWork) -> None:
        uow.outbox.add([sms("n-1", at=NOW)])
        uow.outbox.add([sms("n-2", at=NOW + 2)])
        uow.outbox.add([sms("n-3", at=NOW + 1)])
        uow.outbox.add([sms("n-4", at=NOW + 3, recipient=OTHER_PHONE)])

    write(units, add_all)
    with units(readonly=True) as uow:
        assert [n.id for n in uow.outbox.of_recipient(PHONE, 10)] == ["n-2", "n-3", "n-1"]
        assert [n.id for n in uow.outbox.of_recipient(PHONE, 1)] == ["n-2"]
        assert uow.outbox.of_recipient("+8613000000000", 10) == []


@pytest.mark.postgres
def test_due_skips_notifications_another_dispatcher_holds_on_postgres(pg_engine: sa.Engine) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    write(units, lambda uow: uow.outbox.add([sms(f"n-{i}", at=NOW + i) for i in range(3)]))

    with units() as first, units() as second:
        assert [n.id for n in first.outbox.due(NOW + 10, 1)] == ["n-0"]
        assert [n.id for n in second.outbox.due(NOW + 10, 10)] == ["n-1", "n-2"]
        assert [n.id for n in first.outbox.due(NOW + 10, 10)] == ["n-0"]  # its own, the rest held


# -- locks on PostgreSQL

_LOCKED_ROWS = {
    "customers": ("customer", "id", "cust-1"),
    "phone_codes": ("phone_code", "phone", PHONE),
    "documents": ("customer_document", "id", "d-1"),
    "staff": ("administrator", "id", "amy"),
    "approvals": ("approval_request", "id", "r-1"),
    "outbox": ("notification", "id", "n-1"),
}


def _add_one_of_each(uow: SqlUnitOfWork) -> None:
    uow.customers.add(full_customer())
    uow.phone_codes.put(PhoneCodes(PHONE, "cust-1", challenge(datetime(2026, 1, 1, tzinfo=UTC)), ()))
    uow.documents.add(document("d-1", "cust-1", NOW))
    uow.staff.put(Administrator("amy", frozenset({"finance"})))
    uow.approvals.add(request("r-1", action="withdrawal.approve", target="wd-1", amount=1, at=NOW))
    uow.outbox.add([sms("n-1", at=NOW)])


def _row_is_free(engine: sa.Engine, table: str, column: str, key: str) -> bool:
    try:
        with engine.connect() as connection:
            statement = f"SELECT 1 FROM {table} WHERE {column} = %(key)s FOR UPDATE NOWAIT"
            connection.exec_driver_sql(statement, {"key": key})
    except sa.exc.OperationalError:  # 55P03 lock_not_available
        return False
    return True


@pytest.mark.postgres
@pytest.mark.parametrize("repository", sorted(_LOCKED_ROWS))
def test_reading_with_lock_holds_the_row_until_the_transaction_ends_on_postgres(
    pg_engine: sa.Engine, repository: str
) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    write(units, _add_one_of_each)
    table, column, key = _LOCKED_ROWS[repository]

    with units() as uow:
        assert getattr(uow, repository).get(key) is not None
        assert _row_is_free(pg_engine, table, column, key)
        assert getattr(uow, repository).get(key, lock=True) is not None
        assert not _row_is_free(pg_engine, table, column, key)
    assert _row_is_free(pg_engine, table, column, key)


# -- migrations


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0002_can_be_downgraded_to_0001_and_upgraded_again(engine: sa.Engine) -> None:
    wallets = Wallets(Ledger(SqlUnitOfWorkFactory(engine)))
    wallets.open("c1")
    wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money.parse("100"))
    write(SqlUnitOfWorkFactory(engine), _add_one_of_each)
    people_tables = {
        "customer",
        "phone_code",
        "customer_document",
        "admin_role",
        "administrator",
        "approval_request",
        "audit_record",
        "audit_head",
        "notification",
    }

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.downgrade(config, "0001")

    assert current_revision(engine) == "0001"
    assert not people_tables & set(sa.inspect(engine).get_table_names())
    assert wallets.ledger.audit().ok  # the fund kernel is untouched

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert people_tables <= set(sa.inspect(engine).get_table_names())
    units = SqlUnitOfWorkFactory(engine)
    write(units, _add_one_of_each)
    write(units, lambda uow: uow.audit.append([audit_chain(1)[0]]))
    assert read(units, lambda uow: uow.customers.get("cust-1")) == full_customer()
    assert read(units, lambda uow: uow.audit.records(0, 10)) == audit_chain(1)
