"""User CSV exports written the ways real files arrive: the column names of the Control Hub user
export and the Partner Hub user status export, saved as Excel in other locales would save them.
Used by the tests, the Pilot walks and benchmarks/users_csv.py."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable, Sequence

CH_HEADER = ["First Name", "Last Name", "Display Name", "User ID/Email (Required)", "Extension", "Phone Number",
             "Caller ID Number", "Location", "Department", "Webex Calling VAR Basic [Sub100448]",
             "Webex Calling VAR Professional [Sub100448]", "Webex Meetings [Sub100448]"]

#: (row in Excel, user, reason) of the small Control Hub export below.
CH_EXPECTED = {
    "no_number": [3, 9],
    "not_e164": [4, 7],
    "duplicate": [5],
    "check_number": [6],
}


def controlhub_rows(true: str = "TRUE", false: str = "FALSE") -> list[list[str]]:
    """A small export with one user per reason (row numbers as Excel shows them: header = 1)."""
    T, F = true, false
    return [
        CH_HEADER,
        ["Ana", "Silva", "Ana Silva", "ana@example.com", "1001", "+14085551001", "", "San Jose", "Vendas e Operações", F, T, T],
        ["Bo", "Li", "Bo Li", "bo@example.com", "1002", "", "", "San Jose", "Sales", F, F, T],
        ["Cy", "Dunn", "Cy Dunn", "cy@example.com", "", "(408) 555-1003", "", "San Jose", "", F, F, T],
        ["Di", "Egan", "Di Egan", "di@example.com", "", "+14085551001", "", "San Jose", "", F, F, T],
        ["Ed", "Ford", "Ed Ford", "ed@example.com", "", "+14085551005", "", "San Jose", "", F, F, T],
        ["Fa", "Gray", "Fa\nGray", "fa@example.com", "", "+1408555", "", "San Jose", "note, with comma", F, F, F],
        ["Gus", "Hale", "Gus Hale", "gus@example.com", "1008", "+14085551008", "", "San Jose", "", T, F, T],
        ["Hal", "Ives", "Hal Ives", "hal@example.com", "", "", "", "", "", F, F, F],
        ["Ivy", "Jung", "Ivy Jung", "ivy@example.com", "", "+14085551010", "", "San Jose", "", T, T, T],
    ]


STATUS_HEADER = ["BroadWorks ID", "Email", "Package", "Status", "Error"]


def status_rows() -> list[list[str]]:
    return [
        STATUS_HEADER,
        ["alice@sp.example", "alice@corp.example", "Standard", "Provisioned", ""],
        ["bob@sp.example", "", "Basic", "Pending Email Input", ""],
        ["carl@sp.example", "", "Basic", "Pending Email Input", ""],
        ["dan@sp.example", "dan@corp.example", "Premium", "Error",
         "Email dan@corp.example already exists in another organization"],
        ["eve@sp.example", "eve@corp.example", "Premium", "Error",
         "Email eve@corp.example already exists in another organization"],
        ["fay@sp.example", "fay@corp.example", "Softphone", "Error", "Package Softphone is not allowed for this template"],
        ["gil@sp.example", "gil@corp.example", "Standard", "Error", "Internal error 500 while provisioning (ref 88231)"],
        ["hoa@sp.example", "", "Standard", "Frozen", ""],
    ]


def csv_text(rows: Iterable[Sequence[str]], delimiter: str = ",", sep_line: bool = False,
             lineterminator: str = "\r\n") -> str:
    buf = io.StringIO()
    if sep_line:
        buf.write(f"sep={delimiter}{lineterminator}")
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    w.writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: Iterable[Sequence[str]], encoding: str = "utf-8", delimiter: str = ",",
              sep_line: bool = False, lineterminator: str = "\r\n") -> Path:
    path.write_bytes(csv_text(rows, delimiter, sep_line, lineterminator).encode(encoding))
    return path


#: How Excel in other locales saves a CSV: (name, encoding, delimiter, true, false, sep= line).
VARIANTS = [
    ("us-utf8", "utf-8", ",", "TRUE", "FALSE", False),
    ("us-bom", "utf-8-sig", ",", "TRUE", "FALSE", False),
    ("de-semicolon-bom", "utf-8-sig", ";", "WAHR", "FALSCH", False),
    ("pt-br-semicolon", "utf-8", ";", "VERDADEIRO", "FALSO", False),
    ("pl-cp1250ish-semicolon", "cp1252", ";", "PRAWDA", "FALSE", False),
    ("fr-sep-line", "utf-8-sig", ";", "VRAI", "FAUX", True),
    ("unicode-text-utf16", "utf-16", "\t", "TRUE", "FALSE", False),
    ("utf16-le-no-bom", "utf-16-le", "\t", "Wahr", "Falsch", False),
    ("lowercase-lf", "utf-8", ",", "true", "false", False),
]


def big_controlhub(n: int, failing_percent: int = 10) -> str:
    """``n`` users, a realistic mix: ``failing_percent`` % without Webex Calling, spread over the
    four reasons (no number, a national number, a number another user has, a number that looks
    right); the rest licensed with their own E.164 number."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CH_HEADER)
    for i in range(n):
        k = i % 100
        number = f"+1408{2000000 + i:07d}"
        licensed = "TRUE"
        if k < failing_percent:
            licensed = "FALSE"
            number = ["", f"(408) {200 + i % 700:03d}-{i % 10000:04d}", f"+1408{2000000 + i - 3:07d}", number][k % 4]
        w.writerow([f"First{i}", f"Last{i}", f"User {i}", f"user{i}@example.com", str(1000 + i % 9000), number, "",
                    "HQ", "Dept", "FALSE", licensed, "TRUE"])
    return buf.getvalue()
