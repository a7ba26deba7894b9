"""Differential tests: the fast HAR readers (pretty-printed and any-layout) against ijson.

Many generated HARs — realistic bodies (escaped JSON answers, HTML, minified JavaScript with
escaped quotes and backslashes, non-ASCII and \\u escapes, base64), junk entries, secrets in
headers — are written in many layouts (pretty with 1/2/4 spaces or tabs, CRLF, minified with and
without blanks, odd blanks between every token, UTF-8 BOM, gzip) and read twice: by the fast path
and by the ijson reader alone. Entries, counts, warnings and the whole analysis must be identical;
damaged files (cut anywhere, junk after the document) must fail or warn the same way.
"""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import pytest

import checks.evidence.har as har_mod
from checks.evidence.har import HarError, HarReader
from checks.evidence.har_analysis import analyze_har
from tests import har_fixtures as hf

ENDPOINTS = [
    ("POST", "https://admin.webex.com/license/api/v1/organization/{org}/users/onboard"),
    ("GET", "https://admin.webex.com/api/v1/people?start={i}"),
    ("PATCH", "https://admin.webex.com/identity/scim/{org}/v2/Users/{i}"),
    ("DELETE", "https://admin.webex.com/api/v1/workspaces/{i}"),
    ("GET", "https://admin.webex.com/static/chunk-{i}.js"),
    ("PUT", "https://cpapi-r.wbx2.com/api/v1/customers/{org}/users?orgId={org}"),
    ("GET", "https://clientmetrics-a.wbx2.com/metrics/api/v1/metrics?i={i}"),
]


def _api_answer(rnd: random.Random, i: int) -> str:
    items = [{"id": f"Y2lzY29zcGFyazovL3VzL1BFT1BMRS8{rnd.getrandbits(40):010x}",
              "displayName": rnd.choice(["Zoë \"Z\" Müller", "a\\b\\\\c", "tab\there", "日本語 ✓", "emoji 😀",
                                         "lone \\u escape", "quote \" and slash /"]),
              "emails": [f"user{i}.{j}@example.com"], "meta": {"tags": ["a", "b"], "n": rnd.random()}}
             for j in range(rnd.randint(0, 12))]
    doc: dict[str, Any] = {"items": items, "startIndex": i}
    if rnd.random() < 0.3:  # an error inside a success answer, or a plain error body
        doc["errors"] = [{"errorCode": rnd.choice([400104, 10991, "WXC-1002"]), "email": f"user{i}@example.com",
                          "description": f"[Error 10991] Url already exists: user{i}@example.com",
                          "trackingId": f"ATLAS_{rnd.getrandbits(64):016x}_{i}", "status": 409}]
    return json.dumps(doc, ensure_ascii=rnd.random() < 0.5)


def _html(rnd: random.Random) -> str:
    return "<!doctype html><table>" + "".join(
        f'<tr><td data-x="{rnd.getrandbits(20)}">a &amp; "b" \\ ü</td></tr>\n' for _ in range(rnd.randint(1, 40))) + "</table>"


def _js(rnd: random.Random) -> str:
    return "".join(f'function a{k}(e){{return e?"{k}\\"q\\"\\\\":void 0}};var s="\\u00e9\\n";'
                   for k in range(rnd.randint(1, 60)))


