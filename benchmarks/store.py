"""Benchmark: the case store at a support desk's size (goal: `case list` and the home screen's
recent cases within 0.3 s with 10,000 cases and 100,000 results).

Builds a real SQLite store through ``CaseStore`` (its schema, its indexes) filled with realistic
rows — cases with org IDs, tracking IDs and descriptions, results that are real check results
(findings with evidence and fixes, ~2 KB of JSON each) — then times, interleaved over
``--rounds``:

- ``wxtriage case list`` as a whole process, against the same command on an empty store (the
  reference: interpreter start and imports, which no index can shorten);
- ``CaseStore.list(with_blank=False, limit=50)``, what the home screen's recent-cases table reads,
  in process, against ``SELECT count(*) FROM cases`` on the same file (the floor of a query).

    .venv/bin/python benchmarks/store.py [--cases 10000] [--results 100000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.case import Case  # noqa: E402
from checks.model import CheckResult, Evidence, Finding, Remediation, Severity, Status  # noqa: E402
from checks.store import CaseStore  # noqa: E402


def _result(i: int) -> str:
    f = Finding(code="conn.tls.untrusted", severity=Severity.ERROR,
                title=f"Xsi-Actions on 203.0.113.{i % 250}: certificate rejected by a verifying client",
                detail="A verifying client refused the server certificate (certificate verification failed: "
                       "unable to get local issuer certificate). Webex verifies it the same way. " * 3,
                evidence=(Evidence("Xsi-Actions via node", "TCP connected in 12 ms\nTLS: TLSv1.3 in 9 ms\n" * 4),),
                remediation=Remediation("Install a certificate signed by a well-known CA",
                                        ("Check the chain", "Send the intermediates", "Restart the interface")),
                source="S4 §4", data={"interface": "xsi-actions", "node": f"203.0.113.{i % 250}", "step": "tls"})
    r = CheckResult(check_id=("cluster.connectivity", "xsp.tls", "xsp.urls", "har.analyze")[i % 4], title="Check",
                    area="connectivity", status=Status.FAIL, findings=(f,), started_at=f"2026-{1 + i % 11:02d}-"
                    f"{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00")
    return json.dumps(r.to_dict(), ensure_ascii=False)


def build(path: Path, cases: int, results: int) -> None:
    CaseStore(path)  # the real schema and indexes
    db = sqlite3.connect(path)
    ids = []
    with db:
        rows = []
        for i in range(cases):
            c = Case.create(org_id=str(uuid.UUID(int=i + 1)), tracking_ids=[f"ATLAS_{uuid.UUID(int=i + 7)}_{i % 30}"],
                            description=f"Customer {i}: phone services disconnected after the upgrade\nseen by 3 users")
            ids.append(c.id)
            stamp = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00"
            rows.append((c.id, json.dumps(c.to_dict(), ensure_ascii=False), stamp, stamp))
        db.executemany("INSERT INTO cases(id, doc, created_at, updated_at) VALUES (?, ?, ?, ?)", rows)
        docs = [_result(i) for i in range(64)]
        db.executemany("INSERT INTO results(case_id, check_id, started_at, doc) VALUES (?, ?, ?, ?)",
                       ((ids[i % cases], json.loads(docs[i % 64])["id"], "2026-01-01T00:00:00+00:00", docs[i % 64])
                        for i in range(results)))
    db.close()


def cli_list(store: Path) -> float:
    exe = Path(sys.executable).with_name("wxtriage")
    t0 = time.perf_counter()
    p = subprocess.run([str(exe), "case", "list", "--store", str(store)], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"case list failed: {p.stderr.strip()}")
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--results", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        big, empty = Path(d) / "big.sqlite3", Path(d) / "empty.sqlite3"
        t0 = time.perf_counter()
        build(big, args.cases, args.results)
        CaseStore(empty)
        print(f"store: {args.cases} cases, {args.results} results, {big.stat().st_size / 1e6:.0f} MB "
              f"(built in {time.perf_counter() - t0:.1f} s); load average {os.getloadavg()[0]:.2f} "
              f"on {os.cpu_count()} CPU(s)")
        store = CaseStore(big)
        cli_list(big)  # warm the page cache and the interpreter's
        rows = {"case list (process)": [], "empty-store reference": [], "recent 50 (home)": [], "count(*) floor": []}
        for _ in range(args.rounds):
            rows["case list (process)"].append(cli_list(big))
            rows["empty-store reference"].append(cli_list(empty))
            t = time.perf_counter()
            store.list(with_blank=False, limit=50)
            rows["recent 50 (home)"].append(time.perf_counter() - t)
            t = time.perf_counter()
            with sqlite3.connect(big) as db:
                db.execute("SELECT count(*) FROM cases").fetchone()
            rows["count(*) floor"].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in rows.items()}
    for k, v in med.items():
        print(f"  {k:<24} median {v * 1000:8.1f} ms")
    ok_cli, ok_home = med["case list (process)"] <= 0.3, med["recent 50 (home)"] <= 0.3
    added = med["case list (process)"] - med["empty-store reference"]
    print(f"case list: {med['case list (process)'] / med['empty-store reference']:.2f}× the empty store; the store "
          f"adds {added * 1000:.0f} ms, the rest is starting the interpreter and importing "
          f"({'OK' if ok_cli else 'MISSED'}: goal ≤ 0.3 s, {med['case list (process)']:.3f} s in all)")
    print(f"home's recent cases: {med['recent 50 (home)'] / med['count(*) floor']:.1f}× a bare count(*) "
          f"({'OK' if ok_home else 'MISSED'}: goal ≤ 0.3 s, {med['recent 50 (home)']:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
