"""Settings come from the environment, keep secrets out of reprs, and refuse nonsense; time is injected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.config import Settings
from p2pstock.core.clock import from_micros, to_micros
from p2pstock.core.errors import InvalidInput

SECRET_URL = "postgresql+psycopg://app:s3cret-pw@db.internal/p2pstock"


def test_settings_are_read_from_p2pstock_environment_variables() -> None:
    settings = Settings.from_env(
        {
            "P2PSTOCK_DATABASE_URL": SECRET_URL,
            "P2PSTOCK_DATA_DIR": "/srv/p2p",
            "P2PSTOCK_TIMEZONE": "UTC",
            "P2PSTOCK_REFUSE_WITHDRAWAL_WHILE_ALLOCATION_FROZEN": "yes",
            "P2PSTOCK_SQLITE_SYNCHRONOUS": "extra",
        }
    )
    assert settings.database_url == SECRET_URL
    assert settings.data_dir == Path("/srv/p2p")
    assert settings.timezone == "UTC"
    assert settings.refuse_withdrawal_while_allocation_frozen is True
    assert settings.sqlite_synchronous == "EXTRA"
    assert not settings.is_embedded


def test_the_database_password_never_appears_in_reprs_or_safe_urls() -> None:
    settings = Settings(database_url=SECRET_URL)
    assert "s3cret-pw" not in repr(settings)
    assert "s3cret-pw" not in settings.safe_database_url
    assert "db.internal" in settings.safe_database_url


def test_the_embedded_default_is_a_sqlite_file_in_the_data_directory() -> None:
    settings = Settings(data_dir=Path("/tmp/x"))
    assert settings.effective_database_url == "sqlite:////tmp/x/p2pstock.db"
    assert settings.is_embedded


def test_a_yes_no_setting_refuses_anything_else() -> None:
    with pytest.raises(InvalidInput, match="true or false"):
        Settings.from_env({"P2PSTOCK_REFUSE_WITHDRAWAL_WHILE_ALLOCATION_FROZEN": "maybe"})


def test_the_sms_document_and_plugin_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "P2PSTOCK_SMS_PROVIDER": "smtp",
            "P2PSTOCK_SMS_HTTP_URL": "https://sms.example/v1",
            "P2PSTOCK_SMS_HTTP_API_KEY": "sk-live-abc",
            "P2PSTOCK_SMTP_HOST": "mail.example",
            "P2PSTOCK_SMTP_PORT": "2525",
            "P2PSTOCK_SMTP_USERNAME": "p2p",
            "P2PSTOCK_SMTP_PASSWORD": "smtp-pw-2",
            "P2PSTOCK_SMTP_SENDER": "sms@p2p.example",
            "P2PSTOCK_SMTP_SMS_GATEWAY_DOMAIN": "sms.carrier.example",
            "P2PSTOCK_SMTP_STARTTLS": "off",
            "P2PSTOCK_DOCUMENT_STORE": "memory",
            "P2PSTOCK_DISABLED_PLUGINS": " webhook, ,audit_mirror ",
        }
    )
    assert settings.sms_provider == "smtp"
    assert (settings.sms_http_url, settings.sms_http_api_key) == ("https://sms.example/v1", "sk-live-abc")
    assert (settings.smtp_host, settings.smtp_port) == ("mail.example", 2525)
    assert (settings.smtp_username, settings.smtp_password) == ("p2p", "smtp-pw-2")
    assert (settings.smtp_sender, settings.smtp_sms_gateway_domain) == (
        "sms@p2p.example",
        "sms.carrier.example",
    )
    assert settings.smtp_starttls is False
    assert settings.document_store == "memory"
    assert settings.disabled_plugins == ("webhook", "audit_mirror")
    assert "sk-live-abc" not in repr(settings)
    assert "smtp-pw-2" not in repr(settings)


def test_the_defaults_log_texts_keep_documents_on_disk_and_load_every_plugin() -> None:
    settings = Settings.from_env({})
    assert (settings.sms_provider, settings.document_store, settings.disabled_plugins) == (
        "console",
        "filesystem",
        (),
    )
    assert (settings.smtp_port, settings.smtp_starttls) == (587, True)


@pytest.mark.parametrize("port", ["smtp", "0", "70000", "25.5"])
def test_a_bad_port_is_refused_naming_the_variable(port: str) -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_SMTP_PORT must be a port number"):
        Settings.from_env({"P2PSTOCK_SMTP_PORT": port})


def test_a_bad_starttls_flag_is_refused_naming_the_variable() -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_SMTP_STARTTLS must be true or false"):
        Settings.from_env({"P2PSTOCK_SMTP_STARTTLS": "sometimes"})


def test_disabled_plugins_given_in_code_may_be_a_list_or_a_comma_separated_text() -> None:
    assert Settings(disabled_plugins=["webhook"]).disabled_plugins == ("webhook",)
    assert Settings(disabled_plugins="a, b").disabled_plugins == ("a", "b")


def test_timestamps_round_trip_through_microseconds() -> None:
    moment = datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC)
    assert to_micros(moment) == 1_795_509_015_123_456
    assert from_micros(to_micros(moment)) == moment


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_micros(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_the_manual_clock_moves_only_forward_and_only_when_told() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.now() == clock.now() == datetime(2026, 1, 1, tzinfo=UTC)
    assert clock.advance(hours=2) == datetime(2026, 1, 1, 2, tzinfo=UTC)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(seconds=-1))


def test_settings_come_from_a_toml_file_and_variables_override_it(tmp_path: Path) -> None:
    config = tmp_path / "p2pstock.toml"
    config.write_text(
        'telegram_token = "123:abc"\nweb_port = 8443\nsmtp_starttls = false\ndisabled_plugins = ["webhook"]\n'
        'public_url = "https://pay.example.com/"\n'
    )

    settings = Settings.from_env({"P2PSTOCK_CONFIG": str(config), "P2PSTOCK_WEB_PORT": "9000"})

    assert (settings.telegram_token, settings.web_port, settings.smtp_starttls) == ("123:abc", 9000, False)
    assert settings.disabled_plugins == ("webhook",)
    assert settings.public_url == "https://pay.example.com"
    assert "123:abc" not in repr(settings)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("no_such_setting = 1\n", "unknown settings"),
        ("web_port = 1.5\n", "must be text, a number or true/false"),
        ("web_port = 70000\n", "port number"),
        ("this is not toml\n", "cannot read the settings file"),
    ],
)
def test_a_bad_settings_file_is_refused_with_a_reason(tmp_path: Path, content: str, problem: str) -> None:
    config = tmp_path / "p2pstock.toml"
    config.write_text(content)

    with pytest.raises(InvalidInput, match=problem):
        Settings.from_env({"P2PSTOCK_CONFIG": str(config)})


def test_the_encryption_keys_are_read_from_the_environment_and_kept_out_of_the_repr() -> None:
    current, old_one, old_two = "K" * 43 + "=", "A" * 43 + "=", "B" * 43 + "="
    settings = Settings.from_env(
        {
            "P2PSTOCK_ENCRYPTION_KEY": current,
            "P2PSTOCK_PREVIOUS_ENCRYPTION_KEYS": f"{old_one}, {old_two}",
        }
    )

    assert settings.encryption_key == current
    assert settings.previous_encryption_keys == (old_one, old_two)
    assert Settings.from_env({}).previous_encryption_keys == ()
    assert not any(key in repr(settings) for key in (current, old_one, old_two))


def test_database_work_runs_in_two_threads_on_sqlite_and_in_pythons_default_on_postgresql() -> None:
    assert Settings(data_dir=Path("/tmp/x")).threads_for_work == 2
    assert Settings(database_url=SECRET_URL).threads_for_work is None
    assert Settings.from_env({"P2PSTOCK_WORKER_THREADS": "8"}).threads_for_work == 8


@pytest.mark.parametrize("threads", ["0", "-1", "many"])
def test_a_worker_thread_count_below_one_is_refused_naming_the_variable(threads: str) -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_WORKER_THREADS"):
        Settings.from_env({"P2PSTOCK_WORKER_THREADS": threads})
