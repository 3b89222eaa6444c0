"""What the command groups share: the type of the sub-parsers they add to, and running a command on a
freshly built application that is closed again afterwards, a refusal printed as one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from p2pstock.bootstrap import App, bootstrap
from p2pstock.core.errors import P2PStockError

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Commands = argparse._SubParsersAction
"""What ``add_subparsers`` answers: where a group adds its commands."""


def on_app(work: Callable[[App], int]) -> int:
    """``work`` on the configured application, answering its exit status; a p2pstock refusal is printed
    (``refused: …``) and answers 1. The application is closed either way."""
    app = bootstrap()
    try:
        return work(app)
    except P2PStockError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        app.close()
