"""Property tests for every parser (issue 13, "make it stay fixed"): whatever the input, the only
exception that escapes is the parser's documented one-line input error.

Bounded for CI (``EXAMPLES`` per property); ``WXTRIAGE_LONG=1`` runs many more examples.
"""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.api import InputError
from checks.case import CaseFieldError, parse_field
from checks.evidence import bwcli
from checks.evidence.har import HarError
from checks.evidence.har_analysis import analyze_har
from checks.evidence.logs import LogInputError, scan_logs
from checks.inventory import InventoryError, load_inventory
from checks.redact import LeakError, redact_har_file

from . import har_fixtures as hf

EXAMPLES = 400 if os.environ.get("WXTRIAGE_LONG") else 25
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("WXTRIAGE_LONG"),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                     st.floats(allow_nan=True, allow_infinity=True), _text)
_json = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(_text, inner, max_size=4)), max_leaves=12)
_KEYS = ["headers", "cookies", "queryString", "postData", "content", "status", "url", "method", "text",
         "params", "mimeType", "encoding", "_webSocketMessages", "comment", "name", "value"]


@st.composite
def damaged_entries(draw):
    """A seed entry with random fields replaced by random JSON of any type."""
    e = draw(st.sampled_from(hf.seed_entries()))
    e = json.loads(json.dumps(e))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from([e, e["request"], e["response"], e["response"].get("content") or {},
                                      e["request"].get("postData") or {}]))
        if isinstance(where, dict):  # an earlier round may have put a list or a scalar there
            where[draw(st.sampled_from(_KEYS))] = draw(_json)
    return e


def _har_input_ok(path: Path, out: Path) -> None:
    try:
        analyze_har(path)
    except HarError as exc:
        assert "\n" not in str(exc)
    try:
        redact_har_file(path, out)
    except (HarError, LeakError) as exc:
        assert "\n" not in str(exc)


@SETTINGS
@given(entries=st.lists(damaged_entries(), min_size=1, max_size=4), pretty=st.booleans())
def test_har_with_damaged_fields(tmp_path, entries, pretty):
    src = tmp_path / "in.har"
    src.write_text(json.dumps(hf.har_doc(entries), indent=2 if pretty else None), encoding="utf-8")
    _har_input_ok(src, tmp_path / "out.har")


@SETTINGS
@given(cut=st.integers(0, 4000), flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
       packed=st.sampled_from(["plain", "gzip", "utf16"]))
def test_har_bytes_cut_and_flipped(tmp_path, cut, flips, packed):
    data = bytearray(json.dumps(hf.har_doc(hf.seed_entries()[:3]), indent=2).encode())
    data = data[:max(1, len(data) - cut)]
    for pos, value in flips:
        data[pos % len(data)] = value
    if packed == "gzip":
        raw = bytes(gzip.compress(bytes(data)))
    elif packed == "utf16":
        raw = bytes(data).decode("utf-8", "replace").encode("utf-16")
    else:
        raw = bytes(data)
    src = tmp_path / "in.har"
    src.write_bytes(raw)
    _har_input_ok(src, tmp_path / "out.har")


_log_lines = st.lists(st.one_of(
    _text,
    st.builds(lambda ts, tz, msg: f"2026-11-20T{ts}{tz} <Error> x.cpp:1 {msg} errorCode=1502",
              st.sampled_from(["14:05:00.000", "25:61:61.9", "00:00:00"]),
              st.sampled_from(["Z", "+01:00", "+99:99", "-23:59", "", "+0"]), _text),
    st.builds(lambda y, msg: f"{y}-01-01T00:00:00.000+14:00 ERROR {msg}", st.sampled_from(["0001", "9999", "2026"]),
              _text)), max_size=12)


