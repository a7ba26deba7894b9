"""Client logs: discovery, tolerant streaming parsing, rules, time window, redaction, CLI."""
from __future__ import annotations

import asyncio
import datetime as _dt
import gzip
import json
import re
import tarfile
import zipfile
from pathlib import Path

import pytest

from checks.api import CheckContext
from checks.builtin.client_logs import ClientLogsCheck, case_with_facts, findings_from_scan
from checks.case import Case, TimeWindow, parse_time
from checks.evidence import logs as L
from checks.model import Severity, Status
from checks.redact import Redactor
from checks.runner import CheckProgress, run_one
from tests.helpers import wxtriage

FIXTURES = Path(__file__).parent / "fixtures" / "client_logs"
DESKTOP = (FIXTURES / "desktop" / "current_log.txt").read_bytes()
ROTATED = (FIXTURES / "desktop" / "current_log_1.txt").read_bytes()
MOBILE = (FIXTURES / "mobile" / "wbx_teams_android.log").read_bytes()
SECRETS = ("eyJhbGciOiJSUzI1NiJ9", "c2lnbmF0dXJlLXNlY3JldA", "ab12cd34ef56", "zz9988776655", "hunter2secret",
           "3f4a5b6c7d", "9e8d7c6b5a")
ENGINES = ["re"] + (["re2"] if L._re2_module() is not None else [])


def codes(scan: L.LogScan) -> dict[str, int]:
    return {k: s.count for k, s in scan.stats.items()}


def mixed_folder(root: Path) -> Path:
    """A folder as a user might send it: desktop and mobile logs, rotated and odd files."""
    (root / "logs").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "current_log.txt").write_bytes(DESKTOP)
    (root / "logs" / "current_log_1.txt").write_bytes(ROTATED)
    (root / "wbx_teams_android.log").write_bytes(MOBILE)
    # CRLF line endings (a log copied through Windows tools)
    (root / "crlf_log.txt").write_bytes(
        b"2026-11-20T15:00:00.000Z <Info> [0x1] SparkApplication.cpp:1 start\r\n"
        b"2026-11-20T15:00:01.000Z <Error> [0x1] DeviceProfile.cpp:60 config-wxt.xml download failed: 404\r\n")
    # invalid UTF-8 inside an entry
    (root / "latin1_log.txt").write_bytes(
        b"2026-11-20T15:10:00.000Z <Info> [0x1] Contacts.cpp:9 name=J\xf6rg M\xfcller\n"
        b"2026-11-20T15:10:01.000Z <Error> [0x1] Sip.cpp:9 registration failed for J\xf6rg\n")
    (root / "empty.log").write_bytes(b"")
    (root / "media" / "wme_trace.log").write_bytes(b"\x00\x01\x02WME\x00" * 500)  # binary under a log name
    (root / "spark.db").write_bytes(b"SQLite format 3\x00" + bytes(100))  # not a log name: ignored
    # a format we do not know: every line unrecognised
    (root / "other.log").write_bytes(b"Nov 20 15:00:00 host daemon: started\nNov 20 15:00:01 host daemon: ok\n")
    return root


# ------------------------------------------------------------------------------------------ discovery

def test_default_locations_per_platform(tmp_path):
    home = tmp_path / "home"
    assert L.default_log_dirs("win32", home, {"LOCALAPPDATA": str(tmp_path / "la")}) == [tmp_path / "la" / "CiscoSpark"]
    assert L.default_log_dirs("win32", home, {}) == [home / "AppData" / "Local" / "CiscoSpark"]
    assert L.default_log_dirs("darwin", home, {}) == [home / "Library" / "Logs" / "SparkMacDesktop"]
    assert L.default_log_dirs("linux", home, {}) == []
    with pytest.raises(L.LogInputError, match="does not run on Linux.*wxtriage logs PATH"):
        L.find_default_logs("linux", home, {})
    with pytest.raises(L.LogInputError, match=re.escape(str(home / "Library" / "Logs" / "SparkMacDesktop"))):
        L.find_default_logs("darwin", home, {})


def test_fake_windows_layout_is_found_and_read(tmp_path):
    spark = tmp_path / "Users" / "alice" / "AppData" / "Local" / "CiscoSpark"
    (spark / "media").mkdir(parents=True)
    (spark / "current_log.txt").write_bytes(DESKTOP)
    (spark / "current_log_1.txt").write_bytes(ROTATED)
    (spark / "media" / "wme_1.log").write_bytes(b"2026-11-20T14:00:00.000Z media ok\n")
    found = L.find_default_logs("win32", tmp_path / "Users" / "alice", {})
    assert found == spark
    scan = L.scan_logs(found)
    assert sorted(f.name for f in scan.files) == ["current_log.txt", "current_log_1.txt", "media/wme_1.log"]
    assert scan.files[0].name == "current_log_1.txt"  # ordered by time: the rotated file is older


