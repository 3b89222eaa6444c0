"""What an import of daily statuses tells an administrator, in the bot (📥 Import) and on the command line
(``p2pstock allocation import --lang``): the rows applied, those held as implausible, the risk states
that changed and the rungs of the alert ladder crossed — or the statement imported before — and each
refused row with its line and reason."""

from __future__ import annotations

from datetime import tzinfo

from p2pstock.bots.telegram.allocation_admin_card import risk_name
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.texts import TEXTS, text
from p2pstock.core.allocation.monitoring import ImportReport
from p2pstock.core.allocation.statement_columns import ALIASES
from p2pstock.core.allocation.statuses import RowError


def imported_lines(report: ImportReport, lang: str, zone: tzinfo) -> list[str]:
    """A statement applied (or imported before), in ``lang``, times in ``zone``."""
    if report.already_imported and report.statement is not None:
        earlier = report.statement
        imported, by = local_time(earlier.imported_at, zone), earlier.imported_by
        return [text("admin.alloc.already_imported", lang, when=imported, by=by, rows=earlier.rows)]
    lines = [text("admin.alloc.imported", lang, applied=report.applied)]
    if report.flagged:
        lines.append(text("admin.alloc.import_flagged", lang, count=len(report.flagged)))
    if report.changes:
        lines.append(text("admin.alloc.import_changes", lang))
        lines += [
            text("admin.alloc.import_change", lang, id=i, before=risk_name(b, lang), after=risk_name(a, lang))
            for i, b, a in report.changes
        ]
    if report.rungs:  # rungs of the alert ladder crossed down (``alert_ladder``)
        lines.append(text("admin.alloc.import_rungs", lang, count=len(report.rungs)))
    return lines


def bad_row(row: RowError, lang: str) -> str:
    """A statement's refused row and why, in ``lang`` (core's reason stays in the logs)."""
    key, values = f"refusal.{row.code}", dict(row.values)
    if row.code == "header_missing" and lang == "zh":
        values["fields"] = _chinese_columns(str(values["fields"]))
    reason = text(key, lang, **values) if key in TEXTS else text("error.invalid", lang)
    return text("admin.alloc.import_row", lang, line=row.line, reason=reason)


def _chinese_columns(fields: str) -> str:
    """Columns missing, for a Chinese reader: each by the name brokers' exports give it, and its own
    (``资产总值（total_assets）``)."""
    return "、".join(f"{ALIASES[f][0]}（{f}）" if f in ALIASES else f for f in fields.split(", "))
