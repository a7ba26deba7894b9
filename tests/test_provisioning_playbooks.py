"""The provisioning and licensing playbooks (issue 12): found from the home search by symptom and
code, walked with the engine on real user CSV exports, and walked in the TUI with Pilot to their
verdicts within the keystroke goal (≤ 3 screens, ≤ 12 keys besides the words and paths typed)."""
from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import pytest

from checks.api import CheckContext
from checks.builtin.user_exports import UsersCsvCheck
from checks.bundle import export_case_bundle
from checks.playbooks import Walk, load_playbooks, rank
from checks.runner import run_one
from checks.store import CaseStore
from tests.test_tui_playbooks import SIZE, _app, _goal, _walk
from tests.tui_helpers import wait_for_run
from tests.user_csv_fixtures import CH_HEADER, controlhub_rows, status_rows, write_csv

BOOKS = load_playbooks()
PROVISIONING = ("calling-licence-not-assigned", "untrusted-email-users-stuck", "attach-existing-org-2017",
                "flowthrough-creates-nothing", "move-webex-users-to-broadworks", "trunk-sca-auto-answer",
                "disable-webex-calls", "user-identity-changes", "partner-restricted-mode")


def test_the_provisioning_playbooks_load() -> None:
    assert BOOKS.failures == []
    missing = [p for p in PROVISIONING if p not in BOOKS.playbooks]
    assert not missing


@pytest.mark.parametrize("query, expected", [
    ("users are not auto-assigned a Webex Calling licence", "calling-licence-not-assigned"),
    ("apply to existing users", "calling-licence-not-assigned"),
    ("phone number not e164", "calling-licence-not-assigned"),
    ("users provisioned with untrusted e-mails are stuck", "untrusted-email-users-stuck"),
    ("pending email validation", "untrusted-email-users-stuck"),
    ("show user status", "untrusted-email-users-stuck"),
    ("2017", "attach-existing-org-2017"),
    ("adding Webex for BroadWorks to an existing org fails", "attach-existing-org-2017"),
    ("flowthrough creates no users", "flowthrough-creates-nothing"),
    ("customers not created", "flowthrough-creates-nothing"),
    ("wholesale customer rejected", "flowthrough-creates-nothing"),
    ("move free webex user", "move-webex-users-to-broadworks"),
    ("shared call appearance trunk user", "trunk-sca-auto-answer"),
    ("auto answer with tone", "trunk-sca-auto-answer"),
    ("turn off webex free calls", "disable-webex-calls"),
    ("change broadworks user id", "user-identity-changes"),
    ("change user email", "user-identity-changes"),
    ("delete organization", "user-identity-changes"),
    ("customer admin cannot manage users", "partner-restricted-mode"),
    ("settings read-only in control hub", "partner-restricted-mode"),
])
def test_the_home_search_finds_each_playbook(query: str, expected: str) -> None:
    matches = rank(BOOKS.all(), query)
    assert matches and matches[0].playbook.id == expected, [(m.playbook.id, m.score) for m in matches[:3]]


def _run(path: Path, **options) -> list:
    return [asyncio.run(run_one(UsersCsvCheck, CheckContext(options={"users_csv": str(path), **options})))]


@pytest.mark.parametrize("rows, verdict", [
    (controlhub_rows(), "verdict-no-number"),
    ([r for r in controlhub_rows() if r[0] not in ("Bo", "Hal")], "verdict-e164"),
    ([r for r in controlhub_rows() if r[0] in ("First Name", "Ana", "Di", "Ed")], "verdict-duplicate"),
    ([r for r in controlhub_rows() if r[0] in ("First Name", "Ed", "Ivy")], "verdict-check-number"),
    ([r for r in controlhub_rows() if r[0] in ("First Name", "Ivy", "Gus")], "verdict-all-licensed"),
    (status_rows(), "verdict-wrong-export"),
])
def test_the_licence_playbook_branches_on_the_export(tmp_path: Path, rows, verdict: str) -> None:
    walk = Walk(BOOKS.get("calling-licence-not-assigned"))
    walk.answer("manual")
    walk.answer("yes")
    path = write_csv(tmp_path / "export.csv", rows, "utf-8-sig", ";")
    walk.provide("csv", str(path))
    assert walk.collected() == {"users_csv": str(path)}
    walk.record_results(_run(path))
    assert walk.current.id == verdict


