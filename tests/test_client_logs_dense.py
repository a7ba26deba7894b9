"""Match-dense client logs: the pattern-set path gives exactly the findings of the per-match path.

The scanner switches, inside a chunk, from one prefilter search per match to classifying every line
with RE2's pattern set once matches are dense (``DENSE_AFTER``/``DENSE_SHARE``). These tests force
either path on the same logs (varied phrasings, timestamps, zone offsets, CRLF, Latin-1 and UTF-8
bytes, UTF-16, continuation lines, damaged lines) and compare everything a scan reports.
"""
from __future__ import annotations

import codecs
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from checks.case import TimeWindow, parse_time
from checks.evidence import logs as L
from checks.evidence.logs import filescan as FS, model as LM
from tests.test_safety_properties import SETTINGS

pytestmark = pytest.mark.skipif(L._re2_module() is None, reason="the dense path needs google-re2")

# Lines that match a rule or fact in different phrasings, and lines that match nothing.
MATCHING = [
    "<Error> [0x2c3d] BroadWorksTokenManager.cpp:130 Http error when trying to get BWC Token, httpStatusCode: {s} "
    "errorCode=1502 TrackingID=NA_0f4b3c2a-1d2e-4f50-8a9b-0c1d2e3f4a5b_{n}",
    "<Error> BWC:SCF: Error 1000:1502 on /bwtoken/fetch status={s}",
    "<Error> [0x2c3d] DeviceProfile.cpp:60 failed to parse config-wxt.xml: unexpected end of element {n}",
    "<Error> [0x2c3d] ServiceDiscovery.cpp:41 service discovery failed: timed out after {n} ms",
    "<Error> [0x3e4f] SipConnectionManager.cpp:91 no reachable SBC among {n} candidates",
    "<Error> [0x3e4f] Telemetry.cpp:12 upload failed status={s} attempt={n}",
    "<Error> [0x3e4f] Calendar.cpp:12 sync error code: {s}{n} while paging",
    "<Warning> [0x3e4f] Sip.cpp:9 registration failed for J\u00f6rg ({n})",
    "<Warning> [0x3e4f] Sso.cpp:9 SSO session expired for user {n}",
    "<Info> [0x1] PhoneService.cpp:4 phone services disconnected (reason {n})",
    "<Info> [0x1] Login.cpp:88 signed in as alice{n}@example.com orgId=1eb65fdf-9643-417f-9974-ad72cae0e10f",
    "<Info> [0x1a2b] SparkApplication.cpp:211 Webex app version: 44.10.{n}.30906 (Windows 11 Pro 23H2 x64)",
    "<Error> [0x3e4f] Upload.cpp:3 error code=200 ok-ish {n}",  # excluded by the generic rule
    "<Error> Ergebnis \u0664\u0660\u0663 error code: 5\u0660{n}",  # Arabic-Indic digits
    "<Error> status\x1c=\x1c503 failed {n}",  # separators Python calls spaces and RE2 does not
    "<Error> config-wxt.xml failed\r\r{n}",  # a stray CR inside the line
    "<Error> Token-Fehler bei \u00dcbertragung: errorCode=1502 ({n})",
    "<Info> [0x3e4f] SipStack.cpp:500 received SIP message:\nSIP/2.0 503 Service Unavailable\n"
    "Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK{n}\nCSeq: 2 REGISTER\nContent-Length: 0",
    "<Info> [0x3e4f] SipStack.cpp:500 received SIP message:\nSIP/2.0 408 Request Timeout\nCSeq: 7 REGISTER",
]
QUIET = [
    "<Info> [0x1a2b] UIController.cpp:9 render frame id={n} took {s} ms",
    "<Debug> [0x2c3d] WbxMediaEngine.cpp:812 rtp stats ssrc={n} jitter={s} loss=0",
    "<Info> continuation without a timestamp {n}",
]
STAMPS = [
    "2026-11-20T14:{m:02d}:{sec:02d}.{ms:03d}Z ",
    "2026-11-20 14:{m:02d}:{sec:02d}.{ms:03d} 9619 9771 E WBX_TEAMS-ucf: ",
    "2026-11-20T16:{m:02d}:{sec:02d}.{ms:03d}+02:00 ",
    "2026-11-20T09:{m:02d}:{sec:02d}-0500 ",
    "[2026/11/20 14:{m:02d}:{sec:02d},5] ",
    "2026-11-20T14:{m:02d}:{sec:02d}.{ms:03d}+99:99 ",  # a damaged zone: no time, never a crash
    "2026-13-40T14:{m:02d}:{sec:02d}.{ms:03d}Z ",  # an impossible date
    "",  # a line without a timestamp (continues the entry before it)
]


