"""Structural HAR redaction and the leak scanner on every output (redacted HAR, har output, bundle)."""
from __future__ import annotations

import json
import string

import pytest
from haralyzer import HarParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.redact import (HarRedactor, LeakError, LeakScanner, Redactor, credential_like, redact_har_file)

from . import har_fixtures as hf


def _redact_doc(tmp_path, doc, name="in.har", **kw):
    src = hf.write(tmp_path / name, doc)
    out = tmp_path / ("red-" + name)
    res = redact_har_file(src, out, **kw)
    return res, out.read_text(encoding="utf-8")


def test_redacted_seed_har_is_valid_keeps_what_tac_needs_and_holds_no_secret(tmp_path):
    doc = hf.har_doc([*hf.seed_entries(), hf.seed_entries()[0]])
    res, text = _redact_doc(tmp_path, doc)
    for secret in hf.SECRETS:
        assert secret not in text
    parsed = HarParser.from_file(str(tmp_path / "red-in.har"))
    entries = [e for p in parsed.pages for e in p.entries]
    assert len(entries) == res.entries == 11 and parsed.creator["name"] == "WebInspector"
    onboard = next(e for e in entries if e.url.endswith("/users/onboard"))
    assert onboard.status == 200 and onboard.request.method == "POST"
    assert onboard.response.get_header_value("trackingid") == hf.ONBOARD_TRACKING
    body = json.loads(onboard.response.text)
    assert body[0]["errorList"][0]["errorCode"] == 5302 and "10991" in body[0]["errorList"][0]["description"]
    assert body[0]["email"] == hf.EMAIL
    # Consistent placeholders: the session cookie is the same placeholder in the header and the array.
    req = onboard.request
    cookie_header = req.get_header_value("Cookie")
    placeholder = next(c["value"] for c in req.cookies if c["name"] == "connect.sid")
    assert placeholder.startswith("<redacted:") and f"connect.sid={placeholder}" in cookie_header
    assert req.get_header_value("authorization").startswith("Bearer <redacted:token:")
    # Query parameter named like a token; the org ID in the URL stays.
    url = next(e.url for e in entries if "access_token" in e.url)
    assert hf.ORG in url and "access_token=<redacted:" in url
    # Not secrets: location code/state in a JSON body stay.
    loc = next(e for e in entries if "/locations/" in e.url)
    assert json.loads(loc.response.text)["items"][0]["code"] == "HQ-1"


def test_redaction_of_post_params_forms_jwt_and_userinfo(tmp_path):
    form = f"grant_type=refresh_token&refresh_token={hf.REFRESH}&client_id=abc&client_secret={hf.CLIENT_SECRET}"
    e1 = hf.entry("POST", "https://idbroker.webex.com/idb/oauth2/v1/access_token", 200,
                  json.dumps({"access_token": hf.BEARER, "token_type": "Bearer", "expires_in": 3600,
                              "nested": {"deeper": [{"id_token": hf.JWT}]}}),
                  post={"mimeType": "application/x-www-form-urlencoded", "text": form,
                        "params": [{"name": "refresh_token", "value": hf.REFRESH},
                                   {"name": "client_id", "value": "abc"}]})
    e2 = hf.entry("GET", f"https://admin:{hf.PASSWORD}@xsp.example.com/x?code=abcdef123456&state=xyz987654",
                  302, f"<script>var t = '{hf.JWT}'; // basic functionality here</script>", "text/html")
    e2["response"]["redirectURL"] = f"https://admin.webex.com/#access_token={hf.BEARER}&expires_in=3600"
    e2["response"]["headers"].append({"name": "Set-Cookie", "value": f"sid={hf.COOKIE_SESSION}; Path=/; HttpOnly"})
    doc = hf.har_doc([e1, e2])
    doc["log"]["pages"][0]["title"] = f"https://admin.webex.com/callback?id_token={hf.JWT[:20]}xyz987654abc"
    e2["_initiator"] = {"type": "script", "url": f"https://admin.webex.com/app.js?session_token={hf.REFRESH}"}
    res, text = _redact_doc(tmp_path, doc)
    for secret in [*hf.SECRETS, "abcdef123456", "xyz987654"]:
        assert secret not in text, secret
    assert json.loads(text)["log"]["pages"][0]["title"].startswith("https://admin.webex.com/callback?id_token=<redacted:")
    doc = json.loads(text)
    r1, r2 = doc["log"]["entries"]
    body = json.loads(r1["response"]["content"]["text"])
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    params = {p["name"]: p["value"] for p in r1["request"]["postData"]["params"]}
    assert params["client_id"] == "abc" and params["refresh_token"].startswith("<redacted:")
    assert "client_id=abc" in r1["request"]["postData"]["text"]
    assert r2["request"]["url"].startswith("https://admin:<redacted:password:")
    assert "basic functionality here" in r2["response"]["content"]["text"]  # prose is left alone
    assert r2["response"]["headers"][-1]["value"].endswith("; Path=/; HttpOnly")
    # The same secret gets the same placeholder everywhere (REFRESH in params and in the form text).
    assert params["refresh_token"] in r1["request"]["postData"]["text"]


