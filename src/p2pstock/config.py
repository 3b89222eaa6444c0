"""Settings, from ``P2PSTOCK_*`` environment variables or given in code.

- ``P2PSTOCK_DATABASE_URL``: ``sqlite:///path.db`` or ``postgresql+psycopg://user@host/db``
  (default: ``p2pstock.db`` in the data directory)
- ``P2PSTOCK_DATA_DIR``: where the embedded default keeps its files (default ``./p2pstock-data``)
- ``P2PSTOCK_TIMEZONE``: the business day for statistics (default ``Asia/Shanghai``)
- ``P2PSTOCK_CURRENCY``: the wallets' currency (default ``CNY``)
- ``P2PSTOCK_SQLITE_SYNCHRONOUS``: SQLite durability, ``FULL`` for money (default ``FULL``)
- ``P2PSTOCK_REFUSE_WITHDRAWAL_WHILE_ALLOCATION_FROZEN``: refuse every withdrawal while the customer has
  funds frozen in an allocation (default ``false``)
- ``P2PSTOCK_CAPITAL_FOUR_EYES_FROM``: capital pool movements from this amount (yuan) wait for a second
  administrator (default ``5,000,000``)

Text messages (the provider is chosen by name among those the plugins offer, see ``p2pstock.plugin``):

- ``P2PSTOCK_SMS_PROVIDER``: ``console`` (only logs; the default), ``http``, ``smtp``, or the name a
  plugin gives its provider (``webhook`` with the ``p2pstock-sms-webhook`` plugin)
- ``P2PSTOCK_SMS_HTTP_URL``: base URL of the ``http`` provider (it takes ``POST {url}/messages``)
- ``P2PSTOCK_SMS_HTTP_API_KEY``: bearer token of the ``http`` provider (secret)
- ``P2PSTOCK_SMTP_HOST``, ``P2PSTOCK_SMTP_PORT`` (default ``587``): the mail server of the ``smtp`` provider
- ``P2PSTOCK_SMTP_USERNAME``, ``P2PSTOCK_SMTP_PASSWORD`` (secret): its login; no username, no login
- ``P2PSTOCK_SMTP_SENDER``: the From address of the mail
- ``P2PSTOCK_SMTP_SMS_GATEWAY_DOMAIN``: the email-to-SMS gateway; a text to ``+86 138…`` is mailed to
  ``86138…@<domain>``
- ``P2PSTOCK_SMTP_STARTTLS``: upgrade the connection with STARTTLS, verifying the certificate (default
  ``true``)

Documents and plugins:

- ``P2PSTOCK_DOCUMENT_STORE``: ``filesystem`` (files under ``<data dir>/documents``; the default),
  ``memory``, or the name a plugin gives its store
- ``P2PSTOCK_DISABLED_PLUGINS``: plugin names, comma-separated (``webhook,audit_mirror``), never loaded
  even when installed; ``builtin`` names the providers shipped with p2pstock

Frontends and payments:

- ``P2PSTOCK_TELEGRAM_TOKEN``: the bot's token from @BotFather (secret)
- ``P2PSTOCK_WEBHOOK_SECRET``: the ``X-Telegram-Bot-Api-Secret-Token`` Telegram must send (secret)
- ``P2PSTOCK_PUBLIC_URL``: where the web server is reached from outside (``https://pay.example.com``);
  the webhook and payment links are built on it (default ``http://127.0.0.1:8080``)
- ``P2PSTOCK_WEB_HOST``, ``P2PSTOCK_WEB_PORT``: where ``p2pstock serve`` listens (default ``127.0.0.1:8080``)
- ``P2PSTOCK_PAYMENT_PROVIDER``: the gateway deposits go through: ``sandbox`` (ships with p2pstock) or a
  plugin's provider (default ``sandbox``)
- ``P2PSTOCK_PAYMENT_SECRET``: the key gateway callbacks are signed with (HMAC-SHA256; secret)
- ``P2PSTOCK_ENCRYPTION_KEY``: the key that encrypts secrets stored at rest (secret)
- ``P2PSTOCK_PREVIOUS_ENCRYPTION_KEYS``: keys replaced by it, comma-separated; secrets sealed with them
  can still be opened (secret)
- ``P2PSTOCK_AUDIT_KEY``: seals every audit record with an HMAC so that a rewritten trail is caught (at
  least 32 characters; secret; unset: the trail is hash-chained only). Keep it: changing it fails the
  earlier seals

Running the platform (see the README's deployment section):

- ``P2PSTOCK_ALLOW_SANDBOX``: let the sandbox payment gateway, which credits deposits with no money behind
  them, run although a bot token or an ``https`` public URL says this is a real deployment (default
  ``false``: it refuses to start there)
- ``P2PSTOCK_LOG_LEVEL``: ``DEBUG``, ``INFO`` (default), ``WARNING`` or ``ERROR``
- ``P2PSTOCK_LOG_FORMAT``: ``text`` (a timestamped line; default) or ``json`` (one JSON object a line)
- ``P2PSTOCK_JOBS_EVERY_SECONDS``: how often ``serve`` and ``bot`` run a round of the scheduled jobs, in
  one of the processes sharing the database at a time (default ``60``)
- ``P2PSTOCK_WORKER_THREADS``: how many threads ``serve`` and ``bot`` run database work in, off the event
  loop (default: 2 on a SQLite file, whose writers take turns anyway and whose updates then wait less for
  Python's lock; on PostgreSQL Python's own default, which waits for the server in more threads at once).
  The scheduled jobs run in a thread of their own besides these
- ``P2PSTOCK_BRAND``: the platform's name in what customers read (the welcome, verification codes;
  default ``p2pstock``)
- ``P2PSTOCK_SMS_SIGNATURE``: the signature every text message starts with, as 【签名】 (Chinese carriers
  and providers refuse messages without the one registered with them; default none)
- ``P2PSTOCK_TELEGRAM_API_URL``: the Bot API server (default Telegram's, ``https://api.telegram.org``; a
  self-hosted ``telegram-bot-api`` server, or a stand-in in tests)
- ``P2PSTOCK_CJK_FONT``: the font file (``.ttf``, ``.otf``, ``.ttc``) the charts and statements write
  Chinese with (default: the first CJK font found under the usual font folders; without one they are in
  English). A file named here that does not exist, or draws no Chinese, stops the start

Every setting can also come from a TOML file named by ``P2PSTOCK_CONFIG`` (keys as the names above
in lower case without the prefix: ``telegram_token = "…"``, ``web_port = 8443``); variables override it.

Secrets (the database URL, the api key, the SMTP password, the bot token, the webhook secret, the payment
secret, the encryption key, the audit key) never appear in ``repr(settings)``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs
import sqlalchemy as sa

from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import CAPITAL_FOUR_EYES_FROM

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SQLITE_WORKER_THREADS = 2
"""Worker threads on a SQLite file: measured against Python's default (6 on 2 cores) with the webhook
benchmark, 8 updates in flight, about 40 % more updates a second and the p99 from 35 to 24 ms
(bench/README.md). The price: while a long write transaction holds the file (a batch of the day's fee job,
about half a second for 5,000 allocations), two updates waiting to write take both threads and a read
waits behind them too."""
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(value: str, name: str) -> bool:
    if value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise InvalidInput(f"{name} must be true or false, not {value!r}")


def _port(value: str, name: str) -> int:
    try:
        port = int(value.strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a port number, not {value!r:.40}") from None
    if not 1 <= port <= 65535:
        raise InvalidInput(f"{name} must be a port number between 1 and 65535, not {port}")
    return port


def _yuan(value: str, name: str) -> int:
    try:
        return Money.parse(value).minor
    except InvalidInput as error:
        raise InvalidInput(f"{name} must be an amount in yuan, not {value!r:.40} ({error})") from None


def _positive(value: str, name: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, not {value!r:.40}") from None
    if number < 1:
        raise InvalidInput(f"{name} must be at least 1, not {number}")
    return number


def _optional_path(value: str | Path | None) -> Path | None:
    """A path, or None for nothing (``""``)."""
    return Path(value) if value else None


def _existing_file(_settings: object, _attribute: object, path: Path | None) -> None:
    if path is not None and not path.is_file():
        raise InvalidInput(
            f"P2PSTOCK_CJK_FONT names {path}, which is not a file: install a CJK font (the README says how)"
            " and name its file, or leave the setting empty to search the usual font folders"
        )


def _names(value: str | Iterable[str]) -> tuple[str, ...]:
    """Names from ``"a, b"`` or an iterable of names: stripped, empty ones dropped, order kept."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(name.strip() for name in items if name.strip())


