"""Playbooks as engine data: schema, ranking, explain, the walk, the transcript, CLI and bundle."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from checks.bundle import export_case_bundle
from checks.case import Case
from checks.model import CheckResult, Finding, Remediation, Severity, Status
from checks.playbooks import (PlaybookError, Transcript, Walk, checklist, explain, load_folder, load_playbooks,
                              parse_playbook, rank)
from checks.playbooks.inputs import cluster_from_text
from checks.registry import Registry
from checks.store import CaseStore
from tui.cli import main

BOOKS = load_playbooks()
SEED_PLAYBOOKS = ("controlhub-status-400", "cluster-validation-fails", "all-users-cannot-sign-in",
                  "phone-services-disconnected", "blf-not-working", "xsp-certificate-expiring")


def _minimal(**over) -> dict:
    doc = {"id": "demo", "title": "Demo", "symptoms": ["demo"], "applies_to": ["webex-calling"], "source": "inf §1",
           "steps": [{"id": "q", "kind": "ask", "title": "Q?", "source": "inf §1"},
                     {"id": "v", "kind": "verdict", "title": "V", "fix": ["do it"], "source": "inf §1"}]}
    doc.update(over)
    return doc


def test_the_six_seed_playbooks_load_with_the_shared_escalation_steps():
    assert set(SEED_PLAYBOOKS) <= set(BOOKS.playbooks)
    assert BOOKS.failures == []
    for book in BOOKS.all():
        shared = [s.id for s in book.steps if s.shared]
        assert shared == ["status-page", "analytics", "tac-info"], book.id
        assert book.steps[-1].kind == "escalate"


def test_every_step_names_a_source_and_every_check_and_option_exists():
    registry = Registry.discover()
    options = {o.name for o in registry.options()} | {"auth-mode"}
    for book in BOOKS.all():
        for step in book.steps:
            assert step.source, (book.id, step.id)
            for check in step.checks:
                assert check in registry.checks, (book.id, step.id, check)
            if step.option:
                assert step.option in options, (book.id, step.id, step.option)
            for outcome in step.outcomes:  # a finding code a branch waits for must exist
                if outcome.when.startswith(("code:", "nocode:")):
                    code = outcome.when.split(":", 1)[1]
                    assert f"`{code}`" in Path("docs/findings.md").read_text(encoding="utf-8"), code


@pytest.mark.parametrize("doc, key", [
    (_minimal(colour="red"), "top level: unknown key 'colour'"),
    (_minimal(applies_to=["webex-teams"]), "applies_to"),
    (_minimal(source="S9 §1"), "no seed S9"),
    (_minimal(source="pub §1"), "a pub source names its document"),
    (_minimal(steps=[{"id": "q", "kind": "wait", "title": "Q", "source": "inf"}]), "steps[0] (q).kind"),
    (_minimal(steps=[{"id": "q", "kind": "ask", "title": "Q", "source": "inf", "next": "nowhere"},
                     {"id": "v", "kind": "verdict", "title": "V", "fix": ["x"], "source": "inf"}]), "no step 'nowhere'"),
    (_minimal(steps=[{"id": "q", "kind": "ask", "title": "Q", "source": "inf"}]), "at least one verdict"),
    (_minimal(steps=[{"id": "c", "kind": "collect", "title": "C", "evidence": "har", "source": "inf"},
                     {"id": "v", "kind": "verdict", "title": "V", "fix": ["x"], "source": "inf"}]), "steps[0] (c).how"),
    (_minimal(steps=[{"id": "k", "kind": "check", "title": "K", "checks": ["x"], "source": "inf",
                      "outcomes": [{"when": "sometimes", "next": "v"}]},
                     {"id": "v", "kind": "verdict", "title": "V", "fix": ["x"], "source": "inf"}]), "outcomes[0].when"),
    (_minimal(cites=["4:1-2"]), "citation '4:1-2'"),
    (_minimal(steps=[{"id": "q", "kind": "ask", "title": "Q", "source": "inf", "place": "x"},
                      {"id": "v", "kind": "verdict", "title": "V", "fix": ["x"], "source": "inf"}]), "unknown key 'place'"),
])
def test_a_malformed_playbook_is_one_line_naming_the_file_and_the_key(doc, key):
    with pytest.raises(PlaybookError) as err:
        parse_playbook(doc, "plugins/demo.toml")
    message = str(err.value)
    assert message.startswith("plugins/demo.toml: ") and key in message and "\n" not in message


def test_a_malformed_file_in_a_folder_names_the_file(tmp_path: Path):
    (tmp_path / "broken.toml").write_text('id = "x"\ntitle = [\n', encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"broken.toml: not valid TOML"):
        load_folder(tmp_path)


def test_text_fields_take_translations_without_code_changes():
    book = parse_playbook(_minimal(title={"en": "Demo", "pl": "Demo po polsku", "pt-BR": "Demonstração"}), "x.toml")
    assert book.title == "Demo" and book.title.in_lang("pl") == "Demo po polsku"
    assert book.title.in_lang("de") == "Demo"


@pytest.mark.parametrize("query, expected", [
    ("status 400", "controlhub-status-400"), ("400", "controlhub-status-400"), ("10991", "controlhub-status-400"),
    ("5302", "controlhub-status-400"), ("Url already exists", "controlhub-status-400"),
    ("licence assignment fails", "controlhub-status-400"), ("WXC-4410", "controlhub-status-400"),
    ("disconnected", "phone-services-disconnected"), ("phone services disconnected", "phone-services-disconnected"),
    ("1502", "phone-services-disconnected"), ("no calling icon", "phone-services-disconnected"),
    ("interface validation failed", "cluster-validation-fails"), ("v2.0", "cluster-validation-fails"),
    ("Partner Hub cannot save cluster", "cluster-validation-fails"),
    ("all users cannot sign in", "all-users-cannot-sign-in"), ("nobody can log in", "all-users-cannot-sign-in"),
    ("BLF not working", "blf-not-working"), ("busy lamp field", "blf-not-working"), ("101642", "blf-not-working"),
    ("certificate expires", "xsp-certificate-expiring"), ("self-signed certificate", "xsp-certificate-expiring"),
])
def test_the_search_ranks_the_right_playbook_first(query, expected):
    matches = rank(BOOKS.all(), query)
    assert matches and matches[0].playbook.id == expected, [(m.playbook.id, m.score) for m in matches[:3]]


def test_nonsense_matches_nothing_and_empty_lists_all():
    assert rank(BOOKS.all(), "zzqx") == []
    assert len(rank(BOOKS.all(), "")) == len(BOOKS.all())


def test_explain_an_error_code_a_finding_code_and_an_unknown_one():
    [e] = explain("10991", BOOKS.all())
    assert e.finding == "har.onboard.email_in_calling_account" and "controlhub-status-400" in e.playbooks
    assert "{" not in e.meaning + e.cause + e.fix
    [e] = explain("1502", BOOKS.all())
    assert e.finding == "logs.bwtoken.fetch_failed" and "phone-services-disconnected" in e.playbooks
    [e] = explain("url.path.missing_v2", BOOKS.all())
    assert "cluster-validation-fails" in e.playbooks
    assert explain("wxc-4410", BOOKS.all())[0].finding == "har.calling.bad_phone_number"  # any case
    assert explain("31337", BOOKS.all()) == []


def _result(check_id: str, *codes: str, status: Status = Status.FAIL) -> CheckResult:
    findings = tuple(Finding(code=c, severity=Severity.ERROR, title=c, detail="", evidence=(),
                             remediation=Remediation(summary="fix"), source="inf §1") for c in codes)
    return CheckResult(check_id=check_id, title=check_id, area="har", status=status, findings=findings,
                       started_at="2026-12-01T10:00:00+00:00")


def test_a_walk_branches_on_answers_and_check_outcomes_and_records_each_step():
    saved: list[Transcript] = []
    walk = Walk(BOOKS.get("controlhub-status-400"), on_change=saved.append)
    walk.answer("licence", note="customer tried twice")
    assert walk.current.id == "record-har"
    walk.provide("har", "/tmp/x.har")
    assert walk.collected() == {"har": "/tmp/x.har"}
    walk.record_results([_result("har.analyze", "har.onboard.user_in_other_org")])
    assert walk.current.id == "verdict-other-org"
    marks = dict((s.id, m) for s, m in checklist(walk))
    assert marks["where"] == "licence" and marks["record-har"] == "done" and marks["analyze"] == "failed"
    assert marks["verdict-carrier"] == "n/a"  # another branch was taken
    assert marks["verdict-no-onboard"] == "todo" and marks["status-page"] == "todo"
    walk.conclude(fixed=False)
    assert walk.current.id == "status-page"
    walk.answer("done"); walk.answer("done"); walk.answer("done")
    assert walk.finished and walk.transcript.outcome == "escalated"
    assert dict((s.id, m) for s, m in checklist(walk))["verdict-carrier"] == "n/a"
    assert saved[-1] == walk.transcript and saved[0].records["where"].note == "customer tried twice"
    walk.back()
    assert walk.current.id == "tac-info" and not walk.transcript.outcome


@pytest.mark.parametrize("statuses", [(Status.SKIP,), (Status.ERROR,), (Status.SKIP, Status.ERROR)])
def test_checks_that_cannot_decide_keep_the_walk_on_the_step(statuses):
    walk = Walk(BOOKS.get("controlhub-status-400"))
    walk.answer("add-user")
    walk.skip()
    path = walk.transcript.path
    walk.record_results([_result(f"c{i}", status=s) for i, s in enumerate(statuses)])
    # "otherwise" would lead to a verdict: a check that could not tell must never reach one.
    assert walk.current.id == "analyze" and walk.undecided() and walk.transcript.path == path
    assert walk.record("analyze").state in ("skipped", "error")
    walk.record_results([_result("har.analyze", "har.onboard.user_in_other_org")])  # evidence given, run again
    assert walk.current.id == "verdict-other-org" and not walk.undecided()


def test_one_deciding_check_among_skips_follows_the_outcomes():
    walk = Walk(BOOKS.get("controlhub-status-400"))
    walk.answer("add-user"); walk.skip()
    walk.record_results([_result("a", status=Status.SKIP), _result("b", status=Status.PASS)])
    assert walk.current.id == "verdict-no-onboard"


def _undecided_book(outcomes: list[dict]) -> Walk:
    steps = [{"id": "k", "kind": "check", "title": "K", "checks": ["x"], "source": "inf", "outcomes": outcomes},
             {"id": "more", "kind": "ask", "title": "More?", "source": "inf"},
             {"id": "v", "kind": "verdict", "title": "V", "fix": ["x"], "source": "inf"},
             {"id": "w", "kind": "verdict", "title": "W", "fix": ["y"], "source": "inf"}]
    return Walk(parse_playbook(_minimal(steps=steps), "x.toml"))


def test_undecided_checks_follow_only_an_outcome_written_for_them():
    walk = _undecided_book([{"when": "skip", "next": "w"}, {"when": "otherwise", "next": "v"}])
    walk.record_results([_result("x", status=Status.SKIP)])
    assert walk.current.id == "w"
    walk = _undecided_book([{"when": "nocode:x.bad", "next": "v"}, {"when": "otherwise", "next": "v"}])
    walk.record_results([_result("x", status=Status.SKIP)])
    assert walk.current.id == "k"  # "no such code" says nothing when nothing was looked at


@pytest.mark.parametrize("outcomes, expected", [
    ([{"when": "skip", "next": "w"}, {"when": "otherwise", "next": "v"}], "w"),  # the author's choice
    ([{"when": "worst>=error", "next": "v"}, {"when": "otherwise", "next": "more"}], "more"),  # more checking
    ([{"when": "worst>=error", "next": "w"}, {"when": "otherwise", "next": "v"}], ""),  # escalation (none here)
])
def test_skipping_a_check_step_never_lands_on_a_verdict_it_did_not_reach(outcomes, expected):
    walk = _undecided_book(outcomes)
    walk.skip()
    assert walk.transcript.current == expected and walk.record("k").state == "skipped"


def test_skipping_the_url_check_goes_on_to_the_reachability_check():
    walk = Walk(BOOKS.get("cluster-validation-fails"))
    while walk.current.id != "url-check":
        walk.skip() if walk.current.kind != "ask" else walk.answer(walk.current.choices[0].id)
    walk.skip()
    assert walk.current.id == "reach"


def test_wrong_answers_are_refused():
    walk = Walk(BOOKS.get("phone-services-disconnected"))
    with pytest.raises(ValueError, match="not an answer"):
        walk.answer("maybe")
    with pytest.raises(ValueError, match="runs no checks"):
        walk.record_results([])


def test_transcripts_survive_in_a_real_store_and_notes_are_redacted(tmp_path: Path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    case = store.save(Case())
    walk = Walk(BOOKS.get("blf-not-working"), on_change=lambda t: store.save_transcript(case.id, t))
    walk.skip()
    walk.set_note("features", "admin pw: password=Hunter2Hunter2")
    reopened = CaseStore(tmp_path / "cases.sqlite3").transcripts(case.id)
    assert [t.playbook_id for t in reopened] == ["blf-not-working"]
    resumed = Walk(BOOKS.get("blf-not-working"), reopened[0])
    assert resumed.current.id == "features" and resumed.record("patches").state == "skipped"
    assert "Hunter2Hunter2" not in (tmp_path / "cases.sqlite3").read_bytes().decode("utf-8", "replace")


def test_cluster_text_takes_urls_in_any_order_or_an_inventory_name():
    c = cluster_from_text("https://x.example.com/authService/v2.0/, x.example.com:8012 "
                          "https://x.example.com/com.broadsoft.xsi-events/ "
                          "HTTPS://X.EXAMPLE.COM/com.broadsoft.xsi-actions", values={"auth_mode": "mtls"})
    assert c.auth_service.endswith("/authService/v2.0/") and c.cti == "x.example.com:8012"
    assert c.xsi_events.endswith("xsi-events/") and c.xsi_actions and c.auth_mode == "mtls"
    assert cluster_from_text("dms=https://x.example.com/dms/").dms == "https://x.example.com/dms/"
    with pytest.raises(Exception, match="cannot tell which interface"):
        cluster_from_text("https://x.example.com/other/")


def test_cli_guide_and_explain(capsys, tmp_path: Path):
    assert main(["guide", "list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    first = doc["playbooks"][0]
    assert {"id", "title", "symptoms", "codes", "steps"} <= set(first)
    assert {"id", "kind", "text", "source"} <= set(first["steps"][0])
    assert main(["guide", "find", "phone", "services", "disconnected"]) == 0
    assert capsys.readouterr().out.startswith("phone-services-disconnected")
    assert main(["guide", "find", "--json", "10991"]) == 0
    assert json.loads(capsys.readouterr().out)["matches"][0]["id"] == "controlhub-status-400"
    assert main(["guide", "find", "zzqx"]) == 1
    capsys.readouterr()
    assert main(["guide", "show", "blf-not-working", "--markdown"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Busy Lamp Field") and "- [ ] **Collect:" in md and "activate 101642" in md
    assert main(["guide", "show", "nope"]) == 2
    assert "no playbook 'nope'" in capsys.readouterr().err
    assert main(["explain", "10991"]) == 0
    out = capsys.readouterr().out
    assert "Webex Calling account" in out and "wxtriage guide show controlhub-status-400" in out
    assert main(["explain", "31337"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown code '31337'" in err
    store = tmp_path / "cases.sqlite3"
    case = CaseStore(store).save(Case())
    Walk(BOOKS.get("phone-services-disconnected"),
         on_change=lambda t: CaseStore(store).save_transcript(case.id, t)).answer("no")
    assert main(["guide", "status", "--case", case.id, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "in progress" in out and "answered: No icon" in out
    assert main(["guide", "status", "--case", case.id, "--store", str(store), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["playbooks"][0]
    assert doc["records"][0]["answer"] == "no" and doc["undecided"] is False


def test_guide_status_says_when_a_step_waits_for_evidence(tmp_path: Path, capsys):
    store = tmp_path / "cases.sqlite3"
    case = CaseStore(store).save(Case())
    walk = Walk(BOOKS.get("controlhub-status-400"), on_change=lambda t: CaseStore(store).save_transcript(case.id, t))
    walk.answer("add-user"); walk.skip()
    walk.record_results([_result("har.analyze", status=Status.SKIP)])
    assert main(["guide", "status", "--case", case.id, "--store", str(store)]) == 0
    assert "waiting: the checks of the current step could not decide" in capsys.readouterr().out
    assert main(["guide", "status", "--case", case.id, "--store", str(store), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["playbooks"][0]["undecided"] is True


def test_the_bundle_has_what_was_checked(tmp_path: Path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    case = store.save(Case.create(org_id="1EB65FDF9643417F9974AD72CAE0E10F"))
    walk = Walk(BOOKS.get("phone-services-disconnected"), on_change=lambda t: store.save_transcript(case.id, t))
    walk.answer("yes")
    walk.answer("sso", note="seen on the user's PC")
    walk.conclude(fixed=True)
    export_case_bundle(store, case.id, tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        report = zf.read("report.md").decode()
        playbooks = json.loads(zf.read("playbooks.json"))
        manifest = json.loads(zf.read("manifest.json"))
    assert "## What was checked" in report and "answered: SSO Session, signed in" in report
    assert "seen on the user's PC" in report and "· fixed" in report
    assert playbooks["playbooks"][0]["outcome"] == "fixed"
    assert "playbooks.json" in manifest["files"]
