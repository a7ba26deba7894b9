"""HAR captures built for tests: the seed-000 scenario with its noise calls and its variants.

Values are made up but shaped like the real thing (Chrome export, Control Hub URLs, TrackingID
headers, JWT bearer tokens, cookies). Every secret is listed in :data:`SECRETS` so tests can
check that none survives redaction.
"""
from __future__ import annotations

import base64
import gzip
import json
import zipfile
from pathlib import Path
from typing import Any

ORG = "8c7b2f4e-1d2a-4b3c-9e8f-0a1b2c3d4e5f"
PARTNER_ORG = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
EMAIL = "ana.souza@customer-example.com"
ONBOARD_TRACKING = "ATLAS_8666bff8-a5f2-4a6c-a31d-c7dccea7315c_30"
INNER_TRACKING = "NA_5b3c8a1e-2f4d-4e6a-8b9c-0d1e2f3a4b5c"
JWT = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbkBwYXJ0bmVyLWV4YW1wbGUuY29tIiwib3JnIjoiOGM3YiJ9."
       "Zm9vYmFyYmF6cXV4cXV1eHNpZ25hdHVyZXNpZ25hdHVyZQ")
BEARER = "NmQ0ZjJhYjEtOTk4My00YTc0LWJmNWEtZTA2MmQ4ZmQ0YjE3MTJkNGY5ZTAtYWM3_PF84_" + ORG
COOKIE_SESSION = "s%3Aj7Qv9XzP2mK8rL4wN6tY1uB3.cHxGfR5sT9vW2yZ4aD6fH8jK0lM"
COOKIE_CSRF = "Zx81Kq02Lm93Np47Rs65"
REFRESH = "MjQ1NmY4YjMtYjY5Ny00ZTQxLWE2NWMtNzdmZDVmYzQ1ZWQ0refresh"
PASSWORD = "Tr0ub4dor&3-horse"
CLIENT_SECRET = "c0ffee5ecret0123456789abcdef"
SECRETS = (JWT, BEARER, COOKIE_SESSION, COOKIE_CSRF, REFRESH, PASSWORD, CLIENT_SECRET)

ONBOARD_DESCRIPTION = (
    "POST failed: HTTP/1.1 409 Conflict (url = https://cpapi-r.wbx2.com/api/v1/customers/" + ORG +
    "/users) (request/response TrackingId = " + INNER_TRACKING + ") error = '[Error 10991] Url already exists: "
    + EMAIL + "'")


def entry(method: str, url: str, status: int, body: str | None = "", mime: str = "application/json",
          *, auth: bool = True, tracking: str | None = None, post: dict[str, Any] | None = None,
          started: str = "2026-11-20T14:05:00.000Z", pageref: str | None = "page_1",
          base64_body: bool = False, status_text: str | None = None) -> dict[str, Any]:
    req_headers = [{"name": ":authority", "value": url.split("/")[2]},
                   {"name": "accept", "value": "application/json, text/plain, */*"}]
    cookies: list[dict[str, Any]] = []
    if auth:
        req_headers += [{"name": "authorization", "value": f"Bearer {BEARER}"},
                        {"name": "Cookie", "value": f"connect.sid={COOKIE_SESSION}; XSRF-TOKEN={COOKIE_CSRF}; lang=en"}]
        cookies = [{"name": "connect.sid", "value": COOKIE_SESSION, "path": "/", "domain": "admin.webex.com",
                    "httpOnly": True, "secure": True},
                   {"name": "lang", "value": "en", "path": "/", "domain": "admin.webex.com"}]
    if tracking:
        req_headers.append({"name": "TrackingID", "value": tracking})
    resp_headers = [{"name": "content-type", "value": mime}]
    if tracking:
        resp_headers.append({"name": "trackingid", "value": tracking})
    query = []
    if "?" in url:
        for pair in url.split("?", 1)[1].split("&"):
            k, _, v = pair.partition("=")
            query.append({"name": k, "value": v})
    content: dict[str, Any] = {"size": len(body or ""), "mimeType": mime}
    if body is not None:
        if base64_body:
            content["text"] = base64.b64encode(body.encode()).decode()
            content["encoding"] = "base64"
        else:
            content["text"] = body
    e: dict[str, Any] = {
        "_initiator": {"type": "script"}, "_priority": "High", "_resourceType": "xhr",
        "cache": {}, "connection": "443", "startedDateTime": started, "time": 150.5,
        "request": {"method": method, "url": url, "httpVersion": "http/2.0", "headers": req_headers,
                    "queryString": query, "cookies": cookies, "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": status_text or "", "httpVersion": "http/2.0",
                     "headers": resp_headers, "cookies": [], "content": content, "redirectURL": "",
                     "headersSize": -1, "bodySize": -1, "_transferSize": 512, "_error": None},
        "serverIPAddress": "170.72.245.3", "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1,
                                                       "send": 0.2, "wait": 140.0, "receive": 9.1},
    }
    if pageref:
        e["pageref"] = pageref
    if post is not None:
        e["request"]["postData"] = post
        e["request"]["bodySize"] = len(post.get("text", ""))
    return e


def onboard_body(description: str = ONBOARD_DESCRIPTION, error_code: int = 5302, email: str = EMAIL) -> str:
    return json.dumps([{"email": email, "uuid": "3f2e1d0c-9b8a-4765-8432-10fedcba9876", "status": 400,
                        "errorList": [{"errorCode": error_code, "description": description}]}])


