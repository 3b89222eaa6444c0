"""The plugin manager: built-ins come through the hooks, broken or clashing plugins stop start-up, vetoes
can only deny and fail closed, listeners cannot break each other, and names pick providers.

Plugins here are small objects handed over in code; entry points are not loaded unless a test says so.
"""

from __future__ import annotations

import asyncio
import logging
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from p2pstock.adapters.documents import FilesystemDocumentStore, MemoryDocumentStore
from p2pstock.adapters.email import EmailToSmsSender
from p2pstock.adapters.sms import ConsoleSmsSender, HttpSmsSender
from p2pstock.config import Settings
from p2pstock.core.audit import AuditRecord
from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.permissions import (
    DEFAULT_ROLES,
    Administrator,
    Permission,
    PermissionDenied,
    require,
)
from p2pstock.plugin import (
    PluginError,
    build_plugin_manager,
    document_store,
    document_stores,
    event_listener,
    hookimpl,
    payment_providers,
    sms_providers,
    sms_sender,
    vetoes,
)
from p2pstock.plugin import builtin as builtin_module

FINANCE = Administrator("finance-1", frozenset({"finance"}))
SUPPORT = Administrator("support-1", frozenset({"support"}))
PRIVATE = "private-note-4711"


def manager(*plugins: object, settings: Settings | None = None) -> Any:
    return build_plugin_manager(settings or Settings(), plugins=plugins, load_entry_points=False)