def test_the_licence_playbook_without_the_export_asks_instead(tmp_path: Path) -> None:
    walk = Walk(BOOKS.get("calling-licence-not-assigned"))
    walk.answer("directory-sync")
    walk.answer("yes")
    walk.skip()  # no file given
    assert walk.current.id == "analyse"
    walk.record_results(_run(tmp_path / "none.csv"))  # the check skips: no file
    assert walk.current.id == "has-number"
    walk.answer("not-e164")
    assert walk.current.id == "verdict-e164"


@pytest.mark.parametrize("rows, verdict", [
    (status_rows(), "verdict-errors"),
    ([r for r in status_rows() if r[3] in ("Status", "Provisioned", "Pending Email Input")], "verdict-pending"),
    ([r for r in status_rows() if r[3] in ("Status", "Provisioned")], "verdict-all-provisioned"),
    (controlhub_rows(), "verdict-wrong-export"),
])
def test_the_untrusted_email_playbook_branches_on_the_status_export(tmp_path: Path, rows, verdict: str) -> None:
    walk = Walk(BOOKS.get("untrusted-email-users-stuck"))
    for answer in ("yes", "yes", "yes"):
        walk.answer(answer)
    path = write_csv(tmp_path / "status.csv", rows, "utf-16", "\t")
    walk.provide("csv", str(path))
    walk.record_results(_run(path))
    assert walk.current.id == verdict


# ----------------------------------------------------------------------------- in the TUI
async def test_seed_001_licence_not_assigned_reaches_its_verdict(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "exported users.csv", controlhub_rows("WAHR", "FALSCH"), "utf-8-sig", ";")
    async with _walk(tmp_path, "users are not auto-assigned a webex calling licence") as (w, screen):
        assert screen.playbook.id == "calling-licence-not-assigned"
        await w.press("2", "1")  # added by an admin; a template covers them
        await w.type(str(src))
        await w.press("enter")
        await w.at_step("verdict-no-number")
        _goal(w, 4)
        labels = [str(n.label) for n in screen.query_one("#pb-findings").root.children[0].children]
        assert any("no phone number" in label for label in labels), labels
        await w.press("y")
    store = CaseStore(tmp_path / "cases.sqlite3")
    case = store.list()[0]
    assert [k for k, _ in store.evidence(case.id)] == ["csv"]
    assert [r.check_id for r in store.latest_results(case.id)] == ["users.csv"]


async def test_seed_003_untrusted_email_users_reach_their_verdict(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "user-status.csv", status_rows(), "utf-16", "\t")
    async with _walk(tmp_path, "users provisioned with untrusted emails are stuck") as (w, screen):
        await w.press("1", "1", "1")  # untrusted flow; retried; template settings right
        await w.type(str(src))
        await w.press("enter")
        await w.at_step("verdict-errors")
        _goal(w, 5)


async def test_seed_004_error_2017_without_a_har_reaches_its_verdict(tmp_path: Path) -> None:
    async with _walk(tmp_path, "2017") as (w, screen):
        assert screen.playbook.id == "attach-existing-org-2017"
        await w.press("1", "1", "1", "2")  # error 2017; approval needed; toggle on; not approved yet
        assert screen.walk.transcript.current == "verdict-approval"
        _goal(w, 5)


