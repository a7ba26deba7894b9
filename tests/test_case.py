"""Case model validation and the SQLite case store (a real file)."""
from __future__ import annotations

import base64
import sqlite3

import pytest

from checks.case import (Case, CaseFieldError, TimeWindow, normalize_email, normalize_org_id,
                         normalize_release, normalize_tracking_id, parse_time)
from checks.model import CheckResult, Finding, Severity, Status
from checks.store import CaseStore, StoreError

UUID = "1eb65fdf-9643-417f-9974-ad72cae0e10f"


@pytest.mark.parametrize("raw", [UUID, UUID.upper(), UUID.replace("-", ""), f"  {UUID.upper().replace('-', '')} ",
                                 base64.b64encode(f"ciscospark://us/ORGANIZATION/{UUID}".encode()).decode(),
                                 base64.urlsafe_b64encode(f"ciscospark://us/ORGANIZATION/{UUID}".encode()).decode().rstrip("=")])
def test_org_id_forms_normalise(raw):
    assert normalize_org_id(raw) == UUID


@pytest.mark.parametrize("raw", ["", "acme", UUID[:-1], UUID + "0", "g" * 32,
                                 base64.b64encode(f"ciscospark://us/PEOPLE/{UUID}".encode()).decode()])
def test_bad_org_ids_explain_the_format(raw):
    with pytest.raises(CaseFieldError) as exc:
        normalize_org_id(raw)
    assert "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8" in str(exc.value)
    assert "32 hex digits" in str(exc.value)


def test_tracking_ids():
    assert normalize_tracking_id(f"ATLAS_{UUID}_30") == f"ATLAS_{UUID}_30"
    assert normalize_tracking_id(f"webex-js-sdk_{UUID}_12") == f"webex-js-sdk_{UUID}_12"
    assert normalize_tracking_id(UUID) == UUID
    with pytest.raises(CaseFieldError, match="ATLAS_"):
        normalize_tracking_id("ATLAS_notauuid_30")


def test_email_release_time():
    assert normalize_email("Jane.Doe@Example.COM") == "Jane.Doe@example.com"
    for bad in ("jane", "jane@", "@x.com", "a b@x.com", "jane@x"):
        with pytest.raises(CaseFieldError):
            normalize_email(bad)
    assert [normalize_release(r) for r in ("R22", "r23", "24", "R21sp1")] == ["R22", "R23", "R24", "R21SP1"]
    with pytest.raises(CaseFieldError, match="R22, R23, R24"):
        normalize_release("latest")
    assert parse_time("2026-11-20 14:05").isoformat() == "2026-11-20T14:05:00+00:00"
    with pytest.raises(CaseFieldError, match="ISO-8601"):
        parse_time("yesterday")
    with pytest.raises(CaseFieldError, match="ends before"):
        TimeWindow(parse_time("2026-11-21"), parse_time("2026-11-20"))


def test_case_roundtrip_and_store(tmp_path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    case = Case.create(org_id=UUID.upper(), tracking_ids=[f"ATLAS_{UUID}_30"], emails=["a@b.example"],
                       release="r24", description="users cannot sign in", since="2026-11-20T10:00")
    store.save(case)
    assert store.get(case.id) == case
    assert store.get(case.id[:6]) == case  # unique prefix
    res = CheckResult("xsp.urls", "t", "urls", Status.FAIL, (Finding("a.b", Severity.ERROR, "x"),), "",
                      "2026-11-20T10:00:00+00:00", 0.1)
    store.add_results(case.id, [res])
    store.add_results(case.id, [CheckResult("xsp.urls", "t", "urls", Status.PASS, (), "", "2026-11-20T11:00:00+00:00")])
    latest = store.latest_results(case.id)
    assert [r.status for r in latest] == [Status.PASS]
    # It is a real SQLite file that another connection can read.
    with sqlite3.connect(tmp_path / "cases.sqlite3") as db:
        assert db.execute("select count(*) from results").fetchone()[0] == 2
    reopened = CaseStore(tmp_path / "cases.sqlite3")
    assert [c.id for c in reopened.list()] == [case.id]
    with pytest.raises(StoreError, match="case list"):
        reopened.get("nope")


def test_a_run_counts_as_an_update(tmp_path):
    """Lists are sorted by the last change, results included, and show that time."""
    store = CaseStore(tmp_path / "cases.sqlite3")
    old = store.save(Case.create(org_id=UUID, description="old case"))
    new = store.save(Case.create(description="newer case"))
    later = "2999-01-01T00:00:00+00:00"
    store.add_results(old.id, [CheckResult("xsp.urls", "t", "urls", Status.PASS, (), "", later)])
    assert [c.id for c in store.list()] == [old.id, new.id]
    assert store.list()[0].updated_at == later and store.get(old.id).updated_at == later
    assert store.get(old.id).description == "old case"


def test_blank_cases_can_be_left_out_of_a_list(tmp_path):
    """The home screen hides cases that hold nothing; one field, result, draft or evidence keeps it."""
    store = CaseStore(tmp_path / "cases.sqlite3")
    blank, drafted, ran = (store.save(Case()) for _ in range(3))
    typed = store.save(Case.create(description="x"))
    store.save_draft(drafted.id, "org_id", "1eb65fdf-96")
    store.add_results(ran.id, [CheckResult("xsp.urls", "t", "urls", Status.SKIP, (), "no cluster", "2026-11-20T10:00:00+00:00")])
    assert blank.blank and not typed.blank
    assert {c.id for c in store.list()} == {blank.id, drafted.id, ran.id, typed.id}
    assert {c.id for c in store.list(with_blank=False)} == {drafted.id, ran.id, typed.id}


def test_store_rejects_garbage_file(tmp_path):
    bad = tmp_path / "cases.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the case store"):
        CaseStore(bad)
