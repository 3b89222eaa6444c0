"""``p2pstock product list|preview|publish|export|withdraw``: allocation products (the rate table) and loan
products, from a TOML file (see ``p2pstock.core.catalog_file``). Changes name their administrator
(``--by``), who must hold ``product.manage``; ``preview`` reads only the file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.product_cards import loan_products_text, rate_table_text
from p2pstock.bots.telegram.texts import LANGUAGES
from p2pstock.cli.common import Commands, on_app, read_text
from p2pstock.core.catalog_file import CatalogFile, CatalogUnreadable, read_catalog


def register(commands: Commands) -> None:
    product = commands.add_parser("product", help="allocation and loan products").add_subparsers(
        title="product commands"
    )
    listing = product.add_parser("list", help="every product: its newest version, offered or withdrawn")
    listing.add_argument("--by", required=True, help="an administrator holding product.manage")
    listing.set_defaults(run=lambda args: on_app(lambda app: _list(app, args.by)))
    preview = product.add_parser("preview", help="a product file as customers will see it (nothing stored)")
    preview.add_argument("file", type=Path)
    preview.add_argument("--lang", choices=LANGUAGES, default=None, help="one language (default: both)")
    preview.set_defaults(run=_preview)
    publish = product.add_parser("publish", help="publish every product of a file, each as a new version")
    publish.add_argument("file", type=Path)
    publish.add_argument("--by", required=True)
    publish.set_defaults(run=_publish)
    export = product.add_parser("export", help="the products as a file to edit and publish again")
    export.add_argument("--by", required=True)
    export.set_defaults(run=lambda args: on_app(lambda app: _export(app, args.by)))
    withdraw = product.add_parser("withdraw", help="stop offering a product (running business keeps it)")
    withdraw.add_argument("code")
    withdraw.add_argument("--loan", action="store_true", help="a loan product (default: an allocation one)")
    withdraw.add_argument("--by", required=True)
    withdraw.set_defaults(run=lambda args: on_app(lambda app: _withdraw(app, args)))


def _list(app: App, by: str) -> int:
    for entry in app.products.catalogue(by=by):
        state = "offered" if entry.offered else "withdrawn"
        product = entry.product
        kind = f"{product.mode.value}, free trial" if product.trial else product.mode.value
        print(f"allocation  {product.code}@{product.version}  {product.name}  ({state})  {kind}")
    for loan in app.loan_products.catalogue(by=by):
        state = "offered" if loan.offered else "withdrawn"
        print(f"loan        {loan.product.code}@{loan.product.version}  {loan.product.name}  ({state})")
    return 0


def _read(path: Path) -> CatalogFile | None:
    text = read_text(path)
    if text is None:
        return None
    try:
        return read_catalog(text)
    except CatalogUnreadable as unreadable:
        for problem in unreadable.problems:
            print(problem, file=sys.stderr)
        print(f"nothing read: {len(unreadable.problems)} problems", file=sys.stderr)
        return None


def _preview(args: argparse.Namespace) -> int:
    products = _read(args.file)
    if products is None:
        return 1
    for lang in [args.lang] if args.lang else LANGUAGES:
        print(f"--- as customers reading {lang} see it ---")
        if products.allocation_products:
            print(rate_table_text(products.allocation_products, lang), end="\n\n")
        if products.loan_products:
            print(loan_products_text(products.loan_products, lang), end="\n\n")
    return 0


def _publish(args: argparse.Namespace) -> int:
    text = read_text(args.file)
    if text is None or _read(args.file) is None:
        return 1
    return on_app(lambda app: _published(app, text, args.by))


def _published(app: App, text: str, by: str) -> int:
    for done in app.product_files.publish(text, by=by):
        kind = "allocation" if done.kind == "allocation_product" else "loan"
        print(f"{kind} product {done.code}@{done.version}: {'published' if done.changed else 'unchanged'}")
    return 0


def _export(app: App, by: str) -> int:
    print(app.product_files.export(by=by), end="")
    return 0


def _withdraw(app: App, args: argparse.Namespace) -> int:
    catalog = app.loan_products if args.loan else app.products
    catalog.withdraw(args.code, by=args.by)
    print(f"{'loan' if args.loan else 'allocation'} product {args.code} withdrawn")
    return 0
