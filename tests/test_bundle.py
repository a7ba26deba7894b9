"""Bundle writer: checksums, atomic write, refusal hooks leave nothing behind."""
from __future__ import annotations

import json
import zipfile

import pytest

from checks.bundle import BundleError, verify_bundle, write_bundle
from checks.case import Case
from checks.model import CheckResult, Finding, Severity, Status
from checks.redact import LeakError, LeakScanner


def _case():
    return Case.create(org_id="1eb65fdf-9643-417f-9974-ad72cae0e10f", description="d")


def test_manifest_checksums_and_tamper_detection(tmp_path):
    res = [CheckResult("xsp.urls", "t", "urls", Status.FAIL, (Finding("a.b", Severity.ERROR, "x"),), "", "now", 0.2)]
    out = write_bundle(_case(), res, tmp_path / "b.zip")
    assert verify_bundle(out) == []
    with zipfile.ZipFile(out) as zf:
        m = json.loads(zf.read("manifest.json"))
        assert set(m["files"]) == {"findings.json", "report.md"}
        assert m["checks"][0]["duration_s"] == 0.2 and m["tool"] == "wxtriage"
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries["report.md"] += b"tampered"
    with zipfile.ZipFile(tmp_path / "t.zip", "w") as zf:
        for n, d in entries.items():
            zf.writestr(n, d)
    assert verify_bundle(tmp_path / "t.zip") == ["report.md: checksum does not match the manifest"]


def test_secrets_in_case_text_are_redacted_consistently(tmp_path):
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    case = Case.create(description=f"pasted {jwt} and password=hunter2hunter2")
    out = write_bundle(case, [], tmp_path / "b.zip")
    with zipfile.ZipFile(out) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert jwt.encode() not in blob and b"hunter2hunter2" not in blob
    assert b"<redacted:jwt:1>" in blob and b"<redacted:secret:1>" in blob
    assert verify_bundle(out) == []


def test_known_secret_refuses_and_leaves_nothing(tmp_path):
    case = Case.create(description="the test user's password is Wint3rIsComing")
    with pytest.raises(LeakError, match="known secret"):
        write_bundle(case, [], tmp_path / "b.zip", scanner=LeakScanner(["Wint3rIsComing"]))
    assert list(tmp_path.iterdir()) == []


def test_bad_destinations(tmp_path):
    case = _case()
    assert write_bundle(case, [], tmp_path) == tmp_path / f"wxtriage-{case.id}.zip"  # a folder: the zip goes in it
    with pytest.raises(BundleError, match="does not exist"):
        write_bundle(_case(), [], tmp_path / "x" / "b.zip")


def test_redactor_and_scanner_agree_on_prose_and_credentials():
    from checks.redact import Redactor
    prose = "Basic entitlement checks and Bearer authentication are fine words"
    assert Redactor().redact_text(prose) == prose
    assert LeakScanner().scan_text(prose, "x") == []
    secret = "Authorization: Basic dXNlcjpwYXNzd29yZA== then Bearer abc123defghi"
    red = Redactor().redact_text(secret)
    assert "dXNlcjpwYXNzd29yZA==" not in red and "abc123defghi" not in red
    assert LeakScanner().scan_text(red, "x") == []
    assert LeakScanner().scan_text(secret, "x")


def test_json_data_keys_are_not_secrets():
    from checks.redact import Redactor
    out = Redactor().redact_json({"code": 5302, "state": "provisioned", "refresh_token": "r1r2r3r4r5"})
    assert out["code"] == 5302 and out["state"] == "provisioned" and out["refresh_token"].startswith("<redacted")


def test_bundle_attaches_a_redacted_copy_of_the_case_har(tmp_path, wxtriage_home):
    """`wxtriage har FILE --case ID` records the capture; the bundle carries its redacted copy."""
    from haralyzer import HarParser

    from tests import har_fixtures as hf
    from tests.helpers import wxtriage

    har = hf.seed_har(tmp_path / "capture.har")
    raw = har.read_text()
    secrets = [s for s in hf.SECRETS if s in raw]
    assert secrets  # the capture really holds secrets
    case_id = wxtriage("case", "new", home=wxtriage_home).out.split()[-1]
    assert wxtriage("har", str(har), "--case", case_id, home=wxtriage_home).code == 1
    out = tmp_path / "tac.zip"
    r = wxtriage("bundle", "--case", case_id, "-o", str(out), home=wxtriage_home)
    assert r.code == 0, r.err
    assert "evidence/capture.redacted.har" in r.out
    assert verify_bundle(out) == []
    with zipfile.ZipFile(out) as zf:
        copy = zf.read("evidence/capture.redacted.har").decode()
        manifest = json.loads(zf.read("manifest.json"))
    assert "evidence/capture.redacted.har" in manifest["files"]
    assert "authorization" in raw.lower() and "<redacted:" in copy
    for s in secrets:
        assert s not in copy
    assert "10991" in copy  # what TAC needs is kept
    HarParser(json.loads(copy))  # still a HAR haralyzer loads
    # The original is gone: the bundle is still written, with a note.
    har.unlink()
    r = wxtriage("bundle", "--case", case_id, "-o", str(out), home=wxtriage_home)
    assert r.code == 0 and "no longer at" in r.err
    with zipfile.ZipFile(out) as zf:
        assert any("no longer at" in n for n in json.loads(zf.read("manifest.json"))["notes"])


def test_bundle_says_what_tac_will_ask_for(tmp_path, wxtriage_home):
    """A case without org ID or tracking ID still bundles, but the report, the manifest and the
    command's output name what is missing and how to add it; a complete case gets no such note.
    What TAC asks for only when it applies (a tracking ID the error showed, the affected user, the
    app version) is phrased as a condition, never demanded (issue 16)."""
    from tests.helpers import wxtriage

    case_id = wxtriage("case", "new", "--description", "Partner Hub shows Error", home=wxtriage_home).out.split()[-1]
    r = wxtriage("bundle", "--case", case_id, "-o", str(tmp_path / "a.zip"), home=wxtriage_home)
    assert r.code == 0 and "note: The case has no customer org ID" in r.err
    assert f"wxtriage case set {case_id} --tracking-id" in r.err and "no description" not in r.err
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        notes = json.loads(zf.read("manifest.json"))["notes"]
        report = zf.read("report.md").decode()
    assert len(notes) == 5 and "**Missing for TAC:**" in report
    tracking = next(n for n in notes if "--tracking-id" in n)
    assert tracking.startswith("If the error message or the interface showed a tracking ID")
    assert any(n.startswith("If a particular user has the problem") for n in notes)
    assert any("partner org ID" in n for n in notes) and any("app's version" in n for n in notes)
    assert wxtriage("case", "set", case_id, "--org-id", "1EB65FDF9643417F9974AD72CAE0E10F", "--tracking-id",
                    "ATLAS_8666bff8-a5f2-4a6c-a31d-c7dccea7315c_30", "--partner-org-id",
                    "2EB65FDF9643417F9974AD72CAE0E10F", "--email", "user@example.com",
                    "--client-version", "44.10.0.31234", home=wxtriage_home).code == 0
    r = wxtriage("bundle", "--case", case_id, "-o", str(tmp_path / "b.zip"), home=wxtriage_home)
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert json.loads(zf.read("manifest.json"))["notes"] == []
        assert "Missing for TAC" not in zf.read("report.md").decode()
    assert r.code == 0 and r.err == ""
