"""The options the network checks share (``--resolve``, ``--probe-timeout``, ``--webex-ca``,
``--test-user``, ``--ask-password``), each with the validator the CLI and the TUI call first."""
from __future__ import annotations

from typing import Callable

from ..api import CheckOption, InputError
from . import split_resolve, validate_resolve
from .webex_ca import load_webex_cas


def _as_input_error(option: str, check: Callable[[str], None]) -> Callable[[str], None]:
    """Wrap a reason-only validator so bad input reads ``--option VALUE: reason`` (exit 2)."""
    def validate(value: str) -> None:
        try:
            check(value)
        except ValueError as exc:
            raise InputError(f"--{option} {value}: {exc}") from None
    return validate


def _check_timeout(value: str) -> None:
    try:
        v = float(value)
    except ValueError:
        raise ValueError("must be a number of seconds, e.g. 5") from None
    if not 0 < v <= 120:
        raise ValueError("must be more than 0 and at most 120 seconds")


def _check_webex_ca(value: str) -> None:
    load_webex_cas(value)


RESOLVE = CheckOption("resolve", "pin HOST:PORT to one or more addresses (what curl's resolve option does); each "
                      "address is probed as a node (repeatable)", multiple=True, metavar="HOST:PORT:ADDR[,ADDR…]",
                      validate=_as_input_error("resolve", validate_resolve),
                      # The addresses of one pin are comma-separated, so pins typed on one line are
                      # separated by spaces (split_resolve also reads comma-joined pins unambiguously).
                      split=split_resolve, list_hint="pins separated by spaces",
                      label="Pinned addresses (HOST:PORT:ADDRESS)")
PROBE_TIMEOUT = CheckOption("probe-timeout", "seconds allowed for each network step (default 5)",
                            metavar="SECONDS", validate=_as_input_error("probe-timeout", _check_timeout),
                            label="Seconds allowed per network step")
WEBEX_CA = CheckOption("webex-ca", "Webex CA chain downloaded from Partner Hub (PEM, e.g. CombinedCertChain2023.txt)",
                       kind="path", metavar="FILE", validate=_as_input_error("webex-ca", _check_webex_ca),
                       label="Webex CA file (from Partner Hub)")
TEST_USER = CheckOption("test-user", "BroadWorks test user ID for an authenticated Xsi-Actions probe (password from "
                        "`wxtriage credentials set`, or --ask-password)", metavar="USERID", label="BroadWorks test user",
                        password_for=True)
ASK_PASSWORD = CheckOption("ask-password", "prompt for the test user's password and keep it in memory only "
                           "(for machines without a keyring)", kind="flag", requires="test-user",
                           label="Ask for the test user's password (kept in memory only)")
