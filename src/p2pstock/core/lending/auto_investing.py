"""Auto-invest as embedders and the bot call it: an investor's one rule kept (``auto_invest`` holds the
rules), and a listed loan served to the rules that admit it (``auto_runs``) — each call one transaction.

``Lending.final_review`` serves a loan once its listing committed; the jobs (``catch_up``) serve a listed
loan a crash left unserved. Serving a loan twice does nothing the second time.
"""

from __future__ import annotations

import logging

import attrs

from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import NotFound, P2PStockError
from p2pstock.core.lending import auto_runs
from p2pstock.core.lending.auto_invest import AutoInvestRule, RuleTerms
from p2pstock.core.lending.auto_runs import AutoRun
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.lenders import lender
from p2pstock.core.lending.loans import Investment, Loan, LoanStatus
from p2pstock.core.lending.ports import HallFilter
from p2pstock.core.lending.schedules import Method
from p2pstock.core.validation import check_id

log = logging.getLogger(__name__)

PAGE = 100
"""Listed loans read at a time when the jobs look for those a run did not mark."""


@attrs.define
class AutoInvest:
    """Investors' auto-invest rules (自动投标) and the runs that serve listed loans to them."""

    desk: LoanDesk

    # -- the investor's rule ------------------------------------------------------------------------

    def rule(self, investor_id: str) -> AutoInvestRule | None:
        """The investor's rule, if they keep one."""
        return self.desk.office.read(lambda tx: tx.uow.auto_invest_rules.get(investor_id))

    def save(self, investor_id: str, terms: RuleTerms) -> AutoInvestRule:
        """Keep ``terms`` as the investor's rule (a new rule is active; a changed one keeps its place in
        the queue and whether it is paused). ``InvalidInput`` names the part out of range; nothing is kept."""
        checked = terms.check()

        def save(tx: Tx) -> AutoInvestRule:
            lender(tx, investor_id)  # who alone may keep a rule
            known = tx.uow.auto_invest_rules.get(investor_id)
            if known is None:
                rule = AutoInvestRule(investor_id, checked, tx.now)
                tx.uow.auto_invest_rules.add(rule)
            else:
                rule = attrs.evolve(known, terms=checked, version=known.version + 1)
                tx.uow.auto_invest_rules.save(rule)
            tx.audit(investor_id, "auto_invest.save", investor_id, after=_summary(rule))
            return rule

        return self.desk.office.run(save)

    def pause(self, investor_id: str) -> AutoInvestRule:
        return self._activate(investor_id, active=False)

    def resume(self, investor_id: str) -> AutoInvestRule:
        return self._activate(investor_id, active=True)

    def _activate(self, investor_id: str, *, active: bool) -> AutoInvestRule:
        def switch(tx: Tx) -> AutoInvestRule:
            rule = _rule_of(tx, investor_id)
            if rule.active == active:
                return rule
            switched = attrs.evolve(rule, active=active, version=rule.version + 1)
            tx.uow.auto_invest_rules.save(switched)
            tx.audit(investor_id, f"auto_invest.{'resume' if active else 'pause'}", investor_id)
            return switched

        return self.desk.office.run(switch)

    def delete(self, investor_id: str) -> bool:
        """Delete the investor's rule; whether there was one."""

        def delete(tx: Tx) -> bool:
            if not tx.uow.auto_invest_rules.remove(check_id(investor_id, "customer id")):
                return False
            tx.audit(investor_id, "auto_invest.delete", investor_id)
            return True

        return self.desk.office.run(delete)

    def recent(self, investor_id: str, limit: int = 5) -> list[Investment]:
        """The investor's latest investments made by their rule, the newest first."""
        found = self.desk.office.read(lambda tx: tx.uow.investments.of_investor(investor_id))
        return [i for i in found if i.auto][:limit]

    # -- serving a listed loan ----------------------------------------------------------------------

    def run(self, loan_id: str) -> AutoRun:
        """Serve the listed loan ``loan_id`` to the rules that admit it, once (a second run does nothing)."""
        return self.desk.office.run(lambda tx: auto_runs.serve(self.desk, tx, loan_id))

    def after_listing(self, loan: Loan) -> Loan:
        """``run`` for a loan just listed, and the loan as it then stands; a failure is logged and left
        to the jobs (the listing stands)."""
        if loan.status is not LoanStatus.LISTED or loan.auto_done:
            return loan
        try:
            return self.run(loan.id).loan
        except P2PStockError as error:
            log.warning("auto-invest left loan %s to the jobs: %s: %s", loan.id, type(error).__name__, error)
            return loan

    def catch_up(self) -> int:
        """Run auto-invest on every listed loan a run did not mark (one transaction each); how many ran."""
        waiting = self.desk.office.read(_unserved)
        return sum(1 for loan_id in waiting if self._run_logged(loan_id))

    def _run_logged(self, loan_id: str) -> bool:
        try:
            return self.run(loan_id).ran
        except P2PStockError as error:
            log.warning("auto-invest on loan %s failed: %s: %s", loan_id, type(error).__name__, error)
            return False


def _rule_of(tx: Tx, investor_id: str) -> AutoInvestRule:
    rule = tx.uow.auto_invest_rules.get(check_id(investor_id, "customer id"))
    if rule is None:
        raise NotFound("you have no auto-invest rule", code="auto_rule_not_found")
    return rule


def _summary(rule: AutoInvestRule) -> dict[str, object]:
    terms = attrs.asdict(
        rule.terms, value_serializer=lambda _i, _f, v: v.value if isinstance(v, Method) else v
    )
    return {**terms, "active": rule.active}


def _unserved(tx: Tx) -> list[str]:
    found: list[str] = []
    offset = 0
    while True:
        page = tx.uow.loans.listed(HallFilter(), offset, PAGE)
        found += [loan.id for loan in page if not loan.auto_done]
        if len(page) < PAGE:
            return found
        offset += PAGE
