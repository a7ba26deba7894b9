"""What a HAR of a failing Control Hub / Partner Hub operation says: ranked findings and TAC facts.

Reads the capture with :class:`~checks.evidence.har.HarReader` (streaming), looks inside the
bodies of known Webex endpoints (Control Hub answers ``POST …/users/onboard`` with HTTP 200 and
the per-user failures inside), explains codes with the ``har_errors`` catalog, ranks failures by
relevance to the admin's symptom (write calls on known endpoints first, routine lookups grouped as
context), and extracts what a TAC case asks for. Everything that leaves this module is redacted.
"""
from __future__ import annotations

import gc
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

from ..case import CaseFieldError, normalize_org_id, normalize_tracking_id
from ..catalog import load_catalog
from ..model import Evidence, Finding, Severity
from ..redact import LeakScanner, Redactor, default_known_secrets, map_finding_texts
from .har import HarReader, HarRecord, LazyHarRecord, body_text
from .har_failures import (_EMAIL_IN_TEXT, _ERRORISH, _ORG_FIELD, _ORG_IN_PATH, _TRACKING_IN_TEXT, BODY_LIMIT,
                           EVIDENCE_BODY_CHARS, WRITE_METHODS, ApiFailure, _codes_in_text, _compile, _errors_in,
                           _first_line, _has_auth, _has_auth_summary, _json_or_none, _orgs_in, _path_of, _shorten,
                           _valid_email, endpoint_shape, match_rule)
from .har_redact import HarRedactor


#: The failing write calls the extract keeps, most relevant first (each with its response content);
#: the others are counted (a bulk change failing for 30,000 users is not 30,000 bodies for TAC).
MAX_FAILING_REQUESTS = 50
#: Tracking IDs and e-mails the extract keeps, most relevant first (each failing call of a bulk
#: change has its own); the others are counted. A case takes fewer still (MAX_COPIED_TRACKING_IDS).
MAX_EXTRACT_VALUES = 50
#: Past this many findings for one failure on one endpoint shape (a bulk change failing for every
#: user: ``POST /Users/{id}`` 30,000 times), its calls are one finding together, not one each.
MAX_SIMILAR_FINDINGS = 10


@dataclass
class HarExtract:
    """Facts for the case and the TAC bundle, most relevant first."""

    org_ids: list[str] = field(default_factory=list)
    tracking_ids: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    first_time: str = ""
    last_time: str = ""
    failing_requests: list[dict[str, str]] = field(default_factory=list)  # request line, time, body
    failing_requests_total: int = 0  # failing write calls in all (only MAX_FAILING_REQUESTS are kept)
    tracking_ids_total: int = 0  # tracking IDs found in all (only MAX_EXTRACT_VALUES are kept)
    emails_total: int = 0

    def case_fields(self) -> dict[str, Any]:
        """Values ready for :meth:`Case.create` (already normalised; ``Case.with_facts`` takes the
        HAR check's :class:`~checks.case.CaseFacts`)."""
        return {"org_id": self.org_ids[0] if self.org_ids else "", "tracking_ids": list(self.tracking_ids),
                "emails": list(self.emails), "since": self.first_time, "until": self.last_time}

    def to_dict(self) -> dict[str, Any]:
        return {"org_ids": self.org_ids, "tracking_ids": self.tracking_ids, "emails": self.emails,
                "first_time": self.first_time, "last_time": self.last_time,
                "failing_requests": self.failing_requests, "failing_requests_total": self.failing_requests_total,
                "tracking_ids_total": self.tracking_ids_total, "emails_total": self.emails_total}


@dataclass
class HarAnalysis:
    path: str
    entries: int
    findings: list[Finding]
    extract: HarExtract
    failures: list[ApiFailure]
    warnings: list[str]
    truncated: bool
    sanitised: bool
    redactor: Redactor
    #: The HARs read: the file itself, or ``archive.zip:member.har`` for each HAR in a zip.
    sources: list[str] = field(default_factory=list)

    def scanner(self) -> LeakScanner:
        """A leak scanner that knows every secret this analysis saw (plus the keyring's)."""
        scanner = LeakScanner(default_known_secrets())
        scanner.add(self.redactor.removed)
        return scanner

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, "entries": self.entries, "truncated": self.truncated,
                "sanitised": self.sanitised, "warnings": self.warnings,
                "findings": [f.to_dict() for f in self.findings], "extract": self.extract.to_dict()}

