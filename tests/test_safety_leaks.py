"""Planted secrets in every body shape and every input, checked in every channel (issue 13, points 1–5).

Each secret below is planted once in a HAR (or an inventory, or a case field); the tests run the
real CLI in-process and look for the raw value in stdout/stderr (text and JSON), the redacted copy,
every bundle member and every byte of the SQLite store.
"""
from __future__ import annotations

import base64
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from checks.redact import HarRedactor, LeakScanner, Redactor, keyring_redactor, redact_har_file
from tui.cli import main

from . import har_fixtures as hf

SAML = base64.b64encode(b"<samlp:Response ID='_a1'><saml:Assertion>signed-by-idp-" + b"x" * 40 +
                        b"</saml:Assertion></samlp:Response>").decode()
SAML_REQ = base64.b64encode(b"<samlp:AuthnRequest ID='_b2' Version='2.0'>" + b"y" * 30 + b"</samlp:AuthnRequest>").decode()
WS_TOKEN = "wsTok3n-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
TEXT_TOKEN = "txtTok-4b3a29181706f5e4d3c2b1"
TEXT_PASSWORD = "Plain-Pass-77q"
JSON_SESSION = "sessVal-0a9b8c7d6e5f4a3b"
JSON_PASSWORD = "JsonStr-Pa55w0rd"
PAIR_PASSWORD = "PairValue-Secr3t!"
COMMENT_TOKEN = "cmtTok-11aa22bb33cc44dd"
QS_TOKEN = "qsTok-99zz88yy77xx66ww"
HTML_PASSWORD = "FormPw-h1dden-input"
META_CSRF = "csrfMeta-5e4d3c2b1a0f"
PLANTED = (SAML, SAML_REQ, WS_TOKEN, TEXT_TOKEN, TEXT_PASSWORD, JSON_SESSION, JSON_PASSWORD, PAIR_PASSWORD,
           COMMENT_TOKEN, QS_TOKEN, HTML_PASSWORD, META_CSRF)


def _hostile_har(path: Path) -> Path:
    """The seed scenario plus one entry per body shape that used to leak."""
    idp = hf.entry("POST", "https://idp.example.com/sso/saml", 200,
                   # auto-post form: attribute order and quoting vary between IdPs
                   f'<html><body onload="document.forms[0].submit()"><form method="post" '
                   f'action="https://idbroker.webex.com/idb/Consumer/metaAlias/x/sp">'
                   f'<input type="hidden" name="SAMLResponse" value="{SAML}"/>'
                   f"<INPUT value='{SAML_REQ}' TYPE=hidden NAME='SAMLRequest'>"
                   f'<input type="hidden" name="RelayState" value="https://admin.webex.com/"/>'
                   f'<input name=password type=password value={HTML_PASSWORD}>'
                   f'<meta name="csrf-token" content="{META_CSRF}">'
                   f"</form></body></html>", "text/html")
    ws = hf.entry("GET", "wss://mercury-connection-a.wbx2.com/v1/apps/wx2/registrations", 101, None)
    ws["_webSocketMessages"] = [
        {"type": "send", "time": 1.5, "opcode": 1, "data": json.dumps({"type": "authorization",
                                                                         "data": {"token": WS_TOKEN}})},
        {"type": "receive", "time": 1.6, "opcode": 1, "data": '{"type":"ack"}'}]
    plain = hf.entry("POST", "https://admin.webex.com/api/echo", 200,
                     f"debug dump\ntoken={TEXT_TOKEN}\npassword: {TEXT_PASSWORD}\n", "text/plain")
    jstr = hf.entry("GET", "https://admin.webex.com/api/diag", 200,
                    json.dumps({"log": f"client sent session={JSON_SESSION} ok",
                                "note": f"user typed password: {JSON_PASSWORD}",
                                "fields": [{"name": "password", "value": PAIR_PASSWORD},
                                           {"name": "email", "value": hf.EMAIL}]}))
    qs = hf.entry("GET", "https://admin.webex.com/api/q", 200, "{}")
    qs["request"]["queryString"] = f"access_token={QS_TOKEN}&orgId={hf.ORG}"
    doc = hf.har_doc([*hf.seed_entries(), idp, ws, plain, jstr, qs])
    doc["log"]["comment"] = f"exported for TAC, token: {COMMENT_TOKEN}"
    return hf.write(path, doc)


