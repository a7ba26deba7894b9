"""Benchmark: streaming HAR analysis (and redaction) against haralyzer's ``HarParser`` load.

Generates a HAR of the requested size in a temporary folder (Control Hub-like traffic: JSON API
calls, JavaScript bundles, base64 images, the seed-000 onboarding failure in the middle), then runs
each side in its own subprocess so peak memory (``ru_maxrss``) is measured per side:

* ``analyze``   — ``checks.evidence.har_analysis.analyze_har`` (what ``wxtriage har FILE`` does)
* ``redact``    — ``checks.redact.redact_har_file`` (``--redact-out``), optional
* ``harparser`` — ``HarParser.from_file`` plus every entry as ``HarEntry`` through ``pages`` (the way
  haralyzer hands out entries)
* ``harparser-load`` — ``HarParser.from_file`` alone (just its ``json.load``)
* ``floor``     — one msgspec pass validating every byte of the file and building nothing: the
  least a reader pays that checks every body is valid JSON (``--shapes`` prints it as a bound)

Prints wall time, CPU time and peak RSS per side and the ratios. Goals (issue 15, ``--shapes``):
analysis ≥ 8× faster than ``HarParser`` load + entries and ≤ 1/12 of its peak memory, for 4,000
and 30,000 entries, pretty-printed and minified, with realistic bodies; 1 GB analysed and
redacted under 100 MB.

    python benchmarks/har.py --shapes --runs 3   # the four shapes at --size-mb (160), medians
    python benchmarks/har.py                     # 160 MB of the older mix
    python benchmarks/har.py --size-mb 1024 --redact
Not run by CI (it needs minutes and hundreds of MB of disk).
"""
from __future__ import annotations

import argparse
import base64
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def generate(path: Path, size_mb: float, seed: int = 4, mix: str = "mixed") -> int:
    """Write a HAR of about ``size_mb`` MB, streaming; return the number of entries.

    ``mixed``: 70 % JSON API calls, 20 % JavaScript bundles, 8 % base64 images, 2 % 404s.
    ``api``: API calls only (static assets served from cache, as in a long admin session).
    """
    from tests.har_fixtures import entry, har_doc, seed_entries

    rnd = random.Random(seed)
    target = int(size_mb * 1024 * 1024)
    js = "".join(f"function f{i}(a,b){{return a+b*{i}}}\n" for i in range(4000))  # ~150 KB bundle
    png = base64.b64encode(rnd.randbytes(40_000)).decode()
    # Pretty-printed with two spaces, like Chrome's and Firefox's exports.
    head = json.dumps(har_doc([]), indent=2)
    assert head.endswith("[]\n  }\n}")
    n = 0
    seed_at = target // 2
    seeded = False
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head[: -len("]\n  }\n}")] + "\n")
        while fh.tell() < target:
            kind = rnd.random() * (0.7 if mix == "api" else 1.0)
            i = n
            if not seeded and fh.tell() >= seed_at:
                batch = seed_entries()
                seeded = True
            elif kind < 0.70:
                body = json.dumps({"items": [{"id": f"{i}-{j}", "displayName": f"User {j}", "orgId":
                                              "8c7b2f4e-1d2a-4b3c-9e8f-0a1b2c3d4e5f", "email": f"u{j}@example.com"}
                                             for j in range(rnd.randint(5, 60))]})
                batch = [entry("GET", f"https://admin.webex.com/api/v1/users?start={i}", 200, body,
                               tracking=f"ATLAS_8666bff8-a5f2-4a6c-a31d-{i:012d}_1")]
            elif kind < 0.90:
                batch = [entry("GET", f"https://admin.webex.com/static/chunk-{i}.js", 200, js,
                               "application/javascript")]
            elif kind < 0.98:
                batch = [entry("GET", f"https://admin.webex.com/img/{i}.png", 200, png, "image/png",
                               base64_body=False)]
                batch[0]["response"]["content"]["encoding"] = "base64"
            else:
                batch = [entry("GET", f"https://admin.webex.com/api/v1/missing/{i}", 404,
                               json.dumps({"message": "not found"}))]
            for e in batch:
                fh.write((",\n" if n else "") + "      " + json.dumps(e, indent=2).replace("\n", "\n      "))
                n += 1
        fh.write("\n    ]\n  }\n}\n")
    return n