def test_fake_macos_layout(tmp_path):
    home = tmp_path / "alice"
    logs = home / "Library" / "Logs" / "SparkMacDesktop"
    logs.mkdir(parents=True)
    (logs / "current_log").write_bytes(DESKTOP)  # no extension on the Mac
    scan = L.scan_logs(L.find_default_logs("darwin", home, {}))
    assert [f.name for f in scan.files] == ["current_log"]
    assert "bwtoken_fetch" in scan.stats


def test_bad_paths_say_what_to_do(tmp_path):
    with pytest.raises(L.LogInputError, match="no such file or folder"):
        L.scan_logs(tmp_path / "missing")
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.png").write_bytes(b"\x89PNG")
    with pytest.raises(L.LogInputError, match=r"no log files in the folder .*1 other files ignored"):
        L.scan_logs(tmp_path / "pics")
    bad = tmp_path / "sent.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(L.LogInputError, match="not a readable zip"):
        L.scan_logs(bad)
    badtar = tmp_path / "sent.tar.gz"
    badtar.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(L.LogInputError, match="not a readable tar"):
        L.scan_logs(badtar)


# ------------------------------------------------------------------------------------------ parsing

@pytest.mark.parametrize("engine", ENGINES)
def test_mixed_folder(tmp_path, engine):
    scan = L.scan_logs(mixed_folder(tmp_path / "sent"), engine=engine)
    by = {f.name: f for f in scan.files}
    assert set(by) == {"current_log.txt", "logs/current_log_1.txt", "wbx_teams_android.log", "crlf_log.txt",
                       "latin1_log.txt", "empty.log", "media/wme_trace.log", "other.log"}
    assert scan.ignored == 1  # spark.db
    assert by["empty.log"].status == "empty"
    assert by["media/wme_trace.log"].status == "binary" and "skipped" in by["media/wme_trace.log"].note
    assert by["wbx_teams_android.log"].shape == "mobile" and by["current_log.txt"].shape == "desktop"
    assert by["latin1_log.txt"].invalid_utf8 and "invalid UTF-8" in by["latin1_log.txt"].note
    assert by["other.log"].unrecognised == 2 and by["other.log"].entries == 0
    # 20 desktop lines of which 5 continue a SIP entry: continuation lines are not "unrecognised"
    assert (by["current_log.txt"].lines, by["current_log.txt"].entries, by["current_log.txt"].unrecognised) == (20, 15, 0)
    assert scan.lines == 20 + 4 + 4 + 2 + 2 + 2
    assert scan.unrecognised == 2
    assert scan.unrecognised_share == pytest.approx(2 / 34)
    crlf = by["crlf_log.txt"]
    assert crlf.lines == 2 and crlf.last == _dt.datetime(2026, 11, 20, 15, 0, 1, tzinfo=_dt.timezone.utc)
    assert codes(scan)["config_wxt"] == 2  # desktop parse failure + the CRLF download failure
    hit = next(h for h in scan.stats["config_wxt"].hits if h.file == "crlf_log.txt")
    assert "\r" not in hit.excerpt and "\r" not in hit.text
    latin = next(h for h in scan.stats["sip_registration"].hits if h.file == "latin1_log.txt")
    assert "J\ufffdrg" in latin.text  # replaced, not dropped, not crashed


def test_mixed_folder_findings(tmp_path):
    scan = L.scan_logs(mixed_folder(tmp_path / "sent"))
    findings = findings_from_scan(scan)
    by = {f.code: f for f in findings}
    assert by["logs.bwtoken.fetch_failed"].severity is Severity.ERROR
    assert by["logs.bwtoken.fetch_failed"].data["count"] == 3
    assert by["logs.bwtoken.fetch_failed"].data["tracking_ids"] == [
        "NA_8666bff8-a5f2-4a6c-a31d-c7dccea7315c", "ATLAS_0f4b3c2a-1d2e-4f50-8a9b-0c1d2e3f4a5b_3"]
    assert "503" in by["logs.bwtoken.fetch_failed"].detail and "401" in by["logs.bwtoken.fetch_failed"].detail
    assert by["logs.bwtoken.fetch_failed"].remediation.steps  # the seed's checklist
    assert by["logs.bwtoken.fetch_failed"].evidence[0].kind == "log-excerpt"
    assert by["logs.files.skipped"].data["count"] == 1
    assert "logs.parse.unrecognised_lines" not in by  # 6 % is under the threshold
    summary = findings[-1]
    assert summary.code == "logs.summary"
    assert summary.data["facts"]["client_version"] == ["44.10.0.30906"]
    assert summary.data["facts"]["os"] == ["Windows 10 Enterprise 22H2"]
    assert summary.data["facts"]["telephony"] == "Webex for BroadWorks"
    assert summary.data["case_facts"]["org_ids"] == ["1eb65fdf-9643-417f-9974-ad72cae0e10f"]
    assert summary.data["case_facts"]["emails"] == ["alice.smith@example.com"]
    times = [t["time"] for t in summary.data["timeline"]]
    assert times == sorted(times)
    assert {t["code"] for t in summary.data["timeline"]} >= {"logs.sbc.unreachable", "logs.service_discovery.failed"}
    json.dumps([f.to_dict() for f in findings])  # JSON-able throughout