def test_form_bodies_get_the_text_rules_too(tmp_path):
    # An OAuth state removed from one URL comes back as a SAML RelayState (a name that is not
    # secret), and a JWT sits under a plain form name: both are replaced in the form text and
    # its params, so the write succeeds instead of being refused by the leak scanner.
    state = "STATEvalue55555aaaaa"
    authorize = hf.entry("GET", f"https://idbroker.webex.com/idb/oauth2/v1/authorize?code=AUTHCODE0987654&state={state}",
                         302, "", auth=False)
    form = f"SAMLResponse=PHNhbWxwOlJlc3BvbnNl&RelayState={state}&hint={hf.JWT}"
    sso = hf.entry("POST", "https://idbroker.webex.com/idb/saml2/SSO", 302, "", auth=False,
                   post={"mimeType": "application/x-www-form-urlencoded", "text": form,
                         "params": [{"name": "RelayState", "value": state}]})
    res, text = _redact_doc(tmp_path, hf.har_doc([authorize, sso]))
    assert res.entries == 2
    for secret in (state, hf.JWT, "PHNhbWxwOlJlc3BvbnNl", "AUTHCODE0987654"):
        assert secret not in text, secret
    posted = json.loads(text)["log"]["entries"][1]["request"]["postData"]
    placeholder = posted["params"][0]["value"]
    assert placeholder.startswith("<redacted:") and f"RelayState={placeholder}&" in posted["text"]


def test_base64_bodies_are_decoded_redacted_and_reencoded(tmp_path):
    e = hf.entry("GET", "https://admin.webex.com/api/v1/token", 200, json.dumps({"refreshToken": hf.REFRESH}),
                 base64_body=True)
    _, text = _redact_doc(tmp_path, hf.har_doc([e]))
    import base64
    content = json.loads(text)["log"]["entries"][0]["response"]["content"]
    assert content["encoding"] == "base64"
    decoded = json.loads(base64.b64decode(content["text"]))
    assert decoded["refreshToken"].startswith("<redacted:")


def test_leak_in_output_refuses_the_write_and_says_where(tmp_path):
    # A value known from the keyring that no redaction rule can recognise (it sits in prose).
    e = hf.entry("GET", "https://admin.webex.com/help", 200, "the lab password is Wint3rIsComing ok", "text/html")
    src = hf.write(tmp_path / "in.har", hf.har_doc([hf.entry("GET", "https://admin.webex.com/a", 200, "{}"), e]))
    with pytest.raises(LeakError) as exc:
        redact_har_file(src, tmp_path / "out.har", scanner=LeakScanner(["Wint3rIsComing"], strict=True))
    assert "out.har entry 2 (GET https://admin.webex.com/help)" in str(exc.value)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "wxhome") == ["in.har"]  # nothing left behind
    # Given to the redactor as a known secret, the same value is replaced instead.
    res = redact_har_file(src, tmp_path / "out.har", redactor=Redactor(known_secrets={"Wint3rIsComing"}))
    assert "Wint3rIsComing" not in (tmp_path / "out.har").read_text() and res.entries == 2


