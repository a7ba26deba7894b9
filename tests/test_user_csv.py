"""User CSV exports (issue 12): recognising the export, reading it however Excel saved it, the
reasons a user has no Webex Calling, the user status groups, bad files, the CLI and run."""
from __future__ import annotations

import asyncio
import csv
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from checks.api import CheckContext, InputError
from checks.builtin.user_exports import UsersCsvCheck, findings_for, fix_rows, write_fix_csv
from checks.case import Case
from checks.evidence import user_csv as uc
from checks.model import Status
from checks.runner import run_one
from checks.store import CaseStore
from tests.helpers import wxtriage
from tests.user_csv_fixtures import (CH_EXPECTED, CH_HEADER, VARIANTS, controlhub_rows, csv_text, status_rows,
                                     write_csv)


def reasons(a: uc.ControlHubAnalysis) -> dict[str, list[int]]:
    return {r: [u.row for u in users] for r, users in a.by_reason().items() if users}


# ----------------------------------------------------------------------------- Excel variants
@pytest.mark.parametrize("name, encoding, delimiter, true, false, sep_line", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_controlhub_export_in_every_locale(tmp_path: Path, name, encoding, delimiter, true, false, sep_line) -> None:
    path = write_csv(tmp_path / f"{name}.csv", controlhub_rows(true, false), encoding, delimiter, sep_line)
    fmt, layout = uc.detect(path)
    assert layout.kind == uc.CONTROLHUB and fmt.delimiter == delimiter
    a = uc.analyse(path)
    assert a.users == 9 and a.with_calling == 3 and not a.unknown
    assert reasons(a) == CH_EXPECTED
    assert a.region == "US" and a.region_how.startswith("inferred")
    cy = next(u for u in a.failing if u.row == 4)
    assert cy.e164 == "+14085551003"  # the E.164 form it would become
    di = next(u for u in a.failing if u.row == 5)
    assert di.shared_with == [2]  # the licensed user who has the number
    assert layout.used()["calling"] == "Webex Calling VAR Basic [Sub100448], Webex Calling VAR Professional [Sub100448]"


def test_headers_match_ignoring_case_spaces_and_order(tmp_path: Path) -> None:
    rows = controlhub_rows()
    header = ["  user id / email (REQUIRED) ", "PHONE  NUMBER", "webex calling var professional [Sub9]", "Extra", "location"]
    order = [3, 5, 10, 8, 7]
    body = [[r[i] for i in order] for r in rows[1:]]
    a = uc.analyse(write_csv(tmp_path / "x.csv", [header, *body]))
    assert a.layout.columns["phone"].name == "PHONE  NUMBER"  # the column used is named as the file has it
    # without the Basic column, Gus (Basic only) has no Calling: his number is fine, so "check it"
    assert reasons(a)["check_number"] == [6, 8]


def test_quoted_fields_with_newlines_keep_excel_row_numbers(tmp_path: Path) -> None:
    rows = controlhub_rows()
    rows[1][2] = "Ana\n\"the boss\"\nSilva"
    a = uc.analyse(write_csv(tmp_path / "q.csv", rows))
    assert reasons(a) == CH_EXPECTED


def test_region_given_numbers_without_country_code_and_messy_duplicates(tmp_path: Path) -> None:
    rows = [CH_HEADER,
            ["A", "", "", "a@x.example", "", "030 1234567", "", "Berlin", "", "FALSE", "FALSE", "TRUE"],
            ["B", "", "", "b@x.example", "", "+49 30 1234567", "", "Berlin", "", "FALSE", "TRUE", "TRUE"],
            ["C", "", "", "c@x.example", "", "0049301234568", "", "Berlin", "", "FALSE", "FALSE", "TRUE"],
            ["D", "", "", "d@x.example", "", "12", "", "Berlin", "", "FALSE", "FALSE", "TRUE"]]
    path = write_csv(tmp_path / "de.csv", rows, "utf-8-sig", ";")
    # no number has a country code in E.164 form: without --region nothing can be suggested
    a = uc.analyse(path)
    assert a.region == "" and "give --region" in a.region_how
    assert {u.row: u.reason for u in a.failing} == {2: "not_e164", 4: "not_e164", 5: "not_e164"}
    assert "give --region" in next(u for u in a.failing if u.row == 2).detail
    a = uc.analyse(path, region="de")
    by_row = {u.row: u for u in a.failing}
    assert by_row[2].e164 == "+49301234567" and by_row[2].also == ["duplicate"] and by_row[2].shared_with == [3]
    assert by_row[4].e164 == "+49301234568"
    assert by_row[5].e164 == "" and "not a valid number" in by_row[5].detail


def test_localized_and_odd_licence_cells(tmp_path: Path) -> None:
    assert uc.parse_bool("WAHR") is True and uc.parse_bool(" falsch ") is False
    assert uc.parse_bool("Fałsz") is False and uc.parse_bool("VERDADEIRO") is True
    assert uc.parse_bool("") is None and uc.parse_bool("maybe") is None
    rows = controlhub_rows()
    rows[2][9] = rows[2][10] = ""   # Bo: both calling cells empty → cannot tell
    rows[3][10] = "n/a"            # Cy: one unreadable cell, the other FALSE → cannot tell
    a = uc.analyse(write_csv(tmp_path / "odd.csv", rows))
    assert sorted(u.row for u in a.unknown) == [3, 4]
    assert 3 not in [u.row for u in a.failing]
    f = next(f for f in findings_for(a) if f.code == "users.calling.licence_unknown")
    assert f.data["count"] == 2 and "'(empty)' ×2" in f.detail


def test_missing_phone_column_cannot_say_why(tmp_path: Path) -> None:
    rows = [[c for i, c in enumerate(r) if i != 5] for r in controlhub_rows()]
    a = uc.analyse(write_csv(tmp_path / "nophone.csv", rows))
    fs = findings_for(a)
    f = next(f for f in fs if f.code == "users.calling.no_phone_column")
    assert f.data["count"] == 6 and f.severity.value == "warning"
    assert not any(f.code == "users.calling.no_number" for f in fs)


def test_export_without_calling_columns_is_a_skip_not_a_pass(tmp_path: Path) -> None:
    rows = [[c for i, c in enumerate(r) if i not in (9, 10)] for r in controlhub_rows()]
    path = write_csv(tmp_path / "nocalling.csv", rows)
    assert uc.detect(path)[1].kind == uc.CONTROLHUB
    r = asyncio.run(run_one(UsersCsvCheck, CheckContext(options={"users_csv": str(path)})))
    assert r.status is Status.SKIP and "no “Webex Calling …” licence column" in r.reason


def test_all_users_licensed_passes(tmp_path: Path) -> None:
    rows = [r for r in controlhub_rows() if r[0] in ("First Name", "Ivy", "Gus")]
    r = asyncio.run(run_one(UsersCsvCheck, CheckContext(options={"users_csv": str(write_csv(tmp_path / "ok.csv", rows))})))
    assert r.status is Status.PASS
    assert [f.code for f in r.findings] == ["users.controlhub.summary"]


# ----------------------------------------------------------------------------- user status export
@pytest.mark.parametrize("encoding, delimiter", [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t")])
def test_user_status_groups_and_actions(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = write_csv(tmp_path / "status.csv", status_rows(), encoding, delimiter)
    assert uc.detect(path)[1].kind == uc.USER_STATUS
    a = uc.analyse(path)
    assert (a.users, a.count("provisioned"), a.count("pending"), a.count("error"), a.count("unknown")) == (8, 1, 2, 4, 1)
    fs = findings_for(a)
    by = {(f.data.get("status"), f.data.get("error")): f for f in fs if f.code != "users.status.summary"}
    taken = by[("Error", "Email <e-mail> already exists in another organization")]  # e-mails grouped away
    assert taken.data["count"] == 2 and taken.data["action_ids"] == ["retry", "delete", "copy"]
    assert [u["broadworks_id"] for u in taken.data["users"]] == ["dan@sp.example", "eve@sp.example"]
    assert "dan@corp.example" not in json.dumps([f.to_dict() for f in fs])  # no more personal data than needed
    assert by[("Error", "Package Softphone is not allowed for this template")].data["action_ids"] == ["package", "delete", "copy"]
    assert by[("Error", "Internal error 500 while provisioning (ref <id>)")].data["action_ids"] == ["delete", "copy"]
    pending = by[("Pending Email Input", "(no error text)")]
    assert pending.code == "users.status.pending" and pending.data["action_ids"] == ["wait", "retry", "copy"]
    assert any("Untrusted e-mails must be ticked" in s for s in pending.remediation.steps)
    assert by[("Frozen", "(no error text)")].code == "users.status.unknown"
    header, rows = fix_rows(fs)
    assert header[1] == "BroadWorks ID" and [r[0] for r in rows] == ["3", "4", "5", "6", "7", "8", "9"]


# ----------------------------------------------------------------------------- bad files
def _xlsx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.write_bytes(b""), "the file is empty"),
    (lambda p: p.write_bytes(b"\r\n\r\n  \r\n"), "no rows"),
    (lambda p: _xlsx(p), "Excel workbook (.xlsx)"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)), "old Excel workbook"),
    (lambda p: p.write_bytes(bytes(range(256)) * 4), "not a text file"),
    (lambda p: p.write_text("Name,Age,City\nAna,3,X\n"), "expected “User ID/Email (Required)”"),
    (lambda p: p.write_text('{"users": []}'), "not a Control Hub user export"),
    (lambda p: p.mkdir(), "not a regular file"),
])
def test_bad_files_get_one_line(tmp_path: Path, make, expected: str) -> None:
    path = tmp_path / "in.csv"
    make(path)
    with pytest.raises(InputError) as e:
        uc.analyse(path)
    assert expected in str(e.value) and "\n" not in str(e.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.text(alphabet=",;\t\"\r\n aTRUEFALSEWebexCallingUserID/Email(Required)Phone+1234",
                                                max_size=300).map(lambda t: t.encode("utf-8")))
