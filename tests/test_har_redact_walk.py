"""The walk's hot paths (HarRedactor._fields, _pairs; the text rules' shortcuts) write exactly what
the walk wrote before them: the same bytes, the same placeholders, on varied captures."""
from __future__ import annotations

import base64
import json
import random
from typing import Any

import pytest

import checks.evidence.har_redact_text as text_mod
from checks.evidence.har_redact import _PAIR_PARENTS, _SCALARS, FORM_PAIR_RE, HarRedactor, _key_kind
from checks.evidence.har_redact import _LIST_KEY, _SECRET_KEY, _URL_KEY
from checks.redact import Redactor, redact_har_file

from . import har_fixtures as hf

LATE = "LateSecret0042abcdefgh"  # plain in early entries, a password in a later body, plain again after


def _reference_fields(self: HarRedactor, obj: dict[str, Any]) -> dict[str, Any]:
    """The walk's dict loop as it was before its hot path (every string through _string)."""
    return {k: _reference_value(self, str(k), v) for k, v in obj.items()}


def _reference_value(self: HarRedactor, key: str, v: Any) -> Any:
    kind = _key_kind(key)
    rules = {_URL_KEY: (str, self.url), _SECRET_KEY: ((str, list, dict), self._secret_value),
             _LIST_KEY: (str, lambda s: self.text(FORM_PAIR_RE.sub(self._url_param, s)))}
    if v.__class__ in _SCALARS:
        return v
    if kind in rules and isinstance(v, rules[kind][0]):
        return rules[kind][1](v)
    return self._string(v) if v.__class__ is str else self._walk(v, key)


def _reference_pairs(self: HarRedactor, items: list[Any], parent: str) -> list[Any]:
    assert parent in _PAIR_PARENTS
    return [self._pair(v, parent) if v.__class__ is dict and "name" in v and "value" in v
            and not ("mimeType" in v and "text" in v) else self._walk(v, parent) for v in items]


def _reference_url(self: HarRedactor, url: str) -> str:
    out = text_mod.URL_USERINFO_RE.sub(
        lambda m: f"{m.group(1)}{m.group(2)}:{self.redactor.secret(m.group(3), 'password')}@", url)
    return self.text(text_mod._URL_PARAM_RE.sub(self._url_param, out))


@pytest.fixture
def reference(monkeypatch):
    """Call it to make the walk the reference one (for the rest of the test)."""
    def use() -> None:
        monkeypatch.setattr(HarRedactor, "_fields", _reference_fields)
        monkeypatch.setattr(HarRedactor, "_pairs", _reference_pairs)
        monkeypatch.setattr(text_mod.HarTextRules, "url", _reference_url)
        monkeypatch.setattr(text_mod, "_QUIET_FIRST", -1)
    return use