def _store_bytes(home: Path) -> str:
    """Every byte of the case store (database, WAL and journal), as text."""
    from checks.store import default_store_path
    db = default_store_path()
    assert db.is_file() and db.is_relative_to(home)
    data = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
    with sqlite3.connect(db) as con:  # what a reader of the file sees, WAL included
        rows = [str(r) for t in ("cases", "results", "drafts", "evidence", "playbook_runs")
                for r in con.execute(f"SELECT * FROM {t}")]
    assert rows
    return data.decode("utf-8", errors="replace") + "\n".join(rows)


def _bundle_text(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8", errors="replace") for n in zf.namelist()}


def _assert_none(planted, where: str, text: str) -> None:
    left = [s[:16] for s in planted if s in text]
    assert not left, f"{where} still holds {left}"


def test_redacted_copy_drops_every_body_shape_secret(tmp_path):
    src = _hostile_har(tmp_path / "in.har")
    out = tmp_path / "red.har"
    redact_har_file(src, out)
    text = out.read_text(encoding="utf-8")
    _assert_none(PLANTED + hf.SECRETS, "redacted copy", text)
    doc = json.loads(text)
    entries = doc["log"]["entries"]
    # What TAC needs stays: the form still posts to the SP, RelayState and e-mails stay, ws frames stay frames.
    idp = next(e for e in entries if "idp.example.com" in e["request"]["url"])
    html = idp["response"]["content"]["text"]
    assert 'name="SAMLResponse" value="<redacted:' in html and "https://admin.webex.com/" in html
    ws = next(e for e in entries if "_webSocketMessages" in e)
    frames = ws["_webSocketMessages"]
    assert len(frames) == 2 and json.loads(frames[0]["data"])["data"]["token"].startswith("<redacted:")
    assert frames[1]["data"] == '{"type":"ack"}'
    diag = json.loads(next(e for e in entries if e["request"]["url"].endswith("/diag"))["response"]["content"]["text"])
    assert {"name": "email", "value": hf.EMAIL} in diag["fields"] and diag["fields"][0]["value"].startswith("<redacted:")
    qs = next(e for e in entries if e["request"]["url"].endswith("/api/q"))
    assert {"name": "orgId", "value": hf.ORG} in qs["request"]["queryString"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_har_command_store_case_show_and_bundle_hold_no_planted_secret(tmp_path, wxtriage_home, capsys, fmt):
    src = _hostile_har(tmp_path / "in.har")
    assert main(["case", "new", "--org-id", hf.ORG]) == 0
    case_id = capsys.readouterr().out.split()[-1]
    red = tmp_path / "copy.har"
    main(["har", str(src), "--case", case_id, "--redact-out", str(red), *(["--json"] if fmt == "json" else [])])
    out = capsys.readouterr()
    _assert_none(PLANTED + hf.SECRETS, "har stdout/stderr", out.out + out.err)
    _assert_none(PLANTED + hf.SECRETS, "--redact-out", red.read_text(encoding="utf-8"))
    assert main(["case", "show", case_id, *(["--json"] if fmt == "json" else [])]) == 0
    out = capsys.readouterr()
    _assert_none(PLANTED + hf.SECRETS, "case show", out.out + out.err)
    zpath = tmp_path / "b.zip"
    assert main(["bundle", "--case", case_id, "-o", str(zpath)]) == 0, capsys.readouterr().err
    for name, text in _bundle_text(zpath).items():
        _assert_none(PLANTED + hf.SECRETS, f"bundle member {name}", text)
    _assert_none(PLANTED + hf.SECRETS, "SQLite store", _store_bytes(wxtriage_home))


@pytest.mark.parametrize("text, secret", [
    ('<input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNlIElEPSJfYSI+PC9zYW1scDpSZXNwb25zZT4=">',
     "PHNhbWxwOlJlc3BvbnNlIElEPSJfYSI+PC9zYW1scDpSZXNwb25zZT4="),
    ("<input value='tok-abcdef123456' name='access_token'>", "tok-abcdef123456"),
    ('<meta content="csrf-0a1b2c3d4e" name="csrf-token">', "csrf-0a1b2c3d4e"),
    ('{"name": "client_secret", "value": "cs-9988776655"}', "cs-9988776655"),
    ("GET /app;jsessionid=A1B2C3D4E5F6A7B8C9D0 HTTP/1.1", "A1B2C3D4E5F6A7B8C9D0"),
    ("url = https://xsp.example.com/xsi;JSESSIONID=0123abcd4567ef89?x=1", "0123abcd4567ef89"),
    ("login ok session=sessVal-0a9b8c7d6e5f", "sessVal-0a9b8c7d6e5f"),
    ("sessionId: 7f6e5d4c-3b2a-1908", "7f6e5d4c-3b2a-1908"),
])
def test_text_rules_cover_forms_pairs_and_session_ids(text, secret):
    """The shared text rules (every free-text channel: findings, case fields, logs, pastes)."""
    r = Redactor()
    assert secret not in r.redact_text(text)
    assert secret not in HarRedactor(Redactor()).text(text)
    assert secret in r.removed


def test_prose_and_ordinary_forms_are_left_alone():
    r = Redactor()
    for text in ('<input type="text" name="email" value="ana@example.com">',
                 "the session was closed by the server", "Session expired, please sign in again",
                 '<input type="submit" value="Sign in">'):
        assert r.redact_text(text) == text


def test_inventory_url_session_id_is_never_printed_stored_or_bundled(tmp_path, wxtriage_home, capsys):
    sid = "9F8E7D6C5B4A39281706F5E4"
    inv = tmp_path / "inv.toml"
    inv.write_text(f'[[cluster]]\nname = "east"\nxsi_actions = "https://xsp.example.com/xsi;jsessionid={sid}"\n',
                   encoding="utf-8")
    for args in (["inventory", "--inventory", str(inv)], ["inventory", "--inventory", str(inv), "--json"]):
        main(args)
        out = capsys.readouterr()
        assert sid not in out.out + out.err and "east" in out.out
    main(["case", "new", "--description", f"see https://xsp.example.com/xsi;jsessionid={sid}"])
    case_id = capsys.readouterr().out.split()[-1]
    main(["run", "--inventory", str(inv), "--cluster", "east", "--case", case_id, "--check", "xsp.urls"])
    out = capsys.readouterr()
    assert sid not in out.out + out.err
    zpath = tmp_path / "b.zip"
    assert main(["bundle", "--case", case_id, "-o", str(zpath)]) == 0
    for name, text in _bundle_text(zpath).items():
        assert sid not in text, name
    assert sid not in _store_bytes(wxtriage_home)


CASE_SECRETS = {
    "token": ("token=abcDEF123456ghiJKL", "abcDEF123456ghiJKL"),
    "bearer": ("sent Authorization: Bearer NmQ0ZjJhYjEtOTk4My00YTc0LWJm", "NmQ0ZjJhYjEtOTk4My00YTc0LWJm"),
    "jwt": (f"the app got {hf.JWT}", hf.JWT),
    "userinfo": ("admin URL https://admin:S3cr3t-pw@xsp.example.com/", "S3cr3t-pw"),
    "password": ("customer password: hunter2-Extra", "hunter2-Extra"),
}


@pytest.mark.parametrize("kind", sorted(CASE_SECRETS))
def test_case_fields_are_redacted_before_they_are_stored(tmp_path, wxtriage_home, capsys, kind):
    text, secret = CASE_SECRETS[kind]
    assert main(["case", "new", "--description", f"calls fail; {text}"]) == 0
    case_id = capsys.readouterr().out.split()[-1]
    assert main(["case", "set", case_id, "--description", f"still failing; {text} (again)"]) == 0
    capsys.readouterr()
    assert secret not in _store_bytes(wxtriage_home)
    main(["case", "show", case_id, "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert secret not in json.dumps(shown) and "still failing" in shown["case"]["description"]


def test_case_set_keeps_placeholders_distinct_across_saves(tmp_path, wxtriage_home, capsys):
    main(["case", "new", "--description", "first token=aaaaBBBB1111cccc"])
    case_id = capsys.readouterr().out.split()[-1]
    from checks.store import CaseStore
    store = CaseStore()
    case = store.get(case_id)
    store.save(case.updated(description=case.description + " then token=zzzzYYYY9999xxxx"))
    desc = store.get(case_id).description
    placeholders = [w for w in desc.replace("=", " ").split() if w.startswith("<redacted:")]
    assert len(placeholders) == 2 and len(set(placeholders)) == 2


def test_short_keyring_password_is_replaced_as_a_whole_token(memory_keyring):
    from checks import credentials
    credentials.set_password("pin@example.com", "4711")
    r = keyring_redactor()
    out = r.redact_text("PIN 4711 typed; ticket 47110 and 14711 unchanged; x=4711&y")
    assert re.match(r"PIN <redacted:stored-password:\d+> typed", out) and re.search(r"x=<redacted:stored-password:\d+>&", out)
    assert "47110" in out and "14711" in out
    scanner = LeakScanner(credentials.known_secrets())
    assert scanner.scan_text("the pin is 4711.", "t") and not scanner.scan_text("port 47110", "t")
    # A 3-letter password does not shred words that contain it.
    credentials.set_password("abc@example.com", "cat")
    out = keyring_redactor().redact_text("the cat sat; concatenate")
    assert " cat " not in out and "concatenate" in out


def test_short_keyring_password_never_reaches_outputs(tmp_path, wxtriage_home, capsys, memory_keyring):
    from checks import credentials
    credentials.set_password("pin@example.com", "9q7z")
    assert main(["case", "new", "--description", "user says the PIN 9q7z fails"]) == 0
    case_id = capsys.readouterr().out.split()[-1]
    assert "9q7z" not in _store_bytes(wxtriage_home)
    main(["case", "show", case_id])
    assert "9q7z" not in capsys.readouterr().out


def test_credentials_set_warns_about_short_passwords(monkeypatch, capsys, memory_keyring):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    assert main(["credentials", "set", "pin@example.com", "--stdin"]) == 0
    err = capsys.readouterr().err
    assert "short" in err and "redact" in err


def test_a_secret_named_only_after_it_was_quoted_is_redacted_not_refused(tmp_path, wxtriage_home, capsys):
    """One streaming pass: an early failing body quotes a value that a later entry's header names
    as a credential. The output, the store and the bundle get a placeholder; nothing is refused."""
    late = "LateNamedCredential-0123456789abcdef"
    early = hf.entry("POST", f"https://admin.webex.com/license/api/v1/organization/{hf.ORG}/users/onboard", 400,
                     json.dumps({"errorCode": 400100, "message": f"bad request, echo {late}"}))
    later = hf.entry("GET", "https://admin.webex.com/api/v1/me", 200, "{}", auth=False)
    later["request"]["headers"].append({"name": "X-Auth-Token", "value": late})
    src = hf.write(tmp_path / "late.har", hf.har_doc([early, later]))
    main(["case", "new"])
    case_id = capsys.readouterr().out.split()[-1]
    for fmt in ([], ["--json"]):
        code = main(["har", str(src), "--case", case_id, *fmt])
        out = capsys.readouterr()
        assert code == 1, out.err
        assert late not in out.out + out.err and "400100" in out.out
    assert late not in _store_bytes(wxtriage_home)
    zpath = tmp_path / "b.zip"
    assert main(["bundle", "--case", case_id, "-o", str(zpath)]) == 0
    for name, text in _bundle_text(zpath).items():
        assert late not in text, name