def test_zip_and_tar_read_like_the_folder(tmp_path):
    folder = mixed_folder(tmp_path / "sent")
    zpath = tmp_path / "sent.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, "CiscoSpark/" + p.relative_to(folder).as_posix())
        zf.writestr("CiscoSpark/old_logs.zip", b"PK\x05\x06" + bytes(18))
    tpath = tmp_path / "sent.tar.gz"
    with tarfile.open(tpath, "w:gz") as tf:
        tf.add(folder, arcname="CiscoSpark")
    ref = L.scan_logs(folder)
    for path in (zpath, tpath):
        scan = L.scan_logs(path)
        assert codes(scan) == codes(ref), path
        assert scan.lines == ref.lines and scan.unrecognised == ref.unrecognised
        assert {f.name.removeprefix("CiscoSpark/") for f in scan.files} == {f.name for f in ref.files}
        assert scan.facts == ref.facts
    zscan = L.scan_logs(zpath)
    assert ("CiscoSpark/old_logs.zip", "archive inside the archive: unpack it first") in zscan.skipped
    assert zscan.kind == "zip" and L.scan_logs(tpath).kind == "tar"


def test_rotated_gz_and_single_file(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "current_log.txt").write_bytes(DESKTOP)
    (tmp_path / "logs" / "current_log_1.txt.gz").write_bytes(gzip.compress(ROTATED))
    scan = L.scan_logs(tmp_path)
    assert [f.name for f in scan.files] == ["logs/current_log_1.txt.gz", "current_log.txt"]
    assert codes(scan)["sbc_unreachable"] == 1
    single = L.scan_logs(tmp_path / "current_log.txt")
    assert single.kind == "file" and [f.name for f in single.files] == ["current_log.txt"]
    assert "sbc_unreachable" not in single.stats


def test_utf16_log_is_read(tmp_path):
    (tmp_path / "current_log.txt").write_bytes(DESKTOP.decode().encode("utf-16"))
    scan = L.scan_logs(tmp_path / "current_log.txt")
    assert scan.files[0].note.startswith("UTF-16")
    assert codes(scan)["bwtoken_fetch"] == 2


@pytest.mark.parametrize("chunk", [41, 97, 256, 1 << 20])
@pytest.mark.parametrize("engine", ENGINES)
def test_chunk_boundaries_do_not_change_results(tmp_path, monkeypatch, chunk, engine):
    """Entries are never split across chunks, so any chunk size gives the same answer."""
    body = b"preamble without a timestamp\n" + DESKTOP * 3 + MOBILE + b"2026-11-20T16:00:00Z tail"
    (tmp_path / "big.log").write_bytes(body)
    ref = L.scan_logs(tmp_path / "big.log", engine=engine)
    scan = L.scan_logs(tmp_path / "big.log", engine=engine, chunk_size=chunk)
    f, rf = scan.files[0], ref.files[0]
    assert (f.lines, f.entries, f.unrecognised, f.first, f.last) == (rf.lines, rf.entries, rf.unrecognised,
                                                                     rf.first, rf.last)
    assert f.lines == body.count(b"\n") + 1 and f.unrecognised == 1
    assert codes(scan) == codes(ref)
    assert [(h.file, h.line) for h in scan.hits()] == [(h.file, h.line) for h in ref.hits()]
    assert f.last == _dt.datetime(2026, 11, 20, 16, 0, tzinfo=_dt.timezone.utc)


