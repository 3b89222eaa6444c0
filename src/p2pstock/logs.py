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
import time

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _UtcFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
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


def configure(level: str = "INFO", log_format: str = "text") -> None:
    """Send the log to standard error at ``level`` in ``log_format`` (``text`` or ``json``), replacing any
    handler configured before."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else _UtcFormatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
