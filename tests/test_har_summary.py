"""The analysis reads most entries through a msgspec *summary* (checks.evidence.har_summary) and
decodes an entry in full only when it can hold a failure. Whatever path an entry takes, the
analysis must come out exactly the same: findings, extract, failures, warnings, and the redactor's
placeholders (numbered in the order secrets are first seen) and remembered secrets.

Three readings of the same capture are compared: summaries (the default for pretty-printed HARs),
full json decoding of every entry (summaries switched off), and ijson (the same HAR written on
one line, so the pretty-printed fast path does not apply).
"""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.evidence import har as har_mod
from checks.evidence.har import HarError, HarReader, LazyBody, LazyHarRecord
from checks.evidence.har_analysis import analyze_har

from . import har_fixtures as hf


def snapshot(a) -> dict:
    failures = []
    for f in a.failures:
        d = {k: v for k, v in vars(f).items() if k not in ("rule", "noise")}
        d["rule"] = f.rule.get("code") if f.rule else None
        d["noise"] = f.noise.get("pattern") if f.noise else None
        failures.append(d)
    result = a.to_dict()
    result.pop("file")  # the full path; findings name the file by its name, which is the same
    return {"result": result, "failures": failures, "placeholders": list(a.redactor._map.items()),
            "known": sorted(a.redactor.known_secrets), "entries": a.entries, "sanitised": a.sanitised,
            "warnings": a.warnings}


def three_ways(tmp_path, doc, monkeypatch, *, ijson: bool = True) -> tuple[dict, ...]:
    (tmp_path / "pretty").mkdir(exist_ok=True)
    (tmp_path / "compact").mkdir(exist_ok=True)
    pretty = tmp_path / "pretty" / "cap.har"  # the same name: findings name the file
    pretty.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    fast = snapshot(analyze_har(pretty))
    with monkeypatch.context() as m:
        m.setattr(har_mod, "_summarise", lambda meta, bodies, decoded=None: None)
        full = snapshot(analyze_har(pretty))
    if not ijson:
        return fast, full
    compact = tmp_path / "compact" / "cap.har"
    compact.write_text(json.dumps(doc), encoding="utf-8")
    slow = snapshot(analyze_har(compact))
    return fast, full, slow


def summarised(path) -> int:
    return sum(isinstance(r, LazyHarRecord) for r in HarReader(path, lazy_bodies=True, summaries=True).records())


def _odd_entries() -> list[dict]:
    js = "function f(a){return a+1}\n" * 400
    e = hf.entry("POST", "https://admin.webex.com/api/v1/users/onboard", 200, "[1, 2, null]")
    e["request"]["headers"] += [{"name": "Authorization", "value": None}, {"name": "Cookie", "value": ["a"]},
                                {"name": 5, "value": 7}]
    e["response"]["status"] = "200"
    big_post = hf.entry("PUT", f"https://admin.webex.com/api/v1/customers/{hf.ORG}/x?orgId={hf.PARTNER_ORG}", 409,
                        json.dumps({"errorCode": 999001, "message": "conflict " + "x" * 400}),
                        post={"mimeType": "application/x-www-form-urlencoded", "text": "a=1&" + "b" * 500,
                              "params": [{"name": "client_secret", "value": hf.CLIENT_SECRET}, {"name": "x"}]})
    return [
        hf.entry("GET", "https://admin.webex.com/static/app.js", 200, js, "application/javascript"),
        e,
        hf.entry("GET", "https://admin.webex.com/x", "oops", "{}"),  # type: ignore[arg-type]
        hf.entry("post", "https://admin.webex.com/license/api/v1/organization/x/users/onboard", 200,
                 hf.onboard_body(error_code=2017)),
        big_post,
        {"request": {"method": "GET", "url": "https://admin.webex.com/no-response"}},  # skipped entry
    ]


def _cookie_header_only() -> dict:
    """Authentication visible only through a Cookie header (no Authorization, no cookies array)."""
    e = hf.entry("GET", "https://admin.webex.com/api/v1/me", 200, "{}", auth=False)
    e["request"]["headers"].append({"name": "cookie", "value": f"connect.sid={hf.COOKIE_SESSION}"})
    return e


def _odd_cookies() -> list[dict]:
    """Cookie values the secret collection skips or remembers: empty, not a string, repeated, the
    bearer token already remembered from a header, and a new value after those."""
    e = hf.entry("GET", "https://admin.webex.com/api/v1/me?access_token=" + hf.CLIENT_SECRET, 200, "{}")
    e["request"]["cookies"] += [{"name": "empty", "value": ""}, {"name": "num", "value": 42},
                                {"name": "none", "value": None}, {"name": "bearer", "value": hf.BEARER},
                                {"name": "again", "value": hf.COOKIE_SESSION}, {"name": "new", "value": "n3w-c00kie-v4lue"}]
    e["response"]["cookies"] = [{"name": "set", "value": "r3sp0nse-c00kie"}, {"value": "nameless-c00kie"}]
    return [e, e, *hf.seed_entries()]


