"""The fast path of HAR redaction (the prefilter that lets quiet bodies through untouched) redacts
exactly what the full rules do, on varied captures and layouts."""
from __future__ import annotations

import base64
import gzip
import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checks.evidence.har_redact_file as file_mod
import checks.redact.names as names_mod
import checks.redact.prefilter as prefilter_mod
import checks.redact.text as text_mod
from checks.evidence.har_redact import _KEPT_MARK, HarRedactor
from checks.redact import Redactor, redact_har_file

from . import har_fixtures as hf

S = {  # one made-up secret per place; every one must be gone from the output
    "json": "Jx81Kq02Lm93Np47Rs65aa", "split": "Sp1itNameValue0099xx", "escaped": "EscKey0001abcdefgh",
    "kelvin": "KelvinKey0002abcdef", "pair": "PairValue0003abcdef", "html": "SamlResp0004abcdefgh",
    "bearer_js": "eyJzdWIiOiJ4In0abcDEF0123456789", "userinfo": "Us3rInf0Pass0005", "url_code": "UrlCode0006abcdef",
    "pct": "PctName0007abcdef", "b64": "B64Secret0008abcdef", "post": "PostJson0009abcdef",
    "slash": "SlashPass0010abcd", "form": "FormSecret0011abcd",
}
JWT_IN_TEXT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2R5In0.c2lnbmF0dXJlLWluLWEtYm9keQ"


def _body_entry(i: int, text: str, mime: str = "application/json", **kw) -> dict:
    return hf.entry("GET", f"https://admin.webex.com/api/v1/x/{i}", 200, text, mime,
                    tracking=f"ATLAS_8666bff8-a5f2-4a6c-a31d-{i:012d}_1", **kw)


def varied_entries() -> list[dict]:
    """Quiet bodies (JSON answers with escapes and non-ASCII, HTML, scripts) between bodies that
    hold secrets in every shape the rules know."""
    quiet_json = json.dumps({"items": [{"id": f"Y2lzY29{i}", "displayName": f"Zoë \"Z\" Müller {i}",
                                        "emails": [f"u{i}@example.com"], "note": "<b>VIP</b> – «x»"}
                                       for i in range(30)]})  # ensure_ascii: full of \\u escapes
    quiet_html = "<!doctype html><html><body><table>" + "<tr><td>a &amp; b</td></tr>" * 50 + "</table></body></html>"
    quiet_js = 'function a(e,t){return e&&t?"\\"q\\"".concat(e[1]):void 0};var b={n:1,s:"\\u00e9"};' * 40
    secret_bodies = [
        json.dumps({"data": {"accessToken": S["json"], "n": 1}}),
        json.dumps({"pass_word": S["split"], "api-key": "x" + S["split"]}),
        '{"\\u0074oken": "%s", "other": 1}' % S["escaped"],  # "token" spelled with an escape
        '{"to\\u212aen": "%s"}' % S["kelvin"],  # the Kelvin sign lower-cases to "k"
        json.dumps({"fields": [{"name": "password", "value": S["pair"]}, {"name": "user", "value": "ana"}]}),
        json.dumps({"next": f"https://host.example.com/cb?code={S['url_code']}&x=1"}),
        json.dumps({"next": f"https://host.example.com/cb?acc%65ss_token={S['pct']}"}),
        json.dumps({"link": f"https://admin:{S['slash']}@xsp.example.com/"}).replace("/", "\\/"),
        json.dumps({"echo": hf.BEARER, "ok": True}),  # a header's secret, first seen here in a body
        json.dumps({"note": f"see {JWT_IN_TEXT} there"}),
        json.dumps([[[[{"deep": {"secret": "DeepSecret0012ab"}}]]]]),
    ]
    entries: list[dict] = []
    i = 0
    for body in secret_bodies:
        entries += [_body_entry(i, quiet_json), _body_entry(i + 1, body)]
        i += 2
    entries.append(_body_entry(i, f'<form><input type="hidden" value="{S["html"]}" name="SAMLResponse"></form>'
                                  + quiet_html, "text/html"))
    entries.append(_body_entry(i + 1, quiet_html, "text/html"))
    entries.append(_body_entry(i + 2, quiet_js + f'x.headers["Authorization"]="Bearer {S["bearer_js"]}";',
                               "application/javascript"))
    entries.append(_body_entry(i + 3, quiet_js, "application/javascript"))
    entries.append(_body_entry(i + 4, f"user https://bob:{S['userinfo']}@h.example.com/x", "text/plain"))
    entries.append(_body_entry(i + 5, json.dumps({"clientSecret": S["b64"]}), base64_body=True))
    entries.append(_body_entry(i + 6, quiet_json, base64_body=True))
    entries.append(hf.entry("POST", "https://admin.webex.com/api/v1/login", 200, quiet_json,
                            post={"mimeType": "application/json", "text": json.dumps({"password": S["post"]})}))
    entries.append(hf.entry("POST", "https://idbroker.webex.com/token", 200, quiet_json,
                            post={"mimeType": "application/x-www-form-urlencoded",
                                  "text": f"grant_type=x&client_secret={S['form']}",
                                  "params": [{"name": "client_secret", "value": S["form"]}]}))
    entries += hf.seed_entries()
    return entries