def test_any_bytes_give_an_analysis_or_one_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        a = uc.analyse(path)
        if isinstance(a, uc.ControlHubAnalysis) and a.layout.calling:
            findings_for(a)
    except InputError as e:
        assert "\n" not in str(e)


# ----------------------------------------------------------------------------- CLI and run
def test_cli_text_json_fix_csv_and_case(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "export.csv", controlhub_rows("WAHR", "FALSCH"), "utf-8-sig", ";")
    r = wxtriage("users", str(src), home=tmp_path)
    assert r.code == 1, r.err
    assert "Control Hub user export: export.csv (utf-8-sig, semicolon-separated), 9 users" in r.out
    assert "row 5 · di@example.com · +14085551001 is also on row 2" in r.out
    assert "no phone number: 2" in r.out
    r = wxtriage("users", str(src), "--json", "--region", "US", home=tmp_path)
    doc = json.loads(r.out)
    (check,) = doc["checks"]
    users = [u for f in check["findings"] for u in f["data"].get("users", [])]
    assert sorted(u["row"] for u in users) == [3, 4, 5, 6, 7, 9]  # every FALSE row explained
    out = tmp_path / "fix.csv"
    store = tmp_path / "store.db"
    case = CaseStore(store).save(Case.create(description="calling licences"))
    r = wxtriage("users", str(src), "--fix-csv", str(out), "--case", case.id, "--store", str(store), home=tmp_path)
    assert r.code == 1 and f"Wrote 6 user(s) to fix to {out}" in r.out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Excel opens it in any locale
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))  # the input's delimiter
    assert rows[0][:3] == ["Row", "User ID/Email", "Phone Number"]
    assert [r[0] for r in rows[1:]] == ["3", "4", "5", "6", "7", "9"]
    assert rows[2][7] == "+14085551003"
    s = CaseStore(store)
    assert [r.check_id for r in s.latest_results(case.id)] == ["users.csv"]
    assert ("csv", src) in s.evidence(case.id)
    r = wxtriage("users", str(src), "--fix-csv", str(src), home=tmp_path)
    assert r.code == 2 and "that is the export being read" in r.err
    assert src.read_bytes().startswith(b"\xef\xbb\xbf" + "First Name".encode())


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    for args, expected in ([str(tmp_path / "e.csv")], "the file is empty"), \
                          ([str(tmp_path / "missing.csv")], "no such file"), \
                          ([str(write_csv(tmp_path / "s.csv", status_rows())), "--region", "ZZZ"], "--region ZZZ"):
        r = wxtriage("users", *args, home=tmp_path)
        assert r.code == 2 and expected in r.err and r.err.count("\n") == 1 and "Traceback" not in r.err