class _Analyzer:
    def __init__(self, path: Path | str, redactor: Redactor | None):
        self.path = Path(path)
        self.catalog = load_catalog("har_errors")
        self.rules, self.endpoints, self.noise = _compile(self.catalog)
        self.redactor = redactor or Redactor()
        self.redactor.known_secrets |= default_known_secrets()  # keyring passwords never reach evidence
        self.har = HarRedactor(self.redactor)
        self.failures: list[ApiFailure] = []
        self.auth_seen = False
        self.org_counts: dict[str, int] = {}
        self.first_time = ""
        self.last_time = ""

    # -- per entry ------------------------------------------------------------------------
    def visit(self, rec: HarRecord | LazyHarRecord) -> None:
        summary = getattr(rec, "summary", None)
        if summary is not None:
            # Only the summary is decoded; the full entry only if the entry may hold a failure.
            self.har.collect_summary(summary)  # remember header/cookie/param secrets for the leak scanner
            req_s, resp_s = summary.request, summary.response
            if not self.auth_seen:
                self.auth_seen = _has_auth_summary(req_s)
            head = self._head(summary.startedDateTime, req_s.url, req_s.method, resp_s.status)
            if head is None:
                return
            raw = rec.raw
        else:
            raw = rec.raw
            self.har.collect(raw)  # remember header/cookie/param secrets for the leak scanner
            if not self.auth_seen:
                self.auth_seen = _has_auth(raw["request"])
            req = raw["request"]
            head = self._head(raw.get("startedDateTime"), req.get("url", ""), req.get("method", ""),
                              raw["response"].get("status", 0))
            if head is None:
                return
        self._examine(rec, raw, *head)

    def _head(self, started: Any, url_value: Any, method_value: Any,
              status_value: Any) -> tuple[Any, str, str, int, str, int] | None:
        """What every entry is read for (time window, org IDs); returns None unless the entry can
        hold a failure, else what :meth:`_examine` needs."""
        if isinstance(started, str) and started:
            if not self.first_time or started < self.first_time:
                self.first_time = started
            if started > self.last_time:
                self.last_time = started
        url = str(url_value)
        low = url.lower()
        # The regex only where it can match (non-ASCII text can case-fold into ASCII letters).
        if "/org" in low or "/customers/" in low or not url.isascii():
            for m in _ORG_IN_PATH.finditer(url):
                self._org(m.group(1))
        if "orgid=" in low:
            for k, v in parse_qsl(urlsplit(url).query):
                if k.lower() == "orgid":
                    self._org(v)
        method = str(method_value).upper()
        try:
            status = int(status_value or 0)
        except (TypeError, ValueError, OverflowError):  # "Infinity", 1e400, a string …
            status = 0
        if not 0 <= status < 1000:
            status = 0
        if status < 400 and method not in WRITE_METHODS:
            return None  # successes hide failures only in the bodies of write calls
        path = _path_of(url)
        endpoint_weight = sum(int(e.get("weight", 0)) for e in self.endpoints if e["_rx"].search(path))
        if status < 400 and not endpoint_weight:
            return None  # … to endpoints we know
        return started, url, method, status, path, endpoint_weight

    def _examine(self, rec: HarRecord | LazyHarRecord, raw: dict[str, Any], started: Any, url: str,
                 method: str, status: int, path: str, endpoint_weight: int) -> None:
        resp = raw["response"]
        failing_http = status >= 400
        content = resp.get("content") if isinstance(resp.get("content"), dict) else {}
        text = body_text(content, BODY_LIMIT)
        if not failing_http and (not text or not _ERRORISH.search(text)):
            return  # cheap C-speed test before decoding a success body
        doc = _json_or_none(text, str(content.get("mimeType", "")))
        found = _errors_in(doc, loose=failing_http) if doc is not None else []
        if not found and not failing_http:
            return
        if not found:
            found = [dict(codes=(), description=_first_line(text or "") if text else "", email="",
                          inner=None, tracking="")]
        for item in found:
            self._add(rec, method, url, path, status, started or "", item, text, doc, endpoint_weight)

    def _add(self, rec: HarRecord | LazyHarRecord, method: str, url: str, path: str, status: int, started: str,
             item: Mapping[str, Any], text: str | None, doc: Any, weight: int) -> None:
        req, resp = rec.raw["request"], rec.raw["response"]
        description = self.har.text(str(item.get("description") or ""))
        codes = tuple(dict.fromkeys([*item.get("codes", ()), *_codes_in_text(description)]))
        trackings = self._trackings(req, resp, description, str(item.get("tracking") or ""))
        shown_url = self.har.url(url)
        post = body_text(req.get("postData") if isinstance(req.get("postData"), dict) else None, BODY_LIMIT)
        f = ApiFailure(
            index=rec.index, source=rec.source, method=method, url=shown_url, path=urlsplit(shown_url).path,
            http_status=status, started=started, inner_status=item.get("inner"), codes=codes,
            description=description, email=_valid_email(item.get("email")), tracking_ids=trackings,
            request_line=f"{method} {shown_url} {req.get('httpVersion', '')}".strip(),
            request_body=self._excerpt(post, str((req.get("postData") or {}).get("mimeType", ""))),
            response_body=self._excerpt_doc(doc, text))
        if not f.email:
            f.email = next((e for e in (_valid_email(m) for m in _EMAIL_IN_TEXT.findall(description)) if e), "")
        f.rule = match_rule(f, self.rules)
        if f.rule is None:
            f.noise = next((n for n in self.noise if n["_rx"].search(path)
                            and (not n.get("statuses") or status in n["statuses"])), None)
        # A failed read nobody explains is context, unless the service itself failed (a 5xx).
        f.is_context = f.noise is not None or (
            f.rule is None and method not in WRITE_METHODS and not f.hidden
            and status < int(self.catalog["relevance"]["server_error"]))
        f.relevance = (weight + (40 if f.hidden else 0) + (30 if method in WRITE_METHODS else 0)
                       + (30 if f.rule else 0) + (10 if status >= 500 else 5 if status >= 400 else 0)
                       - (100 if f.noise else 0))
        for body in (post, text):  # "orgId" fields of the failing request and its response
            for m in _ORG_FIELD.finditer(body or ""):
                self._org(m.group(1))
        self.failures.append(f)

    def _trackings(self, req: Mapping[str, Any], resp: Mapping[str, Any], description: str, extra: str) -> tuple[str, ...]:
        found: list[str] = []
        for msg in (resp, req):  # the response's ID first: it is the one TAC searches for
            for h in msg.get("headers") or ():
                if isinstance(h, dict) and str(h.get("name", "")).lower() in ("trackingid", "tracking-id", "x-trackingid"):
                    found.append(str(h.get("value", "")))
        found += [m.group(1) for m in _TRACKING_IN_TEXT.finditer(description)]
        if extra:
            found.append(extra)
        valid: list[str] = []
        for t in found:
            try:
                valid.append(normalize_tracking_id(t.strip().rstrip(".,;)'\"")))
            except CaseFieldError:
                continue
        return tuple(dict.fromkeys(valid))

    def _org(self, raw: str) -> None:
        try:
            org = normalize_org_id(raw)
        except CaseFieldError:
            return
        self.org_counts[org] = self.org_counts.get(org, 0) + 1

    def _excerpt(self, text: str | None, mime: str) -> str:
        if not text:
            return ""
        red = self.har._plain_body(text, mime)
        return red if len(red) <= EVIDENCE_BODY_CHARS else red[:EVIDENCE_BODY_CHARS] + " …(truncated)"

    def _excerpt_doc(self, doc: Any, text: str | None) -> str:
        if doc is None:
            return self._excerpt(text, "")
        red = json.dumps(self.har._json(doc), indent=2, ensure_ascii=False)
        return red if len(red) <= EVIDENCE_BODY_CHARS else red[:EVIDENCE_BODY_CHARS] + "\n…(truncated)"

    # -- results --------------------------------------------------------------------------
    def findings(self, entries: int, warnings: list[str], truncated: bool) -> tuple[list[Finding], HarExtract]:
        rules = self.catalog["rules"]
        ranked = sorted(self.failures, key=lambda f: (-f.relevance, f.index))
        problems = [f for f in ranked if not f.is_context]
        context = [f for f in ranked if f.is_context]
        extract = self._extract(problems, context)
        out: list[Finding] = []
        groups: dict[tuple[Any, ...], list[ApiFailure]] = {}
        for f in problems:  # one finding per rule, user and endpoint; repeats are counted
            key = (f.rule["code"] if f.rule else ",".join(f.codes) or f.http_status, f.email, f.method, f.path)
            groups.setdefault(key, []).append(f)
        for rank, (group, shape) in enumerate(_bulk_merged(groups), 1):
            out.append(self._problem_finding(group, rank, shape))
        if truncated:  # before the context: the failing call may be after the break
            for w in warnings:
                if "incomplete" in w:
                    out.append(_rule_finding(rules["truncated"], {"warning": w}, {"warning": w}))
        if context:
            out.append(self._context_finding(rules["context"], context))
        if not self.auth_seen and entries:
            out.append(_rule_finding(rules["sanitised"], {}, {"entries": entries}))
        if not problems and not context:
            out.append(_rule_finding(rules["clean"], {"entries": entries}, {"entries": entries}))
        if any((extract.org_ids, extract.tracking_ids, extract.emails, extract.failing_requests)):
            out.append(self._extract_finding(rules["extracted"], extract))
        return out, extract

    def _problem_finding(self, group: list[ApiFailure], rank: int, shape: str = "") -> Finding:
        """The finding for ``group``: the calls of one failure; ``shape``: the endpoint shape when
        they are the calls of a bulk change (many users or objects, see :func:`_bulk_merged`)."""
        f = group[0]
        rule = f.rule or self.catalog["rules"]["unknown"]
        code_or_status = ", ".join(f.codes) or (f"inner status {f.inner_status}" if f.inner_status else
                                                f"HTTP {f.http_status}")
        values = {"email": f.email, "email_or_user": f.email or "the user", "codes": ", ".join(f.codes) or "—",
                  "code": f.codes[0] if f.codes else "", "code_or_status": code_or_status,
                  "description": f.description or "(no description in the response)",
                  "short_description": _shorten(f.description, 80), "endpoint": f.path, "method": f.method,
                  "status": f.http_status, "tracking_id": f.tracking_ids[0] if f.tracking_ids else ""}
        severity = Severity(rule["severity"])
        evidence = [Evidence("request", f.request_line, "text", f"{f.source} entry {f.index + 1} at {f.started}")]
        if f.response_body:
            evidence.append(Evidence("response content", f.response_body,
                                     "json" if f.response_body[:1] in "[{" else "text",
                                     f"{f.source} entry {f.index + 1}"))
        if f.request_body:
            evidence.append(Evidence("request body", f.request_body, "text", f"{f.source} entry {f.index + 1}"))
        if f.tracking_ids:
            evidence.append(Evidence("tracking ID", ", ".join(f.tracking_ids), "text", f"{f.source} entry {f.index + 1}"))
        emails = list(dict.fromkeys(g.email for g in group if g.email)) if shape else []
        endpoints = len({g.path for g in group}) if shape else 1
        if shape:
            values["endpoint"] = shape
            values["email_or_user"] = f"{len(emails)} users" if len(emails) > 1 else values["email_or_user"]
            evidence.append(Evidence("bulk failure", f"the same failure on {endpoints} "
                                     f"endpoints of the shape {f.method} {shape}" +
                                     (f", for {len(emails)} users: " + ", ".join(emails[:20]) +
                                      (f" … +{len(emails) - 20} more" if len(emails) > 20 else "") if emails else ""),
                                     "text", f.source))
        if len(group) > 1:
            evidence.append(Evidence("repeats", f"{len(group)} times: entries " +
                                     ", ".join(str(g.index + 1) for g in group[:20]) +
                                     (f" … +{len(group) - 20} more" if len(group) > 20 else ""), "text", f.source))
        detail = ""
        if f.hidden:
            detail = (f"\n\nThe HTTP status was {f.http_status}: the failure is only visible inside the response "
                      "body" + (f" (per-user status {f.inner_status})." if f.inner_status else "."))
        data = {"rank": rank, "entry": f.index + 1, "method": f.method, "endpoint": f.path, "http_status": f.http_status,
                "inner_status": f.inner_status, "codes": list(f.codes), "email": f.email,
                "tracking_ids": list(f.tracking_ids), "relevance": f.relevance, "count": len(group),
                "started": f.started}
        if shape:
            data.update(endpoint=shape, endpoints=endpoints, emails=emails[:50], users=len(emails))
        return _rule_finding(rule, values, data, evidence, severity, detail)

    def _context_finding(self, rule: Mapping[str, Any], context: list[ApiFailure]) -> Finding:
        lines: dict[tuple[str, str, int], list[ApiFailure]] = {}
        for f in sorted(context, key=lambda f: f.index):
            lines.setdefault((f.method, f.path, f.http_status), []).append(f)
        shown = []
        for (method, path, status), fs in lines.items():
            why = fs[0].noise.get("reason") if fs[0].noise else "read-only call, no catalog entry"
            shown.append(f"{method} {path} → {status}" + (f" ×{len(fs)}" if len(fs) > 1 else "") + f"  ({why})")
        ev = [Evidence("unrelated failed calls", "\n".join(shown[:50]) + (f"\n… +{len(shown) - 50} more" if len(shown) > 50 else ""),
                       "text", context[0].source)]
        data = {"count": len(context), "calls": [{"method": m, "endpoint": p, "status": s, "count": len(fs)}
                                                 for (m, p, s), fs in lines.items()]}
        return _rule_finding(rule, {"count": len(context)}, data, ev)

    def _extract(self, problems: list[ApiFailure], context: list[ApiFailure]) -> HarExtract:
        ex = HarExtract(first_time=self.first_time, last_time=self.last_time)
        orgs = sorted(self.org_counts.items(), key=lambda kv: -kv[1])
        failing_orgs = [o for f in problems for o in _orgs_in(f.url)]
        ex.org_ids = list(dict.fromkeys([*failing_orgs, *(o for o, _ in orgs)]))
        tracking_ids = list(dict.fromkeys(t for f in problems for t in f.tracking_ids))
        emails = list(dict.fromkeys(f.email for f in problems if f.email))
        ex.tracking_ids, ex.tracking_ids_total = tracking_ids[:MAX_EXTRACT_VALUES], len(tracking_ids)
        ex.emails, ex.emails_total = emails[:MAX_EXTRACT_VALUES], len(emails)
        seen: set[int] = set()
        for f in problems:
            if f.method in WRITE_METHODS and f.index not in seen:
                seen.add(f.index)
                ex.failing_requests_total += 1
                if len(ex.failing_requests) >= MAX_FAILING_REQUESTS:
                    continue
                ex.failing_requests.append({"request": f.request_line, "time": f.started,
                                            "status": str(f.http_status), "response": f.response_body})
        return ex

    def _extract_finding(self, rule: Mapping[str, Any], ex: HarExtract) -> Finding:
        ev: list[Evidence] = []
        if ex.org_ids:
            ev.append(Evidence("org IDs", "\n".join(ex.org_ids), "text"))
        if ex.tracking_ids:
            ev.append(Evidence("tracking IDs", "\n".join(ex.tracking_ids) + _more(ex.tracking_ids_total, ex.tracking_ids),
                               "text"))
        if ex.emails:
            ev.append(Evidence("affected e-mails", "\n".join(ex.emails) + _more(ex.emails_total, ex.emails), "text"))
        if ex.first_time:
            ev.append(Evidence("time window", f"{ex.first_time} – {ex.last_time}", "text"))
        for r in ex.failing_requests[:5]:
            ev.append(Evidence(f"POST response content: {r['request']}", r["response"] or "(empty body)",
                               "http-exchange", r["time"]))
        return _rule_finding(rule, {}, ex.to_dict(), ev)


