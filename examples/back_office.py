"""The back office from a program: products published from a file, a year of the trading calendar loaded
from the exchanges' notice, and the capital pool funded — a large movement waiting for a second
administrator. The same calls stand behind the bot's /admin and the command line.

python examples/back_office.py [DIRECTORY]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from p2pstock.bootstrap import bootstrap
from p2pstock.config import Settings
from p2pstock.core.people.four_eyes import ApprovalRequest

PRODUCTS = """\
[[allocation_product]]
code = "monthly"
name = "按月配资"
mode = "monthly"
deposit_min = "10,000"
deposit_max = "1,000,000"
deposit_step = "1,000"
term_min = 1
term_max = 6
rates = { 5 = "1.5%" }
prepaid_periods = 1
risk_fund = "0.5%"
"""

NOTICE_2031 = """\
# an example of a notice as typed (not a published schedule)
元旦：2031年1月1日（星期三）休市
春节：1月22日（星期三）至1月28日（星期二）休市
"""


def main(directory: Path) -> None:
    app = bootstrap(Settings(database_url=f"sqlite:///{directory / 'example.db'}"))
    for admin_id, role in (("boss", "super_admin"), ("finance-1", "finance"), ("finance-2", "finance")):
        app.staff.enrol_by_operator(admin_id, [role])

    for done in app.product_files.publish(PRODUCTS, by="boss"):
        print(f"published {done.code} version {done.version}")
    print("on the rate table:", [product.name for product in app.products.rate_table()])

    load = app.trading_days.load_year(NOTICE_2031, by="boss", note="example")
    print(f"calendar: {load.year} loaded, {len(load.closed)} closed weekdays, version {load.version}")
    print("2031 known:", app.trading_days.calendar().known(2031))

    waiting = app.capital.fund(800_000_000, reference="seed-2031", by="finance-1")  # ¥8,000,000
    if isinstance(waiting, ApprovalRequest):
        print("the funding waits for a second administrator:", waiting.id)
        app.approvals.approve(waiting.id, by="finance-2")
    print("capital pool:", app.capital.position(by="finance-2").available)
    app.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as temporary:
            main(Path(temporary))
