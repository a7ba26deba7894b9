"""HAR inspection: streaming reader, error catalog, ranking, extraction, bad input, CLI."""
from __future__ import annotations

import gzip
import json
import tomllib
import zipfile
from pathlib import Path

import pytest

from checks.case import Case
from checks.catalog import load_catalog
from checks.evidence.har import HarError, HarReader, body_text
from checks.builtin.har_analyze import har_summary
from checks.evidence.har_analysis import analyze_har
from checks.model import Severity

from . import har_fixtures as hf
from .helpers import wxtriage

REPO = Path(__file__).resolve().parent.parent


def codes(analysis) -> list[str]:
    return [f.code for f in analysis.findings]


def test_seed_scenario_names_the_onboarding_failure_first(tmp_path):
    a = analyze_har(hf.seed_har(tmp_path / "seed.har"))
    first = a.findings[0]
    assert first.code == "har.onboard.email_in_calling_account"
    assert first.severity is Severity.ERROR
    assert hf.EMAIL in first.title and "10991" in first.title
    assert "Webex Calling carrier" in first.detail and "HTTP 200" in first.detail
    assert "Remove the e-mail address" in first.remediation.summary
    assert first.data["endpoint"].endswith("/users/onboard") and first.data["http_status"] == 200
    assert first.data["inner_status"] == 400 and set(first.data["codes"]) == {"5302", "10991"}
    assert first.source.startswith("S0")
    labels = [e.label for e in first.evidence]
    assert labels[:2] == ["request", "response content"]
    assert first.evidence[0].content.startswith("POST https://admin.webex.com/license/api/v1/organization/")
    # The noise calls are grouped, low severity, after the problem.
    ctx = next(f for f in a.findings if f.code == "har.context.unrelated_failures")
    assert ctx.severity is Severity.INFO and ctx.data["count"] == 3
    assert "subscriptions/pending" in ctx.evidence[0].content and "→ 404" in ctx.evidence[0].content
    assert codes(a).index("har.context.unrelated_failures") > 0
    assert "har.sanitised" not in codes(a)


def test_seed_extraction_for_the_case(tmp_path):
    a = analyze_har(hf.seed_har(tmp_path / "seed.har"))
    ex = a.extract
    assert ex.org_ids[0] == hf.ORG  # the failing request's org first
    assert ex.tracking_ids[:2] == [hf.ONBOARD_TRACKING, hf.INNER_TRACKING]
    assert ex.emails == [hf.EMAIL]
    assert ex.first_time == "2026-11-20T14:05:01.000Z" and ex.last_time == "2026-11-20T14:05:10.000Z"
    (post,) = ex.failing_requests
    assert post["request"].startswith("POST ") and post["request"].split()[1].endswith("/users/onboard")
    assert json.loads(post["response"])[0]["errorList"][0]["errorCode"] == 5302
    fields = ex.case_fields()
    case = Case.create(**fields)  # the values are already valid case input
    assert case.org_id == hf.ORG and case.emails == (hf.EMAIL,) and hf.ONBOARD_TRACKING in case.tracking_ids
    # Copying into an existing case fills gaps, never overwrites; the window only when asked.
    facts = har_summary(a).case_facts
    assert facts.org_id == hf.ORG and facts.source == "the HAR"
    other = Case.create(org_id=hf.PARTNER_ORG, emails=["x@example.com"])
    merged, changes = other.with_facts(facts, set_window=True)
    assert merged.org_id == hf.PARTNER_ORG and merged.emails == ("x@example.com", hf.EMAIL)
    assert merged.time_window.start is not None and any("time window" in c for c in changes)
    kept, _ = other.with_facts(facts)
    assert kept.time_window == other.time_window
    # an empty case takes the most relevant org (the failing request's)
    assert Case.create(description="x").with_facts(facts)[0].org_id == hf.ORG


def test_other_org_variant_points_to_claiming(tmp_path):
    a = analyze_har(hf.other_org_har(tmp_path / "o.har"))
    assert a.findings[0].code == "har.onboard.user_in_other_org"
    assert "Claim" in a.findings[0].remediation.summary
    assert "har.onboard.email_in_calling_account" not in codes(a)


