"""Artifacts on CheckResult: typed views the checks build and the front-ends only draw. They must
survive what results go through — JSON, the case store, redaction — and an unknown kind is kept."""
from __future__ import annotations

import json

from checks.artifacts import (MatrixCell, MatrixRow, ProbeMatrix, UnknownArtifact, artifact_from_dict, artifacts_of,
                              map_artifact_texts, merge_matrices)
from checks.api import Check, CheckContext
from checks.case import Case
from checks.model import CheckResult, Finding, Severity, Status
from checks.redact import Redactor, redact_result
from checks.runner import run_one
from checks.store import CaseStore

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl"

MATRIX = ProbeMatrix((MatrixRow("xsi-actions", "203.0.113.10", {"dns": MatrixCell("ok"), "tcp": MatrixCell("bad", "refused")}),
                      MatrixRow("cti", "—", {"mtls": MatrixCell("warn", "optional")})))


def _result(*artifacts) -> CheckResult:
    return CheckResult("x.y", "X", "urls", Status.PASS, (), artifacts=tuple(artifacts))


def test_round_trip_through_json():
    r = _result(MATRIX)
    back = CheckResult.from_dict(json.loads(json.dumps(r.to_dict())))
    assert back == r and back.artifacts[0] == MATRIX


def test_unknown_kind_is_kept_whole():
    d = {"kind": "plugin-thing", "rows": [1, 2], "note": "x"}
    a = artifact_from_dict(d)
    assert isinstance(a, UnknownArtifact) and a.kind == "plugin-thing" and a.to_dict() == d
    assert CheckResult.from_dict(_result(a).to_dict()).artifacts[0].to_dict() == d


def test_a_cell_kind_this_version_does_not_know_reads_as_none():
    assert MatrixCell.from_dict({"kind": "purple", "text": "?"}) == MatrixCell("none", "?")


def test_store_keeps_artifacts(tmp_path):
    store = CaseStore(tmp_path / "s.sqlite")
    case = store.save(Case.create(org_id="1eb65fdf-9643-417f-9974-ad72cae0e10f"))
    store.add_results(case.id, [_result(MATRIX)])
    latest = store.latest_results(case.id)
    assert latest[0].artifacts == (MATRIX,)


def test_redaction_reaches_artifact_texts():
    leaky = ProbeMatrix((MatrixRow("xsi-actions", "n", {"http": MatrixCell("bad", f"Bearer {TOKEN}")}),))
    r = redact_result(_result(leaky), Redactor())
    text = json.dumps(r.to_dict())
    assert TOKEN not in text and r.artifacts[0].rows[0].cells["http"].kind == "bad"
    # every string is mapped, the keys and kinds are not
    shouted = map_artifact_texts(MATRIX, str.upper)
    assert shouted.rows[0].cells["tcp"] == MatrixCell("bad", "REFUSED") and shouted.rows[0].interface == "XSI-ACTIONS"


def test_merge_lays_columns_side_by_side_sorted():
    a = ProbeMatrix((MatrixRow("xsi-events", "n1", {"dns": MatrixCell("ok")}),
                     MatrixRow("cti", "n1", {"dns": MatrixCell("ok")})))
    b = ProbeMatrix((MatrixRow("cti", "n1", {"cert": MatrixCell("ok", "TLSv1.3")}),))
    merged = merge_matrices([a, b])
    assert [(r.interface, r.node) for r in merged.rows] == [("cti", "n1"), ("xsi-events", "n1")]
    assert merged.rows[0].cells == {"dns": MatrixCell("ok"), "cert": MatrixCell("ok", "TLSv1.3")}
    assert artifacts_of([_result(a), _result(), _result(b)], ProbeMatrix) == [a, b]


class _Builds(Check):
    id, title, area = "t.builds", "builds", "urls"
    fail = False

    async def run(self, ctx: CheckContext):
        ctx.add_artifact(MATRIX)
        if self.fail:
            raise RuntimeError("boom")
        return [Finding("t.x", Severity.INFO, "x")]


class _Crashes(_Builds):
    id = "t.crashes"
    fail = True


async def test_runner_puts_artifacts_on_the_result_and_drops_them_on_a_crash():
    ctx = CheckContext()
    ok = await run_one(_Builds, ctx)
    assert ok.artifacts == (MATRIX,) and ctx.artifacts == []  # each check gets its own list
    crashed = await run_one(_Crashes, ctx)
    assert crashed.status is Status.ERROR and crashed.artifacts == ()


async def test_evidence_summaries_survive_the_store_and_json(tmp_path):
    """The HAR and log checks' artifacts, as built from real evidence, come back whole from the
    case store and from JSON, and the case facts in them fill a case the same afterwards."""
    from checks.artifacts import HarSummary, LogSummary
    from checks.builtin.client_logs import ClientLogsCheck
    from checks.builtin.har_analyze import HarAnalyzeCheck
    from tests import har_fixtures as hf

    log = tmp_path / "current_log.txt"
    log.write_text("2026-11-20T14:00:00.000Z <Info> [0x1] Startup.cpp:10 Webex version 45.10.0.33456 (Windows 11)\n"
                   "2026-11-20T14:00:01.000Z <Info> [0x1] Auth.cpp:20 User signed in: alex.doe@example.com\n",
                   encoding="utf-8")
    har = await run_one(HarAnalyzeCheck, CheckContext(options={"har": str(hf.seed_har(tmp_path / "s.har"))}))
    logs = await run_one(ClientLogsCheck, CheckContext(options={"logs": str(log)}))
    (hs,), (ls,) = artifacts_of([har], HarSummary), artifacts_of([logs], LogSummary)
    assert hs.entries == 10 and hs.case_facts.org_id == hf.ORG and hs.case_facts.window.start is not None
    assert ls.case_facts.emails == ("alex.doe@example.com",) and ls.timeline == ()
    store = CaseStore(tmp_path / "s.sqlite")
    case = store.save(Case.create(description="x"))
    store.add_results(case.id, [har, logs])
    back = {r.check_id: r for r in store.latest_results(case.id)}
    assert back[har.check_id].artifacts == har.artifacts and back[logs.check_id].artifacts == logs.artifacts
    assert CheckResult.from_dict(json.loads(json.dumps(har.to_dict()))).artifacts == har.artifacts
    for r in (har, logs):
        (before,), (after,) = r.artifacts, back[r.check_id].artifacts
        changes = case.with_facts(before.case_facts)[1]
        assert changes and changes == case.with_facts(after.case_facts)[1]