def test_multiline_sip_entry(tmp_path):
    log = (b"2026-11-20T14:12:00.000Z <Info> [0x3e4f] SipStack.cpp:500 received SIP message:\n"
           b"SIP/2.0 401 Unauthorized\nCSeq: 1 REGISTER\n"
           b"2026-11-20T14:12:01.000Z <Info> [0x3e4f] SipStack.cpp:500 received SIP message:\n"
           b"SIP/2.0 403 Forbidden\nCSeq: 9 INVITE\n"
           b"2026-11-20T14:12:02.000Z <Info> [0x3e4f] SipStack.cpp:500 received SIP message:\n"
           b"SIP/2.0 503 Service Unavailable\nVia: SIP/2.0/TLS 192.0.2.1:5061\nSIP/2.0 503 repeated\n"
           b"CSeq: 3 REGISTER\n")
    (tmp_path / "current_log.txt").write_bytes(log)
    scan = L.scan_logs(tmp_path / "current_log.txt")
    st = scan.stats["sip_registration"]
    assert st.count == 1  # 401 is a normal challenge; 403 to INVITE is not a registration; one entry once
    hit = st.hits[0]
    assert hit.line == 8 and hit.values["sip_status"] == "503"
    assert "CSeq: 3 REGISTER" in hit.excerpt and "      8>" in hit.excerpt


def test_parse_log_time_shapes():
    utc = _dt.timezone.utc
    assert L.parse_log_time("2026-11-20T14:00:03.120Z <Error>") == _dt.datetime(2026, 11, 20, 14, 0, 3, 120000, utc)
    assert L.parse_log_time("2024-02-02 12:02:22.498 9619 9771 D WBX") == _dt.datetime(2024, 2, 2, 12, 2, 22, 498000, utc)
    assert L.parse_log_time("[2026/11/20 14:00:03,5] x") == _dt.datetime(2026, 11, 20, 14, 0, 3, 500000, utc)
    t = L.parse_log_time("2026-11-20T15:00:03+01:00 x")
    assert t == _dt.datetime(2026, 11, 20, 14, 0, 3, tzinfo=utc)
    assert L.parse_log_time("2026-13-40T99:00:00Z") is None
    assert L.parse_log_time("Nov 20 15:00:00 host") is None


def test_looks_like_log():
    for name in ("current_log", "current_log.txt", "current_log_1.txt", "media/wme.log", "app.log.1",
                 "logs/current_log_2.txt.gz", "webexlog"):
        assert L.looks_like_log(name), name
    for name in ("spark.db", "avatar.png", "settings.json", "x.tar.gz"):
        assert not L.looks_like_log(name), name


# ------------------------------------------------------------------------------------------ window

def test_time_window_limits_analysis(tmp_path):
    folder = mixed_folder(tmp_path / "sent")
    w = TimeWindow(parse_time("2026-11-20T14:05"), parse_time("2026-11-20T14:15"))
    scan = L.scan_logs(folder, w)
    assert set(scan.stats) == {"config_wxt", "sip_registration"}
    assert codes(scan)["sip_registration"] == 2
    assert scan.outside_window > 0
    assert scan.untimed_excluded == 0
    assert all(w.contains(h.time) for h in scan.hits())
    late = L.scan_logs(folder, TimeWindow(parse_time("2027-01-01")))
    assert not late.stats
    assert "logs.window.no_overlap" in {f.code for f in findings_from_scan(late)}


def test_webex_calling_user(tmp_path):
    (tmp_path / "current_log.txt").write_bytes(
        b"2026-11-20T14:00:00Z <Info> [0x1] PhoneServices.cpp:1 phone services: Webex Calling connected\n")
    found = {f.code for f in findings_from_scan(L.scan_logs(tmp_path))}
    assert "logs.telephony.webex_calling" in found


def test_unrecognised_share_warns(tmp_path):
    (tmp_path / "current_log.txt").write_bytes(b"garbage line\n" * 30 + DESKTOP)
    f = {f.code: f for f in findings_from_scan(L.scan_logs(tmp_path))}["logs.parse.unrecognised_lines"]
    assert f.title.startswith("60 %") and f.data["unrecognised"] == 30


def test_generic_error_codes_are_grouped(tmp_path):
    lines = [f"2026-11-20T14:00:{i:02d}Z <Error> [0x1] Foo.cpp:1 request failed errorCode={4000 + i % 3}\n"
             for i in range(30)]
    (tmp_path / "current_log.txt").write_text("".join(lines))
    findings = [f for f in findings_from_scan(L.scan_logs(tmp_path)) if f.code == "logs.error.other"]
    assert sorted(f.data["code"] for f in findings) == ["4000", "4001", "4002"]
    assert all(f.data["count"] == 10 for f in findings)


# ------------------------------------------------------------------------------------------ catalog