def _write(path, doc, layout: str):
    if layout == "minified":
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    else:
        text = json.dumps(doc, indent=2)
        if layout == "crlf":
            text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if layout == "gzip":
        path = path.with_suffix(".har.gz")
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def _normalised(text: str) -> dict:
    """The redacted HAR with every body that is JSON (or base64 of JSON) decoded, so a body kept
    as captured and the same body re-serialised compare equal."""
    doc = json.loads(text)
    for e in doc["log"]["entries"]:
        for slot in (e["response"].get("content"), e["request"].get("postData")):
            if not isinstance(slot, dict) or not isinstance(slot.get("text"), str):
                continue
            raw = slot["text"]
            if slot.get("encoding") == "base64":
                raw = base64.b64decode(raw).decode("utf-8")
            try:
                slot["text"] = json.loads(raw)
            except ValueError:
                slot["text"] = raw
    return doc


def _redact(tmp_path, src, name: str, slow: bool, monkeypatch) -> tuple[str, Redactor]:
    if slow:
        monkeypatch.setattr(HarRedactor, "quiet", lambda self, text, raw=False: False)
    redactor = Redactor()
    out = tmp_path / name
    redact_har_file(src, out, redactor=redactor)
    monkeypatch.undo()
    return out.read_text(encoding="utf-8"), redactor


def _reference(src, monkeypatch) -> tuple[list, dict]:
    """What the redaction did before the fast path: every rule on every string, a whole pass to
    learn the secrets (ijson reader), then each entry redacted again knowing all of them."""
    from checks.evidence.har import HarReader, read_log_meta

    monkeypatch.setattr(HarRedactor, "quiet", lambda self, text, raw=False: False)
    har = HarRedactor()
    reader = HarReader(src)
    entries = [rec.raw for rec in reader.records()]
    for e in entries:
        har.redact_entry(e)
    har.redact_meta(read_log_meta(reader.sources[0]))
    out = json.loads(json.dumps([har.redact_entry(e) for e in entries], ensure_ascii=False))
    monkeypatch.undo()
    return _normalised(json.dumps({"log": {"entries": out}}))["log"]["entries"], har.redactor._map


@pytest.mark.parametrize("layout", ["pretty", "minified", "crlf", "gzip"])
def test_fast_path_redacts_exactly_what_the_full_rules_do(tmp_path, monkeypatch, layout):
    src = _write(tmp_path / "in.har", hf.har_doc(varied_entries()), layout)
    fast, fast_r = _redact(tmp_path, src, "fast.har", False, monkeypatch)
    slow, slow_r = _redact(tmp_path, src, "slow.har", True, monkeypatch)
    assert fast_r._map == slow_r._map  # the same values replaced, by the same placeholders
    assert _normalised(fast) == _normalised(slow)
    ref_entries, ref_map = _reference(src, monkeypatch)
    assert fast_r._map == ref_map and _normalised(fast)["log"]["entries"] == ref_entries
    decoded = json.dumps(_normalised(fast), ensure_ascii=False)
    for secret in (*S.values(), *hf.SECRETS, JWT_IN_TEXT, "DeepSecret0012ab"):
        assert secret not in fast and secret not in decoded, secret


