"""The probe layer: DNS → TCP → TLS → HTTP for every interface of a cluster on every node.

Checks never build sockets or TLS contexts themselves: they ask :func:`prober_for` (which
returns ``ctx.services.prober`` or installs a default :class:`Prober` there). One prober is
shared by every check of a run and caches each node probe, so ``cluster.connectivity``,
``xsp.tls`` and ``xsp.mtls`` probe each node once between them.
"""
from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping
from urllib.parse import urlsplit

from ..interfaces import by_name
from .dns import DnsResult, Resolver, address_class, is_ip, resolve
from .failures import Failure
from .http import HttpClients, HttpResult, probe_http
from .tcp import TcpResult, connect
from .tls import TlsResult, probe_tls
from .tls_versions import probe_versions_supported
from .trust import trust_locations

if TYPE_CHECKING:  # pragma: no cover
    from ..api import CheckContext
    from ..inventory import Cluster

__all__ = ["Endpoint", "NodeProbe", "EndpointProbe", "HttpClients", "ProbeSettings", "Prober", "ResolveError",
           "parse_resolve", "endpoints_for", "prober_for", "address_class", "Failure"]

STEPS = ("dns", "tcp", "tls", "http")


class ResolveError(ValueError):
    """A ``--resolve`` value that is not ``HOST:PORT:ADDR[,ADDR…]``."""


def _parse_addr(a: str) -> str:
    a = a.strip()
    if a.startswith("[") and a.endswith("]"):
        a = a[1:-1]
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        raise ValueError(f"{a!r} is not an IP address (expected HOST:PORT:ADDR[,ADDR…])") from None


def _parse_one(spec: str) -> tuple[tuple[str, int], tuple[str, ...]]:
    host, sep1, rest = spec.partition(":")
    port, sep2, addrs = rest.partition(":")
    if not (sep1 and sep2 and host and addrs):
        raise ValueError("expected HOST:PORT:ADDR[,ADDR…], e.g. xsp.example.com:443:203.0.113.10")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"port {port!r} must be a number from 1 to 65535")
    parsed = tuple(_parse_addr(a) for a in addrs.split(",") if a.strip())  # [::1] holds no commas
    if not parsed:
        raise ValueError("no address given")
    return (host.lower().rstrip("."), int(port)), parsed


def split_resolve(text: str) -> list[str]:
    """One line of pins → one ``HOST:PORT:ADDR[,ADDR…]`` per pin.

    Pins are separated by spaces (commas work too). Unambiguous because an address never looks
    like a ``HOST:PORT:`` start: each token that is an address joins the pin before it, any other
    token starts a pin. Raises ValueError for an address with no pin before it.
    """
    specs: list[str] = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        if is_ip(token):
            if not specs:
                raise ValueError(f"{token} is an address on its own; expected HOST:PORT:ADDR[,ADDR…] "
                                 f"first, e.g. xsp.example.com:443:{token}")
            specs[-1] += "," + token
        else:
            specs.append(token)
    return specs


def parse_resolve(values: Iterable[str] | str | None) -> dict[tuple[str, int], tuple[str, ...]]:
    """Parse curl-style ``HOST:PORT:ADDR[,ADDR…]`` pins (IPv6 addresses in brackets).

    Each value is read on its own (a value may hold several pins, see :func:`split_resolve`);
    an address never continues a pin from another value.
    """
    if values is None:
        return {}
    if isinstance(values, str):
        values = [values]
    out: dict[tuple[str, int], tuple[str, ...]] = {}
    for value in values:
        try:
            for spec in split_resolve(value):
                key, addrs = _parse_one(spec)
                # Two pins for one HOST:PORT add up (curl would keep the last): each address is a node.
                out[key] = tuple(dict.fromkeys(out.get(key, ()) + addrs))
        except ValueError as exc:
            raise ResolveError(f"--resolve {value.strip()}: {exc}") from None
    return out


def validate_resolve(value: str) -> None:
    """CheckOption validator: raises ValueError with the reason only."""
    specs = split_resolve(value)
    if not specs:
        raise ValueError("no pin given; expected HOST:PORT:ADDR[,ADDR…]")
    for spec in specs:
        _parse_one(spec)


@dataclass(frozen=True)
class Endpoint:
    """One interface as configured: its name, URL (or host:port for CTI) and where it lives."""

    interface: str
    url: str
    host: str
    port: int
    path: str | None  # None: not an HTTP interface (CTI)

    @property
    def is_http(self) -> bool:
        return self.path is not None


