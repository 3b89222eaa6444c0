"""Notifications through an outbox: the pure part (templates, texts and retry rules; no sending).

A service renders a text with ``render``, stores ``Notification.new`` in the outbox in the same
transaction as the change it reports, and a sender later picks the ``due`` ones, tries to deliver them
and stores the result of ``sent`` or ``failed``. Times are microseconds since the epoch (UTC), passed
in, as everywhere in p2pstock.
A notification's text may hold a verification code, so it never appears in a repr, and the recipient
is shown masked. A text rendered with a ``SECRET_VALUES`` value keeps it as the notification's ``secret``
only while the notification waits to be sent: once delivered or given up, the secret is masked in the
text (``******``) and forgotten, and any reason a provider gave for a failure is stored and logged with
the secret masked too (``scrub``).
"""

from __future__ import annotations

import enum
import functools
import string
from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType
from typing import Protocol

import attrs

from p2pstock.core.allocation.calendar_notices import CALENDAR_TEMPLATES
from p2pstock.core.allocation.flag_notices import FLAG_TEMPLATES
from p2pstock.core.allocation.ladder_notices import LADDER_TEMPLATES
from p2pstock.core.allocation.resize_notices import RESIZE_TEMPLATES
from p2pstock.core.errors import AlreadyDecided, InvalidInput
from p2pstock.core.lending.auto_invest import AUTO_INVEST_TEMPLATES
from p2pstock.core.lending.debt_transfer import TRANSFER_TEMPLATES
from p2pstock.core.lending.guarantee_notices import GUARANTEE_TEMPLATES
from p2pstock.core.lending.notices import LOAN_TEMPLATES
from p2pstock.core.names import shown
from p2pstock.core.payment_notices import PAYMENT_TEMPLATES
from p2pstock.core.validation import positive_int

DEFAULT_LANGUAGE = "zh"
"""The language used when a text is asked for in a language without templates."""
BRAND = "p2pstock"
"""The platform's name where a template names it (``{brand}``) and the operator named none."""

_MASK = "***"
_VISIBLE = 4

SECRET_VALUES = frozenset({"code"})
"""Template values a text may keep only until it is delivered or given up (a verification code)."""


def secret_of(values: Mapping[str, object]) -> str:
    """The value among ``values`` that is a secret (see ``SECRET_VALUES``), or ``""``."""
    for name in _SECRET_ORDER:
        if name in values:
            return str(values[name])
    return ""


_SECRET_ORDER = tuple(sorted(SECRET_VALUES))


class Channel(enum.StrEnum):
    """How a notification reaches its recipient."""

    SMS = "sms"
    TELEGRAM = "telegram"
    EMAIL = "email"