def test_2017_and_request_secrets_are_redacted_in_evidence(tmp_path):
    a = analyze_har(hf.error_2017_har(tmp_path / "e.har"))
    f = a.findings[0]
    assert f.code == "har.provision.existing_org_2017" and f.data["http_status"] == 400
    assert "external full administrator" in f.detail
    dumped = json.dumps(a.to_dict())
    for secret in hf.SECRETS:
        assert secret not in dumped
    body = next(e for e in f.evidence if e.label == "request body").content
    assert hf.EMAIL in body and "<redacted:" in body
    assert a.extract.tracking_ids == ["ATLAS_9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d_4"]
    assert hf.PARTNER_ORG in a.extract.org_ids


def test_unknown_code_falls_back_and_keeps_code_description_endpoint(tmp_path):
    body = json.dumps({"errorCode": 777123, "message": "Something odd happened", "trackingId": hf.ONBOARD_TRACKING})
    e = hf.entry("PUT", f"https://admin.webex.com/api/v1/customers/{hf.ORG}/settings", 500, body)
    a = analyze_har(hf.write(tmp_path / "u.har", hf.har_doc([e])))
    f = a.findings[0]
    assert f.code == "har.error.unrecognised" and f.severity is Severity.ERROR
    assert "777123" in f.title and "PUT" in f.title and "/settings" in f.title
    assert "Something odd happened" in f.detail


@pytest.mark.parametrize("code,expected", [
    (10022, "har.provision.broadworks_userid_in_use"), (1001, "har.api.null_parameter"),
    (1002, "har.api.invalid_parameter_size"), (2560, "har.wholesale.maintenance"),
    ("WXC-4201", "har.calling.number_in_use"), ("WXC-4202", "har.calling.extension_in_use"),
    ("WXC-4410", "har.calling.bad_phone_number"), (400112, "har.license.downgrade_not_allowed"),
    (400404, "har.license.professional_and_standard")])
def test_catalog_codes(tmp_path, code, expected):
    body = json.dumps({"errors": [{"errorCode": code, "description": "see code"}]})
    e = hf.entry("POST", "https://admin.webex.com/api/v1/people", 400, body)
    assert analyze_har(hf.write(tmp_path / "c.har", hf.har_doc([e]))).findings[0].code == expected


def test_codes_inside_texts_and_hidden_failures_outrank_plain_http_errors(tmp_path):
    noisy = hf.entry("GET", "https://admin.webex.com/api/v1/things", 404, "Not Found", "text/plain")
    down = hf.entry("GET", "https://admin.webex.com/api/v1/licenses", 503, "Service Unavailable", "text/plain")
    text_code = hf.entry("PATCH", "https://admin.webex.com/api/v1/numbers", 400,
                         json.dumps({"message": "Phone number rejected: WXC-4410 invalid format"}))
    ok = hf.entry("POST", "https://admin.webex.com/api/v1/anything", 200, json.dumps({"code": 200, "message": "OK"}))
    a = analyze_har(hf.write(tmp_path / "r.har", hf.har_doc([noisy, down, text_code, ok, *hf.seed_entries()])))
    assert codes(a)[:3] == ["har.onboard.email_in_calling_account", "har.calling.bad_phone_number",
                            "har.error.unrecognised"]
    ranks = [f.data["rank"] for f in a.findings if "rank" in f.data]
    assert ranks == sorted(ranks)
    # A read that failed without a known code is context, not a problem — unless the service
    # itself failed (5xx): that may be the very error the admin saw.
    ctx = next(f for f in a.findings if f.code == "har.context.unrelated_failures")
    assert "/api/v1/things → 404" in ctx.evidence[0].content and "/licenses" not in ctx.evidence[0].content
    assert "GET /api/v1/licenses failed: HTTP 503" in a.findings[2].title


def test_clean_har_says_so(tmp_path):
    e = hf.entry("GET", "https://admin.webex.com/api/v1/x", 200, "{}")
    a = analyze_har(hf.write(tmp_path / "ok.har", hf.har_doc([e])))
    assert codes(a) == ["har.no_failures"]


def test_sanitised_export_is_reported(tmp_path):
    a = analyze_har(hf.seed_har(tmp_path / "s.har", auth=False))
    f = next(f for f in a.findings if f.code == "har.sanitised")
    assert f.severity is Severity.INFO
    assert "with sensitive data" in f.remediation.summary and "redact" in f.remediation.summary
    assert a.findings[0].code == "har.onboard.email_in_calling_account"