def test_quiet_bodies_are_kept_byte_for_byte(tmp_path):
    body = json.dumps({"items": [{"name": "Zoë", "n": 1}]}, indent=4)  # "name" but no "value": data
    plain = json.dumps({"items": [{"id": 1, "title": "Müller \"Z\""}]}, indent=4)
    src = _write(tmp_path / "in.har", hf.har_doc([_body_entry(0, plain), _body_entry(1, body)]), "pretty")
    out = tmp_path / "out.har"
    redact_har_file(src, out)
    texts = [e["response"]["content"]["text"] for e in json.loads(out.read_text())["log"]["entries"]]
    assert texts[0] == plain  # not re-serialised: the evidence stays as captured


def test_prefilter_words_come_from_the_rules():
    words = prefilter_mod._PREFILTER_WORDS
    for part in (*names_mod.SECRET_NAME_PARTS, *text_mod._KV_WORDS):
        assert any(w in prefilter_mod._compact(part) for w in words), part
    for anchor in (*text_mod._JWT_ANCHORS, *text_mod._BEARER_ANCHORS):
        assert any(w in anchor.lower() for w in words), anchor
    for name in names_mod.SECRET_EXACT_NAMES:
        assert any(w in name for w in (*words, *prefilter_mod._PREFILTER_URL_WORDS)), name


def test_lower_to_ascii_lists_every_such_character():
    found = [c for c in range(0x80, sys.maxunicode + 1) if any(ord(x) < 0x80 for x in chr(c).lower())]
    assert tuple(found) == prefilter_mod._LOWER_TO_ASCII


_ALPHABET = st.sampled_from(
    ["token", "Pass", "-", "_", "\\", "\\u0074", "\\u212a", "\u212a", "\"name\"", "\"value\"", ":", "=", "/", "://",
     "@", "%", "?", "&", "<input ", "<meta ", "value=", "eyJ", "abc.def.ghi", "Bearer ", "x" * 8, "0123456789",
     "code", "key", "state", "sig", " ", "\n", "{", "}", "[", "]", ",", "\"", "é", "Zoë"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_ALPHABET, max_size=24), known=st.sampled_from(["", "x" * 8, "0123456789"]))
def test_a_text_the_prefilter_lets_through_is_one_no_rule_changes(parts, known):
    """Whatever the prefilter calls quiet, the full rules leave unchanged and learn nothing from,
    as free text, as a JSON body and as a script."""
    text = "".join(parts)
    har = HarRedactor()
    if known:
        har.redactor.secret(known)
    if not har.quiet(text):
        return
    before = dict(har.redactor._map)
    assert har.text(text) == text
    if "://" in text:  # inside a body the URL rules see only strings holding "://" (HarRedactor._json)
        assert har.url(text) == text
    for mime in ("application/json", "text/html", "application/javascript", ""):
        out = har._plain_body(text, mime)
        if out != text:  # only a JSON body re-serialised, never changed in content
            assert json.loads(out) == json.loads(text)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        pass
    else:
        assert har._json(doc) == doc
    assert har.redactor._map == before


@pytest.mark.parametrize("text", [
    '{"\\u0074oken": "x"}', '{"to\\u212aen": "x"}', '"pass_word"', "https://h/?code=1", "https://h/?%74oken=1",
    "https:\\/\\/u:p@h", '<input name="x">', '[{"name": "a", "value": "b"}]', "eyJhbGciOi", "Bearer abc",
])
def test_prefilter_sends_every_rule_trigger_to_the_rules(text):
    assert not HarRedactor().quiet(text)


