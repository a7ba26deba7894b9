"""``wxtriage`` command line. Headless: nothing here imports Textual, the app or its screens (a
test walks the imports); ``wxtriage`` without arguments starts the app through ``tui.launch``.

Each sub-command lives in its own module with a ``register(subparsers)`` function; add a
module to :data:`COMMAND_MODULES` to add a command.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from checks import __version__
from checks.textsafe import one_line
from checks.workdir import sweep

from .common import CliError, EXPECTED_ERRORS, SafeArgumentParser, safe_message

COMMAND_MODULES = (
    "tui.cli.checks_cmd",
    "tui.cli.run_cmd",
    "tui.cli.case_cmd",
    "tui.cli.bundle_cmd",
    "tui.cli.inventory_cmd",
    "tui.cli.credentials_cmd",
    "tui.cli.logs_cmd",
    "tui.cli.har_cmd",
    "tui.cli.guide_cmd",
    "tui.cli.users_cmd",
)


#: Commands whose module is not ``tui.cli.<command>_cmd``.
COMMAND_ALIASES = {"explain": "tui.cli.guide_cmd"}


def module_for(command: str) -> str | None:
    """The module that registers ``command`` (None for an unknown word: argparse then lists all)."""
    name = COMMAND_ALIASES.get(command, f"tui.cli.{command}_cmd")
    return name if name in COMMAND_MODULES else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; ``only`` registers just that command's module, so ``wxtriage case list`` does not
    import (and discover) every check the way ``run`` must."""
    parser = SafeArgumentParser(
        prog="wxtriage",
        description="Troubleshooting console for Webex for Cisco BroadWorks. "
                    "Run without a command to open the terminal UI.")
    parser.add_argument("--version", action="version", version=f"wxtriage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in ([only] if only else COMMAND_MODULES):
        importlib.import_module(name).register(sub)
    return parser


def _run(args_list: list[str]) -> int:
    parser = build_parser(module_for(args_list[0]) if not args_list[0].startswith("-") else None)
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (``tui.launch`` starts the terminal UI when there is none)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    sweep()  # scratch left by a wxtriage that was killed (kill -9, power loss)
    if not args_list:
        build_parser().print_help()
        return 2
    try:
        return _run(args_list)
    except CliError as exc:
        print(f"wxtriage: error: {one_line(safe_message(str(exc)))}", file=sys.stderr)
        return exc.exit_code
    except EXPECTED_ERRORS as exc:
        print(f"wxtriage: error: {one_line(safe_message(str(exc)))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wxtriage: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug: one line, a redacted report, exit 3 (not 1 or 2)
        from checks.crash import INTERNAL_ERROR_EXIT, internal_error_line, write_crash_report

        report = write_crash_report(exc, context="wxtriage " + (args_list[0] if args_list else ""), argv=args_list)
        print(f"wxtriage: {internal_error_line(exc, report)}", file=sys.stderr)
        return INTERNAL_ERROR_EXIT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
