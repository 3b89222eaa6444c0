"""Where the processes' log lines go, as the settings say: every line on standard error with its time
(UTC, ISO 8601, milliseconds), level and logger; ``P2PSTOCK_LOG_FORMAT=json`` writes one JSON object a
line for a log collector instead::

    2026-12-07T07:15:31.042Z INFO p2pstock.serving: scheduled jobs round 29433 done here
    {"time": "2026-12-07T07:15:31.042Z", "level": "INFO", "logger": "p2pstock.serving", "pid": 4711,
     "message": "scheduled jobs round 29433 done here"}

A traceback, when a line has one, is the ``exception`` field of the JSON object.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _UtcFormatter(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class JsonFormatter(_UtcFormatter):
    """One JSON object a line: time, level, logger, pid, message (and exception, when there is one)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each line."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        return None


def configure(level: str = "INFO", log_format: str = "text") -> None:
    """Send the log to standard error at ``level`` in ``log_format`` (``text`` or ``json``). Calling it
    again replaces what it set up before and leaves other handlers (a test's, an embedder's) alone."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StandardError)]:
        root.removeHandler(handler)
    handler = _StandardError()
    handler.setFormatter(JsonFormatter() if log_format == "json" else _UtcFormatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    # the migration tool's chatter (each connection's dialect, each revision run) only when debugging
    logging.getLogger("alembic").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