def odd_entries() -> list[dict[str, Any]]:
    """Entries with secrets in every place the walk looks and values of every odd type."""
    es: list[dict[str, Any]] = []
    for i in range(6):  # the same headers again and again: the memo answers them
        es.append(hf.entry("GET", f"https://admin.webex.com/api/v1/x/{i}?start={i}&access_token=Tok{i:04d}abcdefgh",
                           200, json.dumps({"items": [i], "note": LATE}), tracking=f"ATLAS_{i:012d}_1"))
        es[-1]["request"]["headers"].append({"name": "x-note", "value": LATE})
    late = hf.entry("POST", "https://idbroker.webex.com/idb/token", 200, json.dumps({"password": LATE}),
                    post={"mimeType": "application/x-www-form-urlencoded",
                          "text": f"grant_type=password&password={hf.PASSWORD}&client_secret={hf.CLIENT_SECRET}",
                          "params": [{"name": "password", "value": hf.PASSWORD}, {"name": "user", "value": "ana"}]})
    es.append(late)
    again = hf.entry("GET", "https://admin.webex.com/api/v1/y", 200, "{}", tracking="ATLAS_again_1")
    again["request"]["headers"] += [{"name": "x-note", "value": LATE}, {"name": "X-Echo", "value": LATE}]
    again["comment"] = f"seen {LATE} and {hf.JWT}"
    es.append(again)
    odd = hf.entry("GET", "https://user:Us3rInf0Pass0005@xsp.example.com/a?code=C0de0006abcdef#id_token=x", 401,
                   "<html><input name=\"csrf_token\" value=\"Csrf0007abcdefgh\"></html>", "text/html")
    req, resp = odd["request"], odd["response"]
    req["headers"] += [{"name": 7, "value": 8}, {"name": "n", "value": None}, {"name": "x", "value": ["a", 1]},
                       {"name": "Set-Cookie", "value": "sid=Sid0008abcdefgh; Path=/"},
                       {"name": "x-api-key", "value": "Key0009abcdefghij", "comment": "extra key kept"},
                       {"name": "body-ish", "value": "v", "mimeType": "text/plain", "text": "a pair with a body"},
                       "not a pair", 12, None, [{"name": "password", "value": "Nested0010abcdef"}]]
    req["cookies"].append({"name": "odd", "value": 5, "expires": None})
    req["queryString"] = "token=Qs0011abcdefgh&a=1"  # a list given as a string
    req["url2"] = {"url": "https://h.example.com/?refresh_token=Rt0012abcdefgh", "n": 1.5}
    resp["content"]["_textBase64"] = base64.b64encode(b'{"secret": "B64S0013abcdefgh"}').decode()
    resp["_webSocketMessages"] = [
        {"type": "send", "time": 1.0, "opcode": 1, "data": json.dumps({"token": "Ws0014abcdefgh", "n": [1, {}]})},
        {"type": "receive", "time": 1.1, "opcode": 1, "data": f"Bearer {hf.BEARER}"},
        {"type": "receive", "time": 1.2, "opcode": 2, "data": "\ud800lone surrogate, Zoë \u2028 «x» \\ \"q\""}]
    odd["_initiator"] = {"type": "script", "stack": {"callFrames": [
        {"functionName": "f", "url": "https://admin.webex.com/app.js?key=K0015abcdefgh", "lineNumber": 1}] * 3}}
    odd["timings"]["_custom"] = [1, "two", {"three": 3, "password": "Tim0016abcdefgh"}]
    odd["cache"] = {"beforeRequest": {"name": "session_token", "value": "Cache0017abcdef"}}
    odd["pageref"] = True
    odd["headers"] = [{"name": "authorization", "value": "Basic " + base64.b64encode(b"u:p4ssw0rd!").decode()}]
    es.append(odd)
    es.append(hf.entry("GET", "https://admin.webex.com/api/v1/z", 200, json.dumps([[[[{"deep": {
        "secret": "DeepSecret0018ab"}}]]]]), tracking="ATLAS_z_1", base64_body=True))
    return es


def shuffled_entries(seed: int) -> list[dict[str, Any]]:
    """The odd entries, mixed with plain ones, in a random order (secrets learnt at other times)."""
    rnd = random.Random(seed)
    es = odd_entries() + [hf.entry("GET", f"https://admin.webex.com/p/{i}", 200, f"<p>{i}</p>", "text/html",
                                   auth=rnd.random() < 0.5) for i in range(8)]
    rnd.shuffle(es)
    return es


def _lines(entries: list[dict[str, Any]]) -> tuple[list[str], dict[str, str]]:
    har = HarRedactor(Redactor())
    lines = [har.entry_line(json.loads(json.dumps(e))) for e in entries]  # a copy: nothing shared
    return lines, dict(har.redactor._map)


@pytest.mark.parametrize("seed", [None, 1, 2, 3, 4, 5])
def test_entry_lines_are_those_of_the_reference_walk(reference, seed):
    entries = odd_entries() if seed is None else shuffled_entries(seed)
    fast, fast_map = _lines(entries)
    reference()
    slow, slow_map = _lines(entries)
    assert fast_map == slow_map
    assert fast == slow