def test_catalog_patterns_compile_in_both_engines():
    # Sources, severities and documented codes: tests/test_catalogs.py.
    cat = L.load_patterns().catalog
    for key, text in L.load_patterns().raw.items():
        re.compile(text, re.IGNORECASE)
        if L._re2_module() is not None:
            L._re2_module().compile(("(?i)" + text).encode())
    assert len([r for r in cat["rules"].values() if "pattern" in r]) == len(L.load_patterns().rules) >= 10
    for f in cat["facts"].values():
        assert re.compile(f["pattern"]).groups == 1


# ------------------------------------------------------------------------------------------ the check

async def test_check_uses_case_window_and_option_overrides(tmp_path):
    folder = mixed_folder(tmp_path / "sent")
    case = Case.create(since="2026-11-20T13:00", until="2026-11-20T13:30")
    r = await run_one(ClientLogsCheck, CheckContext(case=case, options={"logs": str(folder)}))
    assert r.status is Status.FAIL
    assert {f.code for f in r.findings} >= {"logs.sbc.unreachable", "logs.service_discovery.failed"}
    assert "logs.bwtoken.fetch_failed" not in {f.code for f in r.findings}
    r2 = await run_one(ClientLogsCheck, CheckContext(case=case, options={
        "logs": str(folder), "since": "2026-11-20T14:00", "until": "2026-11-20T14:01"}))
    assert {f.code for f in r2.findings} >= {"logs.bwtoken.fetch_failed"}
    assert "logs.sbc.unreachable" not in {f.code for f in r2.findings}


async def test_check_skips_with_reason_on_linux_without_path(monkeypatch):
    monkeypatch.setattr(L.sys, "platform", "linux")
    r = await run_one(ClientLogsCheck, CheckContext())
    assert r.status is Status.SKIP and "Linux" in r.reason


async def test_cancel_stops_the_reader_between_files(tmp_path):
    for i in range(3):
        (tmp_path / f"current_log_{i}.txt").write_bytes(DESKTOP)
    ev = asyncio.Event()

    def on_event(e):
        if isinstance(e, CheckProgress) and e.message.startswith("reading current_log_0"):
            ev.set()  # the user pressed cancel while the first file was being read

    r = await run_one(ClientLogsCheck, CheckContext(options={"logs": str(tmp_path)}, cancel_event=ev), on_event)
    assert r.status is Status.SKIP and "cancelled" in r.reason
    seen = []
    scan = L.scan_logs(tmp_path, progress=seen.append, cancelled=lambda: len(seen) >= 1)
    assert scan.cancelled and len(scan.files) == 1


def test_case_with_facts():
    case = Case.create(emails=["bob@example.com"])
    data = {"emails": ["alice@example.com", "bob@example.com"], "client_versions": ["44.10.0.30906"],
            "tracking_ids": ["NA_8666bff8-a5f2-4a6c-a31d-c7dccea7315c"],
            "org_ids": ["1eb65fdf-9643-417f-9974-ad72cae0e10f"]}
    new, changes = case_with_facts(case, data)
    assert new.emails == ("bob@example.com", "alice@example.com")
    assert new.org_id == "1eb65fdf-9643-417f-9974-ad72cae0e10f"
    assert len(changes) == 4
    again, none = case_with_facts(new, data)
    assert again is new and none == []


# ------------------------------------------------------------------------------------------ CLI

def test_cli_text_json_and_no_secrets(tmp_path):
    folder = mixed_folder(tmp_path / "sent")
    r = wxtriage("logs", str(folder))
    assert r.code == 1, r.err
    assert "44.10.0.30906" in r.out and "Webex for BroadWorks" in r.out
    assert "5.9 % of lines not recognised" in r.out
    assert "The app could not get its BroadWorks token" in r.out and "Timeline" in r.out
    assert "media/wme_trace.log" in r.out and "binary" in r.out
    j = wxtriage("logs", str(folder), "--json", "--since", "2026-11-20T13:00Z", "--until", "2026-11-20T13:30Z")
    assert j.code == 1
    doc = json.loads(j.out)
    (check,) = doc["checks"]
    found = {f["code"] for f in check["findings"]}
    assert {"logs.sbc.unreachable", "logs.summary"} <= found and "logs.bwtoken.fetch_failed" not in found
    full = wxtriage("logs", str(folder), "--json")
    for out in (r.out, full.out):
        for secret in SECRETS:
            assert secret not in out, secret
    assert "<redacted:" in full.out


def test_cli_clean_logs_exit_0(tmp_path):
    (tmp_path / "current_log.txt").write_bytes(
        b"2026-11-20T14:00:00.101Z <Info> [0x1] SparkApplication.cpp:211 Webex app version: 44.10.0.1 starting\n")
    r = wxtriage("logs", str(tmp_path / "current_log.txt"))
    assert r.code == 0, r.out + r.err
    assert "no BroadWorks-related failures found" in r.out


