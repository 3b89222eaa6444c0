"""Builds the plugin manager, and turns its hooks into what the composition root wires in.

::

    build_plugin_manager   hook specs, the built-ins, plugins given in code, then installed entry points
    sms_sender             the SMS sender ``settings.sms_provider`` names
    document_store         the document store ``settings.document_store`` names
    payment_gateway        the payment gateway ``settings.payment_provider`` names
    sms_providers, document_stores, payment_providers   every offer of a kind, by name
    vetoes                 the plugins' objections as core ``Veto`` functions for ``require``
    event_listener         one function that hands an ``AuditRecord`` to every plugin listening

Each implementation is called on its own: a listener that raises is logged and the next one runs; a
veto that raises denies. Logs name the plugin, the hook and where the exception was raised, never its
message or a record's contents (a message may quote what it was handed).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar, cast

import pluggy

from p2pstock.config import Settings
from p2pstock.core.audit import AuditRecord
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.payments import PaymentGateway
from p2pstock.core.people.documents import DocumentStore
from p2pstock.core.people.permissions import Administrator, Permission, Veto
from p2pstock.core.sms import SmsSender
from p2pstock.plugin import builtin, hookspecs
from p2pstock.plugin.hookspecs import (
    PROJECT_NAME,
    DocumentStoreFactory,
    PaymentProviderFactory,
    SmsProviderFactory,
)

logger = logging.getLogger(__name__)

F = TypeVar("F")

HOOK_NAMES: tuple[str, ...] = tuple(
    sorted(name for name in vars(hookspecs) if name.startswith(f"{PROJECT_NAME}_"))
)
"""The name of every hook a plugin may implement."""


class PluginError(P2PStockError):
    """A plugin cannot be used: an unknown hook, wrong arguments, a hook wrapper, a malformed answer,
    or a provider name two plugins both claim. Raised while the application is built."""


def build_plugin_manager(
    settings: Settings,
    *,
    plugins: Iterable[object] = (),
    load_entry_points: bool = True,
) -> pluggy.PluginManager:
    """A plugin manager with the hook specs, the built-ins, ``plugins`` and the installed plugins.

    Names in ``settings.disabled_plugins`` are blocked first, so a disabled plugin is never
    registered (``builtin`` blocks the built-ins). Plugins given in code are registered under their
    ``__name__`` (a module or class) or their type's dotted name (an instance, numbered from ``#2``
    when taken). Installed plugins come from the entry-point group ``p2pstock``, named after their
    entry point, unless ``load_entry_points`` is false. Raises ``PluginError`` for an implementation
    of an unknown hook, arguments a hook does not have, a hook wrapper, or two plugins offering a
    provider of the same name.
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in settings.disabled_plugins:
        pm.set_blocked(name)
    _register(pm, builtin, builtin.NAME)
    for plugin in plugins:
        _register(pm, plugin, _free_name(pm, plugin))
    if load_entry_points:
        try:
            pm.load_setuptools_entrypoints(PROJECT_NAME)
        except pluggy.PluginValidationError as error:
            raise PluginError(f"an installed plugin cannot be loaded: {error}") from error
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(_unknown_hook(pm) or str(error)) from error
    _refuse_wrappers(pm)
    sms_providers(pm)
    document_stores(pm)
    payment_providers(pm)
    return pm


def sms_providers(pm: pluggy.PluginManager) -> dict[str, SmsProviderFactory]:
    """Every SMS provider the plugins offer, by name."""
    return cast(dict[str, SmsProviderFactory], _offers(pm, "p2pstock_sms_providers", "SMS provider"))


def document_stores(pm: pluggy.PluginManager) -> dict[str, DocumentStoreFactory]:
    """Every document store the plugins offer, by name."""
    return cast(dict[str, DocumentStoreFactory], _offers(pm, "p2pstock_document_stores", "document store"))


def payment_providers(pm: pluggy.PluginManager) -> dict[str, PaymentProviderFactory]:
    """Every payment gateway the plugins offer, by name (``sandbox`` is built in)."""
    return cast(
        dict[str, PaymentProviderFactory], _offers(pm, "p2pstock_payment_providers", "payment provider")
    )