def test_secret_first_seen_late_is_still_removed_from_earlier_bodies(tmp_path):
    early = hf.entry("GET", "https://admin.webex.com/debug", 200, f"debug dump: {hf.BEARER}", "text/plain", auth=False)
    late = hf.entry("GET", "https://admin.webex.com/api", 200, "{}")  # carries Authorization: Bearer BEARER
    _, text = _redact_doc(tmp_path, hf.har_doc([early, late]))
    assert hf.BEARER not in text


def test_truncated_input_still_gives_a_valid_har(tmp_path):
    src = hf.truncated_har(tmp_path / "t.har")
    res = redact_har_file(src, tmp_path / "out.har")
    assert res.truncated and res.entries == 9
    assert len(json.loads((tmp_path / "out.har").read_text())["log"]["entries"]) == 9


def test_zip_with_two_hars_gives_a_zip_with_each_redacted(tmp_path):
    import zipfile

    from checks.evidence.har import HarError
    two = hf.zip_har(tmp_path / "two.zip", members=2)
    with pytest.raises(HarError, match=r"holds 2 HARs .*ending in .zip \(such as two.redacted.zip\)"):
        redact_har_file(two, tmp_path / "o.har")
    res = redact_har_file(two, tmp_path / "o.zip")
    assert res.members == ("capture.redacted.har", "capture1.redacted.har") and res.entries == 20
    cookies = set()
    with zipfile.ZipFile(tmp_path / "o.zip") as zf:
        assert zf.namelist() == list(res.members)
        for member in res.members:
            text = zf.read(member).decode("utf-8")
            for secret in hf.SECRETS:
                assert secret not in text
            (tmp_path / member).write_text(text, encoding="utf-8")
            parsed = HarParser.from_file(str(tmp_path / member))
            entries = [e for p in parsed.pages for e in p.entries]
            assert len(entries) == 10
            cookies |= {c["value"] for e in entries for c in e.request.cookies if c["name"] == "connect.sid"}
    assert len(cookies) == 1  # one placeholder for the same cookie in both members
    # A zip output for a single HAR is a zip too; a leak names the member and leaves nothing behind.
    one = redact_har_file(hf.seed_har(tmp_path / "s.har"), tmp_path / "s.zip")
    assert one.members == ("s.redacted.har",)
    e = hf.entry("GET", "https://admin.webex.com/help", 200, "the lab password is Wint3rIsComing ok", "text/html")
    with zipfile.ZipFile(tmp_path / "leaky.zip", "w") as zf:
        zf.writestr("a.har", json.dumps(hf.har_doc(hf.seed_entries())))
        zf.writestr("b.har", json.dumps(hf.har_doc([e])))
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(LeakError, match=r"out.zip:b.redacted.har entry 1 \(GET https://admin.webex.com/help\)"):
        redact_har_file(tmp_path / "leaky.zip", tmp_path / "out.zip", scanner=LeakScanner(["Wint3rIsComing"]))
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bundle_attaches_each_har_of_a_zip(tmp_path, wxtriage_home):
    import zipfile

    from .helpers import wxtriage
    two = hf.zip_har(tmp_path / "two.zip", members=2)
    case_id = wxtriage("case", "new", "--description", "x", home=wxtriage_home).out.split()[-1]
    assert wxtriage("har", str(two), "--case", case_id, home=wxtriage_home).code == 1
    r = wxtriage("bundle", "--case", case_id, "-o", str(tmp_path / "b.zip"), home=wxtriage_home)
    assert r.code == 0, r.err
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        hars = sorted(n for n in zf.namelist() if n.endswith(".har"))
        assert hars == ["evidence/two/capture.redacted.har", "evidence/two/capture1.redacted.har"]
        manifest = zf.read("manifest.json").decode()
        for name in hars:
            text = zf.read(name).decode()
            assert len(json.loads(text)["log"]["entries"]) == 10
            assert not any(secret in text for secret in hf.SECRETS)
    assert "was not attached" not in manifest


