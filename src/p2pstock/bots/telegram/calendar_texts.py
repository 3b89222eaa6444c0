"""The trading calendar's texts for administrators in the bot (``admin_calendar.py``), in Chinese and
English."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both

ADMIN_CALENDAR_TEXTS: Texts = {
    "admin.queue.calendar": both("📅 交易日历", "📅 Trading calendar"),
    "admin.cal.menu": both("交易日历：", "Trading calendar:"),
    "admin.cal.year_known": both("{year} 年：已知，{days} 个交易日", "{year}: known, {days} trading days"),
    "admin.cal.year_disputed": both(
        "{year} 年：已知，{days} 个交易日；{disputes} 天数据源意见不一，待定",
        "{year}: known, {days} trading days; the sources disagree about {disputes} days, undecided",
    ),
    "admin.cal.year_unknown": both(
        "{year} 年：⚠️ 未知（各数据源都没有，也未导入）",
        "{year}: ⚠️ NOT known (no source covers it, none loaded)",
    ),
    "admin.cal.load": both("📥 导入一年的休市安排", "📥 Load a year's closures"),
    "admin.cal.decide": both("✏️ 设置某一天", "✏️ Decide one day"),
    "admin.cal.ask_notice": both(
        "请发送交易所的休市安排：直接输入文字或发送 .txt 文件，每行一天或一个区间，例如：\n"
        "元旦：2027年1月1日\n春节：2月5日至2月11日休市\n2027-05-03 ~ 2027-05-05\n发送 /cancel 取消。",
        "Send the exchanges' notice of closures, typed or as a .txt file, a day or a range a line, e.g.\n"
        "2027-01-01\n2027-02-05 ~ 2027-02-11\nSpring Festival: 2027-02-05 to 2027-02-11\n"
        "Send /cancel to stop.",
    ),
    "admin.cal.read": both(
        "读取到 {year} 年的 {count} 个休市工作日：", "Read {count} closed weekdays of {year}:"
    ),
    "admin.cal.closures": both("休市：{ranges}", "Closed: {ranges}"),
    "admin.cal.differs": both(
        "与 {source} 不同：多出 {extra}；缺少 {missing}",
        "Differs from {source}: in addition {extra}; left out {missing}",
    ),
    "admin.cal.replaces": both(
        "导入后将取代第 {version} 版（旧版本保留）。",
        "Loading it replaces version {version} (which is kept).",
    ),
    "admin.cal.confirm_load": both("✅ 导入", "✅ Load it"),
    "admin.cal.loaded": both(
        "{year} 年休市安排已导入（第 {version} 版）。", "{year}'s closures are loaded (version {version})."
    ),
    "admin.cal.unreadable": both(
        "无法导入：{count} 行有误，未导入任何内容。",
        "Not loaded: {count} lines are wrong; nothing was loaded.",
    ),
    "admin.cal.bad_line": both("第 {line} 行：{reason}", "Line {line}: {reason}"),
    "admin.cal.problem.bad_date": both("无法识别的日期 {given}", "not a date: {given}"),
    "admin.cal.problem.bad_range": both("每行只能写一天或一个区间", "one day or one range a line"),
    "admin.cal.problem.reversed": both(
        "区间结束日 {last} 早于开始日 {first}", "the range ends ({last}) before it starts ({first})"
    ),
    "admin.cal.problem.too_long_range": both(
        "区间超过 {days} 天，请检查", "a closure of more than {days} days; check it"
    ),
    "admin.cal.problem.other_year": both(
        "不在 {year} 年内：一份安排只能是一年", "not in {year}: a notice covers one year"
    ),
    "admin.cal.problem.no_year": both(
        "缺少年份：第一个日期请写完整（2027年1月1日）", "no year: write the first date in full (2027-01-01)"
    ),
    "admin.cal.problem.empty": both("没有任何休市的工作日", "no closed weekday is named"),
    "admin.cal.problem.too_long": both("行数太多", "too many lines"),
    "admin.cal.source_says": both("· {source}：{count} 个休市工作日", "· {source}: {count} closed weekdays"),
    "admin.cal.source_silent": both("· {source}：没有该年数据", "· {source}: does not cover the year"),
    "admin.cal.administrators": both("管理员导入", "administrators' load"),
    "admin.cal.dispute": both(
        "⚠️ {day}：{closed_by} 休市，{open_by} 交易 —— 待定",
        "⚠️ {day}: closed for {closed_by}, trading for {open_by} — undecided",
    ),
    "admin.cal.dispute_decided": both(
        "{day}：{closed_by} 休市，{open_by} 交易 —— 已由管理员设置",
        "{day}: closed for {closed_by}, trading for {open_by} — decided by an override",
    ),
    "admin.cal.override": both(
        "设置 {day}：{state} —— {reason}（{by}）", "Override {day}: {state} — {reason} ({by})"
    ),
    "admin.cal.load_line": both(
        "第 {version} 版：{by} 于 {at} 导入，{days} 天 —— {note}",
        "Version {version}: loaded by {by} at {at}, {days} days — {note}",
    ),
    "admin.cal.ask_day": both(
        "请输入一行：日期、休市或交易、原因，例如：2027-02-12 休市 台风停市。发送 /cancel 取消。",
        "Send one line: the day, closed or open, and the reason, e.g. 2027-02-12 closed typhoon. "
        "Send /cancel to stop.",
    ),
    "admin.cal.day_format": both(
        "格式不对。请输入：日期 休市|交易 原因，例如 2027-02-12 休市 台风停市。",
        "That is not the format. Send: the day, closed or open, and the reason, e.g. 2027-02-12 closed "
        "typhoon.",
    ),
    "admin.cal.trades": both("交易", "trading"),
    "admin.cal.closed": both("休市", "closed"),
    "admin.cal.decided": both("{day} 已设置为{state}。", "{day} is now {state}."),
}
