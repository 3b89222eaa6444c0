"""A new customer taken from registration to "verified": phone code by SMS, identity, documents, review.

python examples/kyc_walkthrough.py [DIRECTORY]

Runs on a SQLite file in DIRECTORY. Text messages go to a small sender defined here that prints them,
standing in for an SMS provider; documents are kept content-addressed under DIRECTORY/documents.
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path

from PIL import Image

from p2pstock.bootstrap import bootstrap
from p2pstock.config import Settings
from p2pstock.core.errors import Refused
from p2pstock.core.notifications import Channel


def photo(format: str, label: str) -> bytes:
    """A small image that decodes (uploads must): ``format`` is JPEG or PNG; ``label`` sets its shade."""
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (len(label) * 3 % 256, 120, 200)).save(out, format=format)
    return out.getvalue()


JPEG = photo("JPEG", "front of the card")
PNG = photo("PNG", "back of the card")


class PrintedMessages:
    """Prints every message it is given and remembers the last one."""

    def __init__(self, channel: str) -> None:
        self.channel, self.last = channel, ""

    async def send(self, recipient: str, text: str) -> str:
        print(f"  [{self.channel} to {recipient}] {text}")
        self.last = text
        return "printed"


def main(directory: Path) -> None:
    sms, telegram = PrintedMessages("sms"), PrintedMessages("telegram")
    settings = Settings(database_url=f"sqlite:///{directory / 'kyc.db'}", data_dir=directory)
    app = bootstrap(settings, senders={Channel.SMS: sms, Channel.TELEGRAM: telegram})
    app.staff.enrol_by_operator("reviewer-1", ["reviewer"])  # the operator's path: `p2pstock admin create`

    customer = app.customers.register(telegram_user_id=424242, language="en")
    print("registered:", customer.id, customer.status)

    app.customers.request_phone_code(customer.id, "138 0013 8000")
    app.dispatcher.dispatch_now()  # the outbox delivers the code
    code = re.search(r"\d{6}", sms.last)
    if code is None:
        raise SystemExit("no code arrived")
    customer = app.customers.confirm_phone(customer.id, "+86 138 0013 8000", code.group())
    print("phone verified:", customer.status)

    customer = app.customers.submit_identity(customer.id, "张三", "11010519491231002X")
    front = app.customers.upload_document(customer.id, "id_card_front", JPEG)
    back = app.customers.upload_document(customer.id, "id_card_back", PNG)
    print("identity submitted with documents:", front.content_type, back.content_type)

    try:
        app.kyc.verify_identity(customer.id, by="reviewer-1")
    except Refused as refusal:
        print("refused for now:", refusal)
    app.kyc.reject_document(back.id, by="reviewer-1", reason="the photo is blurred")
    back = app.customers.upload_document(customer.id, "id_card_back", photo("PNG", "back, sharper"))
    for document in (front, back):
        app.kyc.accept_document(document.id, by="reviewer-1")
    customer = app.kyc.verify_identity(customer.id, by="reviewer-1")
    app.dispatcher.dispatch_now()
    print("final status:", customer.status)
    print("audit trail intact:", app.audit.verify().ok)
    app.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="p2pstock-kyc-"))
    target.mkdir(parents=True, exist_ok=True)
    main(target)
