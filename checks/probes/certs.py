"""Certificates as the probes report them: what a DER certificate says (:class:`CertInfo`),
whether a host name matches its SANs (RFC 6125), and a distinguished name as text."""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CertInfo:
    subject: str
    issuer: str
    sans: tuple[str, ...]
    not_before: str  # ISO-8601 UTC
    not_after: str
    key: str  # "RSA 2048", "EC secp256r1 256"
    signature_algorithm: str
    serial: str
    sha256: str
    is_ca: bool
    self_issued: bool

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def describe(self) -> str:
        return "\n".join([
            f"subject: {self.subject}", f"issuer: {self.issuer}",
            f"SANs: {', '.join(self.sans) or '(none)'}",
            f"valid: {self.not_before} → {self.not_after}",
            f"key: {self.key}; signature: {self.signature_algorithm}",
            f"serial: {self.serial}", f"SHA-256: {self.sha256}"])

def _utc(d: _dt.datetime) -> _dt.datetime:
    return d if d.tzinfo else d.replace(tzinfo=_dt.timezone.utc)

@functools.lru_cache(maxsize=512)
def cert_info_der(der: bytes) -> CertInfo:
    """Describe a DER certificate, parsed once: the nodes of a farm mostly send the same chain."""
    from cryptography import x509

    return cert_info(x509.load_der_x509_certificate(der))

def cert_info(cert: Any) -> CertInfo:
    """Describe a ``cryptography`` certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = tuple([f"DNS:{n}" for n in ext.get_values_for_type(x509.DNSName)]
                     + [f"IP:{a}" for a in ext.get_values_for_type(x509.IPAddress)])
    except x509.ExtensionNotFound:
        sans = ()
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    pk = cert.public_key()
    if isinstance(pk, rsa.RSAPublicKey):
        key = f"RSA {pk.key_size}"
    elif isinstance(pk, ec.EllipticCurvePublicKey):
        key = f"EC {pk.curve.name} {pk.key_size}"
    elif isinstance(pk, ed25519.Ed25519PublicKey):
        key = "Ed25519"
    elif isinstance(pk, ed448.Ed448PublicKey):
        key = "Ed448"
    elif isinstance(pk, dsa.DSAPublicKey):
        key = f"DSA {pk.key_size}"
    else:
        key = type(pk).__name__
    der = cert.public_bytes(serialization.Encoding.DER)
    return CertInfo(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(), sans=sans,
        not_before=_utc(cert.not_valid_before_utc).isoformat(), not_after=_utc(cert.not_valid_after_utc).isoformat(),
        key=key, signature_algorithm=getattr(cert.signature_algorithm_oid, "_name", cert.signature_algorithm_oid.dotted_string),
        serial=format(cert.serial_number, "X"), sha256=hashlib.sha256(der).hexdigest().upper(),
        is_ca=is_ca, self_issued=cert.subject == cert.issuer)

def hostname_matches(host: str, sans: tuple[str, ...]) -> bool:
    """RFC 6125 matching against SANs: a wildcard covers exactly one left-most label."""
    host = host.rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
        return any(s.startswith("IP:") and ipaddress.ip_address(s[3:]) == ip for s in sans)
    except ValueError:
        pass
    for s in sans:
        if not s.startswith("DNS:"):
            continue
        pat = s[4:].rstrip(".").lower()
        if pat == host:
            return True
        if pat.startswith("*.") and "." in host:
            first, rest = host.split(".", 1)
            if first and rest == pat[2:] and rest.count(".") >= 1:
                return True
    return False

def name_to_text(name: Any) -> str:
    """RFC 4514-style text of a pyOpenSSL X509Name (most specific attribute first)."""
    parts = []
    for k, v in reversed(name.get_components()):
        val = v.decode("utf-8", "replace")
        for ch in ("\\", ",", "+", '"', "<", ">", ";", "="):
            val = val.replace(ch, "\\" + ch)
        parts.append(f"{k.decode()}={val}")
    return ",".join(parts)
