"""A bulk change failing for every user (one call per user, each to its own URL): one finding for
the failure on that endpoint shape past MAX_SIMILAR_FINDINGS, not one per call; the extract keeps
the most relevant failing calls and counts the rest. Below the cap nothing changes."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from checks.evidence.har_analysis import MAX_FAILING_REQUESTS, MAX_SIMILAR_FINDINGS, analyze_har
from checks.evidence.har_failures import endpoint_shape


@pytest.mark.parametrize(("path", "shape"), [
    ("/identity/scim/v1/Users/42", "/identity/scim/v1/Users/{id}"),
    ("/identity/scim/3f2a9c10-1d2e-4f50-8a9b-0c1d2e3f4a5b/v1/Users", "/identity/scim/{id}/v1/Users"),
    ("/api/v1/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS8xMjM0", "/api/v1/people/{id}"),
    ("/v1/users/alice@example.com/licenses", "/v1/users/{id}/licenses"),
    ("/api/v1/licenses/a1b2c3d4e5f60718", "/api/v1/licenses/{id}"),
    ("/api/v1/organizations/settings", "/api/v1/organizations/settings"),
    ("/api/v2/licensing", "/api/v2/licensing"),
    ("/api/v1/verylongwordwithoutanydigits", "/api/v1/verylongwordwithoutanydigits"),
    ("/", "/"),
])
def test_endpoint_shape_names_ids_not_kinds(path: str, shape: str) -> None:
    assert endpoint_shape(path) == shape


def _entry(i: int, path: str, status: int, code: int, email: str, method: str = "POST") -> dict:
    return {
        "startedDateTime": f"2026-11-20T14:{i // 60 % 60:02d}:{i % 60:02d}.000Z", "time": 1,
        "request": {"method": method, "url": f"https://identity.webex.com{path}", "httpVersion": "HTTP/1.1",
                    "headers": [{"name": "Authorization", "value": f"Bearer tok-{uuid.UUID(int=i).hex}"}],
                    "cookies": [], "queryString": [],
                    "postData": {"mimeType": "application/json", "text": json.dumps({"userName": email})}},
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
                     "content": {"mimeType": "application/json", "text": json.dumps(
                         {"message": "user provisioning failed", "errors": [{"errorCode": code,
                                                                              "description": f"{email} rejected"}]})}},
        "cache": {}, "timings": {"wait": 1}}


def _har(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "bulk.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                                        "entries": entries}}))
    return path


def _problems(analysis) -> list:
    return [f for f in analysis.findings if "rank" in f.data]


@pytest.mark.parametrize("path_of", [lambda i: f"/identity/scim/v1/Users/{uuid.UUID(int=i + 1)}",
                                     lambda i: f"/identity/scim/v1/Users/{i + 1000}",
                                     lambda i: "/identity/scim/v1/Users"])  # one URL, many users
def test_a_bulk_change_failing_for_every_user_is_one_finding(tmp_path: Path, path_of) -> None:
    n = 3 * MAX_SIMILAR_FINDINGS
    emails = [f"user{i}@example.com" for i in range(n)]
    har = _har(tmp_path, [_entry(i, path_of(i), 400, 400106, emails[i]) for i in range(n)])
    (bulk,) = _problems(analyze_har(har))
    assert bulk.data["count"] == n and bulk.data["users"] == n and bulk.data["emails"][:3] == emails[:3]
    assert bulk.data["endpoint"] == endpoint_shape(path_of(0))
    assert f"for {n} users" in next(e.content for e in bulk.evidence if e.label == "bulk failure")


def test_below_the_cap_each_user_keeps_its_finding(tmp_path: Path) -> None:
    n = MAX_SIMILAR_FINDINGS
    har = _har(tmp_path, [_entry(i, f"/identity/scim/v1/Users/{i + 1}", 400, 400106, f"u{i}@example.com")
                          for i in range(n)])
    problems = _problems(analyze_har(har))
    assert len(problems) == n and all("endpoint" not in f.data or "{id}" not in f.data["endpoint"] for f in problems)


def test_different_failures_in_one_bulk_stay_apart(tmp_path: Path) -> None:
    n = 2 * MAX_SIMILAR_FINDINGS + 2  # each code on one more endpoint than the cap
    entries = [_entry(i, f"/identity/scim/v1/Users/{i + 1}", 400, 400106 if i % 2 else 400090, f"u{i}@example.com")
               for i in range(n)]
    entries += [_entry(n + i, f"/identity/scim/v1/Users/{i + 1}", 400, 400106, f"u{i}@example.com", method="PATCH")
                for i in range(3)]
    problems = _problems(analyze_har(_har(tmp_path, entries)))
    bulk = [f for f in problems if "users" in f.data]
    assert [f.data["count"] for f in bulk] == [MAX_SIMILAR_FINDINGS + 1] * 2
    assert {tuple(f.data["codes"]) for f in bulk} == {("400106",), ("400090",)}
    assert len([f for f in problems if f.data["method"] == "PATCH"]) == 3


def test_the_extract_keeps_the_most_relevant_failing_calls_and_counts_all(tmp_path: Path) -> None:
    n = MAX_FAILING_REQUESTS + 25
    har = _har(tmp_path, [_entry(i, f"/identity/scim/v1/Users/{i + 1}", 400, 400106, f"u{i}@example.com")
                          for i in range(n)])
    extract = analyze_har(har).extract
    assert len(extract.failing_requests) == MAX_FAILING_REQUESTS
    assert extract.failing_requests_total == n and extract.to_dict()["failing_requests_total"] == n


def test_the_extract_keeps_the_first_tracking_ids_and_emails_and_counts_all(tmp_path: Path) -> None:
    from checks.evidence.har_analysis import MAX_EXTRACT_VALUES

    n = MAX_EXTRACT_VALUES + 30
    entries = [_entry(i, f"/identity/scim/v1/Users/{i + 1}", 400, 400106, f"u{i}@example.com") for i in range(n)]
    for i, e in enumerate(entries):  # each failing call has its own tracking ID, as Control Hub's do
        e["response"]["headers"].append({"name": "TrackingID", "value": f"ATLAS_0f4b3c2a-1d2e-4f50-8a9b-{i:012d}_0"})
    analysis = analyze_har(_har(tmp_path, entries))
    ex = analysis.extract
    assert len(ex.tracking_ids) == len(ex.emails) == MAX_EXTRACT_VALUES
    assert ex.tracking_ids_total == ex.emails_total == n
    (extracted,) = [f for f in analysis.findings if f.code == "har.extracted"]
    shown = {e.label: e.content for e in extracted.evidence}
    assert shown["tracking IDs"].endswith("… +30 more") and shown["affected e-mails"].endswith("… +30 more")