def _api_answer(rnd: random.Random, size: int, i: int) -> str:
    """A Control Hub-like JSON answer of about ``size`` characters: nested objects, IDs, e-mails,
    quotes and non-ASCII inside strings (so the HAR's text field is full of escapes)."""
    items, used = [], 0
    j = 0
    while used < size:
        item = {"id": f"Y2lzY29zcGFyazovL3VzL1BFT1BMRS8{rnd.getrandbits(64):016x}", "displayName": f"Zoë \"Z\" Müller {j}",
                "emails": [f"user{i}.{j}@customer{rnd.randint(1, 999)}.example.com"],
                "phoneNumbers": [{"type": "work", "value": f"+1 408 555 {rnd.randint(1000, 9999)}"}],
                "licenses": [f"Y2lzY29zcGFyazovL3VzL0xJQ0VOU0Uv{rnd.getrandbits(48):012x}" for _ in range(3)],
                "meta": {"created": "2026-11-20T14:05:00.000Z", "tags": ["calling", "sso"], "note": "<b>VIP</b> – «x»"}}
        text = json.dumps(item, ensure_ascii=rnd.random() < 0.5)
        items.append(item)
        used += len(text)
        j += 1
    return json.dumps({"items": items, "startIndex": i, "itemsPerPage": len(items)})


def _html(rnd: random.Random, size: int) -> str:
    rows, used = [], 0
    while used < size:
        row = f'<tr class="row-{rnd.randint(1, 9)}"><td data-id="{rnd.getrandbits(40):x}">Cell &amp; "{rnd.random():.6f}"</td></tr>\n'
        rows.append(row)
        used += len(row)
    return "<!doctype html><html><head><title>Control Hub</title></head><body><table>" + "".join(rows) + "</table></body></html>"


def _minified_js(rnd: random.Random, size: int) -> str:
    parts, used = [], 0
    while used < size:
        k = rnd.getrandbits(24)
        part = f'function a{k:x}(e,t){{return e&&t?"{k}\\"q\\"".concat(e[{k % 97}]):void 0}};var b{k:x}={{n:{k},s:"\\u00e9"}};'
        parts.append(part)
        used += len(part)
    return "".join(parts)