def _entry(rnd: random.Random, i: int) -> Any:
    roll = rnd.random()
    if roll < 0.04:  # what tools leave in the list now and then
        return rnd.choice([1, "entry", None, [], {}, {"request": 1, "response": {}}, {"request": {}}, 2.5, True])
    method, url = rnd.choice(ENDPOINTS)
    url = url.format(org=hf.ORG, i=i)
    status = rnd.choice([200, 200, 200, 201, 204, 400, 401, 404, 409, 500, 503])
    kind = rnd.random()
    if kind < 0.55:
        body, mime = _api_answer(rnd, i), "application/json"
    elif kind < 0.7:
        body, mime = _html(rnd), "text/html"
    elif kind < 0.85:
        body, mime = _js(rnd), "application/javascript"
    elif kind < 0.9:
        body, mime = None, "application/json"
    else:
        body, mime = json.dumps({"message": "not found", "code": status}), "application/json"
    post = None
    if method != "GET" and rnd.random() < 0.7:
        post = {"mimeType": "application/json", "text": json.dumps({"users": [{"email": f"u{i}@example.com"}] *
                                                                    rnd.randint(1, 20), "orgId": hf.ORG})}
        if rnd.random() < 0.3:
            post = {"mimeType": "application/x-www-form-urlencoded", "text": f"a=1&client_secret={hf.CLIENT_SECRET}",
                    "params": [{"name": "client_secret", "value": hf.CLIENT_SECRET}]}
    e = hf.entry(method, url, status, body, mime, auth=rnd.random() < 0.8, post=post,
                 tracking=f"ATLAS_{i:08d}_1" if rnd.random() < 0.5 else None,
                 started=f"2026-11-20T14:{i // 60 % 60:02d}:{i % 60:02d}.000Z", base64_body=rnd.random() < 0.1)
    if rnd.random() < 0.1:  # a text key elsewhere, and keys in another order
        e["_webSocketMessages"] = [{"type": "send", "text": "x" * 300, "time": 1.5}]
    if rnd.random() < 0.2:
        e = dict(reversed(list(e.items())))
    return e


