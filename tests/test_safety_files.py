"""Files and processes (issue 13, points 6, 13, 14): kill -9 never leaves a secret on disk nor a
half-written file under the target name, the next start removes the leftovers, and a bundle never
overwrites the evidence it is made from.

``WXTRIAGE_LONG=1`` kills more often (more random moments) for a long run.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from checks.redact import redact_har_file
from tui.cli import main

from . import har_fixtures as hf
from .conftest import cli_env

WX = [shutil.which("wxtriage", path=os.path.dirname(sys.executable)) or "wxtriage"]
KILLS = 12 if os.environ.get("WXTRIAGE_LONG") else 4
LATE_TOKEN = "LateHeaderTok-7c6b5a4f3e2d1c0b9a8"  # in early bodies, only *named* as secret in the last entry


def _big_har(path: Path, n: int = 600) -> Path:
    entries = []
    for i in range(n):
        body = json.dumps({"i": i, "echo": f"value {LATE_TOKEN} seen", "note": "x" * 200})
        e = hf.entry("POST", f"https://admin.webex.com/api/v1/items/{i}", 200 if i % 50 else 400, body,
                     post={"mimeType": "application/json", "text": json.dumps({"password": f"pw-{i:06d}-Secret"})})
        entries.append(e)
    entries[-1]["request"]["headers"].append({"name": "X-Auth-Token", "value": LATE_TOKEN})
    return hf.write(path, hf.har_doc(entries))


def _secrets() -> list[str]:
    return [LATE_TOKEN, hf.BEARER, hf.COOKIE_SESSION, "pw-000001-Secret", "pw-001400-Secret"]


def _all_files(*roots: Path) -> list[Path]:
    return [p for r in roots if r.exists() for p in r.rglob("*") if p.is_file()]


def _assert_no_secret_on_disk(roots: list[Path], skip: set[Path]) -> None:
    for p in _all_files(*roots):
        if p in skip:
            continue
        data = p.read_bytes()
        texts = [data.decode("utf-8", "replace")]
        if zipfile.is_zipfile(p):
            try:
                with zipfile.ZipFile(p) as zf:
                    texts += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
            except (zipfile.BadZipFile, EOFError, OSError, zlib_error()):
                pass
        for secret in _secrets():
            assert all(secret not in t for t in texts), f"{secret[:12]}… on disk in {p}"


def zlib_error():
    import zlib
    return zlib.error


def test_a_late_named_secret_is_never_written_even_for_a_moment(tmp_path, monkeypatch):
    """Learn first, then write: every byte handed to the temporary file is already redacted."""
    src = _big_har(tmp_path / "big.har", n=60)
    written: list[str] = []
    import io
    real_open = Path.open

    def spy_open(self, mode="r", *a, **k):
        fh = real_open(self, mode, *a, **k)
        if "w" in mode and self.suffix == ".har":
            orig = fh.write

            def write(s):
                written.append(s)
                return orig(s)
            fh.write = write  # type: ignore[method-assign]
        return fh

    monkeypatch.setattr(Path, "open", spy_open)
    redact_har_file(src, tmp_path / "out.har")
    blob = "".join(written)
    assert blob and LATE_TOKEN not in blob and "pw-000001-Secret" not in blob


def _spawn(args: list[str], home: Path) -> subprocess.Popen:
    return subprocess.Popen([*WX, *args], env=cli_env(home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_at_random(args: list[str], home: Path, rng: random.Random, span: float) -> None:
    p = _spawn(args, home)
    time.sleep(rng.uniform(0.2, span))
    p.send_signal(signal.SIGKILL)
    p.wait()


@pytest.mark.parametrize("what", ["redact-out", "bundle"])
def test_kill_9_leaves_no_secret_no_partial_target_and_no_leftovers(tmp_path, what):
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir()
    src = _big_har(work / "big.har")
    env_home = home
    if what == "bundle":
        subprocess.run([*WX, "case", "new", "--description", "kill test"],
                       env=cli_env(env_home), check=True, capture_output=True)
        case_id = subprocess.run([*WX, "case", "list", "--json"], env=cli_env(env_home),
                                 check=True, capture_output=True, text=True).stdout
        case_id = json.loads(case_id)["cases"][0]["id"]
        subprocess.run([*WX, "har", str(src), "--case", case_id], env=cli_env(env_home),
                       capture_output=True)
        target = work / "bundle.zip"
        args = ["bundle", "--case", case_id, "-o", str(target)]
    else:
        target = work / "big.redacted.har"
        args = ["har", str(src), "--redact-out", str(target)]
    # How long a full run takes here (no assert on it): kills are spread over that span.
    t0 = time.monotonic()
    subprocess.run([*WX, *args], env=cli_env(env_home), capture_output=True)
    span = max(0.5, time.monotonic() - t0)
    target.unlink(missing_ok=True)
    rng = random.Random(13)
    store_files = {p for p in _all_files(home) if p.name.startswith("cases.sqlite3")}
    mid_write = 0
    for _ in range(KILLS):
        _kill_at_random(args, env_home, rng, span)
        _assert_no_secret_on_disk([work, home], skip={src} | store_files)
        mid_write += any(p.name.endswith(".part") for p in work.iterdir()) or any(
            "tmp" in p.parts for p in _all_files(home))
        if target.exists():  # under the target name only when complete
            if what == "bundle":
                with zipfile.ZipFile(target) as zf:
                    assert zf.testzip() is None and "manifest.json" in zf.namelist()
            else:
                json.loads(target.read_text(encoding="utf-8"))
            target.unlink()
    print(f"{what}: {KILLS} kills over {span:.2f}s, {mid_write} while a partial output existed")
    # The next start (any command) removes what the killed runs left behind.
    subprocess.run([*WX, "inventory", "--path"], env=cli_env(env_home),
                   check=True, capture_output=True)
    leftovers = [p.name for p in work.iterdir() if p.name.endswith(".part")]
    assert not leftovers
    from checks.paths import data_dir
    tmp_root = home / data_dir().relative_to(Path(os.environ["WXTRIAGE_HOME"])) / "tmp"
    assert not tmp_root.exists() or not any(tmp_root.iterdir())


def test_sweep_spares_running_processes_and_removes_dead_ones(tmp_path, wxtriage_home):
    from checks import workdir
    mine = workdir.private_tmp()
    part = tmp_path / ".out.zip.abc.part"
    part.write_bytes(b"partial")
    workdir.register_partial(part)
    dead = workdir.tmp_root() / "999999999-xyz"
    dead.mkdir()
    other_part = tmp_path / ".other.har.123.part"
    other_part.mkdir()
    (dead / "partial-outputs.txt").write_text(f"{other_part}\n{tmp_path / 'not-ours.txt'}\n", encoding="utf-8")
    (tmp_path / "not-ours.txt").write_text("keep", encoding="utf-8")
    assert workdir.sweep() == 1
    assert mine.is_dir() and part.exists()  # this process is alive
    assert not dead.exists() and not other_part.exists() and (tmp_path / "not-ours.txt").exists()


def test_bundle_refuses_to_overwrite_the_cases_own_evidence(tmp_path, wxtriage_home, capsys):
    src = hf.seed_har(tmp_path / "capture.har")
    before = src.read_bytes()
    assert main(["case", "new"]) == 0
    case_id = capsys.readouterr().out.split()[-1]
    main(["har", str(src), "--case", case_id])
    capsys.readouterr()
    from checks.store import default_store_path
    for target in (src, tmp_path / "." / "capture.har", default_store_path()):
        code = main(["bundle", "--case", case_id, "-o", str(target)])
        err = capsys.readouterr().err
        assert code == 2 and "is one of the case's inputs" in err and len(err.strip().splitlines()) == 1
    assert src.read_bytes() == before
    link = tmp_path / "link.har"
    link.symlink_to(src)
    assert main(["bundle", "--case", case_id, "-o", str(link)]) == 2
    assert src.read_bytes() == before


@pytest.mark.parametrize("command", [
    lambda f: ["har", f], lambda f: ["har", f, "--json"], lambda f: ["logs", f], lambda f: ["inventory", "--inventory", f],
    lambda f: ["run", "--check", "bw.blf", "--patches", f],
])
def test_fifos_are_refused_in_one_line_not_read_forever(tmp_path, command):
    fifo = tmp_path / "capture.har"
    os.mkfifo(fifo)
    args = command(str(fifo))
    # In a subprocess, so a regression hangs that process (killed by the timeout), not the suite.
    p = subprocess.run([*WX, *args], env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "named pipe" in lines[0], p.stderr