def seed_entries(*, auth: bool = True, pageref: str | None = "page_1", base64_body: bool = False,
                 onboard: str | None = None) -> list[dict[str, Any]]:
    """The calls of seed 000's screenshot, in order: noise first, the onboarding POST near the end."""
    a = "https://admin.webex.com"
    t = "2026-11-20T14:05:{:02d}.000Z"
    kw = dict(auth=auth, pageref=pageref)
    post_body = json.dumps({"users": [{"email": EMAIL, "licenses": [{"id": "BCSTD_" + ORG, "operation": "ADD"}]}],
                            "orgId": ORG})
    return [
        entry("POST", "https://col.eum-appdynamics.com/eumcollector/beacons/browser/v2/AD-AAB-AAW-PYC/adrum", 200,
              "", "text/plain", started=t.format(1), **kw),
        entry("GET", f"{a}/admin/api/v1/organizations/{ORG}?basicInfo=true", 200,
              json.dumps({"id": ORG, "displayName": "Customer Example"}), started=t.format(2),
              tracking="ATLAS_11111111-2222-4333-8444-555555555555_1", **kw),
        entry("GET", f"{a}/admin/api/v1/subscriptions/pending/{ORG}", 400,
              json.dumps({"message": "No pending subscriptions", "errorCode": 400000,
                          "trackingId": "ATLAS_22222222-3333-4444-8555-666666666666_2"}), started=t.format(3), **kw),
        entry("GET", f"{a}/admin/api/v1/subscriptions/pending/{ORG}", 400,
              json.dumps({"message": "No pending subscriptions", "errorCode": 400000}), started=t.format(4), **kw),
        entry("GET", f"{a}/admin/api/v1/organizations/{PARTNER_ORG}", 404,
              json.dumps({"message": "Organization not found", "errors": [{"description": "not found"}]}),
              started=t.format(5), **kw),
        entry("GET", f"{a}/api/v1/customers/{ORG}?access_token={REFRESH}", 200, json.dumps({"customers": []}),
              started=t.format(6), **kw),
        entry("GET", f"{a}/collabadmin/api/v1/locations/?orgId={ORG}", 200,
              json.dumps({"items": [{"id": "loc1", "name": "HQ", "code": "HQ-1", "state": "active"}]}),
              started=t.format(7), **kw),
        entry("GET", f"{a}/webex-pulse/api/v1/pulse/", 200, "<html>ok</html>", "text/html", started=t.format(8), **kw),
        entry("POST", f"{a}/license/api/v1/organization/{ORG}/users/onboard", 200,
              onboard if onboard is not None else onboard_body(), started=t.format(9), tracking=ONBOARD_TRACKING,
              post={"mimeType": "application/json", "text": post_body}, base64_body=base64_body, **kw),
        entry("POST", f"{a}/metrics/api/v1/clientmetrics/", 204, None, started=t.format(10), **kw),
    ]


def har_doc(entries: list[dict[str, Any]], pages: bool = True) -> dict[str, Any]:
    log: dict[str, Any] = {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}}
    if pages:
        log["pages"] = [{"startedDateTime": "2026-11-20T14:04:59.000Z", "id": "page_1",
                         "title": "https://admin.webex.com/users", "pageTimings": {"onContentLoad": 812.3,
                                                                                   "onLoad": 1204.9}}]
    log["entries"] = entries
    return {"log": log}


def write(path: Path, doc: Any, *, bom: bool = False) -> Path:
    data = json.dumps(doc, indent=2).encode()
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def seed_har(path: Path, *, pages: bool = True, bom: bool = False, **kw: Any) -> Path:
    return write(path, har_doc(seed_entries(**kw), pages=pages), bom=bom)


def other_org_har(path: Path) -> Path:
    desc = (f"User {EMAIL} already exists in another organization. To move the user, see Claim users in other "
            f"organizations. TrackingId = {INNER_TRACKING}")
    return write(path, har_doc(seed_entries(onboard=onboard_body(desc, 400100))))


def error_2017_har(path: Path) -> Path:
    body = json.dumps({"errorCode": 2017, "message": "Cannot provision subscriber in an existing Webex organization",
                       "trackingId": "ATLAS_9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d_4"})
    post = {"mimeType": "application/json",
            "text": json.dumps({"email": EMAIL, "userId": "ana@bw.example", "password": PASSWORD,
                                "client_secret": CLIENT_SECRET})}
    e = entry("POST", f"https://partner.webex.com/api/v1/broadworks/subscribers?orgId={PARTNER_ORG}", 400, body,
              post=post, tracking="ATLAS_9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d_4")
    return write(path, har_doc([*seed_entries()[:4], e]))


def truncated_har(path: Path) -> Path:
    """The seed HAR cut in the middle of the last entry (after the onboarding POST)."""
    data = json.dumps(har_doc(seed_entries()), indent=2).encode()
    cut = data.rfind(b'"metrics/api') if b'"metrics/api' in data else data.rfind(b"clientmetrics")
    path.write_bytes(data[:cut + 5])
    return path


def gzip_har(path: Path) -> Path:
    path.write_bytes(gzip.compress(json.dumps(har_doc(seed_entries())).encode()))
    return path


def zip_har(path: Path, members: int = 1) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", "captured by the customer")
        for i in range(members):
            zf.writestr(f"capture{i or ''}.har", json.dumps(har_doc(seed_entries())))
    return path


def all_strings(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in (str(k), *all_strings(v))]
    if isinstance(obj, list):
        return [s for v in obj for s in all_strings(v)]
    return [obj] if isinstance(obj, str) else []