def test_credential_like_separates_tokens_from_prose():
    assert credential_like("Bearer", hf.BEARER)
    assert not credential_like("basic", "functionality")
    assert not credential_like("Bearer", "authentication")
    import base64
    assert credential_like("Basic", base64.b64encode(b"admin:secret").decode())


def test_short_cookie_values_do_not_rewrite_other_text():
    r = Redactor()
    HarRedactor(r).collect(hf.entry("GET", "https://admin.webex.com/", 200, ""))  # lang=en cookie
    assert r.redact_text("english entries") == "english entries"


# -- the scanner runs on the har command's output and on the bundle --------------------------------

def test_har_command_refuses_output_holding_a_keyring_secret(tmp_path, monkeypatch, capsys):
    from tui.cli import har_cmd, main
    # A value the scanner knows but the analysis did not replace (a keyring value is replaced in the
    # findings since they are re-scrubbed at the end, so the output's scanner is told about one directly).
    monkeypatch.setattr(har_cmd, "default_known_secrets", lambda: {hf.EMAIL})
    code = main(["har", str(hf.seed_har(tmp_path / "s.har"))])
    err = capsys.readouterr().err
    assert code == 2 and "refused to write" in err and "the har output line" in err and err.count("\n") == 1


def test_bundle_command_replaces_keyring_secrets_typed_into_the_case(tmp_path, capsys, wxtriage_home):
    # A stored test-user password typed into the description: replaced (the bundle is still useful),
    # never refused for good and never written (the scanner still knows the value: see test_bundle).
    import zipfile
    from checks import credentials
    from tui.cli import main
    credentials.set_password("labuser@example.com", "Sup3rS3cretValue")  # the in-memory keyring
    assert main(["case", "new", "--description", "lab user password Sup3rS3cretValue"]) == 0
    case_id = capsys.readouterr().out.split()[-1]
    code = main(["bundle", "--case", case_id, "-o", str(tmp_path / "b.zip")])
    assert code == 0, capsys.readouterr().err
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert b"Sup3rS3cretValue" not in blob and b"<redacted:" in blob


# -- properties ---------------------------------------------------------------------------------

_secret_chars = string.ascii_letters + string.digits
secrets_st = st.text(_secret_chars, min_size=12, max_size=40).map(lambda s: "Zq9" + s)  # never a common word
names_st = st.sampled_from(["access_token", "id_token", "password", "client_secret", "SAMLResponse", "apiKey",
                            "refreshToken", "X-Auth-Token", "sessionSecret", "code", "state"])