@pytest.mark.parametrize("variant", ["no_pages", "base64", "bom", "gzip", "zip"])
def test_har_forms_give_the_same_answer(tmp_path, variant):
    p = tmp_path / f"v.{variant}"
    if variant == "no_pages":
        hf.seed_har(p, pages=False, pageref=None)
    elif variant == "base64":
        hf.seed_har(p, base64_body=True)
    elif variant == "bom":
        hf.seed_har(p, bom=True)
    elif variant == "gzip":
        hf.gzip_har(p)
    else:
        hf.zip_har(p)
    a = analyze_har(p)
    assert a.entries == 10 and a.findings[0].code == "har.onboard.email_in_calling_account"
    assert a.extract.emails == [hf.EMAIL]


@pytest.mark.parametrize("variant", ["utf-16-le", "utf-16-be", "gzip", "zip"])
def test_utf16_hars_are_read_like_utf8(tmp_path, variant):
    # Notepad's "Unicode" and PowerShell 5's `>` / Out-File save UTF-16 with a byte-order mark.
    text = json.dumps(hf.har_doc(hf.seed_entries()), indent=2)
    bom = b"\xfe\xff" if variant == "utf-16-be" else b"\xff\xfe"
    data = bom + text.encode("utf-16-be" if variant == "utf-16-be" else "utf-16-le")
    p = tmp_path / f"u16.{variant}"
    if variant == "gzip":
        p.write_bytes(gzip.compress(data))
    elif variant == "zip":
        with zipfile.ZipFile(p, "w") as zf:
            zf.writestr("capture.har", data)
    else:
        p.write_bytes(data)
    a = analyze_har(p)
    assert a.entries == 10 and a.findings[0].code == "har.onboard.email_in_calling_account"
    assert a.extract.emails == [hf.EMAIL] and hf.ORG in a.extract.org_ids


def test_utf16_har_cut_mid_character_is_a_truncated_har(tmp_path):
    data = json.dumps(hf.har_doc(hf.seed_entries()), indent=2).encode("utf-16")
    cut = data.find("clientmetrics".encode("utf-16-le")) + 1  # an odd length: half a character at the end
    p = tmp_path / "cut.har"
    p.write_bytes(data[:cut])
    a = analyze_har(p)
    assert a.truncated and a.entries == 9 and a.findings[0].code == "har.onboard.email_in_calling_account"
    assert "ends at character" in next(f for f in a.findings if f.code == "har.file.truncated").detail


def test_zip_with_several_hars_reads_all_and_names_members(tmp_path):
    reader = HarReader(hf.zip_har(tmp_path / "two.zip", members=2))
    sources = {r.source for r in reader.records()}
    assert sources == {"two.zip:capture.har", "two.zip:capture1.har"} and reader.count == 20


def test_entries_are_haralyzer_entries_and_tolerate_missing_fields(tmp_path):
    e = hf.entry("GET", "https://admin.webex.com/x", 200, None, pageref=None)
    del e["cache"], e["timings"]
    e["_chrome_only"] = {"x": 1}
    reader = HarReader(hf.write(tmp_path / "m.har", hf.har_doc([e], pages=False)))
    (entry,) = list(reader.entries())
    from haralyzer import HarEntry
    assert isinstance(entry, HarEntry) and entry.request.method == "GET" and entry.status == 200
    assert body_text(entry.raw_entry["response"]["content"]) is None


def test_truncated_har_yields_entries_before_the_break(tmp_path):
    a = analyze_har(hf.truncated_har(tmp_path / "t.har"))
    assert a.truncated and a.entries == 9
    assert a.findings[0].code == "har.onboard.email_in_calling_account"
    w = next(f for f in a.findings if f.code == "har.file.truncated")
    assert w.severity is Severity.ERROR and "t.har" in w.detail and "byte" in w.detail  # issue 13: may hide the failure
    # Cut before the onboarding POST: the warning comes first, before the unrelated context.
    data = hf.truncated_har(tmp_path / "t2.har").read_bytes()
    (tmp_path / "early.har").write_bytes(data[:data.find(b"/users/onboard")])
    early = analyze_har(tmp_path / "early.har")
    assert [f.code for f in early.findings][:2] == ["har.file.truncated", "har.context.unrelated_failures"]


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("name,data,needle", [
    ("empty.har", b"", "empty"),
    ("text.har", b"this is not json\n", "line 1 column 1"),
    ("array.har", b"[1, 2, 3]", "top level is an array"),
    ("other.json", b'{"hello": "world"}', "no 'log' object (top-level keys: hello)"),
    ("noentries.har", b'{"log": {"version": "1.2"}}', "'log' has no 'entries'"),
    ("zero.har", b'{"log": {"entries": []}}', "no usable entries"),
    ("binary.har", b"\x00\x01\x02\x03binary" * 10, "binary data"),
    ("utf16.har", '{"log": {}}'.encode("utf-16"), "'log' has no 'entries'"),  # read, then judged as JSON
    ("cut.har", b'{"log": {"entries": [{"request": {"method": "GET"', "truncated at byte"),
    ("garbage.har", b'{"log": {"entries": [' + b'{"request": {}, "response": {}},' * 3000 + b"@@@", "invalid JSON near byte"),
    ("bad.zip", b"PK\x03\x04 not really a zip", "damaged zip"),
    ("bad.har.gz", b"\x1f\x8b\x08\x00garbage", "damaged"),
])
def test_bad_input_is_one_line_naming_the_file(tmp_path, name, data, needle):
    p = _bad(tmp_path, name, data)
    with pytest.raises(HarError) as exc:
        analyze_har(p)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(name) and needle in msg, msg


