"""checks.options.parse_values: the one parser of check option values, for the CLI's flags and the
TUI's option form (issue 10 item 7) — the same input is accepted or refused the same way by both."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from checks.api import CheckOption, InputError
from checks.options import parse_values, split_line


def _no_dots(value: str) -> None:
    if "." in value:
        raise InputError(f"--name {value}: no dots")


def _pins(raw: str) -> list[str]:
    parts = raw.split()
    if any(":" not in p for p in parts):
        raise ValueError("a pin is HOST:ADDRESS")
    return parts


FLAG = CheckOption("verbose", "say more", kind="flag")
TEXT = CheckOption("name", "a name", validate=_no_dots)
CHOICE = CheckOption("platform", "which", choices=("xsp", "adp"))
FILE = CheckOption("ca", "a CA file", kind="path")
PLACE = CheckOption("logs", "logs", kind="location")
MANY = CheckOption("tag", "tags", multiple=True)
PINS = CheckOption("pin", "pins", multiple=True, split=_pins)
NEEDS = CheckOption("ask", "ask for it", kind="flag", requires="name")
ALL = [FLAG, TEXT, CHOICE, FILE, PLACE, MANY, PINS, NEEDS]


def test_nothing_given_is_none_false_or_empty() -> None:
    assert parse_values(ALL, {}) == {"verbose": False, "name": None, "platform": None, "ca": None, "logs": None,
                                     "tag": [], "pin": [], "ask": False}


def test_the_cli_and_a_form_give_the_same_values(tmp_path: Path) -> None:
    ca = tmp_path / "my ca.pem"
    ca.write_text("x", encoding="utf-8")
    cli = parse_values(ALL, {"verbose": True, "name": "bob", "platform": "adp", "ca": str(ca), "logs": str(tmp_path),
                             "tag": ["a", "b"], "pin": ["h:1"]})
    typed = parse_values(ALL, {"verbose": True, "name": " bob ", "platform": "adp", "ca": f'"{ca}"',
                               "logs": f"file://{tmp_path}", "tag": "a, b,", "pin": "h:1"}, typed=True)
    assert cli == typed == {"verbose": True, "name": "bob", "platform": "adp",
                            "ca": str(ca), "logs": str(tmp_path), "tag": ["a", "b"], "pin": ["h:1"], "ask": False}


@pytest.mark.parametrize("given, message", [
    ({"ca": "/no/such/file.pem"}, "--ca /no/such/file.pem: no such file"),
    ({"logs": "/no/such/place"}, "--logs /no/such/place: no such file or folder"),
    ({"name": "a.b"}, "--name a.b: no dots"),
    ({"platform": "bws"}, "--platform bws: not one of xsp, adp"),
    ({"ask": True}, "--ask only works together with --name"),
])
def test_bad_input_is_one_line_naming_the_option(given, message) -> None:
    with pytest.raises(InputError) as err:
        parse_values(ALL, given)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_a_folder_is_not_a_file_but_is_a_location(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a file"):
        parse_values([FILE], {"ca": str(tmp_path)})
    assert parse_values([PLACE], {"logs": str(tmp_path)}) == {"logs": str(tmp_path)}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="--ca .*not a file"):
        parse_values([FILE], {"ca": str(fifo)})


def test_a_typed_line_is_cut_by_the_options_own_splitter() -> None:
    assert split_line(PINS, " h:1  g:2 ") == ["h:1", "g:2"]
    assert split_line(MANY, "a,,b , c") == ["a", "b", "c"]
    assert split_line(TEXT, "  a, b ") == ["a, b"]  # one value: commas are part of it
    with pytest.raises(InputError, match="^--pin: a pin is HOST:ADDRESS$"):
        parse_values([PINS], {"pin": "lonely"}, typed=True)


def test_a_typed_list_of_choices_is_checked_too() -> None:
    tags = CheckOption("tags", "tags", multiple=True, choices=("a", "b"))
    assert parse_values([tags], {"tags": "a,b"}, typed=True) == {"tags": ["a", "b"]}
    with pytest.raises(InputError, match="--tags c: not one of a, b"):
        parse_values([tags], {"tags": "a,c"}, typed=True)
