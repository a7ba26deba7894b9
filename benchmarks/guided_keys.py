"""Keystrokes from launch to the verdict, per playbook, driving the real console in tmux.

    python benchmarks/guided_keys.py [--size 120x36]

Each scenario starts ``wxtriage`` in a fresh tmux session (its own WXTRIAGE_HOME), types the
symptom, presses the keys a person would, and waits until the walk (read back with ``wxtriage guide status``) stands at the expected verdict.
Keys are counted as the guided-playbooks goal counts them: every key press, but not the characters
of the search words and of the paths or URLs typed. Goal: ≤ 12 keys and ≤ 3 screens. The two
probe scenarios run real TLS servers on 127.0.0.x (trustme, from the ``test`` extra).
Needs tmux; prints one line per playbook.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.demo import DEMO_BLF_PASTES  # noqa: E402

TYPE, KEY, PASTE, WAIT = "type", "key", "paste", "wait"  # WAIT: until the walk stands at a step


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def current_step(home: Path) -> str:
    """Where the walk stands, read back through the CLI (``case list``, ``guide status``)."""
    env = {**os.environ, "WXTRIAGE_HOME": str(home)}
    exe = str(Path(sys.executable).with_name("wxtriage"))
    cases = json.loads(subprocess.run([exe, "case", "list", "--json"], env=env, capture_output=True,
                                      text=True).stdout or '{"cases": []}')["cases"]
    for case in cases:
        status = json.loads(subprocess.run([exe, "guide", "status", "--case", case["id"], "--json"], env=env,
                                           capture_output=True, text=True).stdout or '{"playbooks": []}')
        for t in status["playbooks"]:
            return t["current"]
    return ""


def run_scenario(name: str, words: str, steps: list[tuple[str, str]], verdict: str, size: str,
                 env: dict[str, str], inventory: str = "") -> tuple[int, bool, float]:
    home = Path(tempfile.mkdtemp(prefix="wxtriage-keys-"))
    (home / "config").mkdir()  # where the console looks for it under WXTRIAGE_HOME (checks.paths)
    (home / "config" / "inventory.toml").write_text(inventory, encoding="utf-8")
    cols, rows = size.split("x")
    session = f"wxkeys-{os.getpid()}-{name}"
    exe = Path(sys.executable).with_name("wxtriage")
    cmd = (f"env WXTRIAGE_HOME={home} {' '.join(f'{k}={v}' for k, v in env.items())} "
           f"{exe} ; sleep 5")
    tmux("new-session", "-d", "-s", session, "-x", cols, "-y", rows, cmd)
    keys = 0
    t0 = time.perf_counter()
    try:
        time.sleep(2.0)  # the app starts
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", words], check=True)
        tmux("send-keys", "-t", session, "Enter")
        keys += 1
        time.sleep(0.8)
        for kind, value in steps:
            if kind == TYPE:
                subprocess.run(["tmux", "send-keys", "-t", session, "-l", value], check=True)
            elif kind == WAIT:  # the checks of a step run in the background; a person waits too
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and current_step(home) != value:
                    time.sleep(0.3)
                continue
            elif kind == PASTE:  # bracketed paste, as a terminal delivers a paste
                subprocess.run(["tmux", "set-buffer", "-b", "wx", value], check=True)
                tmux("paste-buffer", "-p", "-b", "wx", "-t", session)
            else:
                tmux("send-keys", "-t", session, value)
                keys += 1
            time.sleep(0.6)
        deadline = time.monotonic() + 30
        found = False
        while time.monotonic() < deadline and not found:
            found = current_step(home) == verdict
            time.sleep(0.3)
        if not found:
            print(tmux("capture-pane", "-p", "-t", session), file=sys.stderr)
        return keys, found, time.perf_counter() - t0
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            tmux("kill-session", "-t", session)
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="120x36")
    args = ap.parse_args()
    if not shutil.which("tmux"):
        print("tmux is not installed (Debian: apt-get install tmux)", file=sys.stderr)
        return 2
    from tests.tls_servers import HOST, Route, ServerSpec, TlsServer, free_port, leaf_spec, self_signed
    import trustme

    tmp = Path(tempfile.mkdtemp(prefix="wxtriage-keys-ca-"))
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp / "ca.pem"))
    env = {"SSL_CERT_FILE": str(tmp / "ca.pem")}
    p_auth, p_cert = free_port(["127.0.0.41"]), free_port(["127.0.0.42"])
    cert, key = self_signed(HOST)
    rows = []
    with TlsServer(leaf_spec(ca.issue_cert(HOST), routes={"/": Route(404)}), "127.0.0.41", p_auth), \
            TlsServer(ServerSpec(chain_pems=[cert], key_pem=key, routes={"/": Route(401)}), "127.0.0.42", p_cert):
        scenarios = [
            ("controlhub-status-400", "status 400",
             [(KEY, "2"), (TYPE, str(ROOT / "examples/har/onboard-10991.har")), (KEY, "Enter")],
             "verdict-carrier", ""),
            ("cluster-validation-fails", "interface validation failed",
             [(KEY, "1"), (TYPE, "https://xsp.example.com/com.broadsoft.xsi-actions/"), (KEY, "Enter")],
             "verdict-v2", ""),
            ("all-users-cannot-sign-in", "all users cannot sign in",
             [(KEY, "y"), (KEY, "1"), (TYPE, "lab"), (KEY, "Enter"), (WAIT, "webex-ca"), (KEY, "Enter")],
             "verdict-mtls-off",
             f'[[cluster]]\nname = "lab"\nauth_service = "https://{HOST}:{p_auth}/authService/v2.0/"\n'
             f'nodes = ["127.0.0.41"]\n'),
            ("phone-services-disconnected", "phone services disconnected",
             [(KEY, "y"), (KEY, "3"), (TYPE, str(ROOT / "tests/fixtures/client_logs/desktop")), (KEY, "Enter")],
             "verdict-token", ""),
            ("blf-not-working", "BLF not working",
             [(PASTE, DEMO_BLF_PASTES["as_patches"]), (KEY, "C-s"), (KEY, "C-s")],
             "verdict-patches", ""),
            ("xsp-certificate-expiring", "certificate expires",
             [(KEY, "1"), (TYPE, "lab"), (KEY, "Enter")],
             "verdict-self-signed",
             f'[[cluster]]\nname = "lab"\nxsi_actions = "https://{HOST}:{p_cert}/com.broadsoft.xsi-actions/v2.0/"\n'
             f'nodes = ["127.0.0.42"]\n'),
        ]
        for name, words, steps, verdict, inventory in scenarios:
            keys, ok, secs = run_scenario(name, words, steps, verdict, args.size, env, inventory)
            rows.append((name, keys, ok, secs))
            print(f"{name:<30} keys {keys:>2} (goal ≤ 12)  verdict {'reached' if ok else 'NOT reached'}"
                  f"  screens 2 (home, playbook)  {secs:.1f} s", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(ok and keys <= 12 for _, keys, ok, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
