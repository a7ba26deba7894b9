"""The probe matrix of each network check, built from its own findings (``interface``, ``node``,
``step`` and the rule's ``short`` words in their data; see :mod:`checks.probes.findings`).

``cluster.connectivity`` fills the DNS/TCP/TLS/HTTP cells, ``xsp.tls`` the certificate and
``xsp.mtls`` the client certificate; the front-ends merge and draw them
(:func:`checks.artifacts.merge_matrices`).
"""
from __future__ import annotations

from typing import Iterable

from ..artifacts import MatrixCell, MatrixRow, ProbeMatrix
from ..model import Finding, Severity

STEPS = ("dns", "tcp", "tls", "http")
#: The node of a row about the interface as a whole.
NO_NODE = "—"

_Rows = dict[tuple[str, str], dict[str, MatrixCell]]


def _matrix(rows: _Rows) -> ProbeMatrix:
    return ProbeMatrix(tuple(MatrixRow(i, n, cells) for (i, n), cells in rows.items()))


def _row(rows: _Rows, f: Finding) -> dict[str, MatrixCell]:
    key = (str(f.data.get("interface", "")), str(f.data.get("node", "")) or NO_NODE)
    return rows.setdefault(key, {})


def connectivity_matrix(findings: Iterable[Finding]) -> ProbeMatrix:
    """Steps per node: those before the failed one passed, those after it did not run."""
    rows: _Rows = {}
    for f in findings:
        d = f.data
        if d.get("step") not in STEPS:
            continue
        cells = _row(rows, f)
        if "short" in d:  # a failed step: the catalog gives it a few words for the cell
            step = str(d["step"])
            i = STEPS.index(step)
            for s in STEPS[:i]:
                cells.setdefault(s, MatrixCell("ok"))
            cells[step] = MatrixCell("bad", str(d["short"]))
            for s in STEPS[i + 1:]:
                cells.setdefault(s, MatrixCell("none", "–"))
        elif f.code == "conn.dns.non_public_address":
            continue  # interface-wide: the findings say it
        else:
            for s in STEPS[:3]:
                cells.setdefault(s, MatrixCell("ok"))
            if f.code == "conn.tls.client_certificate_required":
                cells["http"] = MatrixCell("none", "needs client cert")
            elif "status" in d:
                cells["http"] = MatrixCell("ok", str(d["status"]))
            else:
                cells.setdefault("http", MatrixCell("none", "n/a"))
    return _matrix(rows)


def tls_matrix(findings: Iterable[Finding]) -> ProbeMatrix:
    """The certificate verdict per node: the worst problem, else the TLS version negotiated."""
    rows: _Rows = {}
    for f in findings:
        d = f.data
        if f.code == "tls.summary":
            _row(rows, f).setdefault("cert", MatrixCell("ok", str(d.get("version", ""))))
        elif d.get("node"):
            for node in str(d["node"]).split(", "):  # nodes_differ names several
                cells = rows.setdefault((str(d.get("interface", "")), node), {})
                bad = f.severity >= Severity.ERROR
                if cells.get("cert") is None or bad:
                    cells["cert"] = MatrixCell("bad" if bad else "warn", str(d.get("short", f.code)))
    return _matrix(rows)


def mtls_matrix(findings: Iterable[Finding]) -> ProbeMatrix:
    """The client-certificate verdict per node: the worst, in the rule's few words or as observed."""
    rows: _Rows = {}
    for f in findings:
        d = f.data
        if not (d.get("node") and "client_auth" in d):
            continue
        cells = _row(rows, f)
        kind = "bad" if f.severity >= Severity.ERROR else "warn" if f.severity is Severity.WARNING else "ok"
        prev = cells.get("mtls")
        if prev is None or kind == "bad" or (kind == "warn" and prev.kind != "bad"):
            cells["mtls"] = MatrixCell(kind, str(d.get("short", d["client_auth"])))
    return _matrix(rows)