TEMPLATES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "phone.code": MappingProxyType(
            {
                "zh": "您的 {brand} 验证码是 {code}，{minutes} 分钟内有效。",
                "en": "Your {brand} verification code is {code}. It expires in {minutes} minutes.",
            }
        ),
        "deposit.credited": MappingProxyType(
            {
                "zh": "您的充值 {amount} 已到账。",
                "en": "Your deposit of {amount} has been credited.",
            }
        ),
        "withdrawal.requested": MappingProxyType(
            {
                "zh": "您的提现申请 {amount} 已提交，正在等待审核。",
                "en": "Your withdrawal request of {amount} has been received and awaits review.",
            }
        ),
        "withdrawal.approved": MappingProxyType(
            {
                "zh": "您的提现 {amount} 已批准。",
                "en": "Your withdrawal of {amount} has been approved.",
            }
        ),
        "withdrawal.rejected": MappingProxyType(
            {
                "zh": "您的提现 {amount} 被拒绝，原因：{reason}。",
                "en": "Your withdrawal of {amount} was rejected: {reason}.",
            }
        ),
        "identity.verified": MappingProxyType(
            {
                "zh": "您的身份已通过验证。",
                "en": "Your identity has been verified.",
            }
        ),
        "identity.rejected": MappingProxyType(
            {
                "zh": "您的身份验证未通过，原因：{reason}。",
                "en": "Your identity verification was rejected: {reason}.",
            }
        ),
        "document.rejected": MappingProxyType(
            {
                "zh": "您上传的{kind}未通过审核，原因：{reason}。",
                "en": "Your document ({kind}) was rejected: {reason}.",
            }
        ),
        "allocation.applied": MappingProxyType(
            {
                "zh": "您的配资申请 {id} 已提交，应付合计 {amount}，请在截止时间前完成支付。",
                "en": (
                    "Your allocation application {id} is in. {amount} is due in total; pay "
                    "it before the deadline."
                ),
            }
        ),
        "allocation.paid": MappingProxyType(
            {
                "zh": "配资 {id} 已付清，资金已冻结，等待审核。",
                "en": "Allocation {id} is fully paid and frozen; it awaits review.",
            }
        ),
        "allocation.expired": MappingProxyType(
            {
                "zh": "配资 {id} 未在截止时间前付清，已取消，冻结资金已解冻。",
                "en": "Allocation {id} was not paid in time and is cancelled; frozen funds are released.",
            }
        ),
        "allocation.confirmed": MappingProxyType(
            {
                "zh": "配资 {id} 已审核确认，正在分配交易子账户。",
                "en": "Allocation {id} is confirmed; a trading sub-account is being assigned.",
            }
        ),
        "allocation.rejected": MappingProxyType(
            {
                "zh": "配资 {id} 未通过审核，原因：{reason}。冻结资金已解冻。",
                "en": "Allocation {id} was rejected: {reason}. Frozen funds are released.",
            }
        ),
        "allocation.started": MappingProxyType(
            {
                "zh": (
                    "配资 {id} 已开始，交易子账户 {sub_account}，起始日 {start}。"
                    "请在机器人中查看密码（仅显示一次）。"
                ),
                "en": (
                    "Allocation {id} has started: sub-account {sub_account}, from {start}. "
                    "View the password in the bot (shown once)."
                ),
            }
        ),
        "allocation.overdue": MappingProxyType(
            {
                "zh": "配资 {id} 的管理费 {amount} 未能扣收，已逾期，请尽快充值。",
                "en": (
                    "Allocation {id} is overdue: {amount} of fees could not be collected. "
                    "Please top up your wallet."
                ),
            }
        ),
        "allocation.daily_report": MappingProxyType(
            {"zh": "配资日报 {count} 笔{part}：", "en": "Your allocations today: {count}{part}"}
        ),
        "allocation.report_line": MappingProxyType(
            {
                "zh": (
                    "配资 {id}（{day}）：总资产 {assets}，当日盈亏 {daily}，"
                    "累计盈亏 {pnl}（对比本金 {start}）；距警戒线 {to_warning}（{warning_pct}），"
                    "距平仓线 {to_liquidation}（{liquidation_pct}）；风险率 {ratio}"
                ),
                "en": (
                    "allocation {id} ({day}): total assets {assets}, {daily} today, {pnl} overall (against "
                    "{start} in it); {to_warning} ({warning_pct}) above the warning line, {to_liquidation} "
                    "({liquidation_pct}) above the liquidation line; risk ratio {ratio}"
                ),
            }
        ),
        "allocation.fees_charged": MappingProxyType(
            {"zh": "配资管理费扣缴 {count} 笔{part}：", "en": "Allocation fees charged: {count}{part}"}
        ),
        "allocation.fee_paid": MappingProxyType(
            {
                "zh": "配资 {id} 第 {period} 期管理费 {amount}，已从钱包扣缴",
                "en": "allocation {id}, period {period}: fee {amount} taken from your wallet",
            }
        ),
        "allocation.fee_split": MappingProxyType(
            {
                "zh": (
                    "配资 {id} 第 {period} 期管理费 {fee}：钱包扣缴 {wallet}，风险保证金扣缴 {fund}，"
                    "尚欠 {unpaid}"
                ),
                "en": (
                    "allocation {id}, period {period}, fee {fee}: {wallet} from your wallet, {fund} from "
                    "the risk fund, {unpaid} unpaid"
                ),
            }
        ),
        "allocation.arrears_paid": MappingProxyType(
            {
                "zh": "配资 {id} 补缴欠费：钱包扣缴 {wallet}，风险保证金扣缴 {fund}，尚欠 {unpaid}",
                "en": (
                    "allocation {id}, fees in arrears: {wallet} from your wallet, {fund} from the risk "
                    "fund, {unpaid} unpaid"
                ),
            }
        ),
        "allocation.staff_overdue": MappingProxyType(
            {
                "zh": "配资 {id} 逾期：未收管理费 {amount}。",
                "en": "Allocation {id} is overdue: {amount} of fees unpaid.",
            }
        ),
        "allocation.warning": MappingProxyType(
            {
                "zh": "风险提示：配资 {id} 总资产 {assets} 已跌破警戒线 {line}，请及时追加保证金。",
                "en": (
                    "Risk warning: allocation {id} total assets {assets} fell to the "
                    "warning line {line}. Please add margin."
                ),
            }
        ),
        "allocation.liquidation": MappingProxyType(
            {
                "zh": "平仓提示：配资 {id} 总资产 {assets} 已跌破平仓线 {line}，将进行平仓处理。",
                "en": (
                    "Liquidation: allocation {id} total assets {assets} fell to the liquidation line {line}."
                ),
            }
        ),
        "allocation.recovered": MappingProxyType(
            {
                "zh": "配资 {id} 总资产 {assets} 已回到警戒线之上，风险解除。",
                "en": "Allocation {id} total assets {assets} are back above the lines.",
            }
        ),
        "allocation.warning.staff": MappingProxyType(
            {
                "zh": "警戒：配资 {id} 总资产 {assets}，警戒线 {line}。",
                "en": "Warning: allocation {id} assets {assets}, warning line {line}.",
            }
        ),
        "allocation.liquidation.staff": MappingProxyType(
            {
                "zh": "平仓：配资 {id} 总资产 {assets}，平仓线 {line}。",
                "en": "Liquidation: allocation {id} assets {assets}, liquidation line {line}.",
            }
        ),
        "allocation.recovered.staff": MappingProxyType(
            {
                "zh": "恢复：配资 {id} 总资产 {assets}。",
                "en": "Recovered: allocation {id} assets {assets}.",
            }
        ),
        "allocation.risk_digest.staff": MappingProxyType(
            {
                "zh": "风险变化 {count} 项{part}：",
                "en": "{count} risk changes{part}:",
            }
        ),
        "digest.part": MappingProxyType(
            {
                "zh": "（第 {n}/{of} 条）",
                "en": " (message {n} of {of})",
            }
        ),
        "allocation.request_approved": MappingProxyType(
            {
                "zh": "配资 {id} 的申请（{kind}）已批准。",
                "en": "Your {kind} request on allocation {id} was approved.",
            }
        ),
        "allocation.request_released": MappingProxyType(
            {
                "zh": "配资 {id} 正在结算，您的{kind}申请已随之撤销。",
                "en": "Allocation {id} is being settled, so your {kind} request was withdrawn.",
            }
        ),
        "allocation.request_rejected": MappingProxyType(
            {
                "zh": "配资 {id} 的申请（{kind}）被拒绝，原因：{reason}。",
                "en": "Your {kind} request on allocation {id} was rejected: {reason}.",
            }
        ),
        "allocation.renewed": MappingProxyType(
            {
                "zh": "配资 {id} 已自动续期一期，至 {end}；本期管理费 {fee} 已扣收。",
                "en": "Allocation {id} renewed for one more period, to {end}; its fee {fee} was taken.",
            }
        ),
        "allocation.renewed_free": MappingProxyType(
            {
                "zh": "配资 {id} 已自动续期一期，至 {end}（免息体验，不收管理费）。",
                "en": "Allocation {id} renewed for one more period, to {end} (a free trial: no fee).",
            }
        ),
        "allocation.expired.not_opted_in": MappingProxyType(
            {
                "zh": (
                    "配资 {id} 于 {end} 到期，未开启自动续期：请在 {settle_by} 前完成结算，"
                    "到期后不再收取管理费。"
                ),
                "en": (
                    "Allocation {id} ended its term on {end} without automatic renewal: it is to be"
                    " settled by {settle_by}, and no fee is charged meanwhile."
                ),
            }
        ),
        "allocation.expired.balance_short": MappingProxyType(
            {
                "zh": (
                    "配资 {id} 于 {end} 到期，余额和风险保证金不足以支付下一期管理费，未能自动续期："
                    "请在 {settle_by} 前完成结算。"
                ),
                "en": (
                    "Allocation {id} ended its term on {end}: the wallet and the risk fund could not pay the"
                    " next period's fee, so it was not renewed; it is to be settled by {settle_by}."
                ),
            }
        ),
        "allocation.expired.term_max": MappingProxyType(
            {
                "zh": "配资 {id} 于 {end} 到期，已达产品最长期限，不能再续期：请在 {settle_by} 前完成结算。",
                "en": (
                    "Allocation {id} ended its term on {end} at the product's longest term, so it cannot be"
                    " renewed; it is to be settled by {settle_by}."
                ),
            }
        ),
        "allocation.staff_term_ended": MappingProxyType(
            {
                "zh": "配资 {id} 于 {end} 到期未续，请在 {settle_by} 前结算。",
                "en": "Allocation {id} ended its term on {end} without renewal; settle it by {settle_by}.",
            }
        ),
        "allocation.staff_settle_overdue": MappingProxyType(
            {
                "zh": "配资 {id} 到期未续，结算宽限期已于 {settle_by} 结束，请立即结算。",
                "en": "Allocation {id} was to be settled by {settle_by} after its term ended; settle it now.",
            }
        ),
        "allocation.settled": MappingProxyType(
            {
                "zh": "配资 {id} 已结算，返还 {payout} 至您的钱包。",
                "en": "Allocation {id} is settled; {payout} was paid to your wallet.",
            }
        ),
        "loan.summary": MappingProxyType(
            {"zh": "出借月报（{count} 行）{part}：", "en": "Your lending summary ({count} lines){part}:"}
        ),
        "loan.summary_total": MappingProxyType(
            {
                "zh": (
                    "{first} 至 {last}：共回款 {received}（本金 {principal}，利息 {interest}，"
                    "罚息 {penalty}；已扣平台服务费 {fee}）；{last} 待收本金 {outstanding}；"
                    "{next_month} 预计回款 {expected}"
                ),
                "en": (
                    "{first} to {last}: {received} received in all (principal {principal}, interest "
                    "{interest}, penalty interest {penalty}; after the platform's fee of {fee}); principal "
                    "outstanding on {last}: {outstanding}; expected in {next_month}: {expected}"
                ),
            }
        ),
        "loan.summary_holding": MappingProxyType(
            {
                "zh": (
                    "借款 {id}：投资 {invested}，回款 {received}（本金 {principal}，利息 {interest}，"
                    "罚息 {penalty}；已扣平台服务费 {fee}），待收本金 {outstanding}，"
                    "下期 {due} 预计回款 {amount}"
                ),
                "en": (
                    "loan {id}: {invested} invested, {received} received (principal {principal}, interest "
                    "{interest}, penalty interest {penalty}; after the platform's fee of {fee}), principal "
                    "outstanding {outstanding}, next {amount} due {due}"
                ),
            }
        ),
        "loan.summary_overdue": MappingProxyType(
            {
                "zh": (
                    "借款 {id}：投资 {invested}，回款 {received}（本金 {principal}，利息 {interest}，"
                    "罚息 {penalty}；已扣平台服务费 {fee}），待收本金 {outstanding}，{due} 到期的 {amount} "
                    "已逾期 {days} 天（{bucket}）"
                ),
                "en": (
                    "loan {id}: {invested} invested, {received} received (principal {principal}, interest "
                    "{interest}, penalty interest {penalty}; after the platform's fee of {fee}), principal "
                    "outstanding {outstanding}, {amount} due {due} overdue {days} days ({bucket})"
                ),
            }
        ),
        "loan.summary_repaid": MappingProxyType(
            {
                "zh": (
                    "借款 {id}：投资 {invested}，回款 {received}（本金 {principal}，利息 {interest}，"
                    "罚息 {penalty}；已扣平台服务费 {fee}），已全部回款"
                ),
                "en": (
                    "loan {id}: {invested} invested, {received} received (principal {principal}, interest "
                    "{interest}, penalty interest {penalty}; after the platform's fee of {fee}), repaid in "
                    "full"
                ),
            }
        ),
        **LOAN_TEMPLATES,
        **GUARANTEE_TEMPLATES,
        **AUTO_INVEST_TEMPLATES,
        **TRANSFER_TEMPLATES,
        **CALENDAR_TEMPLATES,
        **FLAG_TEMPLATES,
        **RESIZE_TEMPLATES,
        **PAYMENT_TEMPLATES,
        **LADDER_TEMPLATES,
    }
)
"""Template key → language → text with ``{name}`` placeholders (``str.format`` style)."""