def sms_sender(pm: pluggy.PluginManager, settings: Settings) -> SmsSender:
    """The SMS sender of the provider named by ``settings.sms_provider``, built from ``settings``.

    Raises ``InvalidInput`` listing the known providers when the name is unknown.
    """
    factory = _choose(sms_providers(pm), settings.sms_provider, "SMS provider", "P2PSTOCK_SMS_PROVIDER")
    sender = factory(settings)
    if not callable(getattr(sender, "send", None)):
        raise PluginError(f"the SMS provider {settings.sms_provider!r} built something without send()")
    return sender


def document_store(pm: pluggy.PluginManager, settings: Settings) -> DocumentStore:
    """The document store named by ``settings.document_store``, built from ``settings``.

    Raises ``InvalidInput`` listing the known stores when the name is unknown.
    """
    factory = _choose(
        document_stores(pm), settings.document_store, "document store", "P2PSTOCK_DOCUMENT_STORE"
    )
    store = factory(settings)
    if not all(callable(getattr(store, method, None)) for method in ("put", "get", "exists")):
        raise PluginError(
            f"the document store {settings.document_store!r} built something without put, get and exists"
        )
    return store


def payment_gateway(pm: pluggy.PluginManager, settings: Settings, name: str | None = None) -> PaymentGateway:
    """The payment gateway named ``name`` (default ``settings.payment_provider``), built from
    ``settings``.

    Raises ``InvalidInput`` listing the known gateways when the name is unknown, and ``PluginError``
    when the factory built something without ``name``, ``payment_link`` and ``verify_callback``.
    """
    chosen = settings.payment_provider if name is None else name
    factory = _choose(payment_providers(pm), chosen, "payment provider", "P2PSTOCK_PAYMENT_PROVIDER")
    gateway = factory(settings)
    methods = ("payment_link", "verify_callback")
    if not isinstance(getattr(gateway, "name", None), str) or not all(
        callable(getattr(gateway, method, None)) for method in methods
    ):
        raise PluginError(
            f"the payment provider {chosen!r} built something without name, payment_link and verify_callback"
        )
    return gateway


def vetoes(pm: pluggy.PluginManager) -> list[Veto]:
    """One core ``Veto`` that asks every plugin's ``p2pstock_permission_veto``.

    It answers ``True`` (no objection) only when every plugin answered ``None`` or ``True``; a
    ``False``, any other answer, an exception or a missing administrator deny. Plugins registered
    later are asked too.
    """

    def ask_plugins(admin: Administrator | None, permission: Permission) -> bool:
        if admin is None:
            return False
        for impl in _implementations(pm, "p2pstock_permission_veto"):
            try:
                answer = _call(impl, admin_id=admin.id, roles=admin.roles, permission=permission.value)
            except Exception as error:
                logger.error(
                    "permission veto of plugin %r raised %s; denying %s to %s",
                    impl.plugin_name,
                    _where(error),
                    permission.value,
                    admin.id,
                )
                return False
            if answer is None or answer is True:
                continue
            if answer is False:
                logger.info("plugin %r vetoed %s for %s", impl.plugin_name, permission.value, admin.id)
            else:
                logger.warning(
                    "permission veto of plugin %r answered a %s, not True, False or None; denying %s to %s",
                    impl.plugin_name,
                    type(answer).__name__,
                    permission.value,
                    admin.id,
                )
            return False
        return True

    return [ask_plugins]


def event_listener(pm: pluggy.PluginManager) -> Callable[[AuditRecord], None]:
    """One function that hands a committed change's ``AuditRecord`` to every plugin's ``p2pstock_event``.

    A listener that raises is logged (the plugin, the action, the target and where it raised — not the
    record's before and after) and the next listener is called; the function itself never raises.
    """

    def notify(record: AuditRecord) -> None:
        for impl in _implementations(pm, "p2pstock_event"):
            try:
                _call(impl, record=record)
            except Exception as error:
                logger.error(
                    "event listener of plugin %r raised %s on %s of %s (audit record %d); going on",
                    impl.plugin_name,
                    _where(error),
                    record.action,
                    record.target,
                    record.seq,
                )

    return notify


