"""The back office: what every service transaction shares — who may act, the second pair of eyes, the
audit trail, the outbox and the listeners told after a commit.

::

    Backoffice.run(work)     one transaction for ``work(tx)``; retried on conflicts; listeners hear the
                             audit records it wrote once it committed (never for a rolled-back attempt)
    Tx.admin(by, p)          the administrator ``by``, loaded in this transaction, holding ``p`` (else raise)
    Tx.act(by, command)      an administrative action: done now, or opened as an ``ApprovalRequest`` when a
                             four-eyes rule applies; an approval replays it through the same executor
    Tx.audit(...)            appends to the hash-chained trail (sealed with the audit key, if any)
    Tx.tell(customer, key)   queues a notification to the customer in the outbox, in their language
    Tx.alert(customer, key)  the same on every channel the customer has (bot and SMS)

A transaction's audit records and notifications are written together just before it commits (one write
each, however many there are): the first audit record reads the trail's head, which holds appenders in
turn until the commit.

Roles, administrators and approvals are read from storage inside the transaction, so a caller can never
bring its own idea of what an administrator may do.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from p2pstock.core.audit import AuditKey, AuditRecord, canonical
from p2pstock.core.clock import Clock, SystemClock, to_micros
from p2pstock.core.errors import NotFound
from p2pstock.core.notifications import (
    BRAND,
    DEFAULT_LANGUAGE,
    Channel,
    Notification,
    digest_messages,
    render_values,
    secret_of,
)
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.four_eyes import DEFAULT_RULES, DEFAULT_TTL_SECONDS, ApprovalRequest, FourEyesRule
from p2pstock.core.people.four_eyes import needs_second_pair as _needs_second_pair
from p2pstock.core.people.permissions import (
    DEFAULT_ROLES,
    Administrator,
    Permission,
    Role,
    Veto,
    permissions_of,
    require,
)
from p2pstock.core.ports import UnitOfWork, UnitOfWorkFactory
from p2pstock.core.transactions import in_transaction
from p2pstock.core.validation import check_code, check_id

T = TypeVar("T")
log = logging.getLogger(__name__)

SYSTEM = "system"
"""The actor of changes no person made (expiries, scheduled jobs)."""
OPERATOR = "operator"
"""The actor of changes made by whoever runs the server (the command line)."""


@attrs.frozen
class Command:
    """An administrative action described so that it can wait for a second administrator and be replayed.

    ``payload`` must be plain JSON (text, integers, lists, mappings); ``amount`` in minor units decides
    whether a four-eyes threshold is met.
    """

    action: str = attrs.field(validator=lambda _i, _a, v: check_code(v, "action"))
    permission: Permission = attrs.field(converter=Permission)
    target: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "target"))
    payload: Mapping[str, object] = attrs.field(factory=dict)
    amount: int | None = None


Executor = Callable[["Tx", Command, Administrator], object]
"""Carries out a command inside the transaction, on behalf of the administrator who made it happen."""
Preview = Callable[["Tx", ApprovalRequest], Mapping[str, object]]
"""What carrying out a waiting request would do, as things stand (values a checker reads before deciding)."""
Listener = Callable[[AuditRecord], None]
"""Told about each audit record after its transaction committed (plugins' event listeners)."""


CHAT_LANGUAGE = "chat-language:"
"""Prefix of the UI-state key (``chat-language:<chat>``) under which a frontend keeps the language it
answers a chat in; notices to the staff in that chat follow it (``Tx.chat_language``)."""


@attrs.define
class Backoffice:
    """Shared by every service of one p2pstock instance."""

    uow_factory: UnitOfWorkFactory
    clock: Clock = attrs.field(factory=SystemClock)
    rules: Sequence[FourEyesRule] = DEFAULT_RULES
    vetoes: list[Veto] = attrs.Factory(list)
    listeners: list[Listener] = attrs.Factory(list)
    approval_ttl_seconds: int = DEFAULT_TTL_SECONDS
    executors: dict[str, Executor] = attrs.Factory(dict)
    previews: dict[str, Preview] = attrs.Factory(dict)
    audit_key: AuditKey | None = None
    """Seals every audit record written (a keyed trail); ``None`` leaves records unsealed."""
    brand: str = BRAND
    """The platform's name in the texts that name it (``{brand}``)."""
    sms_signature: str = ""
    """What every text message starts with, in 【】 (``""``: none)."""

    def register(self, action: str, executor: Executor, preview: Preview | None = None) -> None:
        """Name the function that carries out ``action`` (a later registration replaces an earlier one), and
        the one that says what it would do for a checker (``preview``)."""
        self.executors[check_code(action, "action")] = executor
        if preview is None:
            self.previews.pop(action, None)
        else:
            self.previews[action] = preview

    def run(self, work: Callable[[Tx], T]) -> T:
        """``work`` in one transaction, committed; listeners hear its audit records afterwards."""
        records: list[AuditRecord] = []

        def attempt(uow: UnitOfWork) -> T:
            records.clear()
            tx = Tx(uow, self, to_micros(self.clock.now()), records)
            result = work(tx)
            tx.flush()
            return result

        result = in_transaction(self.uow_factory, attempt)
        self._publish(records)
        return result

    def read(self, work: Callable[[Tx], T]) -> T:
        """``work`` in a read-only transaction (which can neither audit nor notify)."""

        def attempt(uow: UnitOfWork) -> T:
            tx = Tx(uow, self, to_micros(self.clock.now()), [])
            result = work(tx)
            if tx.pending:
                raise RuntimeError("a read-only transaction cannot audit or notify")
            return result

        return in_transaction(self.uow_factory, attempt, readonly=True)

    def needs_second_pair(self, permission: Permission, amount: int | None) -> bool:
        return _needs_second_pair(self.rules, permission, amount)

    def _publish(self, records: list[AuditRecord]) -> None:
        for record in records:
            for listener in self.listeners:
                try:
                    listener(record)
                except Exception:
                    log.exception(
                        "an event listener failed on audit record %d (%s)", record.seq, record.action
                    )


@attrs.define
class Tx:
    """One attempt at a service transaction: its unit of work, its time and what it audited."""

    uow: UnitOfWork
    office: Backoffice
    now: int
    records: list[AuditRecord]
    _head: AuditRecord | None = attrs.field(default=None, init=False)
    _head_read: bool = attrs.field(default=False, init=False)
    _unsaved: list[AuditRecord] = attrs.field(factory=list, init=False)
    _outgoing: list[Notification] = attrs.field(factory=list, init=False)
    _id_prefix: str = attrs.field(default="", init=False)
    _ids_given: int = attrs.field(default=0, init=False)
    _chat_languages: dict[str, str] = attrs.field(factory=dict, init=False)

    @property
    def pending(self) -> int:
        """Audit records and notifications waiting for ``flush``."""
        return len(self._unsaved) + len(self._outgoing)

    def flush(self) -> None:
        """Write the audit records and notifications of the transaction so far (before it commits)."""
        if self._unsaved:
            self.uow.audit.append(self._unsaved)
            self._unsaved = []
        if self._outgoing:
            self.uow.outbox.add(self._outgoing)
            self._outgoing = []

    def roles(self) -> dict[str, Role]:
        """The default roles and the custom ones stored (a custom role never replaces a default)."""
        return {**self.uow.staff.custom_roles(), **DEFAULT_ROLES}

    def admin(self, by: str, permission: Permission) -> Administrator:
        """The stored administrator ``by``, if active and holding ``permission`` with no veto objecting."""
        admin = self.uow.staff.get(check_id(by, "administrator id"))
        require(admin, permission, self.roles(), self.office.vetoes)
        if admin is None:
            raise AssertionError("require() let an unknown administrator through")
        return admin

    def admin_any(self, by: str, permissions: Sequence[Permission]) -> Administrator:
        """The stored administrator ``by`` holding any one of ``permissions`` (else refused as for the
        first of them)."""
        held = permissions_of(self.uow.staff.get(by), self.roles()) & set(permissions)
        return self.admin(by, min(held) if held else permissions[0])

    def staff_chats(self, permission: Permission) -> list[str]:
        """The bot chats of the active administrators holding ``permission``."""
        roles = self.roles()
        return [
            str(admin.telegram_user_id)
            for admin in self.uow.staff.all()
            if admin.telegram_user_id is not None and permission in permissions_of(admin, roles)
        ]

    def tell_staff(
        self, permission: Permission, key: str, *, chats: Sequence[str] | None = None, **values: object
    ) -> int:
        """Queue ``key`` to every active administrator holding ``permission`` who uses the bot (``chats``,
        when the caller has read them already with ``staff_chats``), each in their language
        (``chat_language``)."""
        chats = self.staff_chats(permission) if chats is None else chats
        texts: dict[str, str] = {}
        for chat in chats:
            language = self.chat_language(chat)
            if language not in texts:
                texts[language] = self._render(key, language, values)
            self._queue(Channel.TELEGRAM, chat, texts[language])
        return len(chats)

    def tell_staff_news(
        self,
        permission: Permission,
        told: Sequence[tuple[str, Mapping[str, object]]],
        digest: str,
        *,
        line: str = "",
    ) -> int:
        """Tell every active administrator holding ``permission`` who uses the bot the news ``told`` (each a
        template key and its values): one piece as itself, several as one digest under template ``digest``
        (``digest_messages``), each of its lines rendered with its own key (or with ``line`` for all) —
        every chat in its language. How many chats were told."""
        chats = self.staff_chats(permission) if told else []
        if len(told) == 1:
            key, values = told[0]
            return self.tell_staff(permission, key, chats=chats, **values)
        texts: dict[str, list[str]] = {}
        for chat in chats:
            language = self.chat_language(chat)
            if language not in texts:
                lines = [self._render(line or key, language, values) for key, values in told]
                texts[language] = digest_messages(digest, language, lines)
            for text in texts[language]:
                self._queue(Channel.TELEGRAM, chat, text)
        return len(chats)

    def chat_language(self, chat: str) -> str:
        """The language an administrator reads in the bot chat ``chat``: the one the bot answers the chat in
        (kept under ``CHAT_LANGUAGE``), else the one stored with the customer of the same Telegram account,
        else ``DEFAULT_LANGUAGE``."""
        if chat not in self._chat_languages:
            kept = self.uow.ui_state.get(CHAT_LANGUAGE + chat)
            customer = None if kept or not chat.isdigit() else self.uow.customers.by_telegram(int(chat))
            self._chat_languages[chat] = kept or (customer.language if customer else DEFAULT_LANGUAGE)
        return self._chat_languages[chat]

    def act(self, by: str, command: Command, result: type[T]) -> T | ApprovalRequest:
        """Carry out ``command`` for ``by`` now (its executor answers a ``result``), or return the
        ``ApprovalRequest`` it waits in.

        Asking again while a request for the same action and target is pending returns that request.
        """
        admin = self.admin(by, command.permission)
        if not self.office.needs_second_pair(command.permission, command.amount):
            done = self.execute(command, admin)
            if not isinstance(done, result):
                raise TypeError(f"{command.action} answered {type(done).__name__}, not {result.__name__}")
            return done
        for waiting in self.uow.approvals.pending(1, action=command.action, target=command.target):
            if not waiting.is_expired(self.now):
                return waiting
            expire_request(self, waiting)  # its time is up: make room for a new one
        request = ApprovalRequest.open(
            f"approval-{uuid.uuid4().hex[:20]}",
            maker=admin,
            permission=command.permission,
            action=command.action,
            target=command.target,
            payload=canonical(command.payload),
            amount=command.amount,
            now=self.now,
            roles=self.roles(),
            ttl_seconds=self.office.approval_ttl_seconds,
        )
        self.uow.approvals.add(request)
        self.audit(admin.id, "approval.open", request.id, after=approval_state(request))
        return request

    def execute(self, command: Command, admin: Administrator) -> object:
        executor = self.office.executors.get(command.action)
        if executor is None:
            raise NotFound(
                f"no service carries out {command.action}", code="no_service", action=command.action
            )
        return executor(self, command, admin)

    def replay(self, request: ApprovalRequest, checker: Administrator) -> object:
        """Carry out the command an approved request held, with the checker's authority."""
        payload = json.loads(request.payload) if request.payload else {}
        command = Command(request.action, request.permission, request.target, payload, request.amount)
        return self.execute(command, checker)

    def audit(
        self,
        actor: str,
        action: str,
        target: str,
        *,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
    ) -> AuditRecord:
        """Append a record to the trail, chained to the last one."""
        if not self._head_read:
            self._head, self._head_read = self.uow.audit.head(), True
        record = AuditRecord.append(
            self._head,
            at=self.now,
            actor=actor,
            action=action,
            target=target,
            before=before,
            after=after,
            key=self.office.audit_key,
        )
        self._head = record
        self._unsaved.append(record)
        self.records.append(record)
        return record

    def notify(
        self, channel: Channel, recipient: str, key: str, language: str, **values: object
    ) -> Notification:
        """Queue template ``key`` to ``recipient``; it is sent after this transaction commits (a secret
        value such as a verification code is masked in the stored text once it was sent or given up)."""
        return self._notify(channel, recipient, language, key, values)

    def _notify(
        self, channel: Channel, recipient: str, language: str, key: str, values: Mapping[str, object]
    ) -> Notification:
        return self._queue(channel, recipient, self._render(key, language, values), secret_of(values))

    def _render(self, key: str, language: str, values: Mapping[str, object]) -> str:
        """Template ``key`` in ``language``, naming the platform as its operator set it."""
        return render_values(key, language, {"brand": self.office.brand, **values})

    def _queue(self, channel: Channel, recipient: str, text: str, secret: str = "") -> Notification:
        if channel is Channel.SMS and self.office.sms_signature:
            text = f"【{self.office.sms_signature}】{text}"
        notification = Notification.new(
            self._notification_id(), channel, recipient, text, now=self.now, secret=secret
        )
        self._outgoing.append(notification)
        return notification

    def _notification_id(self) -> str:
        """The id of the next notification: the transaction's time (hex microseconds), a random part of its
        own and the notification's number in it. Ids grow with time, so that new notifications land at
        the end of the outbox's key index (a random id dirtied a page of it per message); the random part
        keeps transactions of the same microsecond apart."""
        if not self._id_prefix:
            self._id_prefix = f"{self.now:014x}{secrets.token_hex(5)}"
        self._ids_given += 1
        return f"{self._id_prefix}{self._ids_given:06x}"

    def tell(self, customer: Customer | None, key: str, **values: object) -> Notification | None:
        """Queue a message to the customer: by Telegram when linked, else by SMS to a verified phone."""
        reach = _reach(customer)
        return None if reach is None else self._notify(*reach, key, values)

    def tell_each(self, key: str, told: Iterable[tuple[Customer | None, Mapping[str, object]]]) -> int:
        """``tell`` each customer ``key`` with their own values (text, numbers, ``Money``), in order; each
        text is rendered once for a language and values alike (an installment paid to a thousand
        investors says much the same to each). How many messages were queued."""
        texts: dict[tuple[str, tuple[tuple[str, object], ...]], tuple[str, str]] = {}
        queued = 0
        for customer, values in told:
            reach = _reach(customer)
            if reach is None:
                continue
            channel, recipient, language = reach
            alike = (language, tuple(values.items()))
            text = texts.get(alike)
            if text is None:
                text = texts[alike] = (self._render(key, language, values), secret_of(values))
            self._queue(channel, recipient, *text)
            queued += 1
        return queued

    def tell_digest(self, customer: Customer | None, key: str, lines: Callable[[str], Sequence[str]]) -> int:
        """Tell a customer who uses the bot the ``lines`` (rendered in their language) as one digest under
        template ``key`` (``digest_messages``): routine news, not worth a text message, so a customer
        without the bot is not told. How many messages were queued."""
        if customer is None or customer.telegram_user_id is None:
            return 0
        texts = digest_messages(key, customer.language, lines(customer.language))
        for text in texts:
            self._queue(Channel.TELEGRAM, str(customer.telegram_user_id), text)
        return len(texts)

    def alert(self, customer: Customer | None, key: str, **values: object) -> list[Notification]:
        """Queue a message to the customer on every channel they have: the bot when linked, and SMS to a
        verified phone."""
        if customer is None:
            return []
        text = self._render(key, customer.language, values)
        sent = []
        if customer.telegram_user_id is not None:
            sent.append(self._queue(Channel.TELEGRAM, str(customer.telegram_user_id), text))
        if customer.phone:
            sent.append(self._queue(Channel.SMS, customer.phone, text))
        return sent


def _reach(customer: Customer | None) -> tuple[Channel, str, str] | None:
    """How a customer is told something, and in which language: by Telegram when linked, else by SMS to
    a verified phone (none when neither)."""
    if customer is None:
        return None
    if customer.telegram_user_id is not None:
        return Channel.TELEGRAM, str(customer.telegram_user_id), customer.language
    if customer.phone:
        return Channel.SMS, customer.phone, customer.language
    return None


def expire_request(tx: Tx, request: ApprovalRequest) -> ApprovalRequest:
    """Mark a pending request whose time is up as expired, audited as the system's doing."""
    expired = request.expire(tx.now)
    tx.uow.approvals.save(expired)
    tx.audit(
        SYSTEM, "approval.expire", request.id, before=approval_state(request), after=approval_state(expired)
    )
    return expired


def approval_state(request: ApprovalRequest) -> dict[str, object]:
    """What the audit trail keeps of an approval request."""
    return {
        "action": request.action,
        "target": request.target,
        "amount": request.amount,
        "maker": request.maker_id,
        "checker": request.checker_id,
        "status": request.status.value,
        "reason": request.reason,
    }


def rendered(lines: Sequence[tuple[str, Mapping[str, object]]]) -> Callable[[str], list[str]]:
    """The ``lines`` of ``Tx.tell_digest``: each a template and its values, rendered in a language."""
    return lambda language: [render_values(key, language, values) for key, values in lines]