def test_known_secret_written_with_escapes_is_not_missed():
    har = HarRedactor()
    har.redactor.secret("pa/ss\"wo", "cookie")  # JSON may write it as pa\/ss\"wo
    assert not har.quiet('{"a": "pa\\/ss\\"wo"}')
    assert har.quiet('{"a": "plain"}')


@pytest.mark.parametrize("layout", ["pretty", "minified", "crlf", "gzip"])
def test_log_fields_come_from_the_outline_the_fast_reader_checked(tmp_path, layout):
    from checks.evidence.har import HarReader, read_log_meta

    doc = hf.har_doc(hf.seed_entries())
    doc["log"]["comment"] = f"after the entries, token={S['json']}"  # fields may follow the entries too
    doc["log"]["_custom"] = {"n": 1.5, "list": [1, None, True]}
    src = _write(tmp_path / "in.har", doc, layout)
    reader = HarReader(src, lazy_bodies=True)
    assert sum(1 for _ in reader.records()) == len(doc["log"]["entries"])
    (source,) = reader.sources
    assert reader._meta[source.name] == read_log_meta(source)  # no extra pass, the same fields
    out = tmp_path / "out.har"
    redact_har_file(src, out)
    log = json.loads(out.read_text())["log"]
    assert log["_custom"] == doc["log"]["_custom"] and log["creator"] == doc["log"]["creator"]
    assert S["json"] not in log["comment"] and log["comment"].startswith("after the entries, token=<redacted:")


def _spy_spools(monkeypatch) -> list:
    """Every spool file's raw bytes as they were when the spool was closed for writing."""
    seen: list[bytes] = []
    real_close = file_mod._Spool.close

    def close(self):
        real_close(self)
        seen.append(self.path.read_bytes())

    monkeypatch.setattr(file_mod._Spool, "close", close)
    return seen


@pytest.mark.parametrize("escaped", [False, True])
def test_secret_learnt_late_sends_the_copy_through_the_rules_again(tmp_path, monkeypatch, escaped):
    """A token quoted in an early body (as plain text, or JSON-escaped inside a JSON string) and
    recognised as secret only by a later header: the spooled line is not used, nothing leaks."""
    token = "ab/cd\"ef+gh12345678" if escaped else hf.BEARER
    early = hf.entry("GET", "https://admin.webex.com/debug", 200, json.dumps({"dump": token}), auth=False)
    late = hf.entry("GET", "https://admin.webex.com/api", 200, "{}", auth=False)
    late["request"]["headers"].append({"name": "Authorization", "value": f"Bearer {token}"})
    src = _write(tmp_path / "in.har", hf.har_doc([early, late]), "pretty")
    rewrites = []
    real = file_mod._write_parts
    monkeypatch.setattr(file_mod, "_write_parts", lambda *a: rewrites.append(a[4][0][1] is None) or real(*a))
    spools = _spy_spools(monkeypatch)
    redact_har_file(src, tmp_path / "out.har")
    text = (tmp_path / "out.har").read_text()
    assert token not in text and json.dumps(token)[1:-1] not in text
    assert rewrites == [False, True]  # tried from the spool, then redacted again knowing the token
    assert spools and all(token.encode() not in raw and b"Bearer" not in raw for raw in spools)


def test_spool_is_used_when_no_secret_comes_late(tmp_path, monkeypatch):
    src = _write(tmp_path / "in.har", hf.har_doc(varied_entries()), "minified")
    rewrites = []
    real = file_mod._write_parts
    monkeypatch.setattr(file_mod, "_write_parts", lambda *a: rewrites.append(a[4][0][1] is None) or real(*a))
    spools = _spy_spools(monkeypatch)
    redact_har_file(src, tmp_path / "out.har")
    assert rewrites == [False]
    # Encrypted: not even what is no secret (a URL, a tracking ID) is readable in the spool.
    assert spools and all(b"admin.webex.com" not in raw and b"ATLAS_" not in raw for raw in spools)


