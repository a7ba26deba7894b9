"""``users.csv``: explain the user CSV exports admins already have.

The reading and the analysis live in :mod:`checks.evidence.user_csv`; wording and sources in
``catalog/user_exports.toml``. This module turns an analysis into findings — for a Control Hub
user export one per reason a user has no Webex Calling (every such user listed in ``data``), for
a Partner Hub user status export one per group of users with the same status and error — plus a
summary, and writes the "users to fix" CSV (``--fix-csv``) from those findings.
"""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..api import Check, CheckContext, CheckOption, InputError, SkipCheck
from ..findings import make_finding
from ..model import Evidence, Finding
from ..evidence import user_csv as uc
# The users-to-fix CSV and the input checks live beside the engine; the names stay importable here.
from ..user_fixes import (EVIDENCE_USERS, SUMMARY_CODES, fix_csv_text, fix_rows, summary_of,  # noqa: F401
                          validate_region, validate_users_csv, write_fix_csv)

def _rules() -> Mapping[str, Any]:
    return uc.catalog()["rules"]


def _user_line(u: Mapping[str, Any]) -> str:
    bits = [f"row {u['row']}", u.get("user") or "(no user ID)"]
    if u.get("detail"):
        bits.append(u["detail"])
    if u.get("also"):
        bits.append("also: " + ", ".join(u["also"]))
    return " · ".join(bits)


def controlhub_findings(a: uc.ControlHubAnalysis) -> list[Finding]:
    rules = _rules()
    layout = a.layout
    column = ", ".join(c.name for c in layout.calling) or "(none)"
    phone = layout.columns["phone"].name if "phone" in layout.columns else "(none)"
    out: list[Finding] = []
    groups = a.by_reason()
    counts = {r: len(v) for r, v in groups.items()}
    for reason, users in groups.items():
        if not users:
            continue
        rule_key = "duplicate" if reason == "duplicate" else reason
        rule = rules["no_phone_column" if reason == "no_phone_column" else rule_key]
        rows = [u.to_dict() for u in users]
        out.append(make_finding(
            rule, "", None,
            [Evidence(f"{len(users)} user(s)", "\n".join(_user_line(u) for u in rows[:EVIDENCE_USERS])
                      + (f"\n… {len(rows) - EVIDENCE_USERS} more (all in --json, --fix-csv and the bundle)"
                         if len(rows) > EVIDENCE_USERS else ""), "text", a.path)],
            count=len(users), column=column, phone_column=phone, reason=reason, users=rows,
            expected=", ".join(uc.catalog()["exports"]["controlhub"]["phone"][:2])))
    if a.unknown:
        values = ", ".join(f"{v!r} ×{n}" for v, n in a.unknown_values.most_common(5))
        rows = [u.to_dict() | {"reason": "licence_unknown"} for u in a.unknown]
        out.append(make_finding(rules["licence_unknown"], "", None,
                                [Evidence(f"{len(rows)} user(s)", "\n".join(_user_line(u) for u in rows[:EVIDENCE_USERS]),
                                          "text", a.path)],
                                count=len(rows), column=column, values=values, users=rows))
    out.sort(key=lambda f: -f.severity.rank)
    out.append(make_finding(
        rules["summary_controlhub"], "", None, (),
        kind=uc.CONTROLHUB, export=layout.title, path=Path(a.path).name, encoding=a.fmt.encoding,
        delimiter=a.fmt.delimiter_name, total=a.users, with_calling=a.with_calling,
        without_calling=a.without_calling, unknown=len(a.unknown), column=column, phone_column=phone,
        region=a.region or "none", region_how=a.region_how, columns=layout.used(),
        reasons={r: counts.get(r, 0) for r in (*uc.REASONS, "no_phone_column") if counts.get(r, 0) or r in uc.REASONS}))
    return out