def endpoint(interface: str, value: str) -> Endpoint | None:
    """Endpoint for one configured interface, or None when the value cannot be probed."""
    text = value.strip()
    spec = by_name(interface)
    if spec is not None and not spec.is_url:  # host:port (CTI)
        if "://" in text:
            text = urlsplit(text).netloc.rpartition("@")[2]
        host, sep, port_text = text.rpartition(":")
        if not sep or not port_text.isdigit():
            return None
        return Endpoint(interface, value, host.strip("[]").lower(), int(port_text), None)
    try:
        parts = urlsplit(text)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname:
        return None
    return Endpoint(interface, text, parts.hostname.lower(), port, parts.path or "/")


def endpoints_for(cluster: "Cluster") -> tuple[list[Endpoint], dict[str, str]]:
    """Probeable endpoints, and the interfaces skipped with why (xsp.urls explains them fully)."""
    eps, skipped = [], {}
    for name, value in cluster.interfaces().items():
        ep = endpoint(name, value)
        if ep is None:
            skipped[name] = "not an https URL (or host:port for CTI); see xsp.urls"
        else:
            eps.append(ep)
    return eps, skipped


@dataclass
class NodeProbe:
    """DNS → TCP → TLS → HTTP for one endpoint on one node address."""

    endpoint: Endpoint
    node: str  # the address probed
    node_source: str  # "dns", "resolve" (pinned) or "inventory"
    tcp: TcpResult | None = None
    tls: TlsResult | None = None
    http: HttpResult | None = None
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"interface": self.endpoint.interface, "node": self.node, "node_source": self.node_source,
                "tcp": self.tcp.to_dict() if self.tcp else None, "tls": self.tls.to_dict() if self.tls else None,
                "http": self.http.to_dict() if self.http else None, "elapsed_ms": round(self.elapsed_ms, 1)}


@dataclass
class EndpointProbe:
    endpoint: Endpoint
    dns: DnsResult
    nodes: list[NodeProbe] = field(default_factory=list)


@dataclass
class ProbeSettings:
    timeout: float = 5.0  # per step (connect, handshake, answer)
    cafile: str | None = None  # trust store; None: the system store (SSL_CERT_FILE honoured)
    capath: str | None = None
    probe_versions: bool = True

    def trust(self) -> tuple[str | None, str | None]:
        return trust_locations(self.cafile, self.capath)


