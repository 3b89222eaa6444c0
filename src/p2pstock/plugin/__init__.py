"""The plugin API: hook specifications, the ``hookimpl`` marker, and the manager that loads plugins.

Write a plugin by marking functions named after the hooks in ``p2pstock.plugin.hookspecs`` with
``hookimpl`` and publishing the module under the entry-point group ``p2pstock``; the composition root
builds the manager with ``build_plugin_manager`` and asks it for the SMS sender, the document store,
the permission vetoes and the event listener.
"""

from p2pstock.plugin.hookspecs import (
    PROJECT_NAME,
    DocumentStoreFactory,
    PaymentProviderFactory,
    SmsProviderFactory,
    hookimpl,
)
from p2pstock.plugin.manager import (
    HOOK_NAMES,
    PluginError,
    build_plugin_manager,
    document_store,
    document_stores,
    event_listener,
    payment_gateway,
    payment_providers,
    sms_providers,
    sms_sender,
    vetoes,
)

__all__ = [
    "HOOK_NAMES",
    "PROJECT_NAME",
    "DocumentStoreFactory",
    "PaymentProviderFactory",
    "PluginError",
    "SmsProviderFactory",
    "build_plugin_manager",
    "document_store",
    "document_stores",
    "event_listener",
    "hookimpl",
    "payment_gateway",
    "payment_providers",
    "sms_providers",
    "sms_sender",
    "vetoes",
]