def test_cli_bad_input_exits_2(tmp_path):
    for args, msg in ((("logs", str(tmp_path / "nope")), "no such file or folder"),
                      (("logs", str(tmp_path), "--since", "yesterday"), "is not a time"),
                      (("logs", str(tmp_path), "--copy-facts"), "needs --case")):
        r = wxtriage(*args)
        assert r.code == 2 and msg in r.err and "Traceback" not in r.err, (args, r.err)
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    r = wxtriage("logs", str(tmp_path / "x.zip"))
    assert r.code == 2 and "not a readable zip" in r.err
    r = wxtriage("logs")  # this machine is Linux: no default folder
    assert r.code == 2 and "wxtriage logs PATH" in r.err


def test_cli_case_window_store_and_copy_facts(tmp_path, wxtriage_home):
    folder = mixed_folder(tmp_path / "sent")
    new = wxtriage("case", "new", "--since", "2026-11-20T13:00Z", "--until", "2026-11-20T13:30Z", home=wxtriage_home)
    case_id = new.out.split()[-1]
    r = wxtriage("logs", str(folder), "--case", case_id, "--copy-facts", home=wxtriage_home)
    assert r.code == 1 and f"Copied into case {case_id}" in r.out
    assert "logs.bwtoken.fetch_failed" not in r.out  # the case's window applies
    shown = json.loads(wxtriage("case", "show", case_id, "--json", home=wxtriage_home).out)
    assert shown["case"]["emails"] == ["alice.smith@example.com"]
    assert shown["case"]["org_id"] == "1eb65fdf-9643-417f-9974-ad72cae0e10f"
    assert shown["case"]["client_versions"] == ["44.10.0.30906"]
    assert [c["id"] for c in shown["checks"]] == ["client.logs"]


def test_run_accepts_a_logs_folder(tmp_path):
    folder = mixed_folder(tmp_path / "sent")
    r = wxtriage("run", "--check", "client.logs", "--logs", str(folder), "--json")
    assert r.code == 1, r.err
    assert json.loads(r.out)["checks"][0]["status"] == "fail"
    r = wxtriage("run", "--check", "client.logs", "--logs", str(tmp_path / "nope"))
    assert r.code == 2 and "no such file or folder" in r.err


# ------------------------------------------------------------------------------------------ redaction

def test_redactor_log_rules():
    r = Redactor()
    assert r.redact_text("Cookie: JSESSIONID=ab12cd34ef56; bw=zz9988776655") == "Cookie: <redacted:cookie:1>"
    assert "a=b1234" not in r.redact_text('{"cookie": "a=b1234; c=d5678"}')
    assert r.redact_text("Set-Cookie: sid=abcdef; Path=/") == "Set-Cookie: <redacted:cookie:3>"
    out = r.redact_text('Authorization: Digest username="alice", realm="bw", nonce="3f4a5b6c7d", response="9e8d"')
    assert out == "Authorization: Digest <redacted:digest:1>"
    assert r.redact_text("Digest is a word") == "Digest is a word"  # the scheme word is never a secret
    # class and file names that contain "Token" or "Session" are code, not credentials
    for line in ("BroadWorksTokenManager.cpp::130 operator():BWC:SCF: fetching token",
                 "BroadWorksTokenManager: fetching now", "SsoSessionService: started"):
        assert r.redact_text(line) == line
    assert r.redact_text("bwToken=abcdef123456") == "bwToken=<redacted:secret:1>"
    assert r.redact_text('"accessToken": "xyz98765"') == '"accessToken": "<redacted:secret:2>"'


def test_required_literals_cover_every_match():
    """The stdlib fallback only looks at lines holding a required literal: check the derivation."""
    assert L.required_literals(r"errorCode\s*=\s*1502|http error when") == frozenset({"errorcode", "http error when"})
    assert L.required_literals(r"(?:ab|cd)?x") is None  # nothing of three characters is required
    assert L.required_literals(r"no (?:reachable|available) SBC") == frozenset({"reachable", "available"})
    samples = [DESKTOP, ROTATED, MOBILE]
    pats = L.load_patterns()
    for spec in (*pats.rules, *pats.facts):
        rx = spec.trigger if isinstance(spec, L.Rule) else spec.pattern
        assert spec.literals, f"{spec.key}: no required literal; the fallback would regex every byte"
        for line in b"\n".join(samples).decode().splitlines():
            if rx.search(line):
                assert any(x in line.lower() for x in spec.literals), (spec.key, line)


