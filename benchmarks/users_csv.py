"""Benchmark: analyse large Control Hub user exports and compare with a bare ``csv.reader`` pass.

    python benchmarks/users_csv.py                  # 10,000 / 100,000 / 300,000 users
    python benchmarks/users_csv.py --rows 100000    # one size

For each size it writes an export (a realistic mix: most users licensed, some without a number,
some national numbers, some numbers used twice; UTF-8 with CRLF, as Control Hub writes it), then
runs, each in a fresh interpreter so the memory figure is that run's alone:

* wxtriage: ``checks.evidence.user_csv.analyse`` + the findings — header recognition, every row,
  E.164 checks with phonenumbers, duplicates, the reasons, i.e. everything ``wxtriage users`` does;
* baseline: ``csv.reader`` over the same file, touching each row (the cost of reading alone).

and prints rows per second, the ratio to the baseline, and the peak memory (VmHWM, Linux) of each
run, so "flat memory" can be read off the rows: the growth from 10k to 300k rows is what the
analysis keeps (the users to report and one entry per distinct number). Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_RUN = r"""
import csv, json, sys, time
sys.path.insert(0, {root!r})
mode, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if mode == "wxtriage":
    from checks.evidence.user_csv import analyse
    from checks.builtin.user_exports import findings_for
    a = analyse(path)
    findings = findings_for(a)
    rows = a.users
    extra = {{"without_calling": a.without_calling, "findings": len(findings)}}
else:
    rows = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            rows += len(row) > 0
    rows -= 1
    extra = {{}}
seconds = time.perf_counter() - t0
# VmHWM: this process's peak RSS since exec (ru_maxrss would carry the parent's size over a fork+exec).
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
print(json.dumps({{"rows": rows, "seconds": seconds, "max_rss_mb": hwm,
                  **extra}}))
"""


def run(mode: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _RUN.format(root=str(ROOT)), mode, str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    from tests.user_csv_fixtures import big_controlhub

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, action="append", help="users in the export (repeatable)")
    p.add_argument("--repeat", type=int, default=2, help="best of N runs (default 2)")
    p.add_argument("--failing-percent", type=int, default=10,
                   help="share of users without Webex Calling (default 10; memory grows with them)")
    args = p.parse_args()
    sizes = args.rows or [10_000, 100_000, 300_000]
    print(f"{'users':>8}  {'MB':>6}  {'wxtriage s':>10}  {'rows/s':>9}  {'csv.reader s':>12}  {'ratio':>6}  "
          f"{'RSS MB':>7}  {'baseline RSS':>12}  without Calling")
    with tempfile.TemporaryDirectory(prefix="wxtriage-users-bench-") as tmp:
        for n in sizes:
            path = Path(tmp) / f"users-{n}.csv"
            path.write_text(big_controlhub(n, args.failing_percent), encoding="utf-8", newline="")
            ours = min((run("wxtriage", path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            base = min((run("baseline", path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            assert ours["rows"] == base["rows"] == n, (ours, base)
            print(f"{n:>8}  {path.stat().st_size / 1e6:>6.1f}  {ours['seconds']:>10.2f}  {n / ours['seconds']:>9,.0f}  "
                  f"{base['seconds']:>12.2f}  {ours['seconds'] / base['seconds']:>6.1f}  {ours['max_rss_mb']:>7.1f}  "
                  f"{base['max_rss_mb']:>12.1f}  {ours['without_calling']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