@attrs.frozen
class Settings:
    """Everything the composition root needs to know. The database URL may hold a password, and the
    SMS api key and SMTP password are secrets, so they are left out of ``repr``."""

    database_url: str = attrs.field(default="", repr=False)
    data_dir: Path = Path("p2pstock-data")
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    sqlite_synchronous: str = "FULL"
    refuse_withdrawal_while_allocation_frozen: bool = False
    capital_four_eyes_from: int = CAPITAL_FOUR_EYES_FROM
    """Capital pool movements from this many minor units wait for a second administrator."""
    sms_provider: str = "console"
    sms_http_url: str = ""
    sms_http_api_key: str = attrs.field(default="", repr=False)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = attrs.field(default="", repr=False)
    smtp_sender: str = ""
    smtp_sms_gateway_domain: str = ""
    smtp_starttls: bool = True
    document_store: str = "filesystem"
    disabled_plugins: tuple[str, ...] = attrs.field(default=(), converter=_names)
    telegram_token: str = attrs.field(default="", repr=False)
    webhook_secret: str = attrs.field(default="", repr=False)
    public_url: str = "http://127.0.0.1:8080"
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    payment_provider: str = "sandbox"
    allocation_shortfall: str = attrs.field(
        default="receivable", validator=attrs.validators.in_(("receivable", "loss"))
    )
    """Who bears what a settlement's shortfall leaves after the risk fund: the customer (receivable) or the
    platform (loss)."""
    payment_secret: str = attrs.field(default="", repr=False)
    encryption_key: str = attrs.field(default="", repr=False)
    previous_encryption_keys: tuple[str, ...] = attrs.field(default=(), converter=_names, repr=False)
    allow_sandbox: bool = False
    log_level: str = attrs.field(default="INFO", validator=attrs.validators.in_(LOG_LEVELS))
    log_format: str = attrs.field(default="text", validator=attrs.validators.in_(("text", "json")))
    jobs_every_seconds: int = attrs.field(default=60, validator=attrs.validators.ge(1))
    worker_threads: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(1))
    )
    telegram_api_url: str = "https://api.telegram.org"
    audit_key: str = attrs.field(default="", repr=False)
    brand: str = attrs.field(default="p2pstock", validator=attrs.validators.min_len(1))
    sms_signature: str = ""
    cjk_font: Path | None = attrs.field(default=None, converter=_optional_path, validator=_existing_file)
    """The font file Chinese is drawn with (None: the first found on the machine)."""

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'p2pstock.db'}"

    @property
    def is_embedded(self) -> bool:
        return sa.engine.make_url(self.effective_database_url).get_backend_name() == "sqlite"

    @property
    def threads_for_work(self) -> int | None:
        """``worker_threads``, or the default for the database (None: Python's own)."""
        if self.worker_threads is not None:
            return self.worker_threads
        return SQLITE_WORKER_THREADS if self.is_embedded else None

    @property
    def safe_database_url(self) -> str:
        """The database URL with any password masked, fit for logs and screens."""
        return sa.engine.make_url(self.effective_database_url).render_as_string(hide_password=True)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from an optional TOML file (``P2PSTOCK_CONFIG``), then ``P2PSTOCK_*`` variables, then
        ``overrides``; each later source wins."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("P2PSTOCK_CONFIG"):
            values.update(_from_toml(Path(env["P2PSTOCK_CONFIG"])))
        for name, convert in _FIELDS.items():
            raw = env.get(f"P2PSTOCK_{name.upper()}")
            if raw is not None:
                values[name] = convert(raw, f"P2PSTOCK_{name.upper()}")
        values.update(overrides)
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ValueError as error:
            raise InvalidInput(_refusal(error)) from None


