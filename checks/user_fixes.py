"""The "users to fix" of a ``users.csv`` run — the CSV written by ``wxtriage users --fix-csv``, the
playbooks and the bundle — and the checks of that command's inputs. Engine code the front-ends
call; the check that builds the findings is :mod:`checks.builtin.user_exports`.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable, Sequence

from .api import InputError
from .evidence import user_csv as uc
from .model import Finding

#: Users named in a finding's evidence (all of them are in ``data["users"]`` and the fix CSV).
EVIDENCE_USERS = 10
SUMMARY_CODES = ("users.controlhub.summary", "users.status.summary")


def validate_users_csv(path: str) -> None:
    """``--users-csv``: the file must be one of the known exports (one-line InputError if not)."""
    uc.detect(path)


def validate_region(value: str) -> None:
    import phonenumbers

    if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError(f"--region {value}: not a country code phonenumbers knows; give two letters such as "
                         "US, GB, DE, PL, BR")


FIX_COLUMNS_CONTROLHUB = ("Row", "User ID/Email", "Phone Number", "Extension", "Location", "Reason",
                          "Details", "Suggested E.164", "What to do")
FIX_COLUMNS_STATUS = ("Row", "BroadWorks ID", "Status", "Error", "What to do")


def summary_of(findings: Iterable[Finding]) -> Finding | None:
    return next((f for f in findings if f.code in SUMMARY_CODES), None)


def fix_rows(findings: Sequence[Finding]) -> tuple[tuple[str, ...], list[list[str]]]:
    """The header and rows of the "users to fix" CSV, from the findings of one ``users.csv`` run."""
    summary = summary_of(findings)
    if summary is None:
        raise InputError("no user export analysis to write (the check did not run)")
    rows: list[tuple[int, list[str]]] = []
    if summary.data.get("kind") == uc.CONTROLHUB:
        for f in findings:
            if f is summary:
                continue
            short = f.data.get("short", "")
            for u in f.data.get("users", ()):
                rows.append((u["row"], [str(u["row"]), u.get("user", ""), u.get("number", ""), u.get("extension", ""),
                                        u.get("location", ""), short, u.get("detail", "")
                                        + (f"; also {', '.join(u['also'])}" if u.get("also") else ""),
                                        u.get("e164", "") if u.get("reason") == "not_e164" else "",
                                        f.remediation.summary if f.remediation else ""]))
        return FIX_COLUMNS_CONTROLHUB, [r for _, r in sorted(rows, key=lambda x: x[0])]
    for f in findings:
        if f is summary:
            continue
        todo = " → ".join(s.split(":")[0] for s in (f.remediation.steps if f.remediation else ()))
        for u in f.data.get("users", ()):
            rows.append((u["row"], [str(u["row"]), u.get("broadworks_id", ""), f.data.get("status", ""),
                                    f.data.get("error", ""), todo]))
    return FIX_COLUMNS_STATUS, [r for _, r in sorted(rows, key=lambda x: x[0])]


def fix_csv_text(findings: Sequence[Finding], delimiter: str = ",") -> tuple[str, int]:
    """The "users to fix" CSV as text (CRLF lines, as Excel writes) and the number of users in it."""
    header, rows = fix_rows(findings)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue(), len(rows)


def write_fix_csv(findings: Sequence[Finding], out: Path | str, delimiter: str = ",",
                  inputs: Iterable[Path | str] = ()) -> int:
    """Write the users to fix (UTF-8 with a BOM, so Excel opens it in any locale, and the input's
    delimiter); return the number of users written. Refuses to overwrite an input file."""
    out = Path(out)
    for src in inputs:
        if Path(src).exists() and out.exists() and out.resolve() == Path(src).resolve():
            raise InputError(f"--fix-csv {out}: that is the export being read; give another file name")
    if out.is_dir():
        raise InputError(f"--fix-csv {out}: is a folder; give a file name such as {out / 'users-to-fix.csv'}")
    if not out.parent.exists():
        raise InputError(f"--fix-csv {out}: folder {out.parent} does not exist")
    text, count = fix_csv_text(findings, delimiter)
    tmp = out.with_name(f".{out.name}.part")
    try:
        tmp.write_text(text, encoding="utf-8-sig", newline="")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"--fix-csv {out}: cannot write ({exc.strerror or exc})") from None
    return count