def _more(total: int, shown: list[str]) -> str:
    return f"\n… +{total - len(shown)} more" if total > len(shown) else ""


def _bulk_merged(groups: dict[tuple[Any, ...], list[ApiFailure]]) -> list[tuple[list[ApiFailure], str]]:
    """``groups`` (rule, user, method, endpoint → calls) in their order, except that the groups of
    one failure on more than :data:`MAX_SIMILAR_FINDINGS` endpoints of one shape or users (a bulk
    change failing for everyone) become one, where the first of them stood, with that shape."""
    shape_of = {key: endpoint_shape(key[3]) for key in groups}
    similar: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for key, shape in shape_of.items():
        similar.setdefault((key[0], key[2], shape), []).append(key)
    out: list[tuple[list[ApiFailure], str]] = []
    for key, group in groups.items():
        keys = similar[(key[0], key[2], shape_of[key])]
        if len(keys) <= MAX_SIMILAR_FINDINGS:
            out.append((group, ""))
        elif keys[0] == key:
            out.append(([f for k in keys for f in groups[k]], shape_of[key]))
    return out


def _rule_finding(rule: Mapping[str, Any], values: Mapping[str, Any], data: Mapping[str, Any],
                  evidence: Iterable[Evidence] = (), severity: Severity | None = None,
                  detail_suffix: str = "") -> Finding:
    """A finding from a catalog rule (via the shared ``make_finding``) with this analysis' data."""
    from dataclasses import replace

    from ..findings import make_finding

    f = make_finding(dict(rule), "", severity.value if severity else None, evidence, **values)
    return replace(f, data=dict(data), detail=f.detail + detail_suffix)