@pytest.mark.parametrize("layout", ["pretty", "minified"])
def test_redacted_files_are_those_of_the_reference_walk(tmp_path, reference, layout):
    doc = hf.har_doc(shuffled_entries(7) + odd_entries())
    # ensure_ascii: a lone surrogate can only be written escaped
    text = json.dumps(doc, indent=2 if layout == "pretty" else None,
                      separators=None if layout == "pretty" else (",", ":"))
    src = tmp_path / "in.har"
    src.write_text(text, encoding="utf-8")
    fast_r, slow_r = Redactor(), Redactor()
    redact_har_file(src, tmp_path / "fast.har", redactor=fast_r)
    reference()
    redact_har_file(src, tmp_path / "slow.har", redactor=slow_r)
    fast = (tmp_path / "fast.har").read_bytes()
    assert fast == (tmp_path / "slow.har").read_bytes() and fast_r._map == slow_r._map
    for secret in (LATE, hf.PASSWORD, hf.CLIENT_SECRET, hf.BEARER, hf.JWT, "Us3rInf0Pass0005", "Ws0014abcdefgh",
                   "Nested0010abcdef", "Tim0016abcdefgh", "Cache0017abcdef", "Sid0008abcdefgh"):
        assert secret.encode() not in fast, secret


def test_a_value_remembered_as_plain_is_replaced_once_it_is_known_secret():
    lines, _ = _lines(odd_entries())
    assert LATE in lines[0]  # not yet known as secret: it is data
    assert all(LATE not in line for line in lines[6:])  # learnt from the token call's body


@pytest.mark.parametrize("text", ["ATLAS_8666bff8-a5f2-4a6c-a31d-000000000001_1", "Bearer abcdefgh12345678",
                                  "token=abcdef123456", "see eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
                                  "<input name=csrf value=abcdefgh1234>", "x@y:/z", "pass\\u0077ord=abcdefgh",
                                  '{"name": "password", "value": "abcdefgh"}', "plain words, nothing more"])
def test_short_text_shortcut_changes_nothing(monkeypatch, text):
    fast = HarRedactor(Redactor())
    fast.redactor.secret("abcdefgh1234", "token")
    got = fast.text(text)
    monkeypatch.setattr(text_mod, "_QUIET_FIRST", -1)
    slow = HarRedactor(Redactor())
    slow.redactor.secret("abcdefgh1234", "token")
    assert got == slow.text(text) and fast.redactor._map == slow.redactor._map


def test_the_memo_is_not_read_after_the_walk_learnt_a_secret(reference):
    """A value remembered as plain text must not be copied from the memo once a secret it holds
    was learnt before it: by collect() (a cookie), or in the same list (a long header's URL)."""
    def plain(path: str) -> dict[str, Any]:
        return hf.entry("GET", f"https://admin.webex.com/{path}", 200, "{}", auth=False)

    a, b, c, d = plain("a"), plain("b"), plain("c"), plain("d")
    a["comment"] = "see Ck0123456789"
    b["request"]["cookies"].append({"name": "sid", "value": "Ck0123456789"})  # learnt by collect()
    b = {"comment": "see Ck0123456789", **b}  # its first key: read before anything else is walked
    c["request"]["headers"].append({"name": "x-a", "value": "see Sh0rtTok99"})
    d["request"]["headers"] += [
        {"name": "referer", "value": "https://h.example.com/?access_token=Sh0rtTok99&pad=" + "x" * 600},
        {"name": "x-a", "value": "see Sh0rtTok99"}]
    fast, fast_map = _lines([a, b, c, d])
    assert "Ck0123456789" not in fast[1] and "Sh0rtTok99" not in fast[3]
    reference()
    assert (fast, fast_map) == _lines([a, b, c, d])


@pytest.mark.parametrize(("mime", "text"), [
    ("text/plain", "hello \ud800 world token=abcdefabcdef1234"),
    ("application/json", '{"a": "\ud800", "password": "hunter2hunter2"}'),
    ("text/html", "<p>\udfff</p> Authorization: Bearer abcdefghijklmnop.qrstuvwx"),
])
def test_a_lone_surrogate_in_a_body_is_redacted_not_a_crash(mime, text):
    """RE2 reads UTF-8, so the prefilter cannot scan a lone surrogate: such a body is not quiet and
    the rules decide it (it used to raise UnicodeEncodeError from quiet())."""
    redactor = HarRedactor()
    assert redactor.quiet(text) is False
    entry = {"request": {"method": "GET", "url": "https://x.example/a", "headers": [], "cookies": [],
                         "queryString": []},
             "response": {"status": 200, "headers": [], "cookies": [], "content": {"mimeType": mime, "text": text}}}
    line = redactor.entry_line(entry)
    assert "<redacted:" in line
    for secret in ("abcdefabcdef1234", "hunter2hunter2", "abcdefghijklmnop"):
        assert secret not in line
