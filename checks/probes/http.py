"""HTTP step: GET an interface URL on one node, over *verified* TLS only, with httpx.

The connection goes to a pinned address while the URL (Host header, SNI, certificate name
check) keeps the configured host name — like curl's ``--resolve``. Redirects are followed only
on the same scheme, host and port, and never more than a few times.
"""
from __future__ import annotations

import functools
import ssl
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from .failures import HTTP_STATUS, Failure, classify

if TYPE_CHECKING:  # pragma: no cover
    import httpx  # imported when a client is made: the CLI's start-up stays light

MAX_REDIRECTS = 3


@dataclass
class HttpResult:
    url: str
    address: str
    status: int | None = None
    reason: str = ""
    server: str = ""
    www_authenticate: str = ""
    location: str = ""
    redirects: list[str] = field(default_factory=list)  # URLs followed (same host only)
    offhost_redirect: str = ""  # a redirect to another host, not followed
    body_excerpt: str = ""
    elapsed_ms: float = 0.0
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None and self.status is not None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "address": self.address, "status": self.status, "reason": self.reason,
                "server": self.server, "www_authenticate": self.www_authenticate, "location": self.location,
                "redirects": list(self.redirects), "offhost_redirect": self.offhost_redirect,
                "elapsed_ms": round(self.elapsed_ms, 1), "failure": self.failure.to_dict() if self.failure else None}


def verified_context(cafile: str | None = None, capath: str | None = None) -> ssl.SSLContext:
    """A client context that verifies chain and host name (the only kind that may carry credentials)."""
    ctx = ssl.create_default_context(cafile=cafile, capath=capath) if (cafile or capath) \
        else ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2  # what Webex uses; older versions are reported by the TLS probe
    return ctx


class HttpClients:
    """The run's HTTP client factory (``Services.http_clients()``): every httpx client a check
    opens comes from here, so the project's TLS rules hold for all of them — chain and host name
    verified against the run's trust store, TLS 1.2 or later, nothing taken from the environment
    (proxies, ``SSL_CERT_FILE`` is read only through the trust store), redirects never followed by
    httpx itself (:func:`probe_http` follows same-origin ones), a small pool per client.

    ``cafile``/``capath`` name the trust store; without them the system's
    (:func:`~checks.probes.trust.default_trust_locations`). Tests give a loopback CA here.
    """

    def __init__(self, cafile: str | None = None, capath: str | None = None) -> None:
        self.cafile, self.capath = cafile, capath
        self._ssl: ssl.SSLContext | None = None

    def trust(self) -> tuple[str | None, str | None]:
        from .trust import trust_locations

        return trust_locations(self.cafile, self.capath)

    def ssl_context(self) -> ssl.SSLContext:
        """The verified context, built once (loading a trust store costs a few ms)."""
        if self._ssl is None:
            self._ssl = verified_context(*self.trust())
        return self._ssl

    def client(self, *, timeout: float, address: str | None = None) -> "httpx.AsyncClient":
        """An ``httpx.AsyncClient`` under the rules above; with ``address`` every connection goes
        there while the URL's host name stays in the Host header, SNI and certificate check (like
        curl's ``--resolve``), so each node of a farm is asked on its own."""
        import httpx

        context = self.ssl_context()
        # A subclass or a test could hand back a context that does not check: refuse it here, since
        # Basic credentials travel over these clients.
        if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
            raise ValueError("HTTP clients use verified TLS only")
        transport = _pinned_transport(address, context) if address else \
            httpx.AsyncHTTPTransport(verify=context, trust_env=False, http1=True, http2=False)
        return httpx.AsyncClient(transport=transport, trust_env=False, timeout=httpx.Timeout(timeout),
                                 follow_redirects=False, headers={"User-Agent": "wxtriage"})


def _pinned_transport(address: str, ssl_context: ssl.SSLContext) -> "httpx.AsyncHTTPTransport":
    """An httpx transport whose every TCP connection goes to ``address`` (host name kept for TLS)."""
    import httpcore
    import httpx

    class PinnedBackend(httpcore.AnyIOBackend):
        async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                              local_address: str | None = None, socket_options: Any = None) -> Any:
            return await super().connect_tcp(address.strip("[]"), port, timeout=timeout,
                                             local_address=local_address, socket_options=socket_options)

    transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False)
    # httpx has no public hook for a custom network backend; the pool it would build is the same
    # apart from ``network_backend``.
    transport._pool = httpcore.AsyncConnectionPool(ssl_context=ssl_context, max_connections=4,
                                                   http1=True, http2=False,
                                                   network_backend=PinnedBackend())
    return transport


@functools.lru_cache(maxsize=256)
def _parsed_url(url: str) -> Any:
    """httpx's parse of ``url``, once: every node of an interface is asked for the same URL."""
    import httpx

    return httpx.URL(url)


async def probe_http(url: str, address: str, clients: HttpClients, *, timeout: float = 5.0,
                     auth: tuple[str, str] | None = None) -> HttpResult:
    """GET ``url`` through ``address`` with a client from ``clients`` (verified TLS only, so
    ``auth`` — Basic — never travels otherwise)."""
    res = HttpResult(url=url, address=address)
    origin = urlsplit(url)
    client_for_node = clients.client(timeout=timeout, address=address)  # raises on an unverified context
    t0 = time.perf_counter()
    try:
        async with client_for_node as client:
            current = url
            for _hop in range(MAX_REDIRECTS + 1):
                resp = await client.get(_parsed_url(current), auth=auth)
                res.status, res.reason = resp.status_code, resp.reason_phrase
                res.server = resp.headers.get("server", "")
                res.www_authenticate = resp.headers.get("www-authenticate", "")
                res.body_excerpt = resp.text[:300] if resp.content else ""
                if not resp.is_redirect:
                    break
                res.location = resp.headers.get("location", "")
                nxt = urlsplit(urljoin(current, res.location))
                if (nxt.scheme, nxt.hostname, nxt.port or 443) != (origin.scheme, origin.hostname, origin.port or 443):
                    res.offhost_redirect = nxt.geturl()
                    break
                current = nxt.geturl()
                res.redirects.append(current)
            else:
                res.failure = Failure("protocol", f"more than {MAX_REDIRECTS} redirects")
    except Exception as exc:  # noqa: BLE001 - every failure is classified in one place
        res.failure = classify(exc, during="http")
    res.elapsed_ms = (time.perf_counter() - t0) * 1000
    if res.failure is None and res.status is not None and res.status >= 400:
        res.failure = Failure(HTTP_STATUS, f"HTTP {res.status} {res.reason}".strip())
    return res
