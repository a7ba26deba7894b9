"""Cross-evidence consistency (issue 14, points 7 and 8): evidence that disagrees with the case
warns, missing facts never look like agreement, and facts the evidence found are offered."""
from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

import pytest

from checks.api import CheckContext
from checks.builtin.client_logs import ClientLogsCheck
from checks.builtin.har_analyze import HarAnalyzeCheck
from checks.bundle import export_case_bundle
from checks.case import Case
from checks.artifacts import LogSummary, artifacts_of
from checks.consistency import found_facts, gaps_for_tac, mismatches, suggested_updates
from checks.model import Severity, Status
from checks.runner import run_one
from checks.store import CaseStore

from . import har_fixtures as hf
from .helpers import wxtriage

OTHER_ORG = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"


def _hydra(org: str) -> str:
    return base64.urlsafe_b64encode(f"ciscospark://us/ORGANIZATION/{org}".encode()).decode().rstrip("=")


def _logs(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "current_log.txt"
    p.write_text("".join(f"2026-11-20T14:00:{i:02d}.000Z <Info> [0x1] Main.cpp:{i} {line}\n"
                         for i, line in enumerate(lines)), encoding="utf-8")
    return p


async def _har_findings(tmp_path: Path, case: Case | None) -> list:
    seed = hf.seed_har(tmp_path / "seed.har")
    r = await run_one(HarAnalyzeCheck, CheckContext(case=case, options={"har": str(seed)}))
    return list(r.findings)


# ---------------------------------------------------------------------------------------- HAR
@pytest.mark.parametrize("org, partner, warns", [
    (hf.ORG, "", False),                                       # the same org
    (hf.ORG.upper(), "", False),                               # other letter case
    (hf.ORG.replace("-", ""), "", False),                      # without hyphens
    (_hydra(hf.ORG), "", False),                               # as a Hydra ID
    (OTHER_ORG, "", True),                                     # another org
    (OTHER_ORG.upper().replace("-", ""), "", True),            # another org, written differently
    (OTHER_ORG, hf.PARTNER_ORG, False),                        # the HAR shows the case's partner org
    ("", "", False),                                           # the case has no org: nothing to compare
])
async def test_har_of_another_org_warns(tmp_path, org, partner, warns):
    case = Case.create(org_id=org, partner_org_id=partner)
    findings = await _har_findings(tmp_path, case)
    found = [f for f in findings if f.code == "har.case.mismatch"]
    assert len(found) == int(warns)
    if warns:
        f = found[0]
        assert f.severity is Severity.WARNING and f.data["fields"] == ["org ID"]
        assert hf.ORG in f.detail and OTHER_ORG in f.detail and "wrong case" in f.detail
        assert f.source.startswith("S0")
        # Before the extract (info), after the failures it is about.
        codes = [x.code for x in findings]
        assert codes.index("har.case.mismatch") < codes.index("har.extracted")


async def test_har_without_an_org_is_no_finding_and_no_pass(tmp_path):
    """A capture that shows no org has nothing to disagree with: no warning, and the HAR's own
    failures still decide the result (never a pass made up from missing facts)."""
    e = hf.entry("POST", "https://admin.webex.com/api/v1/x", 409,
                 json.dumps({"errorCode": 999001, "message": "conflict"}))
    har = hf.write(tmp_path / "noorg.har", hf.har_doc([e]))
    r = await run_one(HarAnalyzeCheck, CheckContext(case=Case.create(org_id=OTHER_ORG), options={"har": str(har)}))
    assert "har.case.mismatch" not in [f.code for f in r.findings]
    assert r.status is not Status.PASS


async def test_har_mismatch_in_cli_report_and_bundle(tmp_path, wxtriage_home):
    seed = hf.seed_har(tmp_path / "seed.har")
    case_id = wxtriage("case", "new", "--org-id", OTHER_ORG, "--description", "onboarding",
                       home=wxtriage_home).out.split()[-1]
    r = wxtriage("har", str(seed), "--case", case_id, home=wxtriage_home)
    assert r.code == 1 and "har.case.mismatch" in r.out and "does not match the case" in r.out
    j = wxtriage("run", "--check", "har.analyze", "--har", str(seed), "--case", case_id, "--json",
                 home=wxtriage_home)
    (check,) = json.loads(j.out)["checks"]
    assert "har.case.mismatch" in [f["code"] for f in check["findings"]]
    # The case's report in the bundle says it too.
    out = export_case_bundle(CaseStore(wxtriage_home / "data" / "cases.sqlite3"), case_id, tmp_path / "b.zip")
    with zipfile.ZipFile(out.path) as zf:
        report = next(zf.read(n).decode() for n in zf.namelist() if n.endswith("report.md"))
    assert "The HAR does not match the case: org ID" in report


# --------------------------------------------------------------------------------------- logs
LOG_LINES = ["Webex version 45.10.0.33456 (Windows 11 Pro 23H2 x64)",
             "User signed in: alex.doe@example.com",
             f"orgId={hf.ORG.upper()}"]


@pytest.mark.parametrize("case_fields, expected", [
    ({"emails": ["x@example.com", "Alex.Doe@Example.COM"]}, []),            # one of several users
    ({"emails": ["x@example.com", "y@example.com"]}, ["user"]),             # none of several users
    ({"client_versions": ["45.10"]}, []),                                  # the same version, shorter
    ({"client_versions": ["45.1"]}, ["client version"]),                   # not a prefix of 45.10
    ({"org_id": _hydra(hf.ORG)}, []),                                       # Hydra ID against an upper-case UUID
    ({"org_id": OTHER_ORG, "client_versions": ["44.0.0.1"]}, ["org ID", "client version"]),
])
async def test_logs_compare_in_any_form(tmp_path, case_fields, expected):
    log = _logs(tmp_path, LOG_LINES)
    r = await run_one(ClientLogsCheck, CheckContext(case=Case.create(**case_fields), options={"logs": str(log)}))
    found = [f for f in r.findings if f.code == "logs.case.mismatch"]
    assert [f.data["fields"] for f in found] == ([expected] if expected else [])


async def test_logs_with_several_users_and_none_in_the_case(tmp_path):
    log = _logs(tmp_path, ["User signed in: a@example.com", "login: b@example.com"])
    r = await run_one(ClientLogsCheck, CheckContext(case=Case.create(emails=["c@example.com"]),
                                                    options={"logs": str(log)}))
    (f,) = [f for f in r.findings if f.code == "logs.case.mismatch"]
    assert "a@example.com" in f.detail and "c@example.com" in f.detail


async def test_logs_without_the_facts_say_not_found_and_never_agree(tmp_path):
    """Logs with no user, org or version: no mismatch, and the summary names what was not found."""
    log = _logs(tmp_path, ["nothing about the user here"])
    case = Case.create(org_id=OTHER_ORG, emails=["c@example.com"], client_versions=["44.1.0.1"])
    r = await run_one(ClientLogsCheck, CheckContext(case=case, options={"logs": str(log)}))
    assert "logs.case.mismatch" not in [f.code for f in r.findings]
    (summary,) = artifacts_of([r], LogSummary)
    assert {"user e-mail", "org ID", "client version"} <= set(summary.facts_not_found)


def test_mismatches_needs_both_sides():
    case = Case.create(org_id=hf.ORG)
    assert mismatches(case, {"org_ids": []}) == []
    assert mismatches(Case(), {"org_ids": [OTHER_ORG], "emails": ["a@example.com"]}) == []
    assert mismatches(None, {"org_ids": [OTHER_ORG]}) == []
    assert [w for w, _ in mismatches(case, {"org_ids": [OTHER_ORG]})] == ["org ID"]


# ----------------------------------------------------------------------- facts offered (point 8)
async def test_suggestions_come_from_the_logs_and_the_har(tmp_path):
    log = _logs(tmp_path, LOG_LINES)
    logs = await run_one(ClientLogsCheck, CheckContext(options={"logs": str(log)}))
    har = await run_one(HarAnalyzeCheck, CheckContext(options={"har": str(hf.seed_har(tmp_path / "s.har"))}))
    assert [ff.source for ff in found_facts([logs, har])] == ["the logs", "the HAR"]
    case = Case.create(description="x")
    updated, changes = suggested_updates(case, [logs, har])
    assert updated.emails == ("alex.doe@example.com", hf.EMAIL)
    assert updated.client_versions == ("45.10.0.33456",)
    # The HAR shows two orgs (customer and partner): no org ID is guessed.
    assert updated.org_id == ""
    assert any("from the HAR" in c for c in changes) and any("from the logs" in c for c in changes)
    # Nothing offered twice.
    again, none = suggested_updates(updated, [logs, har])
    assert none == [] and again is updated
    # Only the logs: their one org is offered.
    only_logs, _ = suggested_updates(case, [logs])
    assert only_logs.org_id == hf.ORG


async def test_gaps_for_tac_say_what_fills_each(tmp_path):
    log = _logs(tmp_path, LOG_LINES)
    logs = await run_one(ClientLogsCheck, CheckContext(options={"logs": str(log)}))
    gaps = {g.field: g for g in gaps_for_tac(Case(), [logs])}
    assert set(gaps) >= {"org_id", "emails", "client_versions", "description"}
    assert gaps["client_versions"].found == "45.10.0.33456 from the logs"
    assert gaps["org_id"].found == f"{hf.ORG} from the logs"
    har = await run_one(HarAnalyzeCheck, CheckContext(options={"har": str(hf.seed_har(tmp_path / "s.har"))}))
    both = {g.field: g for g in gaps_for_tac(Case(), [logs, har])}
    assert both["org_id"].found == "" and f"{hf.ORG} from the logs and the HAR" in both["org_id"].seen
    assert hf.PARTNER_ORG in both["org_id"].seen  # two orgs seen: the person chooses
    assert gaps["description"].found == "" and gaps["description"].evidence == ""
    unread = {g.field: g for g in gaps_for_tac(Case())}  # no evidence read: which evidence holds it
    assert "Webex app logs" in unread["client_versions"].evidence and not unread["client_versions"].found
    full = Case.create(org_id=hf.ORG, partner_org_id=hf.PARTNER_ORG, emails=["a@example.com"],
                       tracking_ids=[hf.ONBOARD_TRACKING], client_versions=["45.10"], description="x")
    assert gaps_for_tac(full, [logs]) == []


# ------------------------------------------------------------------------------------- the TUI
async def test_tui_shows_the_har_mismatch_and_offers_found_facts(tmp_path):
    """The HAR screen lists the warning; the case screen offers what the logs and the HAR found
    (ctrl+g, shown in the footer only then); the bundle dialog says what is missing and fills it."""
    from textual.widgets import OptionList, Static

    from tui.demo import demo_app
    from tui.screens.bundle import BundleScreen
    from tui.screens.case import CaseScreen

    from .tui_helpers import workers_done

    log = _logs(tmp_path, LOG_LINES)
    seed = hf.seed_har(tmp_path / "seed.har")
    app = demo_app(tmp_path / "ws")
    case = app.store.save(Case.create(org_id=OTHER_ORG, description="onboarding fails"))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.open_case(case.id)
        app.action_har(str(seed))
        await workers_done(pilot)
        assert app.screen.analysis is not None
        ol = app.screen.query_one("#har-findings", OptionList)
        labels = [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]
        assert any("har.case.mismatch" in lbl and "does not match the case" in lbl for lbl in labels)
        app.pop_screen()
        await pilot.pause()
        # Facts found by the logs, stored as the checks screen would.
        app.store.add_results(case.id, [await run_one(ClientLogsCheck, CheckContext(case=app.case,
                                                                                    options={"logs": str(log)}))])
        app.push_screen(CaseScreen())
        await pilot.pause()
        box = app.screen.query_one("#case-suggestions", Static)
        assert box.display and "alex.doe@example.com (from the logs)" in str(box.render())
        assert any(b.binding.key == "ctrl+g" for b in app.screen.active_bindings.values() if b.enabled)
        app.pop_screen()
        await pilot.pause()
        app.push_screen(BundleScreen())
        await pilot.pause()
        missing = str(app.screen.query_one("#bundle-missing", Static).render())
        assert "Affected users — found alex.doe@example.com from the logs: ctrl+g adds it" in missing
        assert "Client versions — found 45.10.0.33456" in missing
        assert "Customer org ID" not in missing  # the case has one (another org: the checks warn)
        await pilot.press("ctrl+g")
        await pilot.pause()
        saved = app.store.get(case.id)
        assert saved.emails == ("alex.doe@example.com",) and saved.client_versions == ("45.10.0.33456",)
        assert saved.org_id == OTHER_ORG  # never overwritten
        missing = str(app.screen.query_one("#bundle-missing", Static).render())
        assert "Affected users" not in missing and "Client versions" not in missing
        await pilot.press("ctrl+e")  # the rest is typed on the case screen
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and not app.screen.query_one("#case-suggestions", Static).display
        assert not any(b.binding.key == "ctrl+g" for b in app.screen.active_bindings.values() if b.enabled)