def _doc(seed: int, n: int | None = None) -> dict[str, Any]:
    rnd = random.Random(seed)
    entries = [_entry(rnd, i) for i in range(n if n is not None else rnd.randint(1, 40))]
    if seed % 3 == 0:
        entries[len(entries) // 2:len(entries) // 2] = hf.seed_entries()
    doc = hf.har_doc(entries, pages=seed % 2 == 0)
    if seed % 4 == 1:  # entries before pages and creator, as some tools write them
        doc = {"log": dict(reversed(list(doc["log"].items())))}
    return doc


def _dump(doc: Any, layout: str) -> bytes:
    if layout == "pretty2":
        return json.dumps(doc, indent=2).encode()
    if layout == "pretty4-utf8":
        return json.dumps(doc, indent=4, ensure_ascii=False).encode()
    if layout == "pretty1":
        return json.dumps(doc, indent=1).encode()
    if layout == "tabs":
        return json.dumps(doc, indent="\t").encode()
    if layout == "crlf":
        return json.dumps(doc, indent=2).replace("\n", "\r\n").encode()
    if layout == "minified":
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    if layout == "minified-ascii":
        return json.dumps(doc, separators=(",", ":")).encode()
    if layout == "one-line":
        return json.dumps(doc).encode()
    if layout == "blanks":  # blanks, tabs and newlines around every comma and colon
        return json.dumps(doc, separators=(" ,\n\t ", " :\r\n ")).encode()
    if layout == "bom":
        return b"\xef\xbb\xbf" + json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    raise AssertionError(layout)


LAYOUTS = ["pretty2", "pretty4-utf8", "pretty1", "tabs", "crlf", "minified", "minified-ascii", "one-line",
           "blanks", "bom"]


def _materialise(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _materialise(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_materialise(v) for v in obj]
    return obj


def _read(path: Path, fast: bool) -> tuple[Any, int]:
    """What a reader hands out (or its error), and how many entries the fast path delivered."""
    reader = HarReader(path, lazy_bodies=fast, summaries=fast)
    try:
        entries = [(r.index, r.source, _materialise(r.raw)) for r in reader.records()]
    except HarError as exc:
        return ("error", str(exc)), reader.fast_count
    return (entries, reader.count, reader.skipped, reader.warnings, reader.truncated), reader.fast_count


def _analysis(path: Path) -> Any:
    try:
        a = analyze_har(path)
    except HarError as exc:
        return ("error", str(exc))
    return (a.to_dict(), [(f.index, f.url, f.codes, f.description, f.response_body, f.relevance) for f in a.failures],
            sorted(a.redactor.removed), a.sources)


@pytest.fixture
def ijson_only(monkeypatch):
    """Run a block with the fast paths switched off (what every reader did before them)."""
    class Off:
        def __enter__(self):
            def no_fast(*args):
                raise har_mod._NotPretty("switched off")
                yield  # pragma: no cover
            monkeypatch.setattr(har_mod, "_fast_entries", no_fast)

        def __exit__(self, *exc):
            monkeypatch.undo()
    return Off()


def _both(path: Path, ijson_only) -> tuple[Any, Any, int]:
    """The fast and the ijson-only reading of ``path`` (the analyses must be equal too)."""
    fast, fast_count = _read(path, True)
    fast_analysis = _analysis(path)
    with ijson_only:
        slow, _ = _read(path, False)
        slow_analysis = _analysis(path)
    assert fast_analysis == slow_analysis
    return fast, slow, fast_count


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", range(6))
def test_fast_path_equals_ijson_in_every_layout(tmp_path, ijson_only, layout, seed):
    doc = _doc(seed * 31 + LAYOUTS.index(layout))
    path = tmp_path / "h.har"
    path.write_bytes(_dump(doc, layout))
    fast, slow, fast_count = _both(path, ijson_only)
    assert fast == slow
    if fast[0] != "error":
        assert fast_count == fast[1], "the fast readers read every entry, no hand-over to ijson"


@pytest.mark.parametrize("layout", ["pretty2", "minified"])
def test_compressed_streams_read_like_the_plain_file(tmp_path, ijson_only, layout):
    doc = _doc(7, 300)  # a few MB of buffer refills
    data = _dump(doc, layout)
    plain, packed = tmp_path / "p.har", tmp_path / "p.har.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data, 1))
    (a, a_fast), (b, b_fast) = _read(plain, True), _read(packed, True)
    assert [(i, e) for i, _, e in a[0]] == [(i, e) for i, _, e in b[0]] and a[1:3] == b[1:3]
    assert [w.replace("p.har", "p.har.gz") for w in a[3]] == b[3]
    assert a_fast == b_fast == a[1]
    fast, slow, _ = _both(packed, ijson_only)
    assert fast == slow
    zipped = packed.read_bytes()
    for i, cut in enumerate([len(zipped) // 3, len(zipped) - 9]):  # cut inside the data, and the trailer
        damaged = tmp_path / f"cut{i}.har.gz"
        damaged.write_bytes(zipped[:cut])
        # Where a damaged stream stops depends on each reader's read size: both warn, and agree
        # on every entry both read.
        fast, _ = _read(damaged, True)
        with ijson_only:
            slow, _ = _read(damaged, False)
        assert fast[0] != "error" and fast[4] and slow[4] and "compressed data is damaged" in fast[3][0]
        common = min(len(fast[0]), len(slow[0]))
        assert common and fast[0][:common] == slow[0][:common]


@pytest.mark.parametrize("layout", ["minified", "pretty2", "blanks"])
def test_damaged_files_fail_or_warn_exactly_like_ijson(tmp_path, ijson_only, layout):
    rnd = random.Random(layout)
    data = _dump(_doc(3, 25), layout)
    cuts = sorted({rnd.randrange(len(data) // 20, len(data)) for _ in range(12)} | {len(data) - 2, len(data) - 1})
    for i, cut in enumerate(cuts):
        path = tmp_path / f"cut{i}.har"
        path.write_bytes(data[:cut])
        fast, slow, _ = _both(path, ijson_only)
        assert fast == slow, cut
    for i, junk in enumerate([b"@@", b"]", b"}", b',"x"', b"{}"]):
        path = tmp_path / f"junk{i}.har"
        path.write_bytes(data + junk)
        fast, slow, _ = _both(path, ijson_only)
        assert fast == slow, junk
    damaged = tmp_path / "inner.har"  # a raw control character in the middle of a body
    mid = data.find(b"Url already exists")
    damaged.write_bytes(data[:mid] + b"\x01" + data[mid + 1:])
    assert mid > 0
    fast, slow, _ = _both(damaged, ijson_only)
    assert fast == slow


def test_thirty_thousand_tiny_entries(tmp_path, ijson_only):
    tiny = {"startedDateTime": "2026-11-20T14:05:00Z", "request": {"method": "GET", "url": "https://a/x"},
            "response": {"status": 200}}
    doc = hf.har_doc([dict(tiny, time=i) for i in range(30_000)] + hf.seed_entries())
    for layout in ("minified", "pretty2"):
        path = tmp_path / f"{layout}.har"
        path.write_bytes(_dump(doc, layout))
        fast, slow, fast_count = _both(path, ijson_only)
        assert fast == slow and fast_count == fast[1] == 30_000 + len(hf.seed_entries())


def test_entries_key_inside_pages_or_twice_hands_over_to_ijson(tmp_path, ijson_only):
    entries = hf.seed_entries()
    doc = {"log": {"pages": [{"id": "p", "entries": [1, 2]}], "entries": entries}}
    twice = json.dumps({"log": {"entries": entries[:2]}}, separators=(",", ":"))
    twice = twice[:-2] + ',"entries":' + json.dumps(entries[2:], separators=(",", ":")) + "}}"
    for i, data in enumerate([json.dumps(doc, separators=(",", ":")), twice,
                              json.dumps({"x": {"entries": entries}, "log": {"entries": entries[:1]}})]):
        path = tmp_path / f"odd{i}.har"
        path.write_text(data, encoding="utf-8")
        fast, slow, _ = _both(path, ijson_only)
        assert fast == slow


def test_minified_har_is_read_by_the_fast_path(tmp_path):
    doc = hf.har_doc(hf.seed_entries())
    path = tmp_path / "m.har"
    path.write_bytes(_dump(doc, "minified"))
    reader = HarReader(path, lazy_bodies=True, summaries=True)
    assert sum(1 for _ in reader.records()) == reader.fast_count == len(doc["log"]["entries"])
    assert analyze_har(path).findings[0].code == "har.onboard.email_in_calling_account"


def test_body_size_limit_counts_characters_as_ijson_does():
    from checks.evidence.har import LazyBody, body_text
    text = "é\"" * 100  # 200 characters, 802 bytes of JSON with \u escapes
    raw = json.dumps(text).encode()
    assert len(raw) == 802
    assert body_text(LazyBody({"mimeType": "text/plain"}, raw), 200) == text == body_text({"text": text}, 200)
    assert body_text(LazyBody({"mimeType": "text/plain"}, raw), 199) is None is body_text({"text": text}, 199)


@pytest.mark.parametrize("layout", ["minified", "blanks", "pretty2"])
def test_a_cut_inside_a_body_leaves_every_entry_before_it_to_the_fast_reader(tmp_path, layout):
    """The any-layout reader looks at the next body before it knows where the entry before it
    ends; a body cut off by the end of the file must not make it hand that entry to ijson."""
    entries = [*hf.seed_entries(), hf.entry("GET", "https://admin.webex.com/static/app.js", 200,
                                            "function f(a){return a+1}\n" * 200, "application/javascript")]
    data = _dump(hf.har_doc(entries), layout)
    path = tmp_path / "cut.har"
    path.write_bytes(data[:data.rfind(b"return a+1")])
    reader = HarReader(path, lazy_bodies=True, summaries=True)
    assert sum(1 for _ in reader.records()) == len(entries) - 1
    assert reader.fast_count == len(entries) - 1 and reader.truncated


@pytest.mark.parametrize("layout", ["minified", "minified-ascii", "blanks", "one-line"])
@pytest.mark.parametrize("chunk", [37, 512])
def test_a_stream_cut_mid_number_or_literal_reads_on(tmp_path, layout, chunk):
    """Where the bytes read so far end inside a number, a literal or an escape, msgspec calls the
    value invalid rather than cut: the any-layout reader must read on, not hand over to ijson."""
    for seed in range(1050, 1062):
        data = _dump(_doc(seed, 12), layout)
        plain, packed = tmp_path / f"{seed}.har", tmp_path / f"{seed}.har.gz"
        plain.write_bytes(data)
        packed.write_bytes(gzip.compress(data, 1))
        whole = HarReader(plain, lazy_bodies=True, summaries=True)
        streamed = HarReader(packed, lazy_bodies=True, summaries=True, chunk_size=chunk)
        assert [_materialise(r.raw) for r in streamed.records()] == [_materialise(r.raw) for r in whole.records()]
        assert streamed.fast_count == whole.fast_count == whole.count, seed
