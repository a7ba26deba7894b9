"""Every piece of evidence a case used is in its TAC bundle, redacted, listed in the manifest with
its SHA-256 and the check that used it — whichever way the check ran (``run --case``, the live
session's checks screen, the paste boxes)."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import trustme

from checks.bundle import verify_bundle
from tests import har_fixtures as hf
from tests.bwfixtures import BLF, features, listpatch
from tests.helpers import wxtriage
from tests.test_client_logs import token_failure_logs
from tests.tls_servers import HOST, XSI_ROUTES, TlsServer, leaf_spec

XSI = "/com.broadsoft.xsi-actions/v2.0/"
PASTE_PASSWORD = "Sup3rS3cretPaste!"


def _case(home: Path) -> str:
    r = wxtriage("case", "new", "--org-id", hf.ORG, "--description", "bundle evidence", home=home)
    assert r.code == 0, r.err
    return r.out.split()[-1]


def test_bundle_of_a_case_worked_from_the_command_line_has_every_evidence_file(tmp_path, monkeypatch):
    home = tmp_path / "home"
    case = _case(home)
    har = hf.seed_har(tmp_path / "onboard.har")
    logs = token_failure_logs(tmp_path / "logs", count=40)
    patches = tmp_path / "listPatch.txt"
    patches.write_text(listpatch(BLF["R24"])
                       + f"\npassword = {PASTE_PASSWORD}\n", encoding="utf-8")
    feats = tmp_path / "features.txt"
    feats.write_text(features({"101642": True}), encoding="utf-8-sig")  # a BOM, as Notepad writes
    ca, webex = trustme.CA(), trustme.CA(organization_name="Webex Test Client Root")
    trust = tmp_path / "trust.pem"
    ca.cert_pem.write_to_path(str(trust))
    webex_ca = tmp_path / "CombinedCertChain.txt"
    webex.cert_pem.write_to_path(str(webex_ca))
    monkeypatch.setenv("SSL_CERT_FILE", str(trust))

    assert wxtriage("run", "--case", case, "--check", "har.analyze", "--har", str(har), home=home).code in (0, 1)
    assert wxtriage("run", "--case", case, "--check", "client.logs", "--logs", str(logs), home=home).code == 1
    r = wxtriage("run", "--case", case, "--area", "blf", "--patches", str(patches), "--features", str(feats),
                 home=home)
    assert r.code in (0, 1), r.err
    with TlsServer(leaf_spec(ca.issue_cert(HOST), routes=XSI_ROUTES), "127.0.0.11") as srv:
        r = wxtriage("run", "--case", case, "--area", "mtls", "--xsi-actions", f"https://{HOST}:{srv.port}{XSI}",
                     "--resolve", f"{HOST}:{srv.port}:127.0.0.11", "--probe-timeout", "3",
                     "--webex-ca", str(webex_ca), home=home)
    assert r.code in (0, 1), r.err

    out = tmp_path / "case.zip"
    r = wxtriage("bundle", "--case", case, "-o", str(out), home=home)
    assert r.code == 0, r.err
    assert verify_bundle(out) == []
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        text = {n: zf.read(n).decode("utf-8", errors="replace") for n in names}
    evidence = {e["file"]: e for e in manifest["evidence"]}
    by_input = {e["input"]: e for e in manifest["evidence"]}
    # Inputs: the HAR (redacted), the pastes (redacted), the Webex CA file; each with its checks.
    assert by_input["har"]["checks"] == ["har.analyze"] and by_input["har"]["file"].endswith(".redacted.har")
    assert "bw.blf" in by_input["patches"]["checks"] and "bw.blf" in by_input["features"]["checks"]
    assert by_input["webex-ca"]["checks"] and "BEGIN CERTIFICATE" in text[by_input["webex-ca"]["file"]]
    assert "101642" in text[by_input["features"]["file"]]
    # What the checks saw: the log excerpts, the probe transcripts, the chain in PEM.
    assert "errorCode=1502" in text["evidence/checks/client.logs.txt"]
    assert any(n.startswith("evidence/checks/xsp.tls") and n.endswith(".chains.pem") for n in names)
    pem = next(text[n] for n in names if n.endswith(".chains.pem"))
    assert pem.count("BEGIN CERTIFICATE") >= 1
    assert "evidence/checks/xsp.tls.txt" in names
    # The failing POST's response content travels with the HAR.
    assert "10991" in text[by_input["har"]["file"]]
    for name, e in evidence.items():
        assert e["sha256"] == manifest["files"][name]["sha256"] and e["checks"], name
    # Nothing secret anywhere; the log folder itself is summarised, not copied.
    for secret in (*hf.SECRETS, PASTE_PASSWORD):
        assert not any(secret in t for t in text.values()), secret
    assert any("logs" in n and "excerpts are in evidence/checks/client.logs.txt" in n for n in manifest["notes"])


async def test_har_given_to_the_live_session_checks_screen_is_in_the_bundle(tmp_path):
    """The ``har`` input of the checks screen (not the HAR screen): its redacted copy is attached."""
    from textual.widgets import Input

    from checks.bundle import export_case_bundle
    from tui.demo import DEMO_CASE_ID, demo_app

    from .tui_helpers import wait_for_run

    har = hf.seed_har(tmp_path / "live.har")
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_case(DEMO_CASE_ID)
        app.action_checks(check_ids=("har.analyze",))
        await pilot.pause()
        app.screen.query_one("#o-har", Input).value = f'"{har}"'  # quoted, as pasted
        await pilot.press("ctrl+r")
        assert (await wait_for_run(pilot)).startswith("done")
        done = export_case_bundle(app.store, DEMO_CASE_ID, tmp_path / "b.zip")
    assert verify_bundle(done.path) == []
    with zipfile.ZipFile(done.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        attached = {e["input"]: e for e in manifest["evidence"]}
        assert attached["har"]["checks"] == ["har.analyze"]
        body = zf.read(attached["har"]["file"]).decode()
    assert "10991" in body and not any(secret in body for secret in hf.SECRETS)
