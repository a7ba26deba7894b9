"""How fast the BroadWorks paste parsers read large pastes, as ratios against a reference.

The reference is the floor any parser pays: one ``re.findall`` of the patch-name pattern over
the same text (no line handling, no states, no tables). The ratio says how much the tolerant
line-by-line parsing costs on top. Also times a full ``bw.blf`` evaluation.

    .venv/bin/python benchmarks/bwcli_parse.py [rows]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checks.builtin.bw_server import BwInputs, evaluate  # noqa: E402
from checks.evidence import bwcli  # noqa: E402


def make_listpatch(rows: int) -> str:
    lines = ["[bwadmin@as1 ~]$ /usr/local/broadworks/patchtool/sbin/listPatch.pl",
             f"{'Patch Name':<44}State", "=" * 52]
    for i in range(rows):
        role = ("as", "xsp", "platform")[i % 3]
        lines.append(f"AP.{role}.23.0.1075.ap{300000 + i:06d}".ljust(44) + ("installed" if i % 7 else "uninstalled"))
    lines.append(f"{rows} entries found.")
    return "\r\n".join(lines)


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    text = make_listpatch(rows)
    ref = best(lambda: bwcli.PATCH_RE.findall(text))
    parse = best(lambda: bwcli.parse_patches(text))
    ev = bwcli.parse_patches(text)
    assert len(ev.patches) == rows
    inputs = BwInputs(release="R23", platform="xsp", patch_lists=[ev])
    full = best(lambda: evaluate("blf", inputs))
    print(f"rows={rows} size={len(text) / 1e6:.2f} MB")
    print(f"reference re.findall     {ref * 1e3:8.1f} ms")
    print(f"parse_patches            {parse * 1e3:8.1f} ms  ratio {parse / ref:5.2f}x  "
          f"({rows / parse / 1e3:.0f}k rows/s)")
    print(f"evaluate('blf') on it    {full * 1e3:8.1f} ms  ratio {full / ref:5.2f}x")


if __name__ == "__main__":
    main()
