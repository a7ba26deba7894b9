"""Benchmark: looking for every known secret in a text, as the number of known secrets grows.

A capture where every call brings a new token or load-balancer cookie makes the redactor and the
leak scanner know tens of thousands of values; each text (a header value, a body, an output line)
is asked which of them it holds. ``checks.redact.known.KnownValues`` files the values by a
substring and asks a text about its own substrings only; the reference is the former search,
one ``in`` per value. Both run on the same texts (header-sized, body-sized and line-sized, a few
holding a known value) for each count of values, and the script prints microseconds per text and

* the growth: cost at N values ÷ cost at the first count, 1,000 values (goal: ≤ 1.5×, i.e.
  flat — it must not grow with N; the reference grows linearly). Below a few hundred values
  KnownValues *is* the reference search (cheaper there), so the counts start at 1,000;
* the speed-up over the reference at each N.

Then whole files, through ``redact_har_file``: a generated HAR whose every call has a new bearer
token and cookie, at 1,000 and 4,000 calls (goal: time per call at 4,000 ≤ 1.5× that at 1,000,
i.e. linear in the file, not quadratic).

    .venv/bin/python benchmarks/known_values.py [--texts 2000] [--counts 1000,10000,50000]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checks.redact.known import KnownValues  # noqa: E402

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _token(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def _texts(rng: random.Random, values: list[str], count: int) -> list[str]:
    texts = []
    for i in range(count):
        size = (60, 600, 3000)[i % 3]
        text = "".join(rng.choice(ALPHABET + ' ":,{}') for _ in range(size))
        if i % 50 == 0:  # a few hold a known value
            text = text[: size // 2] + rng.choice(values) + text[size // 2:]
        texts.append(text)
    return texts


def _per_text(fn, texts: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - t)
    return best / len(texts) * 1e6


def lookups(counts: list[int], n_texts: int) -> None:
    rng = random.Random(7)
    base = None
    print(f"{'values':>8} {'KnownValues µs/text':>20} {'growth':>8} {'one in per value µs/text':>26} {'speed-up':>9}")
    for count in counts:
        values = [_token(rng, rng.choice((40, 64, 136))) for _ in range(count)]
        known = KnownValues(values)
        texts = _texts(rng, values, n_texts)
        new = _per_text(known.found_in, texts)
        # The reference gets fewer texts at large counts (it is linear in the count); per text it is the same.
        sample = texts[: max(30, n_texts * 1000 // max(count, 1000))]
        old = _per_text(lambda t: [v for v in values if v in t], sample, rounds=1)
        base = base or new
        growth = new / base
        print(f"{count:>8} {new:>20.1f} {growth:>7.1f}x {old:>26.1f} {old / new:>8.1f}x"
              f"{'' if count == counts[0] else '   goal growth <= 1.5x (' + ('OK' if growth <= 1.5 else 'MISSED') + ')'}")


def _rotating_har(path: Path, calls: int) -> None:
    rng = random.Random(calls)
    entries = []
    for i in range(calls):
        bearer, alb = _token(rng, 64), _token(rng, 136)
        entries.append({
            "startedDateTime": "2026-11-20T14:00:00.000Z", "time": 1,
            "request": {"method": "GET", "url": f"https://admin.webex.com/api/v1/people?start={i}",
                        "httpVersion": "HTTP/1.1", "headers": [{"name": "Authorization", "value": f"Bearer {bearer}"},
                                                               {"name": "Cookie", "value": f"AWSALB={alb}"}],
                        "cookies": [{"name": "AWSALB", "value": alb}], "queryString": []},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                         "headers": [{"name": "Set-Cookie", "value": f"AWSALB={_token(rng, 136)}; Path=/"}],
                         "cookies": [], "content": {"mimeType": "application/json", "text": json.dumps(
                             {"items": [{"id": _token(rng, 40), "displayName": f"User {j}"} for j in range(5)]})}},
            "cache": {}, "timings": {"wait": 1}})
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "b", "version": "1"}, "entries": entries}},
                               indent=2))


def files(calls: list[int]) -> None:
    from checks.redact import redact_har_file

    per_call = []
    with tempfile.TemporaryDirectory() as d:
        for n in calls:
            har = Path(d) / f"rotating-{n}.har"
            _rotating_har(har, n)
            times = []
            for _ in range(3):
                t = time.process_time()
                redact_har_file(har, Path(d) / "out.har")
                times.append(time.process_time() - t)
            per_call.append(statistics.median(times) / n * 1e3)
            print(f"redacted HAR, {n} calls each with a new token and cookie ({har.stat().st_size / 1e6:.0f} MB): "
                  f"{statistics.median(times):.2f} s CPU, {per_call[-1]:.2f} ms a call")
    ratio = per_call[-1] / per_call[0]
    print(f"time per call at {calls[-1]} calls ÷ at {calls[0]}: {ratio:.2f}x   goal <= 1.5x "
          f"({'OK' if ratio <= 1.5 else 'MISSED'})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=2000)
    ap.add_argument("--counts", default="1000,10000,50000")
    ap.add_argument("--calls", default="1000,4000", help="HAR sizes for the whole-file run ('' skips it)")
    args = ap.parse_args()
    lookups([int(c) for c in args.counts.split(",") if c], args.texts)
    if args.calls:
        files([int(c) for c in args.calls.split(",") if c])


if __name__ == "__main__":
    main()