@pytest.mark.parametrize("entries", [
    pytest.param(lambda: hf.seed_entries(), id="seed"),
    pytest.param(_odd_cookies, id="odd-cookies"),
    pytest.param(lambda: hf.seed_entries(auth=False, pageref=None, base64_body=True), id="sanitised-base64"),
    pytest.param(lambda: [*_odd_entries(), *hf.seed_entries()], id="odd-values"),
    pytest.param(lambda: [*hf.seed_entries(auth=False), _cookie_header_only()], id="cookie-header-only"),
])
def test_summaries_give_the_same_analysis_as_full_decoding_and_ijson(tmp_path, monkeypatch, entries):
    doc = hf.har_doc(entries())
    fast, full, slow = three_ways(tmp_path, doc, monkeypatch)
    assert fast == full == slow
    assert fast["result"]["findings"]  # something was found, so the comparison means something
    assert summarised(tmp_path / "pretty" / "cap.har") >= len(doc["log"]["entries"]) - 1  # the summary path ran


def test_values_msgspec_refuses_fall_back_to_json_with_the_same_result(tmp_path, monkeypatch):
    """NaN and lone surrogates are valid for Python's json but not for msgspec: those entries are
    decoded in full, the others still summarised, and the analysis is the same."""
    odd = hf.entry("GET", f"https://admin.webex.com/admin/api/v1/organizations/{hf.ORG}", 404, "{}")
    odd["time"] = math.nan
    odd["request"]["headers"].append({"name": "X-Note", "value": "\ud800"})
    entries = [odd, *hf.seed_entries()]
    fast, full = three_ways(tmp_path, hf.har_doc(entries), monkeypatch, ijson=False)
    assert fast == full and fast["result"]["entries"] == len(entries)
    assert summarised(tmp_path / "pretty" / "cap.har") == len(entries) - 1


def test_invalid_utf8_where_msgspec_skips_is_refused_as_before(tmp_path, monkeypatch):
    """msgspec does not check UTF-8 inside fields it skips; such an entry must still be refused
    the way full decoding refuses it (ijson takes over and names the damage)."""
    e = hf.entry("GET", "https://admin.webex.com/x", 200, "{}")
    e["_initiator"] = {"type": "script", "url": "MARK"}
    raw = json.dumps(hf.har_doc([*hf.seed_entries(), e]), indent=2).encode().replace(b"MARK", b"a\xc0\xafb")
    p = tmp_path / "bad.har"
    p.write_bytes(raw)
    outcomes = []
    for summaries in (True, False):
        with monkeypatch.context() as m:
            if not summaries:
                m.setattr(har_mod, "_summarise", lambda meta, bodies, decoded=None: None)
            try:
                outcomes.append(("ok", snapshot(analyze_har(p))))
            except har_mod.HarError as exc:
                outcomes.append(("error", str(exc)))
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == "error" and "UTF-8" in outcomes[0][1]


# -- property: random entries, every field the summary reads -----------------------------------

_names = st.sampled_from(["Authorization", "authorization", "Cookie", "cookie", "Set-Cookie", "X-Auth-Token",
                          "x-xsrf-token", "TrackingID", "accept", "session_id", "to-ken", "TOKEN.js", "code",
                          "state", "key", "trackingid", "passwordPolicy", "X-Api-Key", "\u212aey"])
_values = st.one_of(st.sampled_from([f"Bearer {hf.BEARER}", f"a={hf.COOKIE_SESSION}; b=2", hf.REFRESH, hf.PASSWORD,
                                     "", "en", "Basic dXNlcjpwYXNz", hf.JWT]),
                    st.text(min_size=0, max_size=12), st.none(), st.integers(-5, 5), st.just(["a"]))
_pairs = st.lists(st.fixed_dictionaries({"name": st.one_of(_names, st.integers(0, 3), st.none()), "value": _values}),
                  max_size=4)
_urls = st.sampled_from([
    "https://admin.webex.com/api/v1/users?start=1",
    f"https://admin.webex.com/admin/api/v1/organizations/{hf.ORG}?basicInfo=true",
    f"https://admin.webex.com/api/v1/x?orgId={hf.PARTNER_ORG}&access_token={hf.REFRESH}",
    f"https://admin.webex.com/license/api/v1/organization/{hf.ORG}/users/onboard",
    f"https://user:{hf.PASSWORD}@admin.webex.com/api/v1/customers/{hf.ORG.upper()}/users",
    "https://admin.webex.com/ORGS/not-a-uuid", "relative/path", "",
])
_bodies = st.sampled_from([
    "", "{}", hf.onboard_body(), hf.onboard_body(error_code=2017), json.dumps({"errorCode": 400112, "message": "x"}),
    json.dumps({"items": [{"id": i, "email": f"u{i}@example.com", "status": 200} for i in range(30)]}),
    "<html>" + "x" * 400 + "</html>", json.dumps({"message": "error " + "y" * 300, "trackingId": hf.INNER_TRACKING}),
])