def user_status_findings(a: uc.UserStatusAnalysis) -> list[Finding]:
    rules = _rules()
    cat = uc.catalog()
    actions = cat["actions"]
    reminder = cat["reminders"]["template"]
    out: list[Finding] = []
    for g in sorted(a.groups.values(), key=lambda g: -g.count):
        if g.kind == "provisioned":
            continue
        keys = uc.actions_for(g)
        steps = [f"{actions[k]['title']}: {actions[k]['text']}" for k in keys]
        if g.kind in ("pending", "error"):
            steps.append(f"{reminder['title']}: {reminder['text']}")
        rule = rules[{"error": "status_error", "pending": "status_pending"}.get(g.kind, "status_unknown")]
        users = list(g.users)
        ev = "\n".join(f"row {u['row']} · {u['broadworks_id'] or '(no BroadWorks ID)'}" for u in users[:EVIDENCE_USERS])
        if len(users) > EVIDENCE_USERS:
            ev += f"\n… {len(users) - EVIDENCE_USERS} more (all in --json, --fix-csv and the bundle)"
        f = make_finding(rule, "", None, [Evidence(f"{g.count} user(s)", ev, "text", a.path)],
                         count=g.count, status=g.status, error=g.error or "(no error text)",
                         error_suffix=f": {g.error}" if g.error else "", actions=steps[0] if steps else "",
                         group=g.kind, action_ids=keys, users=users, packages=dict(g.packages))
        out.append(_with_steps(f, tuple(steps)))
    out.sort(key=lambda f: -f.severity.rank)
    layout = a.layout
    out.append(make_finding(
        rules["summary_user_status"], "", None, (),
        kind=uc.USER_STATUS, export=layout.title, path=Path(a.path).name, encoding=a.fmt.encoding,
        delimiter=a.fmt.delimiter_name, total=a.users, provisioned=a.count("provisioned"),
        pending=a.count("pending"), errors=a.count("error"), unknown=a.count("unknown"),
        columns=", ".join(f"{k}: {v}" for k, v in layout.used().items()),
        groups=[{"kind": g.kind, "status": g.status, "error": g.error, "count": g.count}
                for g in sorted(a.groups.values(), key=lambda g: -g.count)]))
    return out


def _with_steps(f: Finding, steps: tuple[str, ...]) -> Finding:
    from dataclasses import replace

    return replace(f, remediation=replace(f.remediation, steps=steps)) if f.remediation else f


def findings_for(a: uc.ControlHubAnalysis | uc.UserStatusAnalysis) -> list[Finding]:
    if isinstance(a, uc.ControlHubAnalysis):
        if not a.layout.calling:
            raise SkipCheck(f"{Path(a.path).name}: this Control Hub user export has no “Webex Calling …” licence "
                            "column, so it cannot say who lacks Webex Calling (the org has no Webex Calling "
                            "subscription, or the column was removed); export the user list again")
        return controlhub_findings(a)
    return user_status_findings(a)


class UsersCsvCheck(Check):
    id = "users.csv"
    title = "User CSV export (Control Hub users / Partner Hub user status)"
    area = "provisioning"
    description = ("Reads a Control Hub user export and says why each user without Webex Calling was not "
                   "assigned it (no number, not E.164, number used twice, or check it in Webex Calling); or "
                   "reads a Partner Hub user status export and groups users by status and error with the "
                   "action to take.")
    needs = ("users_csv",)
    timeout_s = 300.0
    options = (
        CheckOption("users-csv", "a Control Hub user export or Partner Hub user status export (.csv)",
                    kind="path", metavar="FILE", validate=validate_users_csv, label="User export (.csv)"),
        CheckOption("region", "country for numbers written without a country code (e.g. US, DE, PL); "
                    "default: the country of the other numbers in the file", metavar="CC", validate=validate_region,
                    label="Country for numbers without a country code"),
    )

    async def run(self, ctx: CheckContext) -> list[Finding]:
        path = ctx.option("users_csv")
        region = ctx.option("region")
        stop = threading.Event()
        ctx.progress(f"reading {Path(path).name}")
        try:
            analysis = await asyncio.to_thread(uc.analyse, path, region, ctx.progress,
                                               lambda: stop.is_set() or ctx.cancelled)
        except InputError as exc:
            raise SkipCheck(str(exc)) from None
        except asyncio.CancelledError:
            stop.set()
            raise
        if analysis.cancelled:
            raise SkipCheck("cancelled while reading the user export")
        if analysis.users == 0:
            raise SkipCheck(f"{Path(path).name}: the export has a header row but no users")
        return findings_for(analysis)


def bundle_users_to_fix(exports: Iterable[Path | str]) -> tuple[dict[str, bytes], list[str]]:
    """For the TAC bundle: per user export recorded with the case, the "users to fix" CSV (only
    the users the findings name and only the cells they report), never the export itself (names,
    departments, managers and every other column stay on this machine). A file that is gone or
    no longer readable is left out with a note."""
    files: dict[str, bytes] = {}
    notes: list[str] = []
    for src in dict.fromkeys(Path(p) for p in exports):
        try:
            analysis = uc.analyse(src)
            findings = findings_for(analysis)
        except (InputError, SkipCheck, OSError) as exc:
            notes.append(f"user export {src.name} was not summarised: {str(exc).splitlines()[0]}")
            continue
        text, _ = fix_csv_text(findings)
        stem, name, n = src.stem, f"evidence/{src.stem}.users-to-fix.csv", 2
        while name in files:
            name, n = f"evidence/{stem}-{n}.users-to-fix.csv", n + 1
        files[name] = text.encode("utf-8-sig")
    return files, notes
