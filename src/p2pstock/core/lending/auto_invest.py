"""Auto-invest rules (自动投标): what an investor keeps for the loans still to be listed, and the pure rules
of serving them when a loan is.

An investor keeps one rule: how much to put in each loan (a fixed amount, or a share of the available
balance), the balance to keep untouched, the terms, rates, repayment methods and products the loan must
have, a cap per loan; it is active or paused. When a loan is listed, the rules that admit it are served::

    queue     never fired first, then the longest since it fired (ties: the rule made first, then the
              investor's id); each fires at most once per loan and goes to the back once it has fired,
              so that across loans every rule is served in turn (round robin)
    room      the product's ``auto_share_bp`` of the loan, less what auto-invest put in it already; the
              rest stays open to bids by hand
    amount    min(fixed or share of the available balance, cap, available − keep, room, remainder),
              rounded down to a bid the loan accepts (``bidding.check_amount``); none: skipped
    short     available below keep + the loan's minimum bid: skipped, and told once (until it fires)

Nothing here reads storage: ``auto_investing`` runs these rules in a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType

import attrs

from p2pstock.core.bilingual import both
from p2pstock.core.errors import InvalidInput
from p2pstock.core.lending.loans import Investment, Loan
from p2pstock.core.lending.products import BP, share_of
from p2pstock.core.lending.schedules import MAX_MONTHS, MAX_RATE_BP, Method
from p2pstock.core.money import Money
from p2pstock.core.validation import check_code

MAX_AMOUNT = 100_000_000_000
"""The largest amount a rule names (¥1,000,000,000): per loan, to keep or as a cap."""
MAX_PRODUCTS = 20
"""The most product codes a rule may name."""


@attrs.frozen
class RuleTerms:
    """What an investor chooses; ``check`` says whether it holds together. Amounts are fen, rates basis
    points a year, terms months (every range inclusive)."""

    amount: int = 0
    """A fixed amount per loan (0: a share of the available balance instead)."""
    share_bp: int = 0
    """A share of the available balance per loan (0: a fixed amount instead)."""
    keep: int = 0
    """What stays untouched in the wallet."""
    months_min: int = 1
    months_max: int = MAX_MONTHS
    rate_min_bp: int = 0
    rate_max_bp: int = MAX_RATE_BP
    methods: tuple[Method, ...] = tuple(Method)
    products: tuple[str, ...] = ()
    """Loan product codes (none: any product)."""
    cap: int | None = None
    """The most put in one loan (None: no cap beyond the amount)."""

    def check(self) -> RuleTerms:
        """The terms, unless one is out of range (``InvalidInput`` with a code saying which)."""
        _whole(self.amount, self.share_bp, self.keep, self.months_min, self.months_max)
        _whole(self.rate_min_bp, self.rate_max_bp, 0 if self.cap is None else self.cap)
        if not 0 <= self.amount <= MAX_AMOUNT:
            raise InvalidInput("the amount per loan is out of range", code="auto_amount_range", most=_most())
        if not 0 <= self.share_bp <= BP:
            raise InvalidInput("the share must be above 0 % and at most 100 %", code="auto_share_range")
        if (self.amount > 0) == (self.share_bp > 0):
            raise InvalidInput(
                "give either an amount per loan or a share of the available balance", code="auto_stake"
            )
        if not 0 <= self.keep <= MAX_AMOUNT:
            raise InvalidInput("the balance kept is out of range", code="auto_keep_range", most=_most())
        if self.cap is not None and not 0 < self.cap <= MAX_AMOUNT:
            raise InvalidInput("the cap per loan is out of range", code="auto_cap_range", most=_most())
        if not 1 <= self.months_min <= self.months_max <= MAX_MONTHS:
            raise InvalidInput(
                f"the term runs from 1 to {MAX_MONTHS} months, its end not before its start",
                code="auto_term_range",
                most=MAX_MONTHS,
            )
        if not 0 <= self.rate_min_bp <= self.rate_max_bp <= MAX_RATE_BP:
            raise InvalidInput(
                "the rate runs from 0 % to 100 % a year, its end not before its start", code="auto_rate_range"
            )
        return attrs.evolve(self, methods=_methods(self.methods), products=_products(self.products))


def _whole(*values: object) -> None:
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise InvalidInput("every amount, term and rate of a rule is a whole number", code="whole_number")


def _most() -> Money:
    return Money(MAX_AMOUNT)


def _methods(methods: object) -> tuple[Method, ...]:
    chosen: tuple[Method, ...] = ()
    if isinstance(methods, tuple | list):
        try:
            chosen = tuple(Method(m) for m in methods)
        except ValueError:
            chosen = ()
    if not chosen or len(set(chosen)) != len(chosen):
        raise InvalidInput("choose one or more repayment methods, each once", code="auto_methods")
    return chosen


def _products(products: object) -> tuple[str, ...]:
    codes: tuple[str, ...] = ("",)
    if isinstance(products, tuple | list):
        try:
            codes = tuple(check_code(code, "product code") for code in products)
        except InvalidInput:
            codes = ("",)
    if "" in codes or len(set(codes)) != len(codes) or len(codes) > MAX_PRODUCTS:
        raise InvalidInput(
            f"name up to {MAX_PRODUCTS} loan product codes, each once",
            code="auto_products",
            most=MAX_PRODUCTS,
        )
    return codes


@attrs.frozen
class AutoInvestRule:
    """An investor's one rule and where it stands in the queue."""

    investor_id: str
    terms: RuleTerms
    created_at: int
    active: bool = True
    last_fired_at: int | None = None
    """When it last invested in a loan (None: never)."""
    low_balance_told: bool = False
    """Whether the investor was told their balance is too low for it (cleared when it next fires)."""
    version: int = 1

    def admits(self, loan: Loan) -> bool:
        """Whether the rule would invest in ``loan`` (active, not the borrower's own, its filters met)."""
        t, lt = self.terms, loan.terms
        return (
            self.active
            and self.investor_id != loan.borrower_id
            and t.months_min <= lt.months <= t.months_max
            and t.rate_min_bp <= lt.rate_bp <= t.rate_max_bp
            and lt.method in t.methods
            and (not t.products or loan.product.code in t.products)
        )

    def short_of(self, available: int, loan: Loan) -> bool:
        """Whether ``available`` is below what the rule keeps plus the loan's minimum bid."""
        return available < self.terms.keep + loan.terms.min_bid

    def amount_for(self, available: int, loan: Loan, room: int) -> int:
        """What the rule puts in ``loan`` from ``available`` with ``room`` left for auto-invest: the largest
        bid the loan accepts within every limit (0: none)."""
        t = self.terms
        wanted = t.amount or share_of(available, t.share_bp)
        most = min(wanted, available - t.keep, room, loan.remainder)
        if t.cap is not None:
            most = min(most, t.cap)
        return bid_within(loan, most)