junk_st = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@st.composite
def planted_entries(draw):
    secret = draw(secrets_st)
    name = draw(names_st)
    where = draw(st.sampled_from(["header", "auth", "cookie", "cookies", "query", "param", "json", "jwt", "userinfo",
                                  "b64json"]))
    depth = draw(st.integers(0, 5))
    filler = draw(junk_st)
    e = hf.entry("POST", "https://admin.webex.com/api/v1/x?plain=1", draw(st.sampled_from([200, 400, 500])),
                 json.dumps({"msg": filler}), auth=False)
    req, resp = e["request"], e["response"]
    if where == "header":
        req["headers"].append({"name": "X-Auth-Token" if name in ("code", "state") else name, "value": secret})
    elif where == "auth":
        req["headers"].append({"name": "Authorization", "value": f"Bearer {secret}"})
    elif where == "cookie":
        req["headers"].append({"name": "Cookie", "value": f"a=b; {name}={secret}; c=d"})
    elif where == "cookies":
        resp["cookies"].append({"name": draw(st.text(_secret_chars, min_size=1, max_size=8)), "value": secret})
    elif where == "query":
        req["url"] += f"&{name}={secret}"
        req["queryString"].append({"name": name, "value": secret})
    elif where == "param":
        req["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": f"x=1&{name}={secret}",
                           "params": [{"name": "x", "value": "1"}, {"name": name, "value": secret}]}
    elif where in ("json", "b64json"):
        key = "password" if name in ("code", "state") else name  # code/state are data inside JSON bodies
        obj: object = {key: secret, "filler": filler}
        for _ in range(depth):
            obj = draw(st.sampled_from([lambda o: {"k": o}, lambda o: [o, filler]]))(obj)
        text = json.dumps(obj)
        if where == "b64json":
            import base64
            resp["content"].update(text=base64.b64encode(text.encode()).decode(), encoding="base64")
        else:
            resp["content"]["text"] = text
    elif where == "jwt":
        jwt = f"eyJhbGciOiJIUzI1NiJ9.{secret}.{secret[::-1]}"
        resp["content"]["text"] = json.dumps({"note": f"{filler} {jwt} {filler}"})
        secret = jwt
    else:
        req["url"] = f"https://admin:{secret}@xsp.example.com/path"
    return e, secret


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(planted=st.lists(planted_entries(), min_size=1, max_size=4))
def test_property_planted_secrets_never_survive_and_output_is_valid(tmp_path, planted):
    doc = hf.har_doc([e for e, _ in planted])
    src = hf.write(tmp_path / "p.har", doc)
    out = tmp_path / "p.red.har"
    redact_har_file(src, out)
    text = out.read_text(encoding="utf-8")
    parsed = json.loads(text)  # always valid JSON …
    assert len(parsed["log"]["entries"]) == len(planted)  # … and still a HAR
    strings = "\n".join(hf.all_strings(parsed))
    for e in parsed["log"]["entries"]:  # look inside base64 bodies too
        content = e["response"]["content"]
        if content.get("encoding") == "base64":
            import base64
            strings += "\n" + base64.b64decode(content["text"]).decode("utf-8")
    assert HarParser(parsed).pages  # haralyzer loads it
    for _, secret in planted:
        assert secret not in text and secret not in strings


def test_keyring_passwords_feed_the_scanner_of_every_output(tmp_path, capsys, monkeypatch, wxtriage_home):
    """checks.credentials.known_secrets() reaches the har output, the redacted copy and the bundle."""
    from checks import credentials
    from tui.cli import main
    password = "Lab-Passw0rd-4711"
    credentials.set_password("testuser@example.com", password)  # the in-memory keyring of conftest
    e = hf.entry("POST", "https://admin.webex.com/notes", 500, f"login failed for testuser with {password} (plain)",
                 "text/plain")
    src = hf.write(tmp_path / "k.har", hf.har_doc([e]))
    # The redacted copy: the redactor is told the keyring's values, so the password is replaced.
    res = redact_har_file(src, tmp_path / "k.red.har")
    assert password not in (tmp_path / "k.red.har").read_text() and res.entries == 1
    # The har command: the failing call's body is evidence; the password is replaced, never printed.
    code = main(["har", str(src), "--json"])
    out = capsys.readouterr()
    assert code == 1 and password not in out.out and "<redacted:secret:" in out.out, out.err
    # The case store never keeps it (a description holding it is stored with a placeholder), and
    # the bundle replaces it wherever it appears.
    import zipfile
    from checks.store import CaseStore
    assert main(["case", "new", "--description", f"user pw {password}"]) == 0
    case_id = capsys.readouterr().out.split()[-1]
    store_files = CaseStore().path.parent.glob(CaseStore().path.name + "*")  # the db, its -wal and -shm
    assert not any(password.encode() in f.read_bytes() for f in store_files)
    assert main(["bundle", "--case", case_id, "-o", str(tmp_path / "b.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert not any(password.encode() in zf.read(n) for n in zf.namelist())


def test_output_that_cannot_be_written_is_one_line(tmp_path, capsys, monkeypatch, wxtriage_home):
    import os

    from tui.cli import main
    seed = hf.seed_har(tmp_path / "seed.har")
    assert main(["har", str(seed), "--redact-out", str(seed / "x.har")]) == 2
    err = capsys.readouterr().err
    assert f"{seed}: is not a folder" in err and err.count("\n") == 1

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    assert main(["har", str(seed), "--redact-out", str(tmp_path / "out.har")]) == 2
    err = capsys.readouterr().err
    assert "out.har: cannot write the redacted copy: No space left on device" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "wxhome") == ["seed.har"]  # nothing half-written left behind