def analyze_har(path: Path | str, redactor: Redactor | None = None, progress=None) -> HarAnalysis:
    """Read ``path`` (streaming) and return ranked, redacted findings plus the TAC facts.

    Raises :class:`~checks.evidence.har.HarError` (one line) when the file cannot be read as a HAR.
    """
    reader = HarReader(path, lazy_bodies=True, summaries=True)
    an = _Analyzer(path, redactor)
    # The entries make no reference cycles and die young, yet each one allocates a few tracked
    # objects, so the cyclic collector would run every few hundred entries over every object
    # the program holds (~4 % of the time on 30,000 entries). It is off while they stream.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for rec in reader.records():
            an.visit(rec)
            if progress is not None and rec.index % 5000 == 0 and rec.index:
                progress(f"{rec.index} entries read")
    finally:
        if collecting:
            gc.enable()
    findings, extract = an.findings(reader.count, reader.warnings, bool(reader.truncated))
    # One streaming pass: a value may be quoted in an early body and only named as a secret (a
    # header, a parameter) later. Everything kept goes once more through the secrets now known.
    known = an.redactor.replace_known
    findings = list(map_finding_texts(findings, known))
    for f in an.failures:
        for name in ("url", "path", "description", "request_line", "request_body", "response_body"):
            setattr(f, name, known(getattr(f, name)))
    for req in extract.failing_requests:
        for key in ("request", "response"):
            req[key] = known(req[key])
    return HarAnalysis(path=str(path), entries=reader.count, findings=findings, extract=extract,
                       failures=sorted(an.failures, key=lambda f: (-f.relevance, f.index)),
                       warnings=list(reader.warnings), truncated=bool(reader.truncated),
                       sanitised=not an.auth_seen, redactor=an.redactor,
                       sources=[s.name for s in reader.sources])