def test_zip_without_har(tmp_path):
    import zipfile
    p = tmp_path / "nothing.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("notes.txt", "x")
    with pytest.raises(HarError, match=r"nothing.zip: the zip holds no .har file \(members: notes.txt\)"):
        analyze_har(p)


def test_catalog_matching_rules_come_first_in_file_order():
    # Sources, severities and documented codes: tests/test_catalogs.py. The rules with match
    # conditions explain failures, tried in file order; the others are built by the analysis.
    from checks.evidence.har_analysis import _compile

    rules = list(load_catalog("har_errors")["rules"].values())
    matching = [r for r in rules if {"codes", "text", "endpoint"} & r.keys()]
    assert [r["code"] for r in _compile(load_catalog("har_errors"))[0]] == [r["code"] for r in matching]
    assert len(matching) >= 10 and matching[0]["code"] == "har.onboard.email_in_calling_account"
    # The file is plain TOML a support engineer can edit.
    tomllib.loads((REPO / "checks" / "catalog" / "har_errors.toml").read_text(encoding="utf-8"))


def test_every_tag_of_a_source_list_is_expanded():
    from checks.catalog import describe_source
    extracted = load_catalog("har_errors")["rules"]["extracted"]["source"]
    # Seeds 002 and 004 are both the "Managing Webex for Cisco BroadWorks" article (issue 16).
    assert describe_source(extracted) == (
        "Troubleshoot the Control Hub \"Status: 400\" user error (Cisco TAC article, Chinese translation) (seed 000) §1; "
        "Managing Webex for Cisco BroadWorks (help article, German translation) (seed 002) §1; "
        "Managing Webex for Cisco BroadWorks (help article, Portuguese translation) (seed 004) §1")
    assert describe_source("S0 §7 (message wording: inf)").endswith("(seed 000) §7 (message wording: inf)")
    assert describe_source("vendor note") == "vendor note"


# -- the console script ------------------------------------------------------------------------

def test_cli_har_text_json_and_exit_codes(tmp_path, wxtriage_home):
    seed = hf.seed_har(tmp_path / "seed.har")
    r = wxtriage("har", str(seed), home=wxtriage_home)
    assert r.code == 1, r.err
    body = r.out.splitlines()
    first = next(i for i, line in enumerate(body) if "[error]" in line)
    assert "har.onboard.email_in_calling_account" in body[first]
    assert all("[error]" not in line and "[warning]" not in line for line in body[:first])
    assert hf.EMAIL in r.out and hf.ORG in r.out and hf.ONBOARD_TRACKING in r.out
    # The POST response content TAC asks for is printed whole, not cut before the 10991 text.
    assert f"[Error 10991] Url already exists: {hf.EMAIL}'" in r.out
    for secret in hf.SECRETS:
        assert secret not in r.out
    j = wxtriage("har", str(seed), "--json", home=wxtriage_home)
    doc = json.loads(j.out)
    assert j.code == 1 and doc["findings"][0]["code"] == "har.onboard.email_in_calling_account"
    assert doc["extract"]["emails"] == [hf.EMAIL]
    clean = hf.write(tmp_path / "ok.har", hf.har_doc([hf.entry("GET", "https://admin.webex.com/x", 200, "{}")]))
    assert wxtriage("har", str(clean), home=wxtriage_home).code == 0
    bad = _bad(tmp_path, "bad.har", b"nope")
    r = wxtriage("har", str(bad), home=wxtriage_home)
    assert r.code == 2 and r.err.count("\n") == 1 and "bad.har" in r.err and "Traceback" not in r.err


