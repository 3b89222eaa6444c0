"""Verification codes texted before revision 0012 on SQLite and PostgreSQL: masked by the migration in
the texts already sent or given up, and kept as the secret of those still waiting, to be masked once
they are done."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import MIGRATIONS, upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.notifications import DeliveryStatus, Notification

NOW = 1_767_225_600_000_000
OLD_TEXTS = {
    "sent-zh": ("sent", "您的 p2pstock 验证码是 204816，5 分钟内有效。"),
    "failed-en": ("failed", "Your p2pstock verification code is 731902. It expires in 5 minutes."),
    "waiting-en": ("pending", "Your p2pstock verification code is 558214. It expires in 5 minutes."),
    "other": ("sent", "Your deposit of ¥204,816.00 has been credited."),
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    yield engine
    engine.dispose()


def texts_stored_before_the_migration(engine: sa.Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.downgrade(config, "0011")  # before 0012
    with engine.begin() as connection:
        for notification_id, (status, text) in OLD_TEXTS.items():
            connection.execute(
                sa.text(
                    "INSERT INTO notification (id, channel, recipient, text, created_at, status, attempts, "
                    "next_attempt_at, last_error) VALUES (:id, 'sms', '+8613800138000', :text, :now, "
                    ":status, 0, :now, '')"
                ),
                {"id": notification_id, "text": text, "now": NOW, "status": status},
            )
    upgrade(engine)


def stored(engine: sa.Engine, notification_id: str) -> Notification:
    with SqlUnitOfWorkFactory(engine)(readonly=True) as uow:
        found = uow.outbox.get(notification_id)
    assert found is not None
    return found


@pytest.mark.own_database  # migrations run down and up on it
def test_codes_texted_before_the_migration_are_masked_once_sent_or_given_up(engine: sa.Engine) -> None:
    texts_stored_before_the_migration(engine)

    assert stored(engine, "sent-zh").text == "您的 p2pstock 验证码是 ******，5 分钟内有效。"
    assert (
        stored(engine, "failed-en").text
        == "Your p2pstock verification code is ******. It expires in 5 minutes."
    )
    assert stored(engine, "other").text == "Your deposit of ¥204,816.00 has been credited."


@pytest.mark.own_database  # migrations run down and up on it
def test_a_code_still_waiting_when_migrated_is_masked_once_it_is_sent(engine: sa.Engine) -> None:
    texts_stored_before_the_migration(engine)
    waiting = stored(engine, "waiting-en")
    assert (waiting.status, waiting.secret) == (DeliveryStatus.PENDING, "558214")  # still to be sent

    with SqlUnitOfWorkFactory(engine)() as uow:
        uow.outbox.save(waiting.sent(NOW + 1))
        uow.commit()

    assert stored(engine, "waiting-en").text == (
        "Your p2pstock verification code is ******. It expires in 5 minutes."
    )