def _refusal(error: ValueError) -> str:
    """One line naming the variable a validator refused (attrs' ``in_`` and ``ge`` say which field)."""
    field = getattr(error.args[1], "name", None) if len(error.args) > 1 else None
    if field is None:
        return str(error)
    name = f"P2PSTOCK_{field.upper()}"
    if len(error.args) >= 4 and isinstance(error.args[2], tuple):  # in_: (message, attribute, options, value)
        return f"{name} must be one of {', '.join(map(str, error.args[2]))}, not {error.args[3]!r:.40}"
    return f"{name}: {error.args[0]}"


def _from_toml(path: Path) -> dict[str, object]:
    """The settings in a TOML file of ``name = value`` lines named like the fields (``web_port = 8080``)."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"cannot read the settings file {path}: {error}") from None
    unknown = sorted(set(document) - _FIELDS.keys())
    if unknown:
        raise InvalidInput(f"unknown settings in {path}: {', '.join(unknown)}")
    values: dict[str, object] = {}
    for name, value in document.items():
        if name == "disabled_plugins" and isinstance(value, list):
            values[name] = _names(str(item) for item in value)
        elif isinstance(value, str | int | bool):
            values[name] = _FIELDS[name](str(value).lower() if isinstance(value, bool) else str(value), name)
        else:
            raise InvalidInput(f"{name} in {path} must be text, a number or true/false")
    return values


_FIELDS: dict[str, Callable[[str, str], object]] = {
    "database_url": lambda v, _n: v,
    "data_dir": lambda v, _n: Path(v),
    "timezone": lambda v, _n: v,
    "currency": lambda v, _n: v,
    "sqlite_synchronous": lambda v, _n: v.upper(),
    "refuse_withdrawal_while_allocation_frozen": _flag,
    "capital_four_eyes_from": _yuan,
    "sms_provider": lambda v, _n: v.strip(),
    "sms_http_url": lambda v, _n: v.strip(),
    "sms_http_api_key": lambda v, _n: v,
    "smtp_host": lambda v, _n: v.strip(),
    "smtp_port": _port,
    "smtp_username": lambda v, _n: v,
    "smtp_password": lambda v, _n: v,
    "smtp_sender": lambda v, _n: v.strip(),
    "smtp_sms_gateway_domain": lambda v, _n: v.strip(),
    "smtp_starttls": _flag,
    "document_store": lambda v, _n: v.strip(),
    "disabled_plugins": lambda v, _n: _names(v),
    "telegram_token": lambda v, _n: v.strip(),
    "webhook_secret": lambda v, _n: v.strip(),
    "public_url": lambda v, _n: v.strip().rstrip("/"),
    "web_host": lambda v, _n: v.strip(),
    "web_port": _port,
    "payment_provider": lambda v, _n: v.strip(),
    "allocation_shortfall": lambda v, _n: v.strip(),
    "payment_secret": lambda v, _n: v,
    "encryption_key": lambda v, _n: v,
    "previous_encryption_keys": lambda v, _n: _names(v),
    "allow_sandbox": _flag,
    "log_level": lambda v, _n: v.strip().upper(),
    "log_format": lambda v, _n: v.strip().lower(),
    "jobs_every_seconds": _positive,
    "worker_threads": _positive,
    "telegram_api_url": lambda v, _n: v.strip().rstrip("/"),
    "audit_key": lambda v, _n: v,
    "brand": lambda v, _n: v.strip(),
    "sms_signature": lambda v, _n: v.strip().removeprefix("【").removesuffix("】"),
    "cjk_font": lambda v, _n: _optional_path(v.strip()),
}