def test_cli_redact_out_and_case_copy(tmp_path, wxtriage_home):
    seed = hf.seed_har(tmp_path / "seed.har")
    new = wxtriage("case", "new", "--description", "onboarding fails", home=wxtriage_home)
    case_id = new.out.split()[-1]
    out = tmp_path / "clean.har"
    r = wxtriage("har", str(seed), "--redact-out", str(out), "--case", case_id, home=wxtriage_home)
    assert r.code == 1, r.err
    assert f"Wrote redacted copy {out}" in r.out and f"into case {case_id}" in r.out
    text = out.read_text(encoding="utf-8")
    for secret in hf.SECRETS:
        assert secret not in text
    from haralyzer import HarParser
    assert sum(len(p.entries) for p in HarParser.from_file(str(out)).pages) == 10
    shown = json.loads(wxtriage("case", "show", case_id, "--json", home=wxtriage_home).out)
    case = shown.get("case", shown)
    assert case["org_id"] == hf.ORG and hf.EMAIL in case["emails"] and hf.ONBOARD_TRACKING in case["tracking_ids"]
    assert "har.analyze" in json.dumps(shown)
    r = wxtriage("har", str(seed), "--redact-out", str(seed), home=wxtriage_home)
    assert r.code == 2 and "refusing to overwrite the original" in r.err


def test_run_check_har_analyze(tmp_path, wxtriage_home):
    seed = hf.seed_har(tmp_path / "seed.har")
    r = wxtriage("run", "--check", "har.analyze", "--har", str(seed), "--json", home=wxtriage_home)
    assert r.code == 1, r.err
    (check,) = json.loads(r.out)["checks"]
    assert check["status"] == "fail" and check["findings"][0]["code"] == "har.onboard.email_in_calling_account"
    bad = _bad(tmp_path, "bad.har", b"[]")  # refused before any check runs: bad input, one line, exit 2
    r = wxtriage("run", "--check", "har.analyze", "--har", str(bad), home=wxtriage_home)
    assert r.code == 2 and r.err.count("\n") == 1 and "bad.har: JSON but not a HAR" in r.err
    cut = hf.truncated_har(tmp_path / "cut.har")  # damage further in: analysed up to the break
    r = wxtriage("run", "--check", "har.analyze", "--har", str(cut), home=wxtriage_home)
    assert r.code == 1 and "har.file.truncated" in r.out
    garbage = _bad(tmp_path, "garbage.har", b'{"log": {"entries": [' + b'{"request": {}, "response": {}},' * 3000 + b"@@@")
    r = wxtriage("run", "--check", "har.analyze", "--har", str(garbage), "--json", home=wxtriage_home)
    (check,) = json.loads(r.out)["checks"]  # damage the first bytes don't show: an error result, not a skip
    assert r.code == 1 and check["status"] == "error" and "invalid JSON near byte" in check["reason"]


# -- the pretty-printed fast path must read exactly what ijson reads ---------------------------------

def _big_entries():
    js = "function f(a){return a+1}\n" * 400  # > 2 KB: read lazily
    big_json = json.dumps([{"email": f"u{i}@example.com", "status": 200} for i in range(80)])
    post = {"mimeType": "application/json", "text": json.dumps({"users": ["x" * 50] * 60, "orgId": hf.ORG})}
    return [
        hf.entry("GET", "https://admin.webex.com/static/app.js", 200, js, "application/javascript"),
        hf.entry("POST", f"https://admin.webex.com/license/api/v1/organization/{hf.ORG}/users/onboard", 200,
                 json.dumps(json.loads(hf.onboard_body()) + json.loads(big_json)),
                 post=post, tracking=hf.ONBOARD_TRACKING),
        hf.entry("GET", "https://admin.webex.com/img.png", 200, "ü" * 3000, "text/plain", base64_body=True),
        # A short request body before a long response body in the same entry.
        hf.entry("PUT", "https://admin.webex.com/api/v1/x", 200, big_json, post={"mimeType": "text/plain", "text": "{}"}),
    ]


