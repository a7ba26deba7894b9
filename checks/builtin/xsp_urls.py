"""``xsp.urls``: lint a cluster's interface URLs as entered in Partner Hub, offline.

The rules (codes, wording, severities, sources) live in ``catalog/url_rules.toml``;
this module only decides which rule fires.
"""
from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..api import Check, CheckContext, SkipCheck
from ..catalog import load_catalog
from ..findings import make_finding
from ..interfaces import INTERFACES, by_name
from ..redact import safe_url
from ..model import Evidence, Finding

_KEYS = ", ".join(i.key for i in INTERFACES[:4])
_CTI = next(i for i in INTERFACES if not i.is_url)  # the cti_* rules of url_rules.toml
_INTERNAL_SUFFIXES = (".local", ".internal", ".lan", ".corp", ".localdomain", ".home.arpa")


def _is_public_name(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return False
    except ValueError:
        pass
    h = host.lower().rstrip(".")
    return "." in h and h != "localhost" and not h.endswith(_INTERNAL_SUFFIXES)


def lint_http_url(name: str, url: str, catalog: dict[str, Any]) -> list[Finding]:
    rules = catalog["rules"]
    spec = catalog["interfaces"].get(name, {})
    interface = by_name(name)
    label = interface.field_label if interface is not None else name
    shown = safe_url(url)
    ctx: dict[str, Any] = {"label": label, "example": spec.get("example", ""), "url": shown}
    ev = [Evidence(label, shown, source="cluster configuration")]

    def hit(rule: str, severity: str | None = None, **extra: Any) -> Finding:
        return make_finding(rules[rule], name, severity, ev, **(ctx | extra))

    out: list[Finding] = []
    try:
        parts = urlsplit(url.strip())
        if not parts.scheme and not parts.netloc and not url.strip().startswith("/"):
            # "xsp.example.com/com.broadsoft.xsi-actions/": report the scheme, lint the rest as typed.
            parts = urlsplit("//" + url.strip())
    except ValueError:
        return [hit("host")]
    try:
        port, bad_port = parts.port, None
    except ValueError:  # not a number, or out of range: still report everything else
        port, bad_port = None, parts.netloc.rpartition(":")[2]
    if parts.scheme.lower() != "https":
        out.append(hit("scheme"))
    if parts.username is not None or parts.password is not None:
        out.append(hit("credentials"))
    host = parts.hostname or ""
    if not host:
        out.append(hit("host"))
        return out
    if not _is_public_name(host):
        out.append(hit("host_not_fqdn", host=host))
    if parts.query or parts.fragment:
        out.append(hit("query"))
    if bad_port is not None:
        out.append(hit("port", port=bad_port))
    elif port is not None:
        if port == 0:
            out.append(hit("port", port=port))
        elif port == 80:
            out.append(hit("port_http", port=port))
        elif port != 443:
            out.append(hit("port_unusual", port=port))
    path = parts.path or "/"
    app_path = spec.get("app_path")
    # Compare with a slash appended so ".../com.broadsoft.xsi-actions" still names the application.
    wrong_app = bool(app_path) and app_path.lower() not in path.lower() + "/"
    if wrong_app:
        out.append(hit("app_path", spec.get("app_path_severity"), app_path=app_path))
    suffix = spec.get("required_suffix")
    if suffix and not wrong_app and not path.endswith(suffix):
        if (path + "/").endswith(suffix):
            fixed_path = path + "/"
            rule = "trailing_slash"
        else:
            # Keep everything up to the application name, then append /v2.0/.
            slashed = path + "/"
            cut = slashed.lower().index(app_path.lower()) + len(app_path) if app_path else len(slashed)
            fixed_path = slashed[:cut].rstrip("/") + "/v2.0/"
            rule = "v2_suffix"
        # The suggestion is what to type: https, no credentials, no query, the corrected path.
        netloc = parts.netloc.rpartition("@")[2]
        if bad_port is not None:
            netloc = netloc.rpartition(":")[0]
        fixed = urlunsplit(parts._replace(scheme="https", netloc=netloc, path=fixed_path, query="", fragment=""))
        out.append(hit(rule, suggestion=fixed))
    return out


def lint_cti(value: str, catalog: dict[str, Any]) -> list[Finding]:
    """Lint the CTI interface (``host:port``, the only interface not written as a URL)."""
    rules = catalog["rules"]
    ev = [Evidence(f"{_CTI.label} interface", value, source="cluster configuration")]
    text = value.strip()
    if "://" in text:  # tolerate a scheme, but a path means it is not host:port
        parts = urlsplit(text)
        if parts.path not in ("", "/"):
            return [make_finding(rules["cti_format"], "cti", None, ev, value=safe_url(text))]
        text = parts.netloc.rpartition("@")[2]
    host, sep, port = text.rpartition(":")
    if not sep or "]" in port:
        return [make_finding(rules["cti_port"], "cti", None, ev, value=text)]
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return [make_finding(rules["cti_format"], "cti", None, ev, value=text)]
    if int(port) != 8012:
        return [make_finding(rules["cti_port_unusual"], "cti", None, ev, port=int(port))]
    return []


class XspUrlsCheck(Check):
    id = "xsp.urls"
    title = "Cluster interface URLs (/v2.0/ and format)"
    area = "urls"
    description = ("Lints the Xsi-Actions, Xsi-Events, DAS, Auth Service, DMS and CTI values of a cluster "
                   "without touching the network: https, host, no credentials, no query, port, /v2.0/.")
    needs = ("cluster",)
    timeout_s = 5.0

    async def run(self, ctx: CheckContext) -> list[Finding]:
        catalog = load_catalog("url_rules")
        cluster = ctx.cluster
        assert cluster is not None  # guaranteed by needs
        if not cluster.interfaces():
            # Nothing to lint is not a pass.
            raise SkipCheck(f"cluster {cluster.name!r} lists no interface URLs ({_KEYS} …); add them to the "
                            "inventory or give --xsi-actions URL …")
        findings: list[Finding] = []
        for name, value in cluster.interfaces().items():
            ctx.progress(f"linting {name}")
            findings += lint_cti(value, catalog) if name == _CTI.name else lint_http_url(name, value, catalog)
        rule = catalog["rules"]["customers"]
        if cluster.customers is not None and cluster.customers > rule["limit"]:
            findings.append(make_finding(rule, "", None, (), customers=cluster.customers, limit=rule["limit"],
                                         cluster=cluster.name))
        hosts = {n: urlsplit(v).hostname for n, v in cluster.interfaces().items()
                 if n in ("xsi-actions", "xsi-events")}
        if len(hosts) == 2 and None not in hosts.values() and hosts["xsi-actions"] != hosts["xsi-events"]:
            findings.append(make_finding(catalog["rules"]["same_host"], "", None, (),
                                         host_a=hosts["xsi-actions"], host_b=hosts["xsi-events"]))
        return findings
