"""The hooks a p2pstock plugin may implement.

A plugin is any module (or object) with functions named after the hooks below and marked with
``p2pstock.plugin.hookimpl``. It implements only the hooks it needs::

    # my_sms_plugin.py
    from p2pstock.plugin import hookimpl

    class CarrierPigeonSender:
        async def send(self, phone: str, text: str) -> str:
            ...  # deliver, then answer with the provider's message id

    @hookimpl
    def p2pstock_sms_providers():
        return {"pigeon": lambda settings: CarrierPigeonSender()}

Install it with an entry point in the group ``p2pstock``; the entry point's name is the plugin's name,
the one ``P2PSTOCK_DISABLED_PLUGINS`` blocks::

    [project.entry-points.p2pstock]
    pigeon = "my_sms_plugin"

Embedders and tests may also hand plugin objects to ``build_plugin_manager(settings, plugins=[...])``.
``P2PSTOCK_SMS_PROVIDER=pigeon`` then picks the provider.

Rules the manager enforces:

- A marked function whose name is not one of these hooks (a typo) stops start-up with an error naming
  the plugin and the hook; so does an implementation whose arguments are not the hook's.
- Two plugins offering a provider (or store) of the same name stop start-up with an error naming both;
  one is never picked silently. Disable one of them to choose.
- The manager calls each implementation on its own (so that one failing listener or veto cannot stop
  the others), which is why hook wrappers (``wrapper=True``, ``hookwrapper=True``) are refused.
- Only the factory of the provider (or store) the settings choose is called, when the application is
  built.

The function bodies below are never run: they only declare each hook's name, arguments and answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeAlias

import pluggy

from p2pstock.config import Settings
from p2pstock.core.audit import AuditRecord
from p2pstock.core.payments import PaymentGateway
from p2pstock.core.people.documents import DocumentStore
from p2pstock.core.sms import SmsSender

PROJECT_NAME = "p2pstock"
"""The pluggy project name: the marker names and the entry-point group."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks the hook specifications below."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin's implementation of a hook: ``@hookimpl`` above ``def p2pstock_<hook>(...)``."""

SmsProviderFactory: TypeAlias = Callable[[Settings], SmsSender]
"""Builds an SMS sender from the settings."""

DocumentStoreFactory: TypeAlias = Callable[[Settings], DocumentStore]
"""Builds a document store from the settings."""

PaymentProviderFactory: TypeAlias = Callable[[Settings], PaymentGateway]
"""Builds a payment gateway from the settings."""


@hookspec
def p2pstock_sms_providers() -> Mapping[str, SmsProviderFactory]:
    """Offer SMS providers, by name.

    Called while the application is built (when the plugins are checked, and again to pick the
    configured one), before anything is sent; answer the same each time, without side effects. Takes no
    arguments.

    Return a mapping from a provider name (what ``P2PSTOCK_SMS_PROVIDER`` chooses, e.g. ``"pigeon"``)
    to a factory that takes the ``Settings`` and returns an ``SmsSender`` (``p2pstock.core.sms``): an
    object with ``async def send(phone, text) -> str`` that answers with the provider's message id and
    raises ``SmsRejected`` (do not retry) or ``SmsUnavailable`` (retry later). Only the chosen
    provider's factory is called; it may raise ``InvalidInput`` when its settings are missing.

    Built in: ``console`` (only logs), ``http`` (``P2PSTOCK_SMS_HTTP_URL`` and ``_API_KEY``) and
    ``smtp`` (an email-to-SMS gateway through ``P2PSTOCK_SMTP_*``).
    """
    raise NotImplementedError  # a specification: pluggy calls the implementations, never this


@hookspec
def p2pstock_payment_providers() -> Mapping[str, PaymentProviderFactory]:
    """Offer payment gateways, by name.

    Called while the application is built (when the plugins are checked, and again to pick the
    configured one); answer the same each time, without side effects. Takes no arguments.

    Return a mapping from a gateway name (what ``P2PSTOCK_PAYMENT_PROVIDER`` chooses, and the
    ``{provider}`` of the callback URL ``/payments/{provider}/callback``) to a factory that takes the
    ``Settings`` and returns a ``PaymentGateway`` (``p2pstock.core.payments``): an object with a
    ``name``, ``payment_link(order) -> PaymentLink`` and ``verify_callback(headers, body, now) ->
    PaymentCallback`` that raises ``InvalidCallback`` for anything it cannot trust (``now`` in
    microseconds). A gateway whose callbacks follow p2pstock's signed scheme can reuse
    ``p2pstock.adapters.payments.SignedCallbackGateway``. Only the chosen gateway's factory is called;
    it may raise ``InvalidInput`` when its settings are missing.

    Built in: ``sandbox`` (no money moves: the payer presses a button on a page of p2pstock's own web
    server; ``P2PSTOCK_PUBLIC_URL``, ``P2PSTOCK_PAYMENT_SECRET``).
    """
    raise NotImplementedError  # a specification: pluggy calls the implementations, never this


@hookspec
def p2pstock_document_stores() -> Mapping[str, DocumentStoreFactory]:
    """Offer document stores, by name.

    Called while the application is built (when the plugins are checked, and again to pick the
    configured one); answer the same each time, without side effects. Takes no arguments.

    Return a mapping from a store name (what ``P2PSTOCK_DOCUMENT_STORE`` chooses) to a factory that
    takes the ``Settings`` and returns a ``DocumentStore`` (``p2pstock.core.people.documents``):
    content-addressed ``put``, ``get`` and ``exists``.

    Built in: ``filesystem`` (files under ``<P2PSTOCK_DATA_DIR>/documents``) and ``memory``.
    """
    raise NotImplementedError  # a specification: pluggy calls the implementations, never this


@hookspec
def p2pstock_event(record: AuditRecord) -> None:
    """Hear about a change, after it was committed.

    Called once per change, after the database transaction that made it has committed, with
    ``record``: the ``AuditRecord`` (``p2pstock.core.audit``) the change wrote — who (``actor``) did
    what (``action``) to which thing (``target``), when (``at``), and the state ``before`` and ``after``
    as canonical JSON text.

    Return nothing. The change has already happened, so a listener cannot undo or refuse it; a
    listener that raises is logged (without the record's contents) and the next listener is called.
    Keep it quick: it runs on the caller's thread.
    """


@hookspec
def p2pstock_permission_veto(admin_id: str, roles: frozenset[str], permission: str) -> bool | None:
    """Object to an administrator's action.

    Called on every permission check, but only after core has found that the administrator holds
    ``permission``: ``admin_id`` is the administrator's id, ``roles`` the names of its roles and
    ``permission`` the permission's value (``"withdrawal.approve"``).

    Return ``False`` to deny the action. ``None`` or ``True`` say nothing: a plugin can deny but never
    grant a permission the administrator lacks. Any other answer, and an exception, count as a denial
    (the check fails closed) and are logged.
    """
