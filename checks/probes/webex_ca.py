"""The Webex CA chain an admin downloads from Partner Hub (``--webex-ca``)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509


def load_webex_cas(path: str | Path) -> list["x509.Certificate"]:
    """The certificates in a Webex CA chain file (PEM, one or more; a single DER also works).

    Raises ValueError with a one-line reason for anything else.
    """
    # Imported when a file is read: `wxtriage run` imports every check (their options are its
    # flags), and so this module, for its validator; cryptography would add ~40 ms to each start.
    from cryptography import x509

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the file ({exc.strerror or exc})") from None
    if not data.strip():
        raise ValueError("the file is empty; expected the Webex CA chain in PEM")
    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise ValueError(f"a PEM certificate in the file is damaged ({exc})") from None
    else:
        try:
            certs = [x509.load_der_x509_certificate(data)]
        except ValueError:
            raise ValueError("no PEM certificate (-----BEGIN CERTIFICATE-----) found; expected the Webex "
                             "CA chain downloaded from Partner Hub") from None
    return certs