@functools.lru_cache(maxsize=1024)
def placeholders(template: str) -> frozenset[str]:
    """The names of the ``{name}`` fields in ``template`` (worked out once per template: a statement's
    crossings render hundreds of alerts)."""
    return frozenset(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name)


def render(key: str, language: str, **values: object) -> str:
    """The text of template ``key`` in ``language`` (``zh`` when that language has none).

    ``values`` must name exactly the template's placeholders, but for ``brand``, the platform's name
    (``BRAND`` when not given), filled in where the template has it; otherwise ``InvalidInput`` is
    raised, as it is for an unknown key. An enum value is shown by its name in ``language``
    (``core.names``).
    """
    return render_values(key, language, values)


def render_values(key: str, language: str, values: Mapping[str, object]) -> str:
    """``render`` with the values in one mapping."""
    template = template_for(key, language, frozenset(values) - {"brand"})
    filled = {name: shown(value, language) for name, value in values.items()}
    filled.setdefault("brand", BRAND)
    return template.format_map(filled)


@functools.lru_cache(maxsize=1024)
def template_for(key: str, language: str, names: frozenset[str]) -> str:
    """The template ``render`` fills for ``key`` in ``language`` with values of these ``names`` (checked
    once for each key, language and names: a message to each of a thousand investors fills one)."""
    languages = TEMPLATES.get(key)
    if languages is None:
        raise InvalidInput(f"there is no notification template {key!r}", code="template_unknown")
    template = languages.get(language, languages[DEFAULT_LANGUAGE])
    expected = placeholders(template) - {"brand"}
    missing = sorted(expected - names)
    if missing:
        raise InvalidInput(f"template {key!r} needs values for {', '.join(missing)}", code="template_values")
    extra = sorted(names - expected)
    if extra:
        raise InvalidInput(f"template {key!r} has no place for {', '.join(extra)}", code="template_values")
    return template


