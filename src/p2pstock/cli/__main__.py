"""``python -m p2pstock.cli``: the command line."""

import sys

from p2pstock.cli import main

sys.exit(main())