class Prober:
    """Runs and caches probes. Inject one through ``ctx.services.prober`` (tests: loopback peers)."""

    def __init__(self, settings: ProbeSettings | None = None, resolver: Resolver | None = None,
                 pins: Mapping[tuple[str, int], tuple[str, ...]] | None = None, nodes: Iterable[str] = (),
                 limits: Any = None, http: HttpClients | None = None):
        self.settings = settings or ProbeSettings()
        # Every HTTP GET of the probes goes through one client factory (the project's TLS rules);
        # the run's (``Services.http_clients()``) when the prober is built for a run.
        self.http = http or HttpClients(self.settings.cafile, self.settings.capath)
        # A fleet scan's shared bound (checks.fleet.ProbeLimits): called as limits(address, probe).
        self.limits = limits
        self.resolver = resolver
        self.pins = dict(pins or {})
        self.nodes = tuple(nodes)
        self._tasks: dict[Any, asyncio.Task] = {}

    # Tasks are cached per event loop run; a new run (new loop) starts afresh.
    def _cached(self, key: Any, factory) -> "asyncio.Future":
        loop = asyncio.get_running_loop()
        task = self._tasks.get(key)
        if task is None or task.get_loop() is not loop:
            task = loop.create_task(factory())
            self._tasks[key] = task
        return task

    async def addresses(self, ep: Endpoint) -> tuple[DnsResult, list[tuple[str, str]]]:
        """DNS answer and the node addresses to probe, with where each came from."""
        pinned = self.pins.get((ep.host, ep.port))
        if pinned:
            dns = DnsResult(ep.host, pinned, {a: address_class(a) for a in pinned}, 0.0, pinned=True)
            return dns, [(a, "resolve") for a in pinned]
        dns = await self._cached(("dns", ep.host), lambda: resolve(ep.host, ep.port, self.resolver, self.settings.timeout))
        nodes = [(a, "dns") for a in dns.addresses]
        for n in self.nodes:  # inventory nodes are probed too: they may not all be in DNS
            if is_ip(n):
                if n.strip("[]") not in [a for a, _ in nodes]:
                    nodes.append((n.strip("[]"), "inventory"))
            else:
                nd = await self._cached(("dns", n), lambda n=n: resolve(n, ep.port, self.resolver, self.settings.timeout))
                nodes += [(a, "inventory") for a in nd.addresses if a not in [x for x, _ in nodes]]
        return dns, nodes

    async def probe_endpoint(self, ep: Endpoint) -> EndpointProbe:
        return await self._cached(("ep", ep), lambda: self._probe_endpoint(ep))

    async def _probe_endpoint(self, ep: Endpoint) -> EndpointProbe:
        dns, nodes = await self.addresses(ep)
        probes = await asyncio.gather(*(self.probe_node(ep, a, src) for a, src in nodes))
        return EndpointProbe(ep, dns, list(probes))

    async def probe_node(self, ep: Endpoint, address: str, source: str) -> NodeProbe:
        if self.limits is not None:
            return await self.limits(address, lambda: self._probe_node(ep, address, source))
        return await self._probe_node(ep, address, source)

    async def _probe_node(self, ep: Endpoint, address: str, source: str) -> NodeProbe:
        t0 = time.perf_counter()
        s = self.settings
        np = NodeProbe(ep, address, source)
        # The verified HTTP GET opens its own connection, so it starts with the TCP step instead of
        # after it: the server's answer time is usually the longest wait of a node, and a farm's
        # total is its slowest node's, so that wait must not queue behind the other nodes' TLS work.
        http = asyncio.ensure_future(self._http(np, ep, address)) if ep.is_http else None
        try:
            streams, np.tcp = await connect(address, ep.port, s.timeout)
            if streams is not None:
                # The TLS read-out and the version probes run meanwhile, on the TCP step's stream.
                tls = np.tls = await probe_tls(address, ep.port, ep.host, timeout=s.timeout, http_path=ep.path,
                                               probe_versions=False, streams=streams)
                if s.probe_versions and (tls.handshake_ok or tls.got_certificate):
                    await self._versions(tls, address, ep)
                if http is not None:
                    await http
        finally:
            if http is not None and not http.done():  # TCP failed (or we were cancelled): nothing to learn
                http.cancel()
                await asyncio.gather(http, return_exceptions=True)
        last_tls = np.tls
        if streams is None or last_tls is None or not last_tls.handshake_ok or last_tls.client_auth == "required":
            # The earlier steps decide first: no TCP, a failed handshake or a required client
            # certificate makes the HTTP answer meaningless (nothing can be learnt past that step).
            np.http = None
        np.elapsed_ms = (time.perf_counter() - t0) * 1000
        return np

    async def _versions(self, tls: TlsResult, address: str, ep: Endpoint) -> None:
        # The versions a node accepts belong to its TLS listener (address, port, server name), not to
        # the URL path: XSP interfaces usually share one host and port, so ask once per listener.
        key = ("versions", address, ep.port, ep.host, tls.version)
        versions = await self._cached(key, lambda: probe_versions_supported(
            address, ep.port, ep.host, self.settings.timeout, tls.version))
        tls.versions = dict(versions)

    async def _http(self, np: NodeProbe, ep: Endpoint, address: str) -> None:
        np.http = await probe_http(ep.url, address, self.http, timeout=self.settings.timeout)

    async def probe_all(self, endpoints: Iterable[Endpoint]) -> list[EndpointProbe]:
        """Every endpoint and node concurrently: the total is about the slowest single probe."""
        return list(await asyncio.gather(*(self.probe_endpoint(ep) for ep in endpoints)))

    async def authenticated(self, url: str, address: str, user: str, password: str) -> HttpResult:
        """Basic-auth GET over verified TLS to the configured host (pinned to ``address``)."""
        return await probe_http(url, address, self.http, timeout=self.settings.timeout,
                                auth=(user, password))


def prober_for(ctx: "CheckContext") -> Prober:
    """The run's shared prober: injected, or built from the options and installed for the other checks."""
    pins = parse_resolve(ctx.option("resolve", []))
    nodes = ctx.cluster.nodes if ctx.cluster is not None else ()
    existing = ctx.services.prober
    limits = ctx.services.probe_limits
    if existing is not None:
        existing.limits = existing.limits or limits
        for k, v in pins.items():  # an injected prober still honours --resolve
            existing.pins.setdefault(k, v)
        existing.nodes = existing.nodes or tuple(nodes)
        return existing
    timeout = ctx.option("probe_timeout")
    # One trust store for the run: the chain assessment and the HTTP clients read the same one.
    http = ctx.services.http_clients()
    settings = ProbeSettings(timeout=float(timeout) if timeout else 5.0, cafile=http.cafile, capath=http.capath)
    prober = Prober(settings, pins=pins, nodes=nodes, limits=limits, http=http)
    ctx.services.prober = prober  # shared: every check of the run holds the same Services
    return prober