@SETTINGS
@given(lines=_log_lines, encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_client_logs(tmp_path, lines, encoding):
    p = tmp_path / "current_log.txt"
    p.write_bytes("\n".join(lines).encode(encoding, "replace"))
    try:
        scan_logs(p)
    except LogInputError as exc:
        assert "\n" not in str(exc)


@SETTINGS
@given(text=st.one_of(_text, st.lists(st.one_of(_text, st.sampled_from([
    "AP.as.24.0.1075.ap371234", "Xsi-Actions-23_2022.01_1.200.bwar", "%ENABLE_X_WXT% true", "=====",
    "Device Type Name: Webex", "125  Activated", "<config><x a='1'/></config>"])), max_size=8).map("\n".join)))
def test_broadworks_pastes(text):
    for parse in (bwcli.parse_patches, bwcli.parse_activatable_features, bwcli.parse_device_type,
                  bwcli.parse_config_wxt, bwcli.parse_custom_tags):
        try:
            parse(text)
        except bwcli.PasteError as exc:
            assert "\n" not in str(exc)
    bwcli.sniff(text)


def _toml_value(v) -> str:
    """A JSON value as a TOML value (None becomes an empty string: TOML has no null)."""
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if v != v else ("inf" if v == float("inf") else "-inf" if v == float("-inf") else repr(v))
    if isinstance(v, (int, str)):
        return json.dumps(v) if isinstance(v, str) else str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"


@SETTINGS
@given(doc=st.dictionaries(st.sampled_from(["cluster", "x", "name"]), _json, max_size=3),
       raw=st.one_of(st.none(), _text))
def test_inventory(tmp_path, doc, raw):
    p = tmp_path / "inv.toml"
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in doc.items()) if raw is None else raw
    p.write_text(text, encoding="utf-8")
    try:
        load_inventory(p)
    except InventoryError as exc:
        assert "\n" not in str(exc)


@SETTINGS
@given(value=st.text(max_size=60), field=st.sampled_from(["org_id", "partner_org_id", "tracking_ids", "emails",
                                                         "client_versions", "release", "description", "since",
                                                         "until"]))
def test_case_fields(tmp_path, value, field):
    from checks.case import Case
    from checks.store import CaseStore

    try:
        parsed = parse_field(field, value)
    except CaseFieldError:
        return
    store = CaseStore(tmp_path / "s.sqlite3")
    case = store.save(Case())
    try:
        store.update(case.id, lambda c: c.updated(**{field: parsed}) if field not in ("since", "until") else c)
    except CaseFieldError:
        return
    store.get(case.id)


@SETTINGS
@given(rows=st.lists(st.lists(_text, max_size=6), max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8-sig", "utf-16", "cp1252"]))
def test_csv_exports(tmp_path, rows, delimiter, encoding):
    import csv
    import io

    from checks.evidence import user_csv

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(["Email", "First Name", "Last Name", "Status"])
    writer.writerows(rows)
    p = tmp_path / "users.csv"
    p.write_bytes(buf.getvalue().encode(encoding, "replace"))
    try:
        user_csv.analyse(p)
    except InputError as exc:
        assert "\n" not in str(exc)


# Bytes as they arrive on disk: any encoding, NULs, half characters, archives that are not.
_bytes = st.one_of(
    st.binary(max_size=600),
    st.builds(lambda t, enc, bom: (("\ufeff" if bom else "") + t).encode(enc, "replace"),
              st.text(max_size=200), st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]),
              st.booleans()),
    st.builds(lambda data, cut: data[:cut], st.text(max_size=200).map(lambda t: t.encode("utf-16")),
              st.integers(0, 400)))


@SETTINGS
@given(data=_bytes, loader=st.sampled_from(["load_patches", "load_activatable_features", "load_device_type",
                                            "load_config_wxt", "load_custom_tags"]))
def test_broadworks_paste_files(tmp_path, data, loader):
    p = tmp_path / "paste.txt"
    p.write_bytes(data)
    try:
        getattr(bwcli, loader)(p)
    except InputError as exc:  # PasteError is one
        assert "\n" not in str(exc)


@SETTINGS
@given(data=_bytes, name=st.sampled_from(["current_log.txt", "logs.zip", "logs.tar.gz", "current_log.txt.gz"]),
       dense=st.booleans())
def test_client_log_files(tmp_path, monkeypatch, data, name, dense):
    from checks.evidence.logs import filescan

    if dense:  # the pattern-set path for every line, as match-dense logs take it
        monkeypatch.setattr(filescan, "DENSE_AFTER", 0)
        monkeypatch.setattr(filescan, "DENSE_SHARE", 10**9)
    p = tmp_path / name
    p.write_bytes(data)
    try:
        scan_logs(p)
    except LogInputError as exc:
        assert "\n" not in str(exc)


@SETTINGS
@given(data=_bytes)
def test_csv_export_files(tmp_path, data):
    from checks.evidence import user_csv

    p = tmp_path / "users.csv"
    p.write_bytes(data)
    try:
        user_csv.analyse(p)
    except InputError as exc:
        assert "\n" not in str(exc)
