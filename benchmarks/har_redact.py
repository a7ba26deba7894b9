"""Benchmark: writing a redacted HAR (``wxtriage har FILE --redact-out OUT``, and the bundle's copy)
against a bare ijson scan of the same file.

Generates realistic HARs (``benchmarks/har.py``'s shapes: JSON answers full of escapes, HTML,
minified JavaScript; the seed-000 failure in the middle) and runs each side in its own subprocess
so peak memory (``ru_maxrss``) is per side:

* ``ijson``  — ``ijson.items(file, "log.entries.item")``: every entry built, nothing else done
* ``redact`` — ``checks.redact.redact_har_file`` (every entry redacted into the encrypted spool, the
  leak scan, the write, the rename)

Goal (issue 15): redaction within 4x the time of the ijson scan, with flat memory (the same peak
for a file twice as large). Prints the median of ``--runs`` runs per side (the sides alternate),
wall and CPU time: on a shared machine the CPU ratio is the steadier one.

    python benchmarks/har_redact.py                       # 150 MB, pretty 4,000 entries
    python benchmarks/har_redact.py --entries 30000 --minified
Not run by CI (it needs minutes and hundreds of MB of disk).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GOAL = 4.0


def measure(path: Path, runs: int) -> tuple[dict, dict]:
    """Median of ``runs`` runs per side, the sides alternating (a shared machine's load hits both)."""
    from benchmarks.har import run

    rs: dict[str, list[dict]] = {"ijson": [], "redact": []}
    for _ in range(runs):
        for mode in rs:
            rs[mode].append(run(mode, path))
    return tuple({k: statistics.median(r[k] for r in rs[mode]) for k in ("wall_s", "cpu_s", "peak_mb", "entries")}
                 for mode in ("ijson", "redact"))  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=150)
    ap.add_argument("--entries", type=int, default=4000)
    ap.add_argument("--minified", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", help="where to write the temporary HARs (default: system temp)")
    args = ap.parse_args()
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
                      f"(median of {args.runs}): ijson scan {ij['wall_s']:.2f} s ({ij['cpu_s']:.2f} s CPU) / "
                      f"{ij['peak_mb']:.0f} MB, redaction {red['wall_s']:.2f} s ({red['cpu_s']:.2f} s CPU) / "
                      f"{red['peak_mb']:.0f} MB")
                print(f"speed:  redaction takes {ratio:.1f}x the ijson scan ({red['cpu_s'] / ij['cpu_s']:.1f}x in "
                      f"CPU time)   goal <= {GOAL:.0f}x ({'OK' if ratio <= GOAL else 'MISSED'})")
        (s1, p1), (s2, p2) = peaks
        flat = p2 <= p1 * 1.25 + 5
        print(f"memory: redaction peak {p1:.0f} MB at {s1:.0f} MB, {p2:.0f} MB at {s2:.0f} MB   goal: flat "
              f"({'OK' if flat else 'MISSED'})")


if __name__ == "__main__":
    main()
