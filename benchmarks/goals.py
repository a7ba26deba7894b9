"""Every speed goal of issue 15 in one run: each benchmark in its own process, one after the other
(never in parallel: they would time each other), its full output kept in a log, and a summary of
the lines that state a ratio against its goal, with the load average before and after each.

    .venv/bin/python benchmarks/goals.py                    # the sizes the goals name (~20 min)
    .venv/bin/python benchmarks/goals.py --quick            # small sizes: does every benchmark run?
    .venv/bin/python benchmarks/goals.py --only har,logs    # some of them
    .venv/bin/python benchmarks/goals.py --log goals.log    # where the full output goes

The figures are only as good as the machine is idle: run it with nothing else going on (the load
average is printed so a reader can judge). Nothing is asserted; the README quotes these lines.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: name -> (what the goal is, the arguments at the goals' sizes, the arguments of a quick look)
GOALS: dict[str, tuple[str, list[str], list[str]]] = {
    "har": ("1. HAR analysis vs HarParser load + entries, four shapes (>= 8x faster, <= 1/12 memory)",
            ["har.py", "--shapes", "--runs", "3"], ["har.py", "--shapes", "--size-mb", "12"]),
    "redact": ("2. HAR redaction vs an ijson scan, 4,000 pretty entries (<= 4x, flat memory)",
               ["har_redact.py", "--runs", "3"], ["har_redact.py", "--size-mb", "12", "--runs", "1"]),
    "redact-min": ("2. HAR redaction vs an ijson scan, 30,000 minified entries (<= 4x, flat memory)",
                   ["har_redact.py", "--entries", "30000", "--minified", "--runs", "3"],
                   ["har_redact.py", "--size-mb", "12", "--entries", "3000", "--minified", "--runs", "1"]),
    "logs": ("3. Client logs vs grep -c -E -i, sparse and dense, 500 MB (<= 5x)",
             ["logs.py", "--match-rate", "0.0005,0.5", "--repeat", "3"],
             ["logs.py", "--match-rate", "0.0005,0.5", "--size-mb", "20", "--repeat", "1"]),
    "fleet": ("4. Fleet scan, 50 clusters x 2 nodes x 4 interfaces vs one cluster (<= 5x)",
              ["probes.py", "--clusters", "50", "--rounds", "3"], ["probes.py", "--clusters", "5", "--rounds", "1"]),
    "store": ("5. Case store, 10,000 cases and 100,000 results (<= 0.3 s)",
              ["store.py", "--rounds", "5"], ["store.py", "--cases", "500", "--results", "5000", "--rounds", "1"]),
    "known": ("Many known secrets (a new token or cookie in every call): lookups flat, redaction linear",
              ["known_values.py"], ["known_values.py", "--texts", "300", "--counts", "1000,5000", "--calls", "300,600"]),
}
#: Lines of a benchmark's output that state a result against a goal.
_RESULT_WORDS = ("goal", "OK", "MISSED", "ratio")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_goal(name: str, args: list[str], log) -> tuple[int, list[str], float]:
    """Run one benchmark; its output goes to ``log``; returns its exit status, its result lines
    and its wall time."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(HERE / args[0]), *args[1:]], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=HERE.parent)
    results: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        log.write(line)
        log.flush()
        if any(w in line for w in _RESULT_WORDS):
            results.append(line.rstrip())
    return proc.wait(), results, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, one run each: a smoke test")
    ap.add_argument("--only", help=f"comma-separated, of: {', '.join(GOALS)}")
    ap.add_argument("--log", type=Path, default=Path("benchmarks-goals.log"), help="full output (default: %(default)s)")
    args = ap.parse_args(argv)
    names = list(GOALS) if not args.only else [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in GOALS]
    if unknown:
        print(f"goals.py: unknown benchmark {', '.join(unknown)}; choose from {', '.join(GOALS)}", file=sys.stderr)
        return 2
    failed = 0
    with args.log.open("w", encoding="utf-8") as log:
        for name in names:
            title, full, quick = GOALS[name]
            cmd = quick if args.quick else full
            before = _load()
            log.write(f"\n===== {name}: {' '.join(cmd)} (load {before})\n")
            status, results, wall = run_goal(name, cmd, log)
            print(f"\n{title}\n  $ python benchmarks/{' '.join(cmd)}   [{wall:.0f} s, load {before} -> {_load()}]")
            for line in results:
                print(f"  {line}")
            if status != 0:
                failed += 1
                print(f"  (exit status {status}: see {args.log})")
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
