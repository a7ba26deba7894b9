"""Benchmark: writing a redacted HAR (``wxtriage har FILE --redact-out OUT``, and the bundle's copy)
against a bare ijson scan of the same file.

Generates realistic HARs (``benchmarks/har.py``'s shapes: JSON answers full of escapes, HTML,
minified JavaScript; the seed-000 failure in the middle) and runs each side in its own subprocess
so peak memory (``ru_maxrss``) is per side:

* ``ijson``  — ``ijson.items(file, "log.entries.item")``: every entry built, nothing else done
* ``redact`` — ``checks.redact.redact_har_file`` (both passes, the leak scan, the rename)

Goal (issue 15): redaction within 4x the time of the ijson scan, with flat memory (the same peak
for a file twice as large). Prints the median of ``--runs`` runs per side.

    python benchmarks/har_redact.py                       # 150 MB, pretty 4,000 entries
    python benchmarks/har_redact.py --entries 30000 --minified
Not run by CI (it needs minutes and hundreds of MB of disk).
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GOAL = 4.0


def worker(mode: str, path: str) -> None:
    if mode == "ijson":
        import ijson
    else:
        import checks.redact  # noqa: F401
    t0 = time.perf_counter()
    if mode == "ijson":
        n = 0
        with open(path, "rb") as fh:
            for _ in ijson.items(fh, "log.entries.item", use_float=True):
                n += 1
    else:
        from checks.redact import redact_har_file

        out = Path(path).with_suffix(".redacted.har")
        n = redact_har_file(path, out).entries
        out.unlink()
    print(json.dumps({"wall_s": time.perf_counter() - t0,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "entries": n}))


def run(mode: str, path: Path) -> dict:
    p = subprocess.run([sys.executable, __file__, "--worker", mode, str(path)], capture_output=True, text=True,
                       cwd=REPO)
    if p.returncode:
        raise SystemExit(f"{mode} failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def measure(path: Path, runs: int) -> tuple[dict, dict]:
    out = {}
    for mode in ("ijson", "redact"):
        rs = [run(mode, path) for _ in range(runs)]
        out[mode] = {"wall_s": statistics.median(r["wall_s"] for r in rs),
                     "peak_mb": statistics.median(r["peak_mb"] for r in rs), "entries": rs[0]["entries"]}
    return out["ijson"], out["redact"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=150)
    ap.add_argument("--entries", type=int, default=4000)
    ap.add_argument("--minified", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", help="where to write the temporary HARs (default: system temp)")
    ap.add_argument("--worker", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    from benchmarks.har import generate_shaped

    peaks = []
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        for scale in (0.5, 1.0):
            path = Path(d) / f"r{scale}.har"
            n = generate_shaped(path, args.size_mb * scale, int(args.entries * scale), args.minified)
            size = path.stat().st_size / 1024 / 1024
            ij, red = measure(path, args.runs if scale == 1.0 else 1)
            peaks.append((size, red["peak_mb"]))
            if scale == 1.0:
                ratio = red["wall_s"] / ij["wall_s"]
                print(f"{n} entries, {'minified' if args.minified else 'pretty'}, {size:.0f} MB "
                      f"(median of {args.runs}): ijson scan {ij['wall_s']:.2f} s / {ij['peak_mb']:.0f} MB, "
                      f"redaction {red['wall_s']:.2f} s / {red['peak_mb']:.0f} MB")
                print(f"speed:  redaction takes {ratio:.1f}x the ijson scan   goal <= {GOAL:.0f}x "
                      f"({'OK' if ratio <= GOAL else 'MISSED'})")
        (s1, p1), (s2, p2) = peaks
        flat = p2 <= p1 * 1.25 + 5
        print(f"memory: redaction peak {p1:.0f} MB at {s1:.0f} MB, {p2:.0f} MB at {s2:.0f} MB   goal: flat "
              f"({'OK' if flat else 'MISSED'})")


if __name__ == "__main__":
    main()