def generate_shaped(path: Path, size_mb: float, entries: int, minified: bool, seed: int = 15) -> int:
    """A HAR of about ``size_mb`` MB with ``entries`` entries whose bodies are realistic (JSON
    answers 70 %, HTML 15 %, minified JavaScript 15 %), pretty-printed like a browser export or
    minified like tools and sanitizers re-save it. The seed-000 failure sits in the middle."""
    from tests.har_fixtures import entry, har_doc, seed_entries

    rnd = random.Random(seed)
    indent = None if minified else 2
    # What an entry costs besides its body (headers, cookies, timings), in this layout.
    bare = entry("GET", "https://admin.webex.com/api/v1/people?start=0", 200, "",
                 tracking="ATLAS_8666bff8-a5f2-4a6c-a31d-000000000000_1")
    overhead = len(json.dumps(bare, separators=(",", ":"))) if minified else \
        len(json.dumps(bare, indent=2).replace("\n", "\n      ")) + 8
    per_entry = max(200, int(size_mb * 1024 * 1024 / entries) - overhead)
    head = json.dumps(har_doc([]), indent=indent, separators=(",", ":") if minified else None)
    tail = "]}}" if minified else "]\n  }\n}"
    assert head.endswith("[" + tail)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head[: -len(tail)])
        n = 0
        for i in range(entries):
            if i == entries // 2:
                batch = seed_entries()
            else:
                kind = rnd.random()
                size = int(per_entry * rnd.uniform(0.5, 1.5))
                if kind < 0.70:
                    batch = [entry("GET", f"https://admin.webex.com/api/v1/people?start={i}", 200,
                                   _api_answer(rnd, size, i), tracking=f"ATLAS_8666bff8-a5f2-4a6c-a31d-{i:012d}_1")]
                elif kind < 0.85:
                    batch = [entry("GET", f"https://admin.webex.com/page/{i}", 200, _html(rnd, size), "text/html")]
                else:
                    batch = [entry("GET", f"https://admin.webex.com/static/c{i}.js", 200, _minified_js(rnd, size),
                                   "application/javascript")]
            for e in batch:
                if minified:
                    fh.write(("," if n else "") + json.dumps(e, separators=(",", ":"), ensure_ascii=False))
                else:
                    fh.write((",\n" if n else "\n") + "      " + json.dumps(e, indent=2).replace("\n", "\n      "))
                n += 1
        fh.write(tail if minified else "\n    ]\n  }\n}\n")
    return n


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def worker(mode: str, path: str) -> None:
    # Imports happen before the clock starts, on both sides; each side imports only what it uses,
    # as its command would (peak memory includes them).
    if mode.startswith("harparser"):
        import haralyzer  # noqa: F401
    elif mode == "ijson":
        import ijson
    elif mode == "floor":
        import mmap

        import msgspec
    else:
        import checks.evidence.har_analysis  # noqa: F401
        import checks.evidence.har_summary  # noqa: F401  (msgspec, imported on first use)
        import checks.redact  # noqa: F401

    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "ijson":  # the reference of benchmarks/har_redact.py: every entry built, nothing else done
        n = 0
        with open(path, "rb") as fh:
            for _ in ijson.items(fh, "log.entries.item", use_float=True):
                n += 1
        extra = ""
    elif mode == "floor":  # one msgspec pass validating every byte, building nothing: what the
        # fast readers pay at least (they validate every body once; the rest is cut and decoded)
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            raw = msgspec.json.Decoder(msgspec.Raw).decode(mm)
            n = len(raw)
            del raw  # it holds the map's buffer
        extra = ""
    elif mode == "analyze":
        from checks.evidence.har_analysis import analyze_har

        a = analyze_har(path)
        n = a.entries
        extra = a.findings[0].code
    elif mode == "redact":
        from checks.redact import redact_har_file

        out = Path(path).with_suffix(".redacted.har")
        res = redact_har_file(path, out)
        n, extra = res.entries, f"{res.placeholders} placeholders"
        out.unlink()
    elif mode == "harparser":
        from haralyzer import HarParser

        parser = HarParser.from_file(path)
        n = sum(len(page.entries) for page in parser.pages)
        extra = ""
    elif mode == "harparser-load":
        from haralyzer import HarParser

        parser = HarParser.from_file(path)
        n = len(parser.har_data["entries"])
        extra = ""
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps({"mode": mode, "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                      "peak_mb": _peak_mb(), "entries": n, "note": extra}))


def run(mode: str, path: Path) -> dict:
    """One side in a fresh interpreter (its own peak memory): wall and CPU seconds, peak MB, entries."""
    p = subprocess.run([sys.executable, __file__, "--worker", mode, str(path)], capture_output=True, text=True,
                       cwd=REPO)
    if p.returncode:
        raise SystemExit(f"{mode} failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=160)
    ap.add_argument("--mix", choices=("mixed", "api"), default="mixed", help="traffic mix of the generated HAR")
    ap.add_argument("--redact", action="store_true", help="also time the streaming redaction")
    ap.add_argument("--skip-harparser", action="store_true", help="skip the reference (e.g. at 1 GB)")
    ap.add_argument("--dir", help="where to write the temporary HAR (default: system temp)")
    ap.add_argument("--shapes", action="store_true",
                    help="the four realistic shapes (4,000 and 30,000 entries, pretty and minified) at --size-mb, "
                         "each against HarParser load + entries (goals: >= 8x faster, <= 1/12 the memory)")
    ap.add_argument("--runs", type=int, default=1, help="with --shapes: runs per side (medians)")
    ap.add_argument("--worker", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if args.shapes:
        shapes(args.size_mb, args.dir, args.runs)
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        path = Path(d) / "bench.har"
        t0 = time.perf_counter()
        n = generate(path, args.size_mb, mix=args.mix)
        size = path.stat().st_size / 1024 / 1024
        print(f"generated {path.name} ({args.mix}): {size:.0f} MB, {n} entries in {time.perf_counter() - t0:.1f} s")
        base = json.loads(subprocess.run([sys.executable, "-c", "import resource, json;"
                                          "import checks.evidence.har_analysis, haralyzer;"
                                          "print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024))"],
                                         capture_output=True, text=True, cwd=REPO).stdout)
        print(f"interpreter + imports alone: {base:.0f} MB peak")
        modes = ["analyze"] + (["redact"] if args.redact else []) + (
            [] if args.skip_harparser else ["harparser", "harparser-load"])
        res = {}
        for mode in modes:
            r = res[mode] = run(mode, path)
            print(f"{mode:15} {r['wall_s']:7.2f} s  peak {r['peak_mb']:7.0f} MB  entries {r['entries']}  {r['note']}")
        if "harparser" in res:
            a, h, hl = res["analyze"], res["harparser"], res["harparser-load"]
            print(f"speed:  analysis is {h['wall_s'] / a['wall_s']:.1f}x faster than HarParser load+entries "
                  f"({hl['wall_s'] / a['wall_s']:.1f}x vs from_file alone)   goal >= 5x")
            print(f"memory: analysis peak is 1/{h['peak_mb'] / a['peak_mb']:.1f} of HarParser's "
                  f"(1/{hl['peak_mb'] / a['peak_mb']:.1f} vs from_file alone)   goal <= 1/10")
        for mode in ("analyze", "redact"):
            if mode in res:
                print(f"{mode}: peak {res[mode]['peak_mb']:.0f} MB on {size:.0f} MB   goal < 100 MB at 1 GB")


def shapes(size_mb: float, where: str | None, runs: int = 1) -> None:
    """The four realistic shapes, each side run ``runs`` times (alternating; medians): wall time,
    and CPU time — the steadier figure on a shared machine — with their ratios to the goals."""
    import statistics

    for entries in (4000, 30000):
        for minified in (False, True):
            with tempfile.TemporaryDirectory(dir=where) as d:
                path = Path(d) / "shape.har"
                n = generate_shaped(path, size_mb, entries, minified)
                size = path.stat().st_size / 1024 / 1024
                rs: dict[str, list[dict]] = {"analyze": [], "harparser": [], "floor": []}
                for _ in range(runs):
                    for mode in rs:
                        rs[mode].append(run(mode, path))
                a, h, f = ({k: statistics.median(r[k] for r in rs[m]) for k in ("wall_s", "cpu_s", "peak_mb")}
                           for m in ("analyze", "harparser", "floor"))
                speed, cpu, memory = h["wall_s"] / a["wall_s"], h["cpu_s"] / a["cpu_s"], h["peak_mb"] / a["peak_mb"]
                print(f"{n:6} entries, {'minified' if minified else 'pretty  '} {size:5.0f} MB: analysis "
                      f"{a['wall_s']:6.2f} s ({a['cpu_s']:.2f} CPU) / {a['peak_mb']:4.0f} MB, HarParser "
                      f"{h['wall_s']:6.2f} s ({h['cpu_s']:.2f} CPU) / {h['peak_mb']:4.0f} MB -> {speed:4.1f}x faster, "
                      f"{cpu:4.1f}x in CPU ({'OK' if speed >= 8 else 'MISSED'}, goal >= 8x), 1/{memory:.1f} the "
                      f"memory ({'OK' if memory >= 12 else 'MISSED'}, goal <= 1/12)", flush=True)
                print(f"        one msgspec pass validating every byte: {f['wall_s']:.2f} s ({f['cpu_s']:.2f} CPU) = "
                      f"{h['wall_s'] / f['wall_s']:.1f}x faster than HarParser ({h['cpu_s'] / f['cpu_s']:.1f}x in CPU): "
                      f"the bound for a reader that validates every body once", flush=True)


if __name__ == "__main__":
    main()