def plugin_module(name: str, **hooks: Callable[..., object]) -> types.ModuleType:
    """A plugin as a module named ``name`` whose functions ``hooks`` are marked as implementations."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def vetoing(answer: object, calls: list[tuple[str, frozenset[str], str]] | None = None) -> types.ModuleType:
    def p2pstock_permission_veto(admin_id: str, roles: frozenset[str], permission: str) -> object:
        if calls is not None:
            calls.append((admin_id, roles, permission))
        return answer

    return plugin_module(f"veto_{answer!r}", p2pstock_permission_veto=p2pstock_permission_veto)


def allowed(pm: Any, admin: Administrator, permission: Permission) -> bool:
    try:
        require(admin, permission, DEFAULT_ROLES, vetoes(pm))
    except PermissionDenied:
        return False
    return True


def a_record() -> AuditRecord:
    return AuditRecord.append(
        None,
        at=1_795_509_015_000_000,
        actor="finance-1",
        action="withdrawal.approve",
        target="W-1",
        before={"state": "pending"},
        after={"state": "approved", "note": PRIVATE},
    )


# -- built-ins


def test_the_built_ins_are_a_plugin_registered_through_the_hooks() -> None:
    pm = manager()
    assert dict(pm.list_name_plugin()) == {"builtin": builtin_module}
    assert [impl.plugin_name for impl in pm.hook.p2pstock_sms_providers.get_hookimpls()] == ["builtin"]
    assert sorted(sms_providers(pm)) == ["console", "http", "smtp"]
    assert sorted(document_stores(pm)) == ["filesystem", "memory"]
    assert sorted(payment_providers(pm)) == ["sandbox"]


def test_the_default_sms_sender_is_the_console_and_it_sends() -> None:
    sender = sms_sender(manager(), Settings())
    assert isinstance(sender, ConsoleSmsSender)
    assert asyncio.run(sender.send("+8613812345678", "hello")) == "console-1"


def test_the_http_provider_is_built_from_the_settings_without_showing_its_key() -> None:
    settings = Settings(sms_provider="http", sms_http_url="https://sms.example/v1", sms_http_api_key="sk-123")
    sender = sms_sender(manager(), settings)
    assert isinstance(sender, HttpSmsSender)
    assert sender.base_url == "https://sms.example/v1"
    assert "sk-123" not in repr(sender)


def test_a_provider_missing_its_settings_names_the_variables() -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_SMS_HTTP_URL, P2PSTOCK_SMS_HTTP_API_KEY"):
        sms_sender(manager(), Settings(sms_provider="http"))
    with pytest.raises(InvalidInput, match="P2PSTOCK_SMTP_HOST"):
        sms_sender(manager(), Settings(sms_provider="smtp"))


def test_the_smtp_provider_mails_the_gateway_through_the_configured_server() -> None:
    settings = Settings(
        sms_provider="smtp",
        smtp_host="mail.example",
        smtp_port=2525,
        smtp_username="p2p",
        smtp_password="mail-pw-9",
        smtp_sender="sms@p2p.example",
        smtp_sms_gateway_domain="sms.carrier.example",
        smtp_starttls=False,
    )
    sender = sms_sender(manager(), settings)
    assert isinstance(sender, EmailToSmsSender)
    assert sender.gateway_domain == "sms.carrier.example"
    assert (sender.smtp.host, sender.smtp.port, sender.smtp.username) == ("mail.example", 2525, "p2p")
    assert (sender.smtp.sender, sender.smtp.start_tls) == ("sms@p2p.example", False)
    assert "mail-pw-9" not in repr(sender)


def test_the_filesystem_store_keeps_documents_under_the_data_directory(tmp_path: Path) -> None:
    store = document_store(manager(), Settings(data_dir=tmp_path))
    assert isinstance(store, FilesystemDocumentStore)
    assert store.root == tmp_path / "documents"
    record = store.put(b"%PDF-1.7 statement")
    assert store.get(record.sha256) == b"%PDF-1.7 statement"
    assert isinstance(document_store(manager(), Settings(document_store="memory")), MemoryDocumentStore)


# -- choosing by name


def test_an_unknown_sms_provider_is_invalid_input_listing_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as info:
        sms_sender(manager(), Settings(sms_provider="pigeon"))
    assert (
        str(info.value) == "unknown SMS provider 'pigeon' (P2PSTOCK_SMS_PROVIDER); known: console, http, smtp"
    )


def test_an_unknown_document_store_is_invalid_input_listing_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as info:
        document_store(manager(), Settings(document_store="s3"))
    assert (
        str(info.value) == "unknown document store 's3' (P2PSTOCK_DOCUMENT_STORE); known: filesystem, memory"
    )


def test_a_plugins_provider_is_chosen_by_its_name() -> None:
    class Pigeon:
        async def send(self, phone: str, text: str) -> str:
            return f"pigeon:{len(text)}"

    pigeons = plugin_module("pigeons", p2pstock_sms_providers=lambda: {"pigeon": lambda _settings: Pigeon()})
    sender = sms_sender(manager(pigeons), Settings(sms_provider="pigeon"))
    assert asyncio.run(sender.send("+8613812345678", "coo")) == "pigeon:3"


def test_a_payment_provider_offered_by_a_plugin_is_listed() -> None:
    def gateway(_settings: Settings) -> object:
        return "a gateway"

    bank = plugin_module("bank", p2pstock_payment_providers=lambda: {"bank": gateway})
    assert payment_providers(manager(bank))["bank"] is gateway


# -- broken and clashing plugins


def test_an_implementation_of_an_unknown_hook_stops_start_up_naming_plugin_and_hook() -> None:
    typo = plugin_module("typo_plugin", p2pstock_sms_provider=lambda: {})
    with pytest.raises(PluginError) as info:
        manager(typo)
    message = str(info.value)
    assert "'typo_plugin' implements 'p2pstock_sms_provider', which is not a p2pstock hook" in message
    assert "p2pstock_sms_providers" in message


def test_an_implementation_with_arguments_the_hook_lacks_stops_start_up() -> None:
    def p2pstock_event(record: AuditRecord, extra: int) -> None:
        del record, extra

    with pytest.raises(PluginError, match="'bad_args'"):
        manager(plugin_module("bad_args", p2pstock_event=p2pstock_event))


def test_a_hook_wrapper_is_refused() -> None:
    def p2pstock_event(record: AuditRecord) -> Iterator[None]:
        del record
        yield

    wrapper = types.ModuleType("wrapping")
    wrapper.p2pstock_event = hookimpl(wrapper=True)(p2pstock_event)  # type: ignore[attr-defined]
    with pytest.raises(PluginError, match="'wrapping' wraps 'p2pstock_event'"):
        manager(wrapper)


def test_two_plugins_offering_the_same_provider_name_are_refused_naming_both() -> None:
    shadow = plugin_module("shadow_console", p2pstock_sms_providers=lambda: {"console": lambda _s: None})
    with pytest.raises(PluginError) as info:
        manager(shadow)
    assert "the SMS provider 'console' is offered by two plugins" in str(info.value)
    assert "'builtin'" in str(info.value)
    assert "'shadow_console'" in str(info.value)


def test_two_extra_plugins_offering_the_same_store_are_refused_naming_both() -> None:
    first = plugin_module(
        "store_a", p2pstock_document_stores=lambda: {"s3": lambda _s: MemoryDocumentStore()}
    )
    second = plugin_module(
        "store_b", p2pstock_document_stores=lambda: {"s3": lambda _s: MemoryDocumentStore()}
    )
    with pytest.raises(PluginError, match=r"'s3' is offered by two plugins, 'store_.' and 'store_.'"):
        manager(first, second)


def test_disabling_the_built_ins_lets_a_plugin_take_over_their_names() -> None:
    class Quiet:
        async def send(self, phone: str, text: str) -> str:
            return "quiet"

    quiet = plugin_module("quiet_console", p2pstock_sms_providers=lambda: {"console": lambda _s: Quiet()})
    pm = manager(quiet, settings=Settings(disabled_plugins=("builtin",)))
    assert asyncio.run(sms_sender(pm, Settings()).send("+8613812345678", "x")) == "quiet"


def test_a_provider_hook_that_does_not_answer_a_mapping_is_refused() -> None:
    with pytest.raises(PluginError, match="'listy': p2pstock_sms_providers must return a mapping"):
        manager(plugin_module("listy", p2pstock_sms_providers=lambda: ["console"]))


def test_instances_are_named_after_their_type_and_numbered_when_taken() -> None:
    class Listener:
        @hookimpl
        def p2pstock_event(self, record: AuditRecord) -> None:
            del record

    pm = manager(Listener(), Listener())
    names = [name for name, _plugin in pm.list_name_plugin() if name != "builtin"]
    base = f"{Listener.__module__}.{Listener.__qualname__}"
    assert names == [base, f"{base}#2"]


# -- disabling


def test_the_disabled_plugins_variable_blocks_plugins_by_name() -> None:
    heard: list[int] = []
    mirror = plugin_module("audit_mirror", p2pstock_event=lambda record: heard.append(record.seq))
    settings = Settings.from_env({"P2PSTOCK_DISABLED_PLUGINS": "audit_mirror, something_else"})
    assert settings.disabled_plugins == ("audit_mirror", "something_else")
    pm = build_plugin_manager(settings, plugins=[mirror])
    assert pm.is_blocked("audit_mirror")
    assert pm.get_plugin("audit_mirror") is None
    event_listener(pm)(a_record())
    assert heard == []
    event_listener(manager(mirror))(a_record())
    assert heard == [1]


# -- permission vetoes


def test_a_plugin_answering_false_denies_through_require() -> None:
    calls: list[tuple[str, frozenset[str], str]] = []
    pm = manager(vetoing(False, calls))
    with pytest.raises(PermissionDenied) as info:
        require(FINANCE, Permission.WITHDRAWAL_APPROVE, DEFAULT_ROLES, vetoes(pm))
    assert info.value.actor_id == "finance-1"
    assert calls == [("finance-1", frozenset({"finance"}), "withdrawal.approve")]


def test_plugins_answering_none_or_true_leave_the_decision_to_core() -> None:
    pm = manager(vetoing(None), vetoing(True))
    require(FINANCE, Permission.WITHDRAWAL_APPROVE, DEFAULT_ROLES, vetoes(pm))


def test_a_plugin_answering_true_cannot_grant_a_permission_the_admin_lacks() -> None:
    calls: list[tuple[str, frozenset[str], str]] = []
    pm = manager(vetoing(True, calls))
    assert not allowed(pm, SUPPORT, Permission.WITHDRAWAL_APPROVE)
    assert calls == []
    assert allowed(pm, SUPPORT, Permission.STATS_VIEW)


def test_one_denial_is_enough_whatever_the_others_say() -> None:
    pm = manager(vetoing(True), vetoing(False), vetoing(None))
    assert not allowed(pm, FINANCE, Permission.CAPITAL_MANAGE)


def test_a_veto_that_raises_denies_and_is_logged_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def p2pstock_permission_veto(permission: str) -> bool:
        raise RuntimeError(f"policy service down ({PRIVATE})")

    pm = manager(plugin_module("flaky_policy", p2pstock_permission_veto=p2pstock_permission_veto))
    with caplog.at_level(logging.ERROR, logger="p2pstock.plugin.manager"):
        assert not allowed(pm, FINANCE, Permission.WITHDRAWAL_APPROVE)
    [message] = [record.getMessage() for record in caplog.records]
    assert "permission veto of plugin 'flaky_policy' raised RuntimeError" in message
    assert "denying withdrawal.approve to finance-1" in message
    assert PRIVATE not in message


def test_an_answer_other_than_true_false_or_none_denies(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="p2pstock.plugin.manager"):
        assert not allowed(manager(vetoing("no")), FINANCE, Permission.WITHDRAWAL_APPROVE)
    assert "answered a str, not True, False or None" in caplog.text


def test_without_plugins_the_veto_objects_to_nothing() -> None:
    pm = manager()
    assert allowed(pm, FINANCE, Permission.WITHDRAWAL_APPROVE)
    [veto] = vetoes(pm)
    assert veto(None, Permission.STATS_VIEW) is False


# -- event listeners


def test_a_listener_that_raises_is_logged_and_later_listeners_still_hear_the_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    heard: list[AuditRecord] = []

    def broken(record: AuditRecord) -> None:
        raise ValueError(f"cannot mirror {record.after}")

    # pluggy calls the plugin registered last first, so the broken one runs before the working one
    pm = manager(
        plugin_module("mirror", p2pstock_event=lambda record: heard.append(record)),  # noqa: PLW0108 - a list method cannot carry the marker
        plugin_module("broken_mirror", p2pstock_event=broken),
    )
    record = a_record()
    with caplog.at_level(logging.ERROR, logger="p2pstock.plugin.manager"):
        event_listener(pm)(record)
    assert heard == [record]
    [message] = [entry.getMessage() for entry in caplog.records]
    assert "event listener of plugin 'broken_mirror' raised ValueError" in message
    assert "on withdrawal.approve of W-1 (audit record 1)" in message
    assert PRIVATE not in message
    assert "pending" not in message


def test_every_listener_hears_every_event_in_order() -> None:
    heard: list[tuple[str, int]] = []

    def listener(name: str) -> Callable[[AuditRecord], None]:
        return lambda record: heard.append((name, record.seq))

    pm = manager(plugin_module("one", p2pstock_event=listener("one")))
    notify = event_listener(pm)
    first = a_record()
    second = AuditRecord.append(
        first, at=first.at + 1, actor="finance-1", action="capital.move", target="C-1"
    )
    notify(first)
    notify(second)
    assert heard == [("one", 1), ("one", 2)]


# -- settings


def test_secrets_are_absent_from_the_settings_repr() -> None:
    settings = Settings(
        database_url="postgresql+psycopg://app:db-pw-1@db.internal/p2pstock",
        sms_http_api_key="sk-live-abc",
        smtp_password="smtp-pw-2",
    )
    shown = repr(settings)
    for secret in ("db-pw-1", "sk-live-abc", "smtp-pw-2"):
        assert secret not in shown
    assert "sms_provider='console'" in shown


def test_the_settings_read_from_the_environment_pick_the_provider_and_store() -> None:
    settings = Settings.from_env({"P2PSTOCK_SMS_PROVIDER": "console", "P2PSTOCK_DOCUMENT_STORE": "memory"})
    pm = manager()
    assert isinstance(sms_sender(pm, settings), ConsoleSmsSender)
    assert isinstance(document_store(pm, settings), MemoryDocumentStore)


def test_offers_are_plain_mappings_of_names_to_factories() -> None:
    offers: Mapping[str, object] = sms_providers(manager())
    assert all(callable(factory) for factory in offers.values())
