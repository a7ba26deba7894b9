"""The ``wxtriage`` console script: the terminal UI without arguments, a CLI command otherwise.

The one place that decides between the two front-ends, so the headless CLI (``tui.cli``) never
imports Textual, the app or its screens, and a CLI command never pays for them.
"""
from __future__ import annotations

import sys
from typing import Sequence

from checks.workdir import sweep

from . import cli


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        return cli.main(args)
    sweep()  # scratch left by a wxtriage that was killed (kill -9, power loss)
    # Imported here, not at the top: Textual costs ~0.5 s and a CLI command must not pay it.
    from .app import run_app

    return run_app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
