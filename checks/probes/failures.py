"""Every probe failure maps, here and only here, to one of a small set of kinds.

The kinds are what the checks, the catalog and the TUI talk about; the raw exception
text is kept as the message for evidence.
"""
from __future__ import annotations

import errno
import socket
import ssl
from dataclasses import dataclass

DNS = "dns"
CONNECT_REFUSED = "connect-refused"
CONNECT_TIMEOUT = "connect-timeout"
#: No route / network or host unreachable: the TCP SYN never got an answer path at all.
CONNECT_UNREACHABLE = "connect-unreachable"
TLS_HANDSHAKE = "tls-handshake"
TLS_VERIFY = "tls-verify"
READ_TIMEOUT = "read-timeout"
PROTOCOL = "protocol"
HTTP_STATUS = "http-status"

KINDS = (DNS, CONNECT_REFUSED, CONNECT_TIMEOUT, CONNECT_UNREACHABLE, TLS_HANDSHAKE, TLS_VERIFY,
         READ_TIMEOUT, PROTOCOL, HTTP_STATUS)

_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.ENETDOWN, errno.EHOSTDOWN}


@dataclass(frozen=True)
class Failure:
    """A classified failure: ``kind`` is one of :data:`KINDS`, ``message`` says what happened."""

    kind: str
    message: str

    def __post_init__(self) -> None:
        # The catalog rules, the fleet summary and the TUI are keyed by these kinds: a new one must
        # be added here (and mapped by them), not appear unannounced.
        if self.kind not in KINDS:
            raise ValueError(f"failure kind {self.kind!r} is not one of {', '.join(KINDS)}")

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


def _walk(exc: BaseException) -> list[BaseException]:
    """The exception and its causes/contexts (httpx wraps httpcore wraps OSError/ssl)."""
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out and len(out) < 8:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def classify(exc: BaseException, *, during: str = "connect") -> Failure:
    """Map any exception from DNS, sockets, ``ssl``, pyOpenSSL or httpx to a :class:`Failure`.

    ``during`` is the step that raised (``dns``, ``connect``, ``tls``, ``http``); it decides what
    a bare timeout means (before the connection exists it is a connect timeout, after it a
    read timeout).
    """
    import httpx  # local: the registry imports check modules, keep start-up light
    from OpenSSL import SSL

    chain = _walk(exc)
    msg = str(exc) or type(exc).__name__
    for e in chain:
        if isinstance(e, socket.gaierror):
            return Failure(DNS, f"name resolution failed: {e.strerror or e}")
        if isinstance(e, ssl.SSLCertVerificationError):
            return Failure(TLS_VERIFY, f"certificate verification failed: {getattr(e, 'verify_message', None) or getattr(e, 'reason', None) or e}")
    for e in chain:
        if isinstance(e, ConnectionRefusedError):
            return Failure(CONNECT_REFUSED, "connection refused (nothing listens on that port, or a firewall rejects it)")
        if isinstance(e, OSError) and e.errno in _UNREACHABLE:
            return Failure(CONNECT_UNREACHABLE, f"network or host unreachable ({e.strerror or e})")
        if isinstance(e, httpx.ConnectTimeout):
            # httpx raises ConnectTimeout for the TLS handshake too; the step tells them apart.
            return Failure(CONNECT_TIMEOUT if during == "connect" else READ_TIMEOUT,
                           "timed out " + ("connecting" if during == "connect" else "waiting for the server"))
        if isinstance(e, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)):
            return Failure(READ_TIMEOUT, "timed out waiting for the server's answer")
        if isinstance(e, (TimeoutError, socket.timeout)):
            return Failure(CONNECT_TIMEOUT if during == "connect" else READ_TIMEOUT,
                           "timed out " + ("connecting (no answer: often a firewall dropping packets)"
                                           if during == "connect" else "waiting for the server"))
        if isinstance(e, (ssl.SSLError, SSL.Error)):
            return Failure(TLS_HANDSHAKE, f"TLS handshake failed: {_ssl_text(e)}")
        if isinstance(e, (httpx.RemoteProtocolError, httpx.LocalProtocolError, httpx.DecodingError,
                          httpx.TooManyRedirects, httpx.UnsupportedProtocol)):
            return Failure(PROTOCOL, f"HTTP protocol error: {msg}")
        if isinstance(e, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, EOFError)):
            kind = TLS_HANDSHAKE if during == "tls" else PROTOCOL
            return Failure(kind, f"the server closed the connection ({type(e).__name__})")
    if during == "dns":
        return Failure(DNS, f"name resolution failed: {msg}")
    if during == "connect":
        return Failure(CONNECT_UNREACHABLE, f"could not connect: {msg}")
    if during == "tls":
        return Failure(TLS_HANDSHAKE, f"TLS handshake failed: {msg}")
    return Failure(PROTOCOL, f"{type(exc).__name__}: {msg}")


def _ssl_text(e: BaseException) -> str:
    """pyOpenSSL errors carry a list of (lib, func, reason) tuples; show the reasons."""
    args = getattr(e, "args", ())
    if args and isinstance(args[0], list) and args[0] and isinstance(args[0][0], tuple):
        return "; ".join(str(t[-1]) for t in args[0])
    return str(e) or type(e).__name__


def alert_text(e: BaseException) -> str:
    """Lower-case reason text of an SSL error (used to recognise alerts such as certificate required)."""
    return _ssl_text(e).lower()
