"""Trust, judged apart from the handshake: does the chain a server sent lead to a root of the
trust store, is it self-signed or incomplete, does it match the host, is it (still) valid."""
from __future__ import annotations

import datetime as _dt
import functools
import os
import ssl
from dataclasses import dataclass
from typing import Any

from .certs import _utc, cert_info_der, hostname_matches

# OpenSSL verify error codes we explain (X509_V_ERR_*).
V_SELF_SIGNED_LEAF = 18
V_SELF_SIGNED_IN_CHAIN = 19
V_NO_LOCAL_ISSUER = 20
V_NO_ISSUER = 2
V_LEAF_NOT_SIGNED = 21


def default_trust_locations() -> tuple[str | None, str | None]:
    """The system trust store (cafile, capath); ``SSL_CERT_FILE``/``SSL_CERT_DIR`` override it."""
    p = ssl.get_default_verify_paths()
    cafile = os.environ.get(p.openssl_cafile_env) or p.cafile or (p.openssl_cafile if os.path.exists(p.openssl_cafile) else None)
    capath = os.environ.get(p.openssl_capath_env) or p.capath or (p.openssl_capath if os.path.isdir(p.openssl_capath) else None)
    return cafile, capath


def trust_locations(cafile: str | None, capath: str | None) -> tuple[str | None, str | None]:
    """The trust store a run uses: the one given (a lab's or a test's CA), else the system's."""
    if cafile or capath:
        return cafile, capath
    return default_trust_locations()


@dataclass(frozen=True)
class TrustAssessment:
    trusted: bool  # chains to a root in the trust store (judged at a time inside the leaf's validity)
    self_signed: bool
    incomplete_chain: bool  # only the leaf was sent and its issuer is not a trust anchor
    hostname_match: bool
    verify_error: str = ""
    verify_code: int = 0
    not_yet_valid: bool = False
    expired: bool = False
    days_left: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

def assess_chain(chain_der: list[bytes], host: str, now: _dt.datetime,
                 cafile: str | None, capath: str | None) -> TrustAssessment:
    """Judge the chain as sent: trust, self-signed, incomplete, hostname, validity — separately.

    Trust is checked at a moment inside the leaf's validity so that an expired certificate shows
    up as *expired*, not as *untrusted*. Nodes of a farm usually send the same chain: it is judged
    once per run (same chain, host, clock and unchanged trust files).
    """
    return _assess(tuple(chain_der), host, _utc(now), cafile, capath, _stamp(cafile), _stamp(capath))

def _stamp(path: str | None) -> tuple[int, int] | None:
    """What tells a changed trust file or folder apart (a new store is loaded then)."""
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size) if st else None

@functools.lru_cache(maxsize=8)
def _trust_store(cafile: str | None, capath: str | None, stamps: tuple, at: _dt.datetime) -> Any:
    """The trust store with its verification time, loaded once per (trust files, time).

    The time is part of the key because OpenSSL keeps the *first* time set on a store
    (``X509_STORE_set1_param`` does not overwrite a check time already in use): re-setting it on
    a shared store judged every later chain at the first chain's time. The nodes of a farm mostly
    share one chain and the run's clock, so this is still one load per run in the usual case.
    """
    from OpenSSL import crypto

    store = crypto.X509Store()
    if cafile or capath:
        store.load_locations(cafile, capath)
    store.set_time(at.replace(tzinfo=None))
    return store

@functools.lru_cache(maxsize=256)
def _assess(chain_der: tuple[bytes, ...], host: str, now: _dt.datetime, cafile: str | None, capath: str | None,
            cafile_stamp: tuple | None, capath_stamp: tuple | None) -> TrustAssessment:
    from cryptography import x509
    from OpenSSL import crypto

    certs = [x509.load_der_x509_certificate(d) for d in chain_der]
    leaf = certs[0]
    info = cert_info_der(chain_der[0])
    nb, na = _utc(leaf.not_valid_before_utc), _utc(leaf.not_valid_after_utc)
    at = min(max(now, nb + _dt.timedelta(seconds=1)), na - _dt.timedelta(seconds=1))
    code, err = 0, ""
    store = _trust_store(cafile, capath, (cafile_stamp, capath_stamp), at)
    ctx = crypto.X509StoreContext(store, crypto.X509.from_cryptography(leaf),
                                  [crypto.X509.from_cryptography(c) for c in certs[1:]])
    try:
        ctx.verify_certificate()
    except crypto.X509StoreContextError as exc:
        code = exc.errors[0] if exc.errors else -1
        err = str(exc.errors[2]) if len(exc.errors) > 2 else str(exc)
    self_signed = code == V_SELF_SIGNED_LEAF or (info.self_issued and len(certs) == 1 and code != 0 and code != V_NO_LOCAL_ISSUER)
    incomplete = code == V_NO_LOCAL_ISSUER and len(certs) == 1 and not info.self_issued
    days_left = int((na - now).total_seconds() / 86400)  # whole days, towards zero: expired 3.5 days ago → -3
    return TrustAssessment(trusted=code == 0, self_signed=self_signed, incomplete_chain=incomplete,
                           hostname_match=hostname_matches(host, info.sans), verify_error=err, verify_code=code,
                           not_yet_valid=now < nb, expired=now > na, days_left=days_left)