def test_run_check_users_csv(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "status.csv", status_rows(), "utf-16", "\t")
    r = wxtriage("run", "--check", "users.csv", "--users-csv", str(src), "--json", home=tmp_path)
    assert r.code == 1, r.err
    (check,) = json.loads(r.out)["checks"]
    assert {f["code"] for f in check["findings"]} == {"users.status.error", "users.status.pending",
                                                       "users.status.unknown", "users.status.summary"}
    r = wxtriage("run", "--check", "users.csv", "--users-csv", str(tmp_path), home=tmp_path)
    assert r.code == 2
    r = wxtriage("run", "--check", "users.csv", home=tmp_path)
    assert "needs --users-csv" in r.out


def test_write_fix_csv_refuses_folders(tmp_path: Path) -> None:
    a = uc.analyse(write_csv(tmp_path / "x.csv", controlhub_rows()))
    with pytest.raises(InputError, match="is a folder"):
        write_fix_csv(findings_for(a), tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        write_fix_csv(findings_for(a), tmp_path / "no" / "x.csv")


def test_csv_text_fixture_roundtrip() -> None:
    assert csv_text([["a", "b"]], ";", sep_line=True) == "sep=;\r\na;b\r\n"


def test_a_number_many_users_share_names_a_few_rows_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [CH_HEADER] + [["", "", "", f"u{i}@x.example", "", "+14085551001" if i % 2 else "+1 408 555 1001", "",
                           "HQ", "", "FALSE", "FALSE", "TRUE"] for i in range(12)]
    a = uc.analyse(write_csv(tmp_path / "shared.csv", rows))
    dup = [u for u in a.failing if u.reason == "duplicate"]
    assert len(dup) == 6 and all(len(u.shared_with) == 5 for u in dup)  # the E.164 ones
    assert "and 8 more" in dup[0].detail  # 12 hold it: 3 named, 8 more besides this one
    messy = [u for u in a.failing if u.reason == "not_e164"]
    assert len(messy) == 6 and all(u.also == ["duplicate"] for u in messy)  # the same number, written otherwise
