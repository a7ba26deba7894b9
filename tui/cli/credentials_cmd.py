"""``wxtriage credentials set|delete|list``: BroadWorks test-user passwords in the OS keyring.

``set`` reads the password with a hidden prompt (or one line from stdin with ``--stdin``), never
from the command line, where it would land in shell history and the process list.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from checks import credentials
from checks.redact import MIN_KNOWN_LEN

from .common import CliError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("credentials", help="store BroadWorks test-user passwords in the OS keyring",
                       description="Passwords live in the OS keyring (service \"wxtriage\"). Without a keyring, "
                                   "use `wxtriage run --test-user USER --ask-password` instead (kept in memory).")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = csub.add_parser("set", help="store (or replace) the password of a test user; prompts for it")
    s.add_argument("user", metavar="USERID", help="BroadWorks user ID, e.g. testuser@example.com")
    s.add_argument("--stdin", action="store_true", help="read the password from the first line of stdin (scripts)")
    s.set_defaults(func=cmd_set)
    d = csub.add_parser("delete", help="forget a test user's password")
    d.add_argument("user", metavar="USERID")
    d.set_defaults(func=cmd_delete)
    ls = csub.add_parser("list", help="list test users with a stored password (never the passwords)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)


def _user(raw: str) -> str:
    try:
        return credentials.validate_user(raw)
    except ValueError as exc:
        raise CliError(f"{raw!r}: {exc}") from None


def cmd_set(args: argparse.Namespace) -> int:
    user = _user(args.user)
    if args.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass(f"Password for {user}: ")
            if password and getpass.getpass("Again: ") != password:
                raise CliError("the two passwords differ; nothing stored")
        except EOFError:  # no terminal and stdin ran out (a pipe without --stdin)
            raise CliError("no password typed (stdin ended before the prompt was answered); nothing stored. "
                           "In a script pipe the password with --stdin") from None
    if not password:
        raise CliError("empty password; nothing stored")
    try:
        credentials.set_password(user, password)
    except credentials.CredentialsUnavailable as exc:
        raise CliError(str(exc)) from None
    print(f"stored the password for {user} in the OS keyring (service \"{credentials.SERVICE}\")")
    if len(password) < MIN_KNOWN_LEN:
        print(f"warning: the password is short ({len(password)} characters): outputs can only redact it where it "
              "stands as a whole word, so a copy inside a longer word or number would go unnoticed; "
              f"a test-user password of {MIN_KNOWN_LEN}+ characters is redacted everywhere", file=sys.stderr)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    user = _user(args.user)
    try:
        found = credentials.delete_password(user)
    except credentials.CredentialsUnavailable as exc:
        raise CliError(str(exc)) from None
    if not found:
        raise CliError(f"no password stored for {user}", exit_code=1)
    print(f"deleted the password for {user}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    users = credentials.list_users()
    if args.json:
        print_json({"service": credentials.SERVICE, "users": users})
    elif users:
        print("\n".join(users))
    else:
        print("no stored test-user passwords (add one with `wxtriage credentials set USERID`)")
    return 0