DIGEST_CHARS = 3_500
"""The longest message a digest is packed into (a Telegram message holds at most 4,096 characters)."""


def digest_messages(key: str, language: str, lines: Sequence[str], *, limit: int = DIGEST_CHARS) -> list[str]:
    """``lines`` told as one digest: under the header of template ``key`` (rendered with ``count``, the
    number of lines, and ``part``), packed in order into as few messages of at most ``limit`` characters as
    hold them; with more than one message, ``part`` numbers them (template ``digest.part``)."""
    count = len(lines)
    widest = render(key, language, count=count, part=render("digest.part", language, n=count, of=count))
    room = max(limit - len(widest) - 1, 1)
    parts: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if parts[-1] and size + 1 + len(line) > room:
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += 1 + len(line)
    messages = []
    for n, part in enumerate(parts, start=1):
        numbered = render("digest.part", language, n=n, of=len(parts)) if len(parts) > 1 else ""
        messages.append("\n".join([render(key, language, count=count, part=numbered), *part]))
    return messages


class DeliveryStatus(enum.StrEnum):
    """Where a notification stands: waiting to be (re)tried, delivered, or given up."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@attrs.frozen
class RetryPolicy:
    """How often and how patiently a failed delivery is tried again (exponential backoff)."""

    max_attempts: int = attrs.field(default=6, validator=positive_int)
    """Failed attempts after which the notification is given up."""
    first_delay_seconds: int = attrs.field(default=30, validator=positive_int)
    factor: int = attrs.field(default=2, validator=positive_int)
    max_delay_seconds: int = attrs.field(default=3600, validator=positive_int)

    def delay(self, attempts: int) -> int:
        """Seconds to wait after the ``attempts``-th failed attempt: 30, 60, 120, … at most the cap."""
        return int(min(self.first_delay_seconds * self.factor ** (attempts - 1), self.max_delay_seconds))


def mask(recipient: str) -> str:
    """The recipient with all but its last 4 characters hidden (all of it when it is that short)."""
    if len(recipient) <= _VISIBLE:
        return _MASK
    return _MASK + recipient[-_VISIBLE:]


def _masked_repr(recipient: str) -> str:
    return repr(mask(recipient))


@attrs.frozen
class Notification:
    """One message in the outbox, with where its delivery stands."""

    id: str
    channel: Channel
    recipient: str = attrs.field(repr=_masked_repr)
    text: str = attrs.field(repr=False)
    created_at: int
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    """Failed delivery attempts so far."""
    next_attempt_at: int = 0
    last_error: str = ""
    """Why the last attempt failed; holds no secret (``scrub``)."""
    secret: str = attrs.field(default="", repr=False)
    """What in ``text`` must not outlive the delivery (a verification code); ``""`` once it is done."""

    @classmethod
    def new(
        cls, id: str, channel: Channel, recipient: str, text: str, *, now: int, secret: str = ""
    ) -> Notification:
        """A pending notification, due at once; ``secret`` is the part of ``text`` to mask once done."""
        if not recipient or not text:
            raise InvalidInput("a notification needs a recipient and a text", code="notification_incomplete")
        if secret and secret not in text:
            raise InvalidInput("a notification's secret must be part of its text", code="notification_secret")
        channel = channel if type(channel) is Channel else Channel(channel)
        return cls(id, channel, recipient, text, now, DeliveryStatus.PENDING, 0, now, "", secret)

    def scrub(self, text: str) -> str:
        """``text`` with the secret masked (for a reason a provider gave, or a log line)."""
        return text.replace(self.secret, "*" * len(self.secret)) if self.secret else text

    def _forget(self) -> Notification:
        """The notification, done, with no readable secret left in it."""
        return attrs.evolve(self, text=self.scrub(self.text), secret="")

    def _pending(self) -> None:
        if self.status is not DeliveryStatus.PENDING:
            raise AlreadyDecided(
                f"the notification is already {self.status.value}", code="notification_decided"
            )

    def sent(self, now: int) -> Notification:
        """The notification delivered at ``now``; final."""
        self._pending()
        return attrs.evolve(self, status=DeliveryStatus.SENT, next_attempt_at=now)._forget()

    def failed(self, now: int, error: str, policy: RetryPolicy) -> Notification:
        """The notification after a failed attempt at ``now``: rescheduled, or FAILED when out of attempts."""
        self._pending()
        attempts, why = self.attempts + 1, self.scrub(error)
        if attempts >= policy.max_attempts:
            return attrs.evolve(
                self, status=DeliveryStatus.FAILED, attempts=attempts, next_attempt_at=now, last_error=why
            )._forget()
        retry_at = now + policy.delay(attempts) * 1_000_000
        return attrs.evolve(self, attempts=attempts, next_attempt_at=retry_at, last_error=why)

    def given_up(self, now: int, error: str) -> Notification:
        """The notification after an attempt the provider refused for good: FAILED, not retried."""
        self._pending()
        return attrs.evolve(
            self,
            status=DeliveryStatus.FAILED,
            attempts=self.attempts + 1,
            next_attempt_at=now,
            last_error=self.scrub(error),
        )._forget()

    def claimed(self, until: int) -> Notification:
        """The notification held by one dispatcher until ``until``: no other picks it up meanwhile."""
        self._pending()
        return attrs.evolve(self, next_attempt_at=until)

    def due(self, now: int) -> bool:
        """Whether the notification is pending and its next attempt time has come."""
        return self.status is DeliveryStatus.PENDING and now >= self.next_attempt_at


class Outbox(Protocol):
    """The stored notifications."""

    def add(self, notifications: Sequence[Notification]) -> None: ...
    def get(self, notification_id: str, *, lock: bool = False) -> Notification | None: ...
    def save(self, notification: Notification) -> None: ...
    def due(self, now: int, limit: int, channels: Collection[Channel] | None = None) -> list[Notification]:
        """Pending notifications whose next attempt time has come, oldest first, locked; rows another
        transaction holds are skipped (``FOR UPDATE SKIP LOCKED`` on PostgreSQL). With ``channels``, only
        those of these channels (none for an empty collection)."""
        ...

    def of_recipient(self, recipient: str, limit: int) -> list[Notification]:
        """The recipient's notifications, newest first."""
        ...


class NoticeMarks(Protocol):
    """Marks of notices told once (a platform warning for a week, a dispute about a day), by key."""

    def mark(self, key: str, at: int) -> bool:
        """Mark ``key`` told at ``at``; False when it was marked already (then nothing changes). Two
        transactions marking one key at once: one of them gets True."""
        ...