# -- helpers


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        raise PluginError(f"plugin {name!r} cannot be loaded: {error}") from error
    except ValueError as error:
        raise PluginError(f"plugin {name!r} is registered twice") from error


def _free_name(pm: pluggy.PluginManager, plugin: object) -> str:
    """``__name__`` for a module or class, else the type's dotted name; ``#2``, ``#3`` … when taken."""
    base = getattr(plugin, "__name__", None)
    if not isinstance(base, str) or not base:
        base = f"{type(plugin).__module__}.{type(plugin).__qualname__}"
    name, number = base, 1
    while pm.has_plugin(name):
        number += 1
        name = f"{base}#{number}"
    return name


def _unknown_hook(pm: pluggy.PluginManager) -> str:
    for hook_name, caller in sorted(vars(pm.hook).items()):
        if hook_name.startswith("_") or caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if not impl.optionalhook:
                return (
                    f"plugin {impl.plugin_name!r} implements {hook_name!r}, which is not a p2pstock hook"
                    f" (the hooks are {', '.join(HOOK_NAMES)})"
                )
    return ""


def _refuse_wrappers(pm: pluggy.PluginManager) -> None:
    for hook_name in HOOK_NAMES:
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            if impl.wrapper or impl.hookwrapper:
                raise PluginError(
                    f"plugin {impl.plugin_name!r} wraps {hook_name!r}; p2pstock calls each"
                    " implementation on its own and does not support hook wrappers"
                )


def _implementations(pm: pluggy.PluginManager, hook_name: str) -> list[pluggy.HookImpl]:
    """The plain implementations of a hook, in the order pluggy would call them."""
    impls = getattr(pm.hook, hook_name).get_hookimpls()
    return [impl for impl in reversed(impls) if not (impl.wrapper or impl.hookwrapper)]


def _call(impl: pluggy.HookImpl, **arguments: object) -> object:
    """Call one implementation with the arguments it declares (a plugin may take fewer than the spec)."""
    return impl.function(*(arguments[name] for name in impl.argnames))


def _offers(pm: pluggy.PluginManager, hook_name: str, what: str) -> dict[str, object]:
    offered: dict[str, tuple[str, object]] = {}
    for impl in _implementations(pm, hook_name):
        try:
            answer = _call(impl)
        except P2PStockError:
            raise
        except Exception as error:
            raise PluginError(f"plugin {impl.plugin_name!r} raised {_where(error)} in {hook_name}") from error
        if answer is None:
            continue
        if not isinstance(answer, Mapping):
            raise PluginError(
                f"plugin {impl.plugin_name!r}: {hook_name} must return a mapping of names to factories,"
                f" not a {type(answer).__name__}"
            )
        for name, factory in answer.items():
            if not isinstance(name, str) or not name.strip() or not callable(factory):
                raise PluginError(
                    f"plugin {impl.plugin_name!r}: {hook_name} must map names to callable factories"
                    f" (got {name!r:.40} → {type(factory).__name__})"
                )
            if name in offered:
                raise PluginError(
                    f"the {what} {name!r} is offered by two plugins, {offered[name][0]!r} and"
                    f" {impl.plugin_name!r}; disable one of them with P2PSTOCK_DISABLED_PLUGINS"
                )
            offered[name] = (impl.plugin_name, factory)
    return {name: factory for name, (_plugin, factory) in offered.items()}


def _choose(offers: Mapping[str, F], name: str, what: str, variable: str) -> F:
    factory = offers.get(name)
    if factory is None:
        known = ", ".join(sorted(offers)) or "none is installed"
        raise InvalidInput(f"unknown {what} {name!r} ({variable}); known: {known}")
    return factory


def _where(error: BaseException) -> str:
    """The exception's type and the line that raised it — never its message."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    last = frames[-1]
    return f"{type(error).__name__} at {last.filename}:{last.lineno} in {last.name}"
