"""The bot's commands as its users see them: the menu Telegram's apps show beside the message field
(``describe_commands`` registers it) and ``/help``, which lists what the user can do, in their language.

``/help`` is answered outside the conversations, so a step in progress (a half-typed identity, an amount
asked for) still waits for its answer afterwards.
"""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram.context import BotContext, administrator_of, call, say, user_of
from p2pstock.bots.telegram.texts import language_from_telegram

_DESCRIPTIONS = {
    "start": ("开始 / 主菜单", "Start / main menu"),
    "menu": ("主菜单", "Main menu"),
    "wallet": ("我的钱包", "Your wallet"),
    "deposit": ("充值", "Deposit"),
    "withdraw": ("提现", "Withdraw"),
    "statement": ("资金动态", "Fund activity"),
    "allocate": ("申请配资", "Apply for an allocation"),
    "allocations": ("我的配资", "My allocations"),
    "hall": ("理财大厅", "Financing hall"),
    "borrow": ("我要借款", "Apply for a loan"),
    "loans": ("我的借贷", "My loans and investments"),
    "autoinvest": ("自动投标", "Auto-invest rule"),
    "transfers": ("债权转让", "Debt transfers"),
    "contracts": ("我的借款协议", "My loan agreements"),
    "risk": ("出借人风险揭示书", "Lender's risk disclosure"),
    "report": ("配资日报开关", "Daily allocation report: on or off"),
    "holdings": ("本月出借与月报开关", "Lending this month; monthly summary on or off"),
    "status": ("认证状态", "Verification status"),
    "language": ("切换语言", "Change language"),
    "help": ("帮助：我能做什么", "Help: what you can do"),
    "cancel": ("取消当前操作", "Cancel the current step"),
    "admin": ("管理后台（按您的角色）", "Back office (as your roles allow)"),
}
"""Command → its description in Chinese and in English; the menu lists them in this order (``/admin``
only for administrators)."""
COMMAND_MENU = tuple(name for name in _DESCRIPTIONS if name != "admin")
_HELP = {
    "zh": (
        "您可以使用以下命令：",
        "也可以直接点主菜单的按钮。正在办理的步骤可随时发送 /cancel 取消。",
    ),
    "en": (
        "Here is what you can do:",
        "The main menu's buttons do the same. Send /cancel at any time to leave the step you are in.",
    ),
}


def menu(lang: str) -> list[tuple[str, str]]:
    """``(command, description)`` of the menu in ``lang``."""
    return [(name, _described(name, lang)) for name in COMMAND_MENU]


def help_text(lang: str, *, administrator: bool) -> str:
    """What ``/help`` answers: every command of the menu with its description, ``/admin`` for an
    administrator."""
    heading, footer = _HELP[lang]
    names = [*COMMAND_MENU, "admin"] if administrator else list(COMMAND_MENU)
    lines = [f"/{name} — {_described(name, lang)}" for name in names]
    return "\n".join([heading, *lines, "", footer])


def _described(name: str, lang: str) -> str:
    zh, en = _DESCRIPTIONS[name]
    return zh if lang == "zh" else en


async def show_help(update: Update, context: BotContext) -> None:
    """/help: what this user can do, in their language."""
    user = user_of(update)
    customer = await call(context.services.customers.by_telegram, user.id)
    lang = customer.language if customer else language_from_telegram(user.language_code)
    administrator = await administrator_of(update, context) is not None
    await say(update, context, help_text(lang, administrator=administrator))
