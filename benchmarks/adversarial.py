"""Benchmark: every parser and redaction rule on input shaped against regular expressions.

    python benchmarks/adversarial.py              # 25 KB and 100 KB per shape; ratio per function
    python benchmarks/adversarial.py --kb 400     # a longer run

Each shape (runs of name characters, of spaces, ``a-a-a-…``, repeated ``token=``, ``<input``,
``"name":"password","value":"`` …) is fed at two sizes to every function that applies a regular
expression to user input. A linear function takes about 4× as long for 4× the input; a quadratic
one 16×. The table lists the slowest shape per function and the ratio; the exit status is 1 when a
ratio is above 8 (clearly worse than linear). Nothing here is a pass/fail test of absolute speed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: Shapes: a unit repeated to the wanted size (some with a head or tail that makes the match fail late).
SHAPES: dict[str, Callable[[int], str]] = {
    "name-run": lambda n: "a" * n,
    "name-run-sep": lambda n: "a." * (n // 2) + "=",
    "token-run": lambda n: "token" * (n // 5),
    "token=": lambda n: "token=" * (n // 6),
    "spaces": lambda n: "FOO_WXT" + " " * n + "x y",
    "spaces-colon": lambda n: "password" + " " * n + ":",
    "a-": lambda n: "a-" * (n // 2),
    "bwar": lambda n: "a-" * (n // 2) + "23_2022.01_1.bwar",
    "input-tags": lambda n: "<input name=password " * (n // 21),
    "input-unclosed": lambda n: "<input " + "a=b " * (n // 4),
    "name-value": lambda n: '"name":"password","value":"' * (n // 27),
    "eyJ": lambda n: "eyJ" * (n // 3),
    "jwt-ish": lambda n: "eyJabcde." * (n // 9),
    "bearer": lambda n: "bearer " * (n // 7),
    "userinfo": lambda n: "a:/" * (n // 3) + "@",
    "at-signs": lambda n: "https://u:" + "@" * n,
    "percent": lambda n: "%" * n,
    "digits": lambda n: "1" * n,
    "quotes": lambda n: '"' * n,
    "cookie": lambda n: "cookie: " + "a=b; " * (n // 5),
    "digest": lambda n: "Digest " + "a=b, " * (n // 5),
    "session;": lambda n: ";jsessionid=" * (n // 12),
    "table": lambda n: "Password  Name\n========  ====\n" + "x" * n + "\n",
    "newlines": lambda n: "password=\n" * (n // 10),
    "ts": lambda n: "2026-11-20T14:05:00.000+" + "9" * n,
}


def _functions() -> dict[str, Callable[[str], object]]:
    from checks.case import Case, parse_field
    from checks.evidence import bwcli
    from checks.evidence.logs import parse_log_time
    from checks.redact import HarRedactor, LeakScanner, Redactor, safe_message
    from checks.textsafe import escape_controls, one_line

    def quiet(fn: Callable[[str], object]) -> Callable[[str], object]:
        def run(text: str) -> object:
            try:
                return fn(text)
            except (ValueError, bwcli.PasteError):  # documented one-line input errors
                return None
        return run

    return {
        "Redactor.redact_text": lambda t: Redactor().redact_text(t),
        "HarRedactor.text": lambda t: HarRedactor().text(t),
        "HarRedactor.form body": lambda t: HarRedactor()._plain_body(t, "application/x-www-form-urlencoded"),
        "HarRedactor.json body": lambda t: HarRedactor()._plain_body('{"a": "' + t.replace('"', "'") + '"}', "application/json"),
        "LeakScanner.scan_text": lambda t: LeakScanner({"x" * 8}).scan_text(t, "t"),
        "safe_message": lambda t: safe_message(t),
        "one_line/escape_controls": lambda t: (one_line(t), escape_controls(t)),
        "bwcli.sniff": quiet(bwcli.sniff),
        "bwcli.parse_bwar_name": quiet(bwcli.parse_bwar_name),
        "bwcli.parse_patches": quiet(bwcli.parse_patches),
        "bwcli.parse_custom_tags": quiet(bwcli.parse_custom_tags),
        "bwcli.parse_config_wxt": quiet(bwcli.parse_config_wxt),
        "bwcli.parse_device_type": quiet(bwcli.parse_device_type),
        "bwcli.parse_activatable_features": quiet(bwcli.parse_activatable_features),
        "logs.parse_log_time": lambda t: parse_log_time(t),
        "case fields": quiet(lambda t: [parse_field(f, t) for f in ("org_id", "tracking_ids", "emails", "release",
                                                                     "since")]),
        "case description": lambda t: Case.create(description=t),
        "logs.scan_logs": _scan_logs,
        "har analysis (body, URL)": _analyze_har,
    }


def _scan_logs(text: str) -> object:
    from checks.evidence.logs import scan_logs

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "current_log.txt"
        p.write_text("2026-11-20T14:05:00.000Z <Error> x.cpp:1 " + text + " errorCode=1502\n", encoding="utf-8")
        return scan_logs(p)


def _analyze_har(text: str) -> object:
    import json

    from checks.evidence.har_analysis import analyze_har

    body = json.dumps({"errorCode": 400100, "message": text, "description": text, "email": text})
    entry = {"startedDateTime": "2026-11-20T14:05:00.000Z", "time": 1,
             "request": {"method": "POST", "url": "https://admin.webex.com/api/v1/organizations/" + text[:4000],
                         "headers": [{"name": "x", "value": text}], "queryString": [], "cookies": [],
                         "postData": {"mimeType": "text/plain", "text": text}},
             "response": {"status": 400, "headers": [], "cookies": [],
                          "content": {"mimeType": "application/json", "text": body}}}
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "a.har"
        p.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}, indent=2), encoding="utf-8")
        return analyze_har(p)


def measure(fn: Callable[[str], object], text: str, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - t0)
    return best


def run(kb: int, small_kb: int, only: str | None = None) -> list[tuple[str, str, float, float, float]]:
    """(function, slowest shape, seconds small, seconds big, ratio) per function."""
    rows = []
    for name, fn in _functions().items():
        if only and only not in name:
            continue
        worst = ("", 0.0, 0.0, 0.0)
        for shape, make in SHAPES.items():
            big = measure(fn, make(kb * 1024))
            small = measure(fn, make(small_kb * 1024), repeat=3)
            ratio = big / max(small, 1e-4)
            if big > worst[2]:
                worst = (shape, small, big, ratio)
        rows.append((name, *worst))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kb", type=int, default=100)
    ap.add_argument("--only", help="only functions whose name contains this")
    args = ap.parse_args()
    small = max(1, args.kb // 4)
    rows = run(args.kb, small, args.only)
    print(f"{'function':<34} {'slowest shape':<16} {small:>5} KB s {args.kb:>5} KB s  ratio (linear ≈ {args.kb / small:.0f})")
    bad = 0
    for name, shape, t_small, t_big, ratio in rows:
        flag = "" if ratio <= 2 * args.kb / small or t_big < 0.05 else "  <-- worse than linear"
        bad += bool(flag)
        print(f"{name:<34} {shape:<16} {t_small:>10.4f} {t_big:>10.4f} {ratio:>6.1f}{flag}")
    return 1 if bad else 0


if __name__ == "__main__":
    os.environ.setdefault("WXTRIAGE_HOME", tempfile.mkdtemp(prefix="wxtriage-bench-"))
    sys.exit(main())
