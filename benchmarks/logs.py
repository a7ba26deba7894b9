"""Benchmark: scan a large set of Webex app logs and compare with ``grep -c -E -i`` on the same files.

    python benchmarks/logs.py                 # 500 MB (the goal: within 5x of grep)
    python benchmarks/logs.py --size-mb 50    # quick look
    python benchmarks/logs.py --engine re     # the pure-Python fallback (no google-re2)
    python benchmarks/logs.py --match-rate 0.5   # dense: half the lines match a rule (an app
                                                 # retrying a failing token fetch all day)
    python benchmarks/logs.py --match-rate 0.0005,0.5   # both goals, one after the other

It writes rotated desktop logs plus a mobile log into a temporary folder (removed afterwards unless
--keep), warms the page cache, then times each tool --repeat times, alternating (median of the runs; the CPU
time too, which a machine shared with other work disturbs less than the wall clock):

* wxtriage: ``checks.evidence.logs.scan_logs`` on the folder — lines, timestamps, entries, every
  catalog rule and fact, excerpts and redaction, i.e. everything ``wxtriage logs`` does;
* grep: ``grep -c -E -i`` with the same catalog patterns (rules and facts, rewritten to ERE) over the
  same files, in the C locale (byte-wise, as the scanner reads: the strict reference). With
  ``--utf8-grep`` also in a UTF-8 locale, where GNU grep's ``-i`` is far slower on matching lines
  (about 150x on the dense log), so that ratio flatters wxtriage; it is printed for comparison only.

and prints MB/s for both and the ratios (wall and CPU) with the goal, and the load average so a
reader can judge the machine. Nothing is asserted: the numbers are for people.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checks.evidence.logs import load_patterns, scan_logs  # noqa: E402

INFO = [
    b"<Info> [0x1a2b] UIController.cpp:9 render frame id=%d took %d ms",
    b"<Info> [0x2c3d] HttpClient.cpp:301 GET https://api.example.webex.com/v1/conversations?limit=%d status=200 "
    b"TrackingID=NA_8666bff8-a5f2-4a6c-a31d-c7dccea7315c_%d",
    b"<Info> [0x3e4f] TelephonyService.cpp:45 keep-alive ok to sbc-%d.example.net rtt=%d ms",
    b"<Debug> [0x2c3d] WbxMediaEngine.cpp:812 rtp stats ssrc=%d jitter=%d loss=0",
    b"<Info> [0x1a2b] PresenceService.cpp:77 presence update from user %d state=available seq=%d",
    b"<Warning> [0x1a2b] ImageCache.cpp:33 cache miss for avatar %d size=%d",
]
# Rare lines that the rules must find (about 1 in 2,000 entries).
RARE = [
    b"<Error> [0x2c3d] BroadWorksTokenManager.cpp:130 Http error when trying to get BWC Token, httpStatusCode: 503 "
    b"errorCode=1502 TrackingID=NA_0f4b3c2a-1d2e-4f50-8a9b-0c1d2e3f4a5b_%d",
    b"<Error> [0x2c3d] DeviceProfile.cpp:60 failed to parse config-wxt.xml: unexpected end of element %d",
    b"<Error> [0x2c3d] ServiceDiscovery.cpp:41 service discovery failed: timed out after %d ms",
    b"<Error> [0x3e4f] SipConnectionManager.cpp:91 no reachable SBC among %d candidates",
    b"<Info> [0x3e4f] SipStack.cpp:500 received SIP message:\nSIP/2.0 503 Service Unavailable\n"
    b"Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK%d\nCSeq: 2 REGISTER\nContent-Length: 0",
    b"<Error> [0x3e4f] Telemetry.cpp:12 upload failed status=429 attempt=%d",
]
HEADER = (b"2026-11-%02dT00:00:00.000Z <Info> [0x1a2b] SparkApplication.cpp:211 Webex app version: 44.10.0.30906\n"
          b"2026-11-%02dT00:00:00.100Z <Info> [0x1a2b] LoginManager.cpp:88 signed in as alice@example.com "
          b"orgId=1eb65fdf-9643-417f-9974-ad72cae0e10f\n")


def make_block(rng: random.Random, target: int, period: int = 2000) -> bytes:
    """About ``target`` bytes of entries, one in ``period`` a line a rule matches; ``@@`` stands
    for the day-and-hour, filled in per block."""
    out: list[bytes] = []
    size = 0
    minute = second = n = 0
    while size < target:
        n += 1
        second += rng.randint(0, 2)
        if second >= 60:
            second, minute = 0, min(minute + 1, 59)
        tmpl = RARE[(n // period) % len(RARE)] if n % period == 0 else rng.choice(INFO)  # every rule in turn
        body = tmpl.replace(b"%d", str(rng.randint(1, 99999)).encode())
        line = b"2026-11-@@:%02d:%02d.%03dZ " % (minute, second, rng.randint(0, 999)) + body + b"\n"
        out.append(line)
        size += len(line)
    return b"".join(out)


def generate(folder: Path, size_mb: int, seed: int = 7, match_rate: float = 1 / 2000) -> list[Path]:
    rng = random.Random(seed)
    block = make_block(rng, 4 << 20, period=max(1, round(1 / match_rate)))
    files: list[Path] = []
    per_file = 100 << 20
    remaining = size_mb << 20
    day = 1
    while remaining > 0:
        name = "current_log.txt" if remaining <= per_file else f"current_log_{day}.txt"
        path = folder / ("logs" if name != "current_log.txt" else "") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        want = min(per_file, remaining)
        with open(path, "wb") as fh:
            fh.write(HEADER % (day, day))
            written, hour = 0, 0
            while written < want:
                chunk = block.replace(b"@@", b"%02dT%02d" % (day, hour % 24))
                fh.write(chunk)
                written += len(chunk)
                hour += 1
        files.append(path)
        remaining -= want
        day += 1
    mobile = folder / "mobile.log"
    mobile.write_bytes(b"2026-11-20 14:02:22.700 9619 9771 E WBX_TEAMS-ucf: tid[0x261f] BroadWorksTokenManager.cpp::144 "
                       b"operator():BWC:SCF: errorCode=1502 httpStatusCode: 401\n" * 1000)
    files.append(mobile)
    return files


def to_ere(pattern: str) -> str:
    """Rewrite a catalog pattern (common subset of re/RE2) as a POSIX ERE that GNU grep accepts."""
    return pattern.replace("(?:", "(").replace(r"\d", "[0-9]")


def timed(fn, cpu) -> tuple[float, float, object]:
    """Wall and CPU seconds of one call (``cpu`` reads the CPU clock that the call spends)."""
    c0, t0 = cpu(), time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, cpu() - c0, result


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def rates(text: str) -> list[float]:
    """``--match-rate`` values: one share, or several separated by commas."""
    try:
        out = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a share or a list of shares: {text!r}") from None
    if not out or any(not 0 < r <= 1 for r in out):
        raise argparse.ArgumentTypeError(f"each match rate must be in (0, 1]: {text!r}")
    return out


def measure(folder: Path, match_rate: float, args: argparse.Namespace, grep: str) -> str:
    """Generate logs of ``match_rate`` under ``folder``, time both tools, print the figures and
    return a one-line summary."""
    t0 = time.perf_counter()
    files = generate(folder, args.size_mb, match_rate=match_rate)
    total = sum(f.stat().st_size for f in files)
    mb = total / 1e6
    print(f"match rate {match_rate:g}; generated {len(files)} files, {mb:.0f} MB in {time.perf_counter() - t0:.1f} s under {folder}")
    pats = folder / "patterns.ere"
    pats.write_text("\n".join(to_ere(p) for p in load_patterns().raw.values()) + "\n")
    cmd = [grep, "-c", "-E", "-i", "-f", str(pats), *map(str, files)]

    def run_grep(locale: str) -> int:
        env = dict(os.environ, LC_ALL=locale)
        p = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
        if p.returncode > 1:
            raise SystemExit(f"grep failed: {p.stderr.strip()}")
        return sum(int(line.rsplit(":", 1)[1]) for line in p.stdout.splitlines())

    run_grep("C")  # warm the page cache for both tools
    g_runs: list[tuple[float, float]] = []
    s_runs: list[tuple[float, float]] = []
    for _ in range(max(1, args.repeat)):  # alternate, so a burst of load hits both tools alike
        g_wall, g_cpu, g_lines = timed(lambda: run_grep("C"), children_cpu)
        g_runs.append((g_wall, g_cpu))
        s_wall, s_cpu, scan = timed(lambda: scan_logs(folder, engine=args.engine), time.process_time)
        s_runs.append((s_wall, s_cpu))
    g_time, g_cpu = (statistics.median(r[i] for r in g_runs) for i in (0, 1))
    s_time, s_cpu = (statistics.median(r[i] for r in s_runs) for i in (0, 1))
    hits = sum(s.count for s in scan.stats.values())  # type: ignore[union-attr]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; medians of {len(s_runs)} runs")
    print(f"grep -c -E -i, C locale ({len(load_patterns().raw)} patterns): {g_time:.2f} s, "
          f"{mb / g_time:.0f} MB/s, CPU {g_cpu:.2f} s, {g_lines} matching lines "
          f"({g_lines / max(1, scan.lines):.1%} of the lines)")  # type: ignore[union-attr]
    print(f"wxtriage scan (engine {scan.engine}): {s_time:.2f} s, {mb / s_time:.0f} MB/s, "  # type: ignore[union-attr]
          f"CPU {s_cpu:.2f} s, {scan.lines} lines, {hits} rule matches in {len(scan.stats)} groups, "  # type: ignore[union-attr]
          f"peak RSS {rss:.0f} MB")
    ratio = s_time / g_time
    verdict = "OK" if ratio <= 5 else "over the goal"
    print(f"ratio wxtriage/grep (C locale): {ratio:.2f}x wall, {s_cpu / g_cpu:.2f}x CPU (goal: <= 5x) -> {verdict}")
    print("runs (wall s, wxtriage/grep): " + ", ".join(f"{s:.2f}/{g:.2f}" for (s, _), (g, _) in zip(s_runs, g_runs)))
    if args.utf8_grep:
        u_time = statistics.median(timed(lambda: run_grep("C.UTF-8"), children_cpu)[0]
                                   for _ in range(max(1, args.repeat)))
        print(f"grep -c -E -i, C.UTF-8 locale: {u_time:.2f} s, {mb / u_time:.0f} MB/s; "
              f"ratio wxtriage/grep (UTF-8): {s_time / u_time:.2f}x (for comparison; goal <= 5x)")
    return (f"match rate {match_rate:g}: {ratio:.2f}x wall, {s_cpu / g_cpu:.2f}x CPU "
            f"({s_time:.2f} s vs grep {g_time:.2f} s, {mb:.0f} MB; goal <= 5x) -> {verdict}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=500, help="how much log to generate (default 500)")
    ap.add_argument("--dir", type=Path, help="generate here instead of a temporary folder")
    ap.add_argument("--keep", action="store_true", help="keep the generated logs")
    ap.add_argument("--engine", choices=("auto", "re", "re2"), default="auto", help="prefilter engine")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per tool; the median counts (default 3)")
    ap.add_argument("--match-rate", type=rates, default=[1 / 2000],
                    help="share of entries a rule matches (default 1/2000, sparse; 0.5 is dense); several "
                         "separated by commas are measured one after the other (0.0005,0.5: both goals)")
    ap.add_argument("--utf8-grep", action="store_true",
                    help="also time grep in the C.UTF-8 locale (slow on dense logs; for comparison)")
    args = ap.parse_args()
    grep = shutil.which("grep")
    if grep is None:
        print("grep not found: cannot compute the ratio", file=sys.stderr)
        return 2
    folder = args.dir or Path(tempfile.mkdtemp(prefix="wxtriage-logs-bench-"))
    summaries: list[str] = []
    try:
        for n, rate in enumerate(args.match_rate):
            sub = folder if len(args.match_rate) == 1 else folder / f"rate-{n}"
            sub.mkdir(parents=True, exist_ok=True)
            summaries.append(measure(sub, rate, args, grep))
            if not args.keep and not args.dir and sub != folder:
                shutil.rmtree(sub, ignore_errors=True)  # room for the next size on a small disk
            print()
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    if len(summaries) > 1:
        print("summary:\n  " + "\n  ".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