def test_run_rejects_a_broken_archive_as_bad_input(tmp_path):
    (tmp_path / "sent.zip").write_bytes(b"PK\x03\x04 broken")
    r = wxtriage("run", "--check", "client.logs", "--logs", str(tmp_path / "sent.zip"))
    assert r.code == 2 and "not a readable zip" in r.err and "Traceback" not in r.err


def test_nothing_readable_is_not_a_pass(tmp_path, wxtriage_home):
    """A binary or empty file alone is bad input (exit 2), never a passing check."""
    from tests.helpers import wxtriage

    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 500)
    (tmp_path / "empty.txt").write_bytes(b"")
    for name in ("blob.bin", "empty.txt"):
        r = wxtriage("logs", str(tmp_path / name), home=wxtriage_home)
        assert r.code == 2 and "no log lines found" in r.err and "Traceback" not in r.err
        r = wxtriage("run", "--check", "client.logs", "--logs", str(tmp_path / name), home=wxtriage_home)
        assert "[–]" in r.out and "no log lines found" in r.out


def test_client_build_is_the_apps_not_the_os_build(tmp_path):
    # The desktop fixture's OS line carries "build=19045" (Windows): that is not the client build.
    (tmp_path / "current_log.txt").write_bytes(DESKTOP)
    scan = L.scan_logs(tmp_path)
    assert scan.facts["client_version"] == ["44.10.0.30906"]
    assert scan.facts["client_build"] == ["30906"]  # the last part of the four-part version
    # A line that names the app's build wins over the version.
    (tmp_path / "current_log.txt").write_bytes(
        DESKTOP + b"2026-11-20T14:40:00.000Z <Info> [0x1a2b] SparkApplication.cpp:212 client build: 30907\n")
    assert L.scan_logs(tmp_path).facts["client_build"] == ["30907"]


def token_failure_logs(root: Path, count: int = 1502, *, crlf: bool = False) -> Path:
    """A log full of BroadWorks token failures (errorCode 1502) between 13:00 and 13:25, plus a quiet
    stretch at 14:00 — the shape where a short case window (a HAR's seconds) hides everything."""
    root.mkdir(parents=True, exist_ok=True)
    nl = "\r\n" if crlf else "\n"
    lines = [f"2026-11-20T13:{i // 60 % 25:02d}:{i % 60:02d}.000Z <Error> [0x2] BroadWorksTokenManager.cpp:88 "
             f"bwtoken/fetch failed errorCode=1502" for i in range(count)]
    lines += [f"2026-11-20T14:00:0{i}.000Z <Info> [0x1] SparkApplication.cpp:1 idle" for i in range(10)]
    (root / "current_log.txt").write_text(nl.join(lines) + nl, encoding="utf-8")
    return root


@pytest.mark.parametrize("where", ["case", "options"])
async def test_window_that_hides_findings_is_a_warning_not_a_pass(tmp_path, where):
    """A 9-second window (what a HAR sets) inside a log full of failures: never a silent pass."""
    folder = token_failure_logs(tmp_path / "sent")
    window = {"since": "2026-11-20T14:00:00Z", "until": "2026-11-20T14:00:09Z"}
    case = Case.create(**window) if where == "case" else Case.create()
    options = {"logs": str(folder)} | ({} if where == "case" else window)
    r = await run_one(ClientLogsCheck, CheckContext(case=case, options=options))
    assert r.status is Status.WARN
    by = {f.code: f for f in r.findings}
    assert "logs.bwtoken.fetch_failed" not in by
    hidden = by["logs.window.hides_findings"]
    assert hidden.data["count"] == 1502 and "1502 ×" in hidden.data["left_out"]
    summary = by["logs.summary"].data
    assert summary["left_out"] == 1502
    assert summary["window_text"] == "2026-11-20 14:00:00 – 2026-11-20 14:00:09"
    expected = f"case {case.id}" if where == "case" else "given for this run"
    assert expected in summary["window_source"] and expected in hidden.data["window_source"]


async def test_no_window_or_window_that_leaves_nothing_out_adds_no_warning(tmp_path):
    folder = token_failure_logs(tmp_path / "sent", count=30)
    r = await run_one(ClientLogsCheck, CheckContext(case=Case.create(), options={"logs": str(folder)}))
    by = {f.code: f for f in r.findings}
    assert r.status is Status.FAIL and "logs.window.hides_findings" not in by
    assert by["logs.summary"].data["window_text"] == "none"
    # A window around every failure leaves out only quiet lines: no warning.
    case = Case.create(since="2026-11-20T12:59:00Z", until="2026-11-20T13:30:00Z")
    r = await run_one(ClientLogsCheck, CheckContext(case=case, options={"logs": str(folder)}))
    assert "logs.window.hides_findings" not in {f.code for f in r.findings}
    assert r.status is Status.FAIL