def test_secret_learnt_later_in_the_same_entry_is_replaced_earlier_in_it(tmp_path, monkeypatch):
    value = "SameEntry0013abcdef"
    e = _body_entry(0, json.dumps({"password": value}))
    e["request"]["url"] += f"?note={value}"  # before the body, under a name that says nothing
    src = _write(tmp_path / "in.har", hf.har_doc([e, _body_entry(1, "{}")]), "pretty")
    fast, fast_r = _redact(tmp_path, src, "fast.har", False, monkeypatch)
    ref_entries, ref_map = _reference(src, monkeypatch)
    assert value not in fast and fast_r._map == ref_map and _normalised(fast)["log"]["entries"] == ref_entries


def test_capture_holding_the_kept_body_mark_is_still_written_right(tmp_path, monkeypatch):
    big = json.dumps({"items": [{"id": i, "title": f"row {i}"} for i in range(40)]})  # read lazily, kept
    e = _body_entry(0, big)
    e["response"]["headers"].append({"name": "x-odd", "value": _KEPT_MARK + "0"})
    src = _write(tmp_path / "in.har", hf.har_doc([e, _body_entry(1, big)]), "minified")
    fast, _ = _redact(tmp_path, src, "fast.har", False, monkeypatch)
    ref_entries, _ = _reference(src, monkeypatch)
    assert _normalised(fast)["log"]["entries"] == ref_entries


def test_a_new_token_in_every_entry_does_not_send_the_copy_through_the_rules_again(tmp_path, monkeypatch):
    """Captures where every call carries a fresh token (per-request CSRF, signed URLs): each line is
    checked for every later secret at once, and none is in an earlier line, so the spool is used."""
    entries = []
    for i in range(300):
        e = _body_entry(i, json.dumps({"items": [i]}), auth=False)
        e["request"]["headers"].append({"name": "X-CSRF-Token", "value": f"csrf-{i:04d}-Zq81Kx02Lm93"})
        entries.append(e)
    src = _write(tmp_path / "in.har", hf.har_doc(entries), "minified")
    rewrites = []
    real = file_mod._write_parts
    monkeypatch.setattr(file_mod, "_write_parts", lambda *a: rewrites.append(a[4][0][1] is None) or real(*a))
    res = redact_har_file(src, tmp_path / "out.har")
    text = (tmp_path / "out.har").read_text()
    assert rewrites == [False] and res.entries == 300 and "Zq81Kx02Lm93" not in text


@pytest.mark.parametrize("indent", [2, None], ids=["pretty", "minified"])
def test_a_lone_surrogate_escape_is_written_back_as_an_escape(tmp_path, indent):
    """"\\ud800" is valid JSON that Python's json reads into a str UTF-8 cannot hold: the redacted
    copy writes it back as the escape (it crashed with UnicodeEncodeError). ijson, which reads
    the minified file (msgspec refuses lone surrogates), reads it as "?": the copy keeps what was read."""
    from checks.evidence.har import HarReader

    odd = hf.entry("GET", "https://admin.webex.com/api/v1/me", 200, "x" * 400)
    odd["request"]["headers"].append({"name": "X-Note", "value": "a\ud800b"})
    src = tmp_path / "s.har"
    src.write_text(json.dumps(hf.har_doc([odd, *hf.seed_entries()]), indent=indent), encoding="ascii")
    read = next(iter(HarReader(src, lazy_bodies=True).records())).raw["request"]["headers"][-1]
    assert read["value"] == ("a\ud800b" if indent else "a?b")
    out = tmp_path / "r.har"
    redact_har_file(src, out)
    doc = json.loads(out.read_bytes().decode("utf-8"))
    first = doc["log"]["entries"][0]
    assert read in first["request"]["headers"] and first["response"]["content"]["text"] == "x" * 400
    assert not any(s in out.read_text(encoding="utf-8") for s in hf.SECRETS)
