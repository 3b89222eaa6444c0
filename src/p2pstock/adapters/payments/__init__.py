"""Payment gateways: the signed-callback scheme real gateways use, and the sandbox built on it."""

from p2pstock.adapters.payments.sandbox import SandboxGateway
from p2pstock.adapters.payments.signed import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignedCallbackGateway,
    callback_body,
    sign,
)

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "SandboxGateway",
    "SignedCallbackGateway",
    "callback_body",
    "sign",
]