def bid_within(loan: Loan, most: int) -> int:
    """The largest bid ``loan`` accepts now that is at most ``most`` (0: none): the remainder itself, or up
    from min(minimum bid, remainder) in the product's steps."""
    low, high = loan.bid_range()
    if most >= high:
        return high
    if most < low or low == 0:
        return 0
    step = loan.product.bid_step
    return low + (most - low) // step * step


def queue(rules: Iterable[AutoInvestRule]) -> list[AutoInvestRule]:
    """``rules`` in the order they are served (see the module's docstring)."""
    return sorted(rules, key=_place)


def _place(rule: AutoInvestRule) -> tuple[bool, int, int, str]:
    fired = rule.last_fired_at
    return fired is not None, fired or 0, rule.created_at, rule.investor_id


def room(loan: Loan, auto_funded: int) -> int:
    """What auto-invest may still put in ``loan``, ``auto_funded`` being what it put in already."""
    return max(0, min(share_of(loan.amount, loan.product.auto_share_bp) - auto_funded, loan.remainder))


@attrs.frozen
class Pick:
    """What a run does: (investor, amount) for each rule that invests, in the queue's order; the rules
    skipped for a low balance whose investors were not told yet; the loan as those investments fund it."""

    amounts: tuple[tuple[str, int], ...]
    short: tuple[AutoInvestRule, ...]
    funded: Loan


MayInvest = Callable[[Loan, str, int], bool]
"""Whether bidding takes (loan as it stands, investor, amount): the business rules a run must not break."""


def pick(
    loan: Loan,
    rules: Sequence[AutoInvestRule],
    available: Mapping[str, int],
    before: Sequence[Investment],
    may_invest: MayInvest,
) -> Pick:
    """Serve ``rules`` (queued) in turn while auto-invest has room in ``loan``; ``available`` is each
    investor's available balance, ``before`` the loan's investments so far (a rule whose investor has an
    auto-investment in it already is not served again)."""
    served = {i.investor_id for i in before if i.auto}
    left = room(loan, sum(i.amount for i in before if i.auto))
    amounts: list[tuple[str, int]] = []
    short: list[AutoInvestRule] = []
    for rule in rules:
        if bid_within(loan, left) == 0:
            break
        who, balance = rule.investor_id, available.get(rule.investor_id, 0)
        if who in served:
            continue
        if rule.short_of(balance, loan):
            if not rule.low_balance_told and may_invest(loan, who, loan.bid_range()[0]):
                short.append(rule)
            continue
        amount = rule.amount_for(balance, loan, left)
        if amount and may_invest(loan, who, amount):
            amounts.append((who, amount))
            loan = attrs.evolve(loan, funded=loan.funded + amount, investors=loan.investors + 1)
            left -= amount
    return Pick(tuple(amounts), tuple(short), loan)


def percent(bp: int) -> str:
    """Basis points as a percentage with two decimals: 1200 → 12.00%."""
    return f"{bp // 100}.{bp % 100:02d}%"


AUTO_INVEST_TEMPLATES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "loan.auto_invested": both(
            "自动投标：已为您投资借款 {id}（年化 {rate}，{months} 个月）{amount}，"
            "资金已冻结，满标复审后起息。",
            "Auto-invest put {amount} in loan {id} ({rate} a year over {months} months); it is frozen until "
            "the loan is full and reviewed.",
        ),
        "loan.auto_invest_short": both(
            "自动投标未投资借款 {id}：可用余额 {available} 低于保留金额 {keep} 加最低投标额 {min_bid}。"
            "请充值以继续自动投标（下次自动投标成功前不再提醒）。",
            "Auto-invest skipped loan {id}: your available balance of {available} is below the {keep} you "
            "keep plus the minimum bid of {min_bid}. Deposit more to keep auto-investing (you are not told "
            "again until your rule next invests).",
        ),
    }
)
"""What a run tells investors (template key → language → text), for ``core.notifications``."""