@st.composite
def random_entries(draw):
    e = hf.entry(draw(st.sampled_from(["GET", "POST", "put", "DELETE", "OPTIONS"])), "https://admin.webex.com/",
                 draw(st.sampled_from([200, 204, 400, 404, 409, 500, 0])), draw(_bodies),
                 auth=draw(st.booleans()), tracking=draw(st.sampled_from([None, hf.ONBOARD_TRACKING])),
                 started=draw(st.sampled_from(["2026-11-20T14:05:00.000Z", "2026-11-20T13:00:00.000Z", ""])))
    req, resp = e["request"], e["response"]
    req["url"] = draw(_urls)
    req["headers"] += draw(_pairs)
    resp["headers"] += draw(_pairs)
    req["cookies"] += draw(_pairs)
    resp["cookies"] += draw(_pairs)
    req["queryString"] += draw(_pairs)
    if draw(st.booleans()):
        req["postData"] = {"mimeType": "application/json", "text": draw(_bodies), "params": draw(_pairs)}
    for key, value in draw(st.lists(st.sampled_from([
            ("status", "404"), ("status", None), ("status", 404.0), ("method", None), ("url", 5),
            ("startedDateTime", None), ("drop", "startedDateTime"), ("drop", "headers"), ("cookies", None)]),
            max_size=2)):
        if key == "drop":
            e.pop(value, None)
            req.pop(value, None)
        elif key == "status":
            resp["status"] = value
        elif key == "startedDateTime":
            e[key] = value
        else:
            req[key] = value
    return e


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(random_entries(), min_size=1, max_size=6))
def test_property_summaries_match_full_decoding_and_ijson(tmp_path, monkeypatch, entries):
    fast, full, slow = three_ways(tmp_path, hf.har_doc(entries), monkeypatch)
    assert fast == full == slow


@pytest.mark.parametrize("indent", [2, None], ids=["pretty", "minified"])
@pytest.mark.parametrize("chunk", [61, 997, 1 << 20])
def test_stream_reader_cuts_the_same_entries_whatever_the_read_size(tmp_path, monkeypatch, chunk, indent):
    """Compressed HARs are read in chunks: a body, an entry's end or the list's end can straddle two
    reads. Every chunk size must give what ijson gives (and the fast path must have read it all)."""
    import gzip

    from checks.evidence import har_fast, har_sources

    asked: list[int] = []  # read sizes the fast readers asked for: the reader's chunk_size is used
    plain_read = har_sources._CountingReader.read
    monkeypatch.setattr(har_sources._CountingReader, "read", lambda self, n=-1: asked.append(n) or plain_read(self, n))
    entries = [*_odd_entries()[:2], *hf.seed_entries(), *_odd_entries()[3:5]]
    doc = hf.har_doc(entries)
    packed = tmp_path / "s.har.gz"
    packed.write_bytes(gzip.compress(json.dumps(doc, indent=indent).encode()))
    reader = HarReader(packed, lazy_bodies=True, summaries=True, chunk_size=chunk)
    raws = [r.raw for r in reader.records()]
    assert reader.fast_count == len(entries)
    assert chunk in asked and min(n for n in asked if n > 0) == chunk
    # Every long body was found and left lazy (a missed body would only be slower, so count them).
    long_bodies = sum(isinstance(slot.get("text"), str) and len(json.dumps(slot["text"])) >= har_fast._LAZY_MIN
                      for e in entries for slot in (e["response"].get("content") or {},
                                                    e["request"].get("postData") or {}))
    assert long_bodies >= 4
    assert sum(isinstance(slot, LazyBody) for e in raws
               for slot in (e["response"].get("content"), e["request"].get("postData"))) == long_bodies
    assert [json.loads(json.dumps(e, default=dict)) for e in raws] == [json.loads(json.dumps(e)) for e in entries]


@pytest.mark.parametrize("enabled", [True, False])
def test_analysis_leaves_the_garbage_collector_as_it_found_it(tmp_path, enabled):
    """The cyclic collector is off while entries stream, and back as it was afterwards — also when
    the file is refused half-way."""
    import gc

    good = tmp_path / "good.har"
    good.write_text(json.dumps(hf.har_doc(hf.seed_entries()), indent=2), encoding="utf-8")
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [{"request": 5}, oops', encoding="utf-8")
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        analyze_har(good)
        assert gc.isenabled() is enabled
        with pytest.raises(HarError):
            analyze_har(bad)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
