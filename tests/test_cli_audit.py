"""``p2pstock audit verify`` against someone with write access to the database: changing or deleting a
record, deleting the newest records, rewinding the stored head, rewriting and re-hashing the trail; the
head it prints for the operator to keep, the head given back to it, and the audit key kept out of every
output."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import attrs
import pytest
import sqlalchemy as sa

from p2pstock.adapters.sql.database import create_engine
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.config import Settings
from p2pstock.core.audit import AuditRecord

AUDIT_KEY = "audit-key-for-tests-only-0123456789abcdef"
_HEAD_LINE = re.compile(r"^head: (\d+):([0-9a-f]{64})$", re.MULTILINE)


pytestmark = pytest.mark.usefixtures("operator_shell")


def some_audited_changes() -> None:
    """Four audit records: two enrolments, a registration and a language change."""
    app = bootstrap()
    app.staff.enrol_by_operator("root", ["super_admin"])
    customer = app.customers.register(telegram_user_id=7)
    app.customers.set_language(customer.id, "en")
    app.staff.enrol_by_operator("finance-1", ["finance"])
    app.close()


def on_the_database(*statements: str, records: Sequence[AuditRecord] = ()) -> None:
    """Run ``statements`` (then insert ``records``) with the trail's guard triggers dropped, as someone
    with write access to the database would."""
    engine = create_engine(Settings.from_env().effective_database_url)
    with engine.begin() as connection:
        for trigger in ("audit_record_no_update", "audit_record_no_delete"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            connection.exec_driver_sql(statement)
        for record in records:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_record (seq, at, actor, action, target, before, after, previous_hash, "
                    "hash, seal) VALUES (:seq, :at, :actor, :action, :target, :before, :after, "
                    ":previous_hash, :hash, :seal)"
                ),
                attrs.asdict(record),
            )
    engine.dispose()


def stored_records() -> list[AuditRecord]:
    app = bootstrap()
    try:
        return app.office.read(lambda tx: tx.uow.audit.records(0, 1000))
    finally:
        app.close()


def printed_head(out: str) -> str:
    found = _HEAD_LINE.search(out)
    assert found is not None, out
    return f"{found[1]}:{found[2]}"


def rewrite_and_rehash(*, keep_seals: bool) -> None:
    """Record 2 rewritten and every record from it re-hashed, the stored head moved along: what someone
    with write access but without the audit key can do."""
    records = stored_records()
    forged = records[:1]
    for record in records[1:]:
        after = '{"status":"verified"}' if record.seq == 2 else record.after
        seal = record.seal if keep_seals else ""
        changed = attrs.evolve(record, after=after, previous_hash=forged[-1].hash, seal=seal)
        forged.append(attrs.evolve(changed, hash=changed.expected_hash()))
    head = forged[-1]
    on_the_database(
        "DELETE FROM audit_record WHERE seq >= 2",
        f"UPDATE audit_head SET seq = {head.seq}, hash = '{head.hash}'",
        records=forged[1:],
    )


def test_audit_verify_reports_an_intact_trail(capsys: pytest.CaptureFixture[str]) -> None:
    some_audited_changes()
    assert main(["audit", "verify"]) == 0
    assert "audit trail intact: 4 records" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("tampering", "reason"),
    [
        ("UPDATE audit_record SET actor = 'someone-else' WHERE seq = 2", "hash does not match the record"),
        ("DELETE FROM audit_record WHERE seq = 2", "sequence gap"),
    ],
    ids=["changed", "deleted"],
)
def test_audit_verify_finds_the_first_record_tampered_with(
    capsys: pytest.CaptureFixture[str], tampering: str, reason: str
) -> None:
    """Someone with write access to the database drops the guard triggers and edits the trail."""
    some_audited_changes()
    on_the_database(tampering)

    assert main(["audit", "verify"]) == 1
    assert f"audit trail BROKEN at record 2: {reason} (1 records before it hold)" in capsys.readouterr().out


def test_the_audit_trail_refuses_edits_while_its_guards_stand() -> None:
    some_audited_changes()
    engine = create_engine(Settings.from_env().effective_database_url)
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_record SET actor = 'someone-else' WHERE seq = 2")
    engine.dispose()
    assert main(["audit", "verify"]) == 0


def test_verify_prints_the_head_for_the_operator_to_keep(capsys: pytest.CaptureFixture[str]) -> None:
    some_audited_changes()

    assert main(["audit", "verify"]) == 0

    out = capsys.readouterr().out
    newest = stored_records()[-1]
    assert "audit trail intact: 4 records" in out
    assert printed_head(out) == f"4:{newest.hash}"
    assert "not sealed: no audit key is set (P2PSTOCK_AUDIT_KEY)" in out


def test_deleting_the_newest_record_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    some_audited_changes()
    on_the_database("DELETE FROM audit_record WHERE seq = 4")

    assert main(["audit", "verify"]) == 1

    out = capsys.readouterr().out
    assert (
        "audit trail BROKEN at record 4: the stored head names a later record: the newest records are "
        "missing (3 records before it hold)"
    ) in out


def test_a_rewound_head_is_caught_only_by_the_head_kept_elsewhere(capsys: pytest.CaptureFixture[str]) -> None:
    some_audited_changes()
    assert main(["audit", "verify"]) == 0
    kept = printed_head(capsys.readouterr().out)
    third = stored_records()[2]
    on_the_database(
        "DELETE FROM audit_record WHERE seq = 4", f"UPDATE audit_head SET seq = 3, hash = '{third.hash}'"
    )

    assert main(["audit", "verify"]) == 0  # the database alone cannot tell
    capsys.readouterr()
    assert main(["audit", "verify", "--head", kept]) == 1

    assert "audit trail BROKEN at record 4: the trail does not hold the head recorded earlier" in (
        capsys.readouterr().out
    )


def test_a_head_kept_elsewhere_holds_while_the_trail_grows(capsys: pytest.CaptureFixture[str]) -> None:
    some_audited_changes()
    assert main(["audit", "verify"]) == 0
    kept = printed_head(capsys.readouterr().out)
    app = bootstrap()
    app.customers.register(telegram_user_id=8)
    app.close()

    assert main(["audit", "verify", "--head", kept]) == 0

    out = capsys.readouterr().out
    assert "audit trail intact: 5 records" in out
    assert f"the trail holds the head given ({kept[:10]}…)" in out


def test_a_malformed_head_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    some_audited_changes()

    assert main(["audit", "verify", "--head", "four:abc"]) == 1

    assert "a head is SEQ:HASH" in capsys.readouterr().err


def test_a_keyed_trail_is_sealed_and_verifies(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P2PSTOCK_AUDIT_KEY", AUDIT_KEY)
    some_audited_changes()

    assert main(["audit", "verify"]) == 0

    assert "sealed with the audit key: records 1–4" in capsys.readouterr().out
    assert all(record.seal for record in stored_records())


def test_rewriting_and_rehashing_a_keyed_trail_is_caught_with_the_key_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P2PSTOCK_AUDIT_KEY", AUDIT_KEY)
    some_audited_changes()
    rewrite_and_rehash(keep_seals=True)

    assert main(["audit", "verify"]) == 1
    assert "audit trail BROKEN at record 2: seal does not match the record" in capsys.readouterr().out

    monkeypatch.delenv("P2PSTOCK_AUDIT_KEY")
    assert main(["audit", "verify"]) == 0  # without the key only the hashes are checked
    assert "4 records sealed; the seals were not checked: no audit key is set" in capsys.readouterr().out


def test_stripping_the_seals_of_a_rehashed_keyed_trail_is_caught(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P2PSTOCK_AUDIT_KEY", AUDIT_KEY)
    some_audited_changes()
    rewrite_and_rehash(keep_seals=False)

    assert main(["audit", "verify"]) == 1

    assert "audit trail BROKEN at record 2: record is not sealed, though one before it is" in (
        capsys.readouterr().out
    )


def test_a_trail_keyed_later_keeps_its_unsealed_records_and_seals_the_new_ones(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    some_audited_changes()
    monkeypatch.setenv("P2PSTOCK_AUDIT_KEY", AUDIT_KEY)

    assert main(["audit", "verify"]) == 1  # keyed, but nothing sealed yet
    assert "the newest record is not sealed" in capsys.readouterr().out
    app = bootstrap()
    app.customers.register(telegram_user_id=8)
    app.close()

    assert main(["audit", "verify"]) == 0
    assert "sealed with the audit key: records 5–5" in capsys.readouterr().out


def test_the_audit_key_appears_in_no_output_log_or_repr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("P2PSTOCK_AUDIT_KEY", AUDIT_KEY)
    caplog.set_level(logging.DEBUG)
    some_audited_changes()
    rewrite_and_rehash(keep_seals=True)

    assert main(["audit", "verify"]) == 1
    app = bootstrap()
    shown = [repr(app.settings), repr(app.office), repr(app.audit), repr(app)]
    app.close()

    out, err = capsys.readouterr()
    for where in (out, err, caplog.text, *shown):
        assert AUDIT_KEY not in where
        assert AUDIT_KEY.encode().hex() not in where
    assert "audit_key=" not in repr(app.settings)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.own_database  # the guards switched off on it
def test_deleting_the_newest_records_is_caught_on_every_database(
    database: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = str(request.getfixturevalue("sqlite_url" if database == "sqlite" else "pg_url"))
    monkeypatch.setenv("P2PSTOCK_DATABASE_URL", url)
    some_audited_changes()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if database == "postgres":
            connection.exec_driver_sql("ALTER TABLE audit_record DISABLE TRIGGER USER")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_record_no_delete")
        connection.exec_driver_sql("DELETE FROM audit_record WHERE seq >= 3")
    engine.dispose()
    app = bootstrap()

    check = app.audit.verify()
    app.close()

    assert (check.ok, check.first_broken, check.checked) == (False, 3, 2)