@pytest.mark.parametrize("line, version, os_, email", [
    ("Webex version 45.10.0.33456 (Windows 11 Pro 23H2 x64)", "45.10.0.33456", "Windows 11 Pro 23H2 x64", None),
    ("Cisco Webex App version: 44.8.0.30404 (macOS 14.5)", "44.8.0.30404", "macOS 14.5", None),
    ("webex_version=43.12.0.27796", "43.12.0.27796", None, None),
    ("User signed in: alex.doe@example.com", None, None, "alex.doe@example.com"),
    ("Signed-in as 'pat.lee@customer.example.org'", None, None, "pat.lee@customer.example.org"),
    ("login user=sam@example.net", None, None, "sam@example.net"),
    ("OS version: Windows 10 Enterprise 22H2", None, "Windows 10 Enterprise 22H2", None),
])
@pytest.mark.parametrize("engine", ENGINES)
def test_fact_phrasings(tmp_path, engine, line, version, os_, email):
    log = tmp_path / "current_log.txt"
    log.write_text(f"2026-11-20T14:00:00.000Z <Info> [0x1] Startup.cpp:10 {line}\n", encoding="utf-8")
    facts = L.scan_logs(log, engine=engine).facts
    assert facts.get("client_version", [None])[0] == version
    assert facts.get("os", [None])[0] == os_
    assert facts.get("email", [None])[0] == email


async def test_summary_says_which_facts_were_not_found(tmp_path):
    log = tmp_path / "current_log.txt"
    log.write_text("2026-11-20T14:00:00.000Z <Info> [0x1] Startup.cpp:10 Webex version 45.10.0.33456 "
                   "(Windows 11 Pro 23H2 x64)\n", encoding="utf-8")
    r = await run_one(ClientLogsCheck, CheckContext(options={"logs": str(log)}))
    data = next(f for f in r.findings if f.code == "logs.summary").data
    assert data["facts_not_found"] == ["user e-mail", "org ID"]
    out = wxtriage("logs", str(log))
    assert "Not found:      user e-mail, org ID" in out.out


@pytest.mark.parametrize("case_fields, expected", [
    ({"emails": ["someone.else@example.com"]}, ["user"]),
    ({"client_versions": ["44.1.0.1"]}, ["client version"]),
    ({"emails": ["Alex.Doe@Example.com"], "client_versions": ["45.10.0.33456"]}, []),  # same, other case
    ({}, []),  # nothing in the case to disagree with
    ({"org_id": "1eb65fdf-9643-417f-9974-ad72cae0e10f", "emails": ["x@example.com"]}, ["org ID", "user"]),
])
async def test_logs_that_disagree_with_the_case_warn(tmp_path, case_fields, expected):
    log = tmp_path / "current_log.txt"
    log.write_text("2026-11-20T14:00:00.000Z <Info> [0x1] Startup.cpp:10 Webex version 45.10.0.33456 "
                   "(Windows 11 Pro 23H2 x64)\n"
                   "2026-11-20T14:00:01.000Z <Info> [0x1] Auth.cpp:20 User signed in: alex.doe@example.com "
                   "orgId=8c7b2f4e-1d2a-4b3c-9e8f-0a1b2c3d4e5f\n", encoding="utf-8")
    r = await run_one(ClientLogsCheck, CheckContext(case=Case.create(**case_fields), options={"logs": str(log)}))
    found = [f for f in r.findings if f.code == "logs.case.mismatch"]
    assert [f.data["fields"] for f in found] == ([expected] if expected else [])
    assert r.findings[-1].code == "logs.summary"
    if expected:
        assert r.status is Status.WARN and "wrong case" in found[0].detail


def test_match_dense_logs_count_every_match_and_keep_bounded_excerpts(tmp_path):
    """Issue 13, point 11: most lines match; every one is counted, first/last kept, excerpts bounded."""
    from checks.evidence.logs import MAX_HITS_PER_RULE, scan_logs
    lines = [f"2026-11-20T14:{i // 60 % 60:02d}:{i % 60:02d}.000Z <Error> [0x1a] XsiClient.cpp:{i} request failed "
             f"errorCode=1502 TrackingID=NA_8666bff8-a5f2-4a6c-a31d-c7dccea7315c_{i}" for i in range(3000)]
    p = tmp_path / "current_log.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scan = scan_logs(p)
    stats = [st for st in scan.stats.values() if st.count]
    assert stats and max(st.count for st in stats) == 3000
    assert all(len(st.hits) <= MAX_HITS_PER_RULE for st in stats)
    top = max(stats, key=lambda st: st.count)
    assert top.first.minute == 0 and top.last.second == 59