async def test_a_wrong_file_at_the_csv_step_gets_a_visible_message(tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("Name,Age\nAna,3\n", encoding="utf-8")
    async with _walk(tmp_path, "users are not auto-assigned a webex calling licence") as (w, screen):
        await w.press("2", "1")
        await w.type(str(bad))
        await w.press("enter")
        assert screen.walk.transcript.current == "export"
        assert "not a Control Hub user export" in str(screen.query_one("#pb-error").render())


def test_the_bundle_carries_the_users_to_fix_not_the_export(tmp_path: Path) -> None:
    from tests.helpers import wxtriage
    from checks.case import Case

    store_path = tmp_path / "store.db"
    store = CaseStore(store_path)
    case = store.save(Case.create(description="licences"))
    src = write_csv(tmp_path / "export.csv", controlhub_rows(), "utf-8")
    r = wxtriage("users", str(src), "--case", case.id, "--store", str(store_path), home=tmp_path)
    assert r.code == 1, r.err
    out = export_case_bundle(CaseStore(store_path), case.id, tmp_path / "b.zip")
    with zipfile.ZipFile(out.path) as zf:
        names = zf.namelist()
        fix = zf.read("evidence/export.users-to-fix.csv").decode("utf-8-sig")
        findings = json.loads(zf.read("findings.json"))
        report = zf.read("report.md").decode()
    assert "evidence/export.csv" not in names  # the raw export (names, departments …) stays home
    assert "Vendas" not in fix and "Ana Silva" not in json.dumps(findings)
    assert fix.splitlines()[0].startswith("Row,User ID/Email,Phone Number")
    assert len(fix.splitlines()) == 7 and "bo@example.com" in fix
    assert "users.calling.no_number" in report


@pytest.mark.parametrize("words, keys, verdict", [
    ("move free webex user", ("1", "2"), "verdict-untrusted"),
    ("shared call appearance trunk user", ("1", "2", "2"), "verdict-auth"),
    ("auto answer with tone", ("2", "1", "1", "2"), "verdict-sca"),
    ("turn off webex free calls", ("1", "1", "1"), "verdict-readd-imp"),
    ("change user email", ("2",), "verdict-email"),
    ("delete organization", ("6",), "verdict-delete-org"),
    ("customer admin cannot manage users", ("1",), "verdict-restricted"),
    ("adding webex for broadworks to an existing org fails", ("2",), "verdict-new-org"),
])
async def test_the_management_playbooks_reach_their_verdicts(tmp_path: Path, words: str, keys, verdict: str) -> None:
    async with _walk(tmp_path, words) as (w, screen):
        await w.press(*keys)
        assert screen.walk.transcript.current == verdict
        _goal(w, 1 + len(keys))
        await w.press("n")  # not fixed → before you escalate
        assert screen.walk.transcript.current == "status-page"


async def test_flowthrough_reads_the_pasted_patches(tmp_path: Path) -> None:
    from tui.demo import DEMO_BLF_PASTES

    async with _walk(tmp_path, "flowthrough creates no users") as (w, screen):
        await w.press("1", "1", "1", "1")  # waited; flowthrough; URL reachable; account right
        await w.paste(DEMO_BLF_PASTES["as_patches"])
        await w.press("ctrl+s")
        await w.at_step("verdict-patch")
        _goal(w, 6)
        assert screen.walk.record("server-check").state == "failed"


def test_flowthrough_without_the_paste_never_claims_the_patch_is_there() -> None:
    walk = Walk(BOOKS.get("flowthrough-creates-nothing"))
    for answer in ("yes", "flowthrough", "yes", "yes"):
        walk.answer(answer)
    walk.skip()
    from checks.builtin.bw_server import FlowthroughCheck

    walk.record_results([asyncio.run(run_one(FlowthroughCheck, CheckContext()))])
    assert walk.current.id == "verdict-patch-unknown"


async def test_the_provisioning_checklist_takes_a_user_export(tmp_path: Path) -> None:
    """Guided self-service → Provisioning: the users.csv inputs sit beside the patch paste boxes."""
    from textual.widgets import Input

    from tui.screens import screen_for_area

    src = write_csv(tmp_path / "status.csv", status_rows(), "utf-8-sig", ";")
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.ensure_case()
        app.push_screen(screen_for_area("provisioning", guided=True))
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#o-users_csv", Input)
        box.value = str(tmp_path / "nope.csv")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not app.store.latest_results(app.case.id)  # refused before running: not a file
        box.value = str(src)
        await pilot.press("ctrl+r")
        assert (await wait_for_run(pilot)).startswith("done")
        result = next(r for r in app.store.latest_results(app.case.id) if r.check_id == "users.csv")
        assert result.status.value == "fail"
        assert "users.status.summary" in {f.code for f in result.findings}