def _materialise(obj):
    if isinstance(obj, dict):
        return {k: _materialise(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_materialise(v) for v in obj]
    return obj


@pytest.mark.parametrize("indent", [2, 4, 1])
def test_fast_path_reads_the_same_entries_as_ijson(tmp_path, indent):
    from checks.evidence.har import LazyBody
    doc = hf.har_doc([*_big_entries(), *hf.seed_entries()])
    p = tmp_path / "pretty.har"
    p.write_text(json.dumps(doc, indent=indent, ensure_ascii=False), encoding="utf-8")
    fast = HarReader(p, lazy_bodies=True)
    fast_entries = [r.raw for r in fast.records()]
    assert any(isinstance(e["response"]["content"], LazyBody) for e in fast_entries)
    assert fast.fast_count == len(fast_entries) == 14  # the fast path read every entry, no hand-over
    slow = [r.raw for r in HarReader(p).records()]
    assert [_materialise(e) for e in fast_entries] == slow
    assert analyze_har(p).findings[0].code == "har.onboard.email_in_calling_account"


def test_fast_path_hands_over_to_ijson_on_truncation_and_odd_layout(tmp_path):
    doc = hf.har_doc([*_big_entries(), *hf.seed_entries()])
    text = json.dumps(doc, indent=2)
    cut = tmp_path / "cut.har"
    cut.write_text(text[: text.rfind("clientmetrics")], encoding="utf-8")
    reader = HarReader(cut, lazy_bodies=True)
    assert len(list(reader.records())) == 13 and reader.truncated
    # An entry written on one line in the middle of a pretty file (hand-edited capture).
    lines = text.split("\n")
    odd = tmp_path / "odd.har"
    mixed = text.replace(json.dumps(doc["log"]["entries"][4], indent=2).replace("\n", "\n      "),
                         json.dumps(doc["log"]["entries"][4]))
    assert mixed != text and lines
    odd.write_text(mixed, encoding="utf-8")
    odd_reader = HarReader(odd, lazy_bodies=True)
    fast = [_materialise(r.raw) for r in odd_reader.records()]
    # The pretty-printed reader stops at entry 5; the any-layout reader delivers the rest.
    assert fast == doc["log"]["entries"] and odd_reader.fast_count == 14


def test_org_ids_from_hydra_paths_params_and_fields(tmp_path):
    import base64 as b64
    other = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"
    hydra = b64.urlsafe_b64encode(f"ciscospark://us/ORGANIZATION/{hf.ORG}".encode()).decode().rstrip("=")
    e1 = hf.entry("GET", f"https://admin.webex.com/admin/api/v1/organizations/{hydra}/users", 200, "{}")
    e2 = hf.entry("POST", f"https://admin.webex.com/api/v1/x?orgId={hf.ORG.upper().replace('-', '')}", 409,
                  json.dumps({"errorCode": 999001, "message": "conflict", "orgId": other}))
    a = analyze_har(hf.write(tmp_path / "h.har", hf.har_doc([e1, e2])))
    assert a.extract.org_ids[0] == hf.ORG and other in a.extract.org_ids
    assert hydra not in json.dumps(a.extract.org_ids)  # decoded to the UUID


def test_fast_path_on_compressed_streams_and_memory_map_agree(tmp_path):
    import gzip
    doc = hf.har_doc([*_big_entries(), *hf.seed_entries()])
    text = json.dumps(doc, indent=2).encode()
    plain = tmp_path / "p.har"
    plain.write_bytes(text)
    packed = tmp_path / "p.har.gz"
    packed.write_bytes(gzip.compress(text))
    mapped, streamed = HarReader(plain, lazy_bodies=True), HarReader(packed, lazy_bodies=True)
    a = [_materialise(r.raw) for r in mapped.records()]
    b = [_materialise(r.raw) for r in streamed.records()]
    assert a == b == doc["log"]["entries"]
    assert mapped.fast_count == streamed.fast_count == 14


def test_odd_values_in_entries_do_not_crash(tmp_path):
    e = hf.entry("POST", "https://admin.webex.com/api/v1/users/onboard", 200, "[1, 2, null]")
    e["request"]["headers"] += [{"name": "Authorization", "value": None}, {"name": "Cookie", "value": ["a"]},
                                {"name": 5, "value": 7}]
    e["response"]["status"] = "200"
    e["response"]["content"]["text"] = None
    e2 = hf.entry("GET", "https://admin.webex.com/x", "oops", "{}")  # type: ignore[arg-type]
    a = analyze_har(hf.write(tmp_path / "odd.har", hf.har_doc([e, e2])))
    assert a.entries == 2 and a.findings
    from checks.redact import redact_har_file
    assert redact_har_file(tmp_path / "odd.har", tmp_path / "o.har").entries == 2
