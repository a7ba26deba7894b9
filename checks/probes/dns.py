"""DNS step: every A/AAAA answer for a host, and what kind of address each one is."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from .failures import Failure, classify

#: A resolver takes (host, port) and returns the addresses (strings). Injectable for tests.
Resolver = Callable[[str, int], Awaitable[list[str]]]

_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def address_class(addr: str) -> str:
    """``public``, or why Webex (on the internet) could not reach it: ``private``, ``loopback``,
    ``link-local``, ``cgnat``, ``unspecified``, ``multicast``, ``reserved``, ``documentation``."""
    ip = ipaddress.ip_address(addr.strip("[]"))
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "cgnat"
    if ip.is_private:
        # 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32 are "private" to Python.
        if any(ip in ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                                        "2001:db8::/32")):
            return "documentation"
        return "private"
    if ip.is_reserved:
        return "reserved"
    return "public"


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
        return True
    except ValueError:
        return False


async def system_resolver(host: str, port: int) -> list[str]:
    """All A and AAAA answers from the system resolver, in its order, without duplicates."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[str] = []
    for family, *_rest, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and sockaddr[0] not in out:
            out.append(str(sockaddr[0]))
    return out


@dataclass(frozen=True)
class DnsResult:
    host: str
    addresses: tuple[str, ...] = ()
    classes: dict[str, str] = field(default_factory=dict)  # address → address_class
    elapsed_ms: float = 0.0
    failure: Failure | None = None
    pinned: bool = False  # addresses came from --resolve, DNS was not asked

    @property
    def ok(self) -> bool:
        return self.failure is None and bool(self.addresses)

    @property
    def non_public(self) -> dict[str, str]:
        return {a: c for a, c in self.classes.items() if c != "public"}

    def to_dict(self) -> dict:
        return {"host": self.host, "addresses": list(self.addresses), "classes": dict(self.classes),
                "elapsed_ms": round(self.elapsed_ms, 1), "pinned": self.pinned,
                "failure": self.failure.to_dict() if self.failure else None}


async def resolve(host: str, port: int, resolver: Resolver | None = None, timeout: float = 5.0) -> DnsResult:
    """Resolve ``host``; an IP literal resolves to itself without asking DNS."""
    t0 = time.perf_counter()
    if is_ip(host):
        a = host.strip("[]")
        return DnsResult(host, (a,), {a: address_class(a)}, 0.0)
    try:
        async with asyncio.timeout(timeout):
            addrs = await (resolver or system_resolver)(host, port)
    except TimeoutError:
        return DnsResult(host, elapsed_ms=(time.perf_counter() - t0) * 1000,
                         failure=Failure("dns", f"no DNS answer for {host} within {timeout:g} s"))
    except Exception as exc:  # noqa: BLE001 - every resolver error is a DNS failure
        return DnsResult(host, elapsed_ms=(time.perf_counter() - t0) * 1000, failure=classify(exc, during="dns"))
    ms = (time.perf_counter() - t0) * 1000
    if not addrs:
        return DnsResult(host, elapsed_ms=ms, failure=Failure("dns", f"{host} has no A or AAAA record"))
    return DnsResult(host, tuple(addrs), {a: address_class(a) for a in addrs}, ms)