def make_log(rng: random.Random, lines: int, dense: float, crlf: bool = False) -> bytes:
    out: list[str] = []
    for i in range(lines):
        pool = MATCHING if rng.random() < dense else QUIET
        body = rng.choice(pool).format(n=rng.randint(1, 99999), s=rng.choice([401, 403, 429, 500, 503, 200]))
        stamp = rng.choice(STAMPS[:2]) if rng.random() < 0.8 else rng.choice(STAMPS)
        out.append(stamp.format(m=(i // 60) % 60, sec=i % 60, ms=rng.randint(0, 999)) + body)
    text = "\n".join(out) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if rng.random() < 0.3:  # a Latin-1 stretch inside a UTF-8 log
        cut = rng.randrange(len(data))
        data = data[:cut] + b"\n2026-11-20T14:00:00.000Z <Error> J\xf6rg: errorCode=1502\n" + data[cut:]
    return data


def dump(scan: L.LogScan) -> dict[str, Any]:
    """Everything a scan reports, in comparable form."""
    return {
        "files": [f.to_dict() for f in scan.files],
        "facts": scan.facts, "left_out": scan.left_out, "outside": scan.outside_window,
        "untimed": scan.untimed_excluded,
        "stats": {k: (v.count, v.first, v.last, sorted(v.files), v.last_source,
                      [(h.to_dict(), h.excerpt, h.key) for h in v.hits]) for k, v in sorted(scan.stats.items())},
    }


def both_paths(monkeypatch: pytest.MonkeyPatch, path: Path, window: TimeWindow | None = None,
               chunk: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    size = chunk or L.CHUNK_SIZE
    monkeypatch.setattr(FS, "DENSE_AFTER", 10**9)  # never: one search per match (the reference)
    ref = dump(L.scan_logs(path, window, engine="re2", chunk_size=size))
    monkeypatch.setattr(FS, "DENSE_AFTER", 0)  # always: every line through the pattern set
    monkeypatch.setattr(FS, "DENSE_SHARE", 10**9)
    new = dump(L.scan_logs(path, window, engine="re2", chunk_size=size))
    return ref, new


@pytest.mark.parametrize("seed", range(6))
def test_dense_path_gives_the_same_findings(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "current_log.txt").write_bytes(make_log(rng, 3000, dense=0.5))
    (folder / "current_log_1.txt").write_bytes(make_log(rng, 1500, dense=0.9, crlf=True))
    (folder / "mobile.log").write_bytes(make_log(rng, 800, dense=0.3))
    (folder / "utf16.log").write_bytes(codecs.BOM_UTF16_LE + make_log(rng, 300, dense=0.5).decode(
        "utf-8", "replace").encode("utf-16-le"))
    window = None if seed % 2 else TimeWindow(parse_time("2026-11-20T14:10:00Z"), parse_time("2026-11-20T14:40:00Z"))
    ref, new = both_paths(monkeypatch, folder, window, chunk=64 << 10 if seed % 3 == 0 else None)
    assert ref == new
    assert sum(c for c, *_ in ref["stats"].values()) > 500  # the logs were dense: the test compares something


def test_dense_path_matches_the_pure_python_engine(tmp_path, monkeypatch):
    """On ASCII lines the pattern set and Python's regexes agree with the stdlib-only engine too."""
    rng = random.Random(99)
    log = tmp_path / "current_log.txt"
    lines = [ln for ln in make_log(rng, 4000, dense=0.6).split(b"\n") if ln.isascii() and b"\x1c" not in ln]
    log.write_bytes(b"\n".join(lines) + b"\n")
    monkeypatch.setattr(FS, "DENSE_AFTER", 0)
    monkeypatch.setattr(FS, "DENSE_SHARE", 10**9)
    assert dump(L.scan_logs(log, engine="re2")) == dump(L.scan_logs(log, engine="re"))


def test_a_dense_log_switches_to_the_pattern_set_on_its_own(tmp_path, monkeypatch):
    """With the default thresholds a dense chunk takes the set path and a sparse one does not."""
    calls: list[int] = []
    orig = FS._FileScanner._dense
    monkeypatch.setattr(FS._FileScanner, "_dense", lambda self, *a: (calls.append(1), orig(self, *a))[1])
    rng = random.Random(5)
    (tmp_path / "sparse.log").write_bytes(make_log(rng, 3000, dense=0.002))
    L.scan_logs(tmp_path / "sparse.log")
    assert calls == []
    (tmp_path / "dense.log").write_bytes(make_log(rng, 3000, dense=0.5))
    scan = L.scan_logs(tmp_path / "dense.log")
    assert calls and scan.stats["bwtoken_fetch"].count > 100


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), dense=st.floats(0.0, 1.0), crlf=st.booleans(),
       lines=st.integers(1, 400))
def test_property_dense_and_sparse_paths_agree(tmp_path, monkeypatch, seed, dense, crlf, lines):
    log = tmp_path / f"current_log_{seed}.txt"
    log.write_bytes(make_log(random.Random(seed), lines, dense, crlf))
    ref, new = both_paths(monkeypatch, log)
    assert ref == new


def test_hostile_lines_give_the_same_findings_on_both_paths(tmp_path, monkeypatch):
    """Long lines shaped against regexes (benchmarks/adversarial.py): the pattern set never gives
    up on them (its DFA has room), so no match is lost on the dense path."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import adversarial

    rng = random.Random(1)
    lines = [f"2026-11-20T14:05:{rng.randint(10, 59)}.000Z <Error> {pre}{make(20000)} error code=503 timed out "
             "SBC unreachable"
             for make in adversarial.SHAPES.values()
             for pre in ("fail ", "config-wxt.xml ", "service discovery ", "errorCode=1502 ", "regist ", "")]
    log = tmp_path / "current_log.txt"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ref, new = both_paths(monkeypatch, log)
    assert ref == new and ref["stats"]["sbc_unreachable"][0] == len(lines)


@pytest.mark.parametrize("engine", ["re", "re2"])
def test_a_prefilter_match_across_a_line_break_does_not_merge_lines(tmp_path, monkeypatch, engine):
    """RE2's \\s matches a newline, so the combined prefilter can match from the end of one line into
    the next ("errorCode=" | "2026-…"): each line is still judged alone, with its own time."""
    log = tmp_path / "current_log.txt"
    log.write_bytes(b"2026-11-20T14:00:28.809Z <Error> Token error: errorCode=\n"
                    b"2026-11-20T14:00:00.000Z <Error> J\xf6rg: errorCode=1502\n"
                    b"2026-11-20T14:00:30.000Z <Info> ok\n")
    scan = L.scan_logs(log, engine=engine)
    st = scan.stats["bwtoken_fetch"]
    assert st.count == 1 and st.hits[0].line == 2 and "\n" not in st.hits[0].text
    assert st.first == st.last == L.parse_log_time("2026-11-20T14:00:00.000Z")
    if engine == "re2":
        ref, new = both_paths(monkeypatch, log)
        assert ref == new


# --- counting saturated findings a chunk at a time ------------------------------------------------

HEAD_SHAPES = [
    "2026-11-{d:02d}T{h:02d}:{m:02d}:{s:02d}.{ms:03d}Z <Error> x",
    "2026-11-{d:02d} {h:02d}:{m:02d}:{s:02d}.{ms:03d} 9619 9771 E WBX: x",
    "2026-11-{d:02d} {h:02d}:{m:02d}:{s:02d}.{ms:03d} +05:00 x",  # a zone after the space: not sortable as text
    "2026-11-{d:02d}T{h:02d}:{m:02d}:{s:02d}.{ms:03d}+02:00 x",
    "[2026/11/{d:02d} {h:02d}:{m:02d}:{s:02d},5] x",
    "2026-11-{d:02d}T{h:02d}:{m:02d}:{s:02d}.{ms:03d}Z",  # nothing after the time
    "2026-1{u}-{d:02d}T{h:02d}:{m:02d}:{s:02d}.{ms:03d}Z x",  # month 10-19: some impossible
    "2026-11-{d:02d}T{h:02d}:{m:02d}:6{u}.{ms:03d}Z x",  # second 60-69: impossible
    "2026-11-{d:02d} {h:02d}:{m:02d}:{s:02d}.{ms:03d} ",  # the mobile shape cut short
]


def _heads(rng: random.Random, shapes: list[str], n: int) -> list[bytes]:
    return [rng.choice(shapes).format(d=rng.randint(1, 30), h=rng.randint(0, 23), m=rng.randint(0, 59),
                                      s=rng.randint(0, 59), u=rng.randint(0, 9), ms=rng.randint(0, 999)).encode()
            for _ in range(n)]


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), mix=st.integers(1, len(HEAD_SHAPES)))
def test_time_range_of_a_batch_is_the_range_of_its_parsed_lines(seed, n, mix):
    """The batch shortcut (compare the text, parse two lines) gives what parsing every line gives,
    for one sortable shape, mixed shapes, zones, impossible dates and cut-short lines."""
    rng = random.Random(seed)
    shapes = rng.sample(HEAD_SHAPES, mix)
    heads = _heads(rng, shapes, n)
    times = [t for t in (L.parse_log_time(h[:64].decode("ascii")) for h in heads) if t is not None]
    assert LM._time_range(heads) == ((min(times), max(times)) if times else (None, None))


@pytest.mark.parametrize("shape", [0, 1])
def test_time_range_of_one_sortable_shape_parses_only_the_ends(monkeypatch, shape):
    rng = random.Random(shape)
    heads = _heads(rng, [HEAD_SHAPES[shape]], 500)
    calls: list[str] = []
    orig = L.parse_log_time
    monkeypatch.setattr(LM, "parse_log_time", lambda s: (calls.append(s), orig(s))[1])
    lo, hi = LM._time_range(heads)
    assert len(calls) == 2 and lo == min(map(orig, (h.decode() for h in heads)))
    assert hi == max(map(orig, (h.decode() for h in heads)))


def _dense_sources(tmp_path: Path, rng: random.Random) -> list[Path]:
    """The same kind of dense log as a folder (CRLF, UTF-16, gzip), a zip and a tar.gz."""
    import gzip
    import tarfile
    import zipfile

    folder = tmp_path / "logs"
    folder.mkdir()
    # one timestamp shape only, times out of order: the sortable-shape shortcut must still find the ends
    z_only = "".join(f"2026-11-20T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
                     f"{rng.randint(0, 999):03d}Z " + rng.choice(MATCHING[:6]).format(n=i, s=503).split("\n")[0] + "\n"
                     for i in range(2500))
    (folder / "current_log.txt").write_text(z_only, encoding="utf-8")
    (folder / "current_log_1.txt").write_bytes(make_log(rng, 1500, dense=0.7, crlf=True))
    (folder / "current_log_2.txt.gz").write_bytes(gzip.compress(make_log(rng, 1500, dense=0.8)))
    (folder / "utf16.log").write_bytes(codecs.BOM_UTF16_LE + make_log(rng, 900, dense=0.6).decode(
        "utf-8", "replace").encode("utf-16-le"))
    archive = tmp_path / "logs.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Logs/current_log.txt", make_log(rng, 2000, dense=0.9))
        zf.writestr("Logs/rotated.log.gz", gzip.compress(make_log(rng, 800, dense=0.5, crlf=True)))
    tgz = tmp_path / "logs.tar.gz"
    with tarfile.open(tgz, "w:gz") as tf:
        tf.add(folder / "current_log.txt", "current_log.txt")
        tf.add(folder / "current_log_1.txt", "sub/current_log_1.txt")
    return [folder, archive, tgz]


@pytest.mark.parametrize("chunk", [None, 8 << 10, 64 << 10])
def test_batched_counting_agrees_on_every_kind_of_source(tmp_path, monkeypatch, chunk):
    """Counting saturated findings per chunk (one time parse per batch end) reports what counting
    line by line does, for folders, gzip members, zip and tar.gz archives, CRLF and UTF-16 logs, and
    small chunks so entries and batches straddle chunk boundaries."""
    batches: list[int] = []
    orig = L.count_hits
    monkeypatch.setattr(FS, "count_hits", lambda st, f, lines, n: (batches.append(len(lines)), orig(st, f, lines, n))[1])
    for src in _dense_sources(tmp_path, random.Random(len(str(chunk)))):
        batches.clear()
        ref, new = both_paths(monkeypatch, src, chunk=chunk)
        assert ref == new, src.name
        assert sum(batches) > 200, src.name  # the batch path did the counting it is meant to do
        assert sum(c for c, *_ in ref["stats"].values()) > 1000


# --- whole entries tested together (generic codes, SIP responses inside their message) -------------

GENERIC_AND_SIP = [
    "<Error> [0x3e4f] Telemetry.cpp:12 upload failed status={s} attempt={n}",
    "<Error> [0x3e4f] Calendar.cpp:12 sync error code: {s} while paging {n}",
    "<Error> [0x3e4f] Upload.cpp:3 failed with status=200 {n}",  # excluded by the generic rule
    "<Error> [0x3e4f] Upload.cpp:7 failed status={s} retry code=200 {n}",  # excluded, though its code counts
    "<Info> [0x3e4f] SipStack.cpp:500 received SIP message:\nSIP/2.0 503 Service Unavailable\n"
    "Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK{n}\nCSeq: 2 REGISTER\nContent-Length: 0",
    "<Info> [0x3e4f] SipStack.cpp:500 received SIP message:\nSIP/2.0 403 Forbidden\nCSeq: 9 INVITE",  # no REGISTER
    # two matching lines in one entry: only the first counts for the rule
    "<Info> [0x3e4f] SipStack.cpp:500 received SIP message:\nSIP/2.0 503 Service Unavailable\n"
    "SIP/2.0 504 Server Time-out\nCSeq: 3 REGISTER",
    "<Error> [0x2c3d] BroadWorksTokenManager.cpp:130 errorCode=1502 TrackingID=NA_0f4b3c2a-1d2e-4f50-8a9b-"
    "0c1d2e3f4a5b_{n}",
]


def _entry_log(rng: random.Random, entries: int, crlf: bool) -> bytes:
    out = []
    for i in range(entries):
        body = rng.choice(GENERIC_AND_SIP if rng.random() < 0.7 else QUIET).format(
            n=rng.randint(1, 99999), s=rng.choice([429, 500, 503]))
        out.append(f"2026-11-20T14:{(i // 60) % 60:02d}:{i % 60:02d}.{rng.randint(0, 999):03d}Z " + body)
    text = "\n".join(out) + "\n"
    return (text.replace("\n", "\r\n") if crlf else text).encode("ascii")


@pytest.mark.parametrize("chunk,crlf", [(None, False), (1 << 10, False), (4 << 10, True), (64 << 10, True)])
def test_entries_tested_together_give_the_same_findings(tmp_path, monkeypatch, chunk, crlf):
    """Generic error lines (their code names the finding, status=2xx excluded) and SIP responses
    inside multi-line messages (REGISTER required, a second response in the same message not
    counted again), once their findings are full, are tested a chunk at a time; tiny chunks cut
    messages and batches at chunk boundaries. Same findings as one search per match."""
    taken: list[int] = []
    orig = FS._FileScanner._dense_entries

    def spy(self, *a):
        out = a[-1]
        before = sum(len(idx) for idx, _ in out.values())
        result = orig(self, *a)
        taken.append(sum(len(idx) for idx, _ in out.values()) - before)
        return result

    monkeypatch.setattr(FS._FileScanner, "_dense_entries", spy)
    log = tmp_path / "current_log.txt"
    log.write_bytes(_entry_log(random.Random(7 + bool(crlf)), 6000, crlf))
    ref, new = both_paths(monkeypatch, log, chunk=chunk)
    assert ref == new
    if chunk:  # (a chunk is tested so once the findings were full when it began)
        assert sum(taken) > 1000  # most generic and SIP matches went through the entry batches
    assert ref["stats"]["sip_registration"][0] > 500
    assert sum(v[0] for k, v in ref["stats"].items() if k.startswith("other_error:")) > 1000


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40), mix=st.integers(1, len(HEAD_SHAPES)),
       junk=st.lists(st.binary(max_size=30), max_size=3))
def test_all_start_entries_is_a_match_per_line(seed, n, mix, junk):
    """The one-comparison test that every counted line starts its entry says what TS_START_RE says
    line by line, for one shape, mixed shapes, cut-short lines and lines without a timestamp."""
    rng = random.Random(seed)
    heads = _heads(rng, rng.sample(HEAD_SHAPES, mix), n) + [j.replace(b"\n", b" ") for j in junk]
    rng.shuffle(heads)
    assert LM.all_start_entries(heads) == all(LM.TS_START_RE.match(h) for h in heads)
