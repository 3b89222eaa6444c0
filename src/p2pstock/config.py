"""Settings, from ``P2PSTOCK_*`` environment variables or given in code.

- ``P2PSTOCK_DATABASE_URL``: ``sqlite:///path.db`` or ``postgresql+psycopg://user@host/db``
  (default: ``p2pstock.db`` in the data directory)
- ``P2PSTOCK_DATA_DIR``: where the embedded default keeps its files (default ``./p2pstock-data``)
- ``P2PSTOCK_TIMEZONE``: the business day for statistics (default ``Asia/Shanghai``)
- ``P2PSTOCK_CURRENCY``: the wallets' currency (default ``CNY``)
- ``P2PSTOCK_SQLITE_SYNCHRONOUS``: SQLite durability, ``FULL`` for money (default ``FULL``)
- ``P2PSTOCK_REFUSE_WITHDRAWAL_WHILE_ALLOCATION_FROZEN``: refuse every withdrawal while the customer has
  funds frozen in an allocation (default ``false``)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import attrs
import sqlalchemy as sa

from p2pstock.core.errors import InvalidInput

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(value: str, name: str) -> bool:
    if value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise InvalidInput(f"{name} must be true or false, not {value!r}")


@attrs.frozen
class Settings:
    """Everything the composition root needs to know. The database URL may hold a password, so it is
    left out of ``repr``."""

    database_url: str = attrs.field(default="", repr=False)
    data_dir: Path = Path("p2pstock-data")
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    sqlite_synchronous: str = "FULL"
    refuse_withdrawal_while_allocation_frozen: bool = False

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'p2pstock.db'}"

    @property
    def is_embedded(self) -> bool:
        return sa.engine.make_url(self.effective_database_url).get_backend_name() == "sqlite"

    @property
    def safe_database_url(self) -> str:
        """The database URL with any password masked, fit for logs and screens."""
        return sa.engine.make_url(self.effective_database_url).render_as_string(hide_password=True)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, convert in _FIELDS.items():
            raw = env.get(f"P2PSTOCK_{name.upper()}")
            if raw is not None:
                values[name] = convert(raw, f"P2PSTOCK_{name.upper()}")
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


_FIELDS = {
    "database_url": lambda v, _n: v,
    "data_dir": lambda v, _n: Path(v),
    "timezone": lambda v, _n: v,
    "currency": lambda v, _n: v,
    "sqlite_synchronous": lambda v, _n: v.upper(),
    "refuse_withdrawal_while_allocation_frozen": _flag,
}
