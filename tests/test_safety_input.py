"""Damaged and hostile input never gives a traceback (issue 13, point 7) and an unexpected error is
one line with exit 3 and a redacted crash report (point 8).

Every case runs the real CLI in-process: exit 2 with one ``wxtriage: error:`` line for input that
cannot be used, 0/1 for input that can (a bad field is skipped, the rest analysed), never an
exception escaping ``main``.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tui.cli import main

from . import har_fixtures as hf


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Traceback" not in out.out
    return code, out.out, out.err


def _one_line_error(code: int, err: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wxtriage: error: "), err


def _doc():
    return hf.har_doc(hf.seed_entries())


def _damage_headers_int(d):
    d["log"]["entries"][1]["request"]["headers"] = 5


def _damage_headers_dict(d):
    d["log"]["entries"][8]["request"]["headers"] = {"authorization": f"Bearer {hf.BEARER}"}


def _damage_headers_items(d):
    d["log"]["entries"][8]["response"]["headers"] = ["trackingid", 7, None]


def _damage_post_str(d):
    d["log"]["entries"][8]["request"]["postData"] = f"password={hf.PASSWORD}"


def _damage_post_list(d):
    d["log"]["entries"][8]["request"]["postData"] = [1, 2]


def _damage_content_str(d):
    d["log"]["entries"][8]["response"]["content"] = "oops"


def _damage_cookies(d):
    d["log"]["entries"][8]["request"]["cookies"] = "connect.sid=" + hf.COOKIE_SESSION


def _damage_query(d):
    d["log"]["entries"][5]["request"]["queryString"] = {"access_token": hf.REFRESH}


def _damage_status_str(d):
    d["log"]["entries"][8]["response"]["status"] = "four hundred"


def _damage_url(d):
    d["log"]["entries"][8]["request"]["url"] = ["not", "a", "url"]


DAMAGE = [_damage_headers_int, _damage_headers_dict, _damage_headers_items, _damage_post_str, _damage_post_list,
          _damage_content_str, _damage_cookies, _damage_query, _damage_status_str, _damage_url]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__[8:])
@pytest.mark.parametrize("pretty", [True, False], ids=["pretty", "compact"])
def test_wrongly_typed_har_fields_are_skipped_not_fatal(tmp_path, capsys, damage, pretty):
    d = _doc()
    damage(d)
    src = tmp_path / "in.har"
    src.write_text(json.dumps(d, indent=2 if pretty else None), encoding="utf-8")
    code, out, err = _run(capsys, "har", str(src), "--redact-out", str(tmp_path / "red.har"))
    assert code in (0, 1), err
    red = (tmp_path / "red.har").read_text(encoding="utf-8")
    json.loads(red)
    for secret in hf.SECRETS:
        assert secret not in red and secret not in out


@pytest.mark.parametrize("status", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "99999999999999999999999"])
def test_non_finite_or_huge_status_in_a_pretty_har(tmp_path, capsys, status):
    text = json.dumps(_doc(), indent=2).replace('"status": 200', f'"status": {status}', 3)
    src = tmp_path / "in.har"
    src.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, "har", str(src))
    assert code in (0, 1, 2), err
    if code == 2:
        _one_line_error(code, err)
    code, out, err = _run(capsys, "run", "--check", "har.analyze", "--har", str(src))
    assert code in (0, 1, 2), err


@pytest.mark.parametrize("where", ["body", "initiator"])
def test_deeply_nested_json_is_an_input_error_or_skipped(tmp_path, capsys, where):
    d = _doc()
    onboard = d["log"]["entries"][8]
    onboard["response"]["status"] = 400
    deep = "[" * 50000 + "]" * 50000
    if where == "body":
        onboard["response"]["content"]["text"] = deep
    else:
        onboard["_initiator"] = "DEEP"
    src = tmp_path / "in.har"
    text = json.dumps(d, indent=2)
    if where == "initiator":
        text = text.replace('"DEEP"', deep, 1)
        assert deep in text
    src.write_text(text, encoding="utf-8")
    for extra in ([], ["--redact-out", str(tmp_path / "red.har")], ["--json"]):
        code, out, err = _run(capsys, "har", str(src), *extra)
        if code == 2:
            _one_line_error(code, err)
        else:
            assert code in (0, 1), err


@pytest.mark.parametrize("deep, indent", [
    ("[" * 50000 + "]" * 50000, 2),              # pretty-printed reader
    ("[" * 50000 + "]" * 50000, None),           # any-layout (minified) reader
    ('{"parent":' * 20000 + "{}" + "}" * 20000, None),
    ('{"a": [' * 5000 + "1" + "]}" * 5000, 2),
])
def test_structurally_deep_entry_is_refused_not_handed_to_ijson(tmp_path, capsys, deep, indent):
    # ijson keeps one path string per nesting level (gigabytes at 50,000 levels): the fast
    # readers' recursion limit refuses such a file with one line instead of falling back.
    d = _doc()
    d["log"]["entries"][8]["_initiator"] = "DEEP"
    src = tmp_path / "deep.har"
    src.write_text(json.dumps(d, indent=indent).replace('"DEEP"', deep, 1), encoding="utf-8")
    for extra in ([], ["--json"], ["--redact-out", str(tmp_path / "red.har")]):
        code, out, err = _run(capsys, "har", str(src), *extra)
        _one_line_error(code, err)
        assert "nested deeper" in err
    assert not (tmp_path / "red.har").exists()


def test_moderately_nested_initiator_is_read(tmp_path, capsys):
    d = _doc()
    d["log"]["entries"][8]["_initiator"] = "DEEP"
    src = tmp_path / "mid.har"
    src.write_text(json.dumps(d).replace('"DEEP"', '{"parent":' * 300 + "{}" + "}" * 300, 1), encoding="utf-8")
    code, out, err = _run(capsys, "har", str(src))
    assert code in (0, 1), err


def test_raw_control_character_in_a_long_lazy_body(tmp_path, capsys):
    d = _doc()
    onboard = d["log"]["entries"][8]
    onboard["response"]["status"] = 400
    onboard["response"]["content"]["text"] = "x" * 5000 + "CTRL" + "y" * 300000
    text = json.dumps(d, indent=2).replace("CTRL", "\x01\x1b")
    src = tmp_path / "in.har"
    src.write_text(text, encoding="utf-8")
    for extra in ([], ["--redact-out", str(tmp_path / "red.har")]):
        code, out, err = _run(capsys, "har", str(src), *extra)
        if code == 2:
            _one_line_error(code, err)
        else:
            assert code in (0, 1)


@pytest.mark.parametrize("damage", ["middle", "header"])
def test_corrupt_gzip_is_one_line(tmp_path, capsys, damage):
    data = bytearray(gzip.compress(json.dumps(_doc()).encode()))
    if damage == "middle":
        data[20:200] = b"\x00" * 180
    else:
        data[10:14] = b"\xff\xff\xff\xff"
    src = tmp_path / "in.har.gz"
    src.write_bytes(bytes(data))
    code, out, err = _run(capsys, "har", str(src))
    assert code in (0, 1, 2)
    if code == 2:
        _one_line_error(code, err)


@pytest.mark.parametrize("toml", [
    "cluster = [1]\n", "cluster = [[1, 2]]\n", 'cluster = "east"\n', "cluster = [{name = 5}]\n",
    "cluster = [{name = 'a', nodes = 5}]\n", "cluster = [{name = 'a', customers = 'many'}]\n",
    "cluster = [{name = 'a', xsi_actions = 7}]\n", "x = " + "[" * 3000 + "]" * 3000 + "\n",
    "[[cluster]]\nname = 'a'\n[cluster.nested]\nx = 1\n",
])
def test_inventory_toml_of_the_wrong_shape_is_one_line(tmp_path, capsys, toml):
    inv = tmp_path / "inv.toml"
    inv.write_text(toml, encoding="utf-8")
    code, out, err = _run(capsys, "inventory", "--inventory", str(inv))
    if code != 0:
        _one_line_error(code, err)
    code, out, err = _run(capsys, "run", "--inventory", str(inv), "--check", "xsp.urls")
    assert code in (0, 1, 2), err


def test_non_utf8_bytes_in_a_case_argument(tmp_path, capsys):
    import os
    bad = os.fsdecode(b"caf\xe9 \xff broken")  # what Python makes of non-UTF-8 argv bytes
    code, out, err = _run(capsys, "case", "new", "--description", bad)
    assert code in (0, 2)
    if code == 2:
        _one_line_error(code, err)
    else:
        case_id = out.split()[-1]
        code, out, err = _run(capsys, "case", "show", case_id)
        assert code == 0 and "broken" in out


def test_one_bad_log_line_never_loses_the_analysis(tmp_path, capsys):
    log = tmp_path / "client.log"
    log.write_text(
        "2026-11-20T14:05:00.000+99:99 ERROR [Xsi] request failed errorCode=1502\n"
        "2026-11-20T14:05:01.000+01:00 ERROR [Xsi] request failed errorCode=1502\n"
        "2026-13-45T99:05:01.000Z ERROR [Xsi] request failed errorCode=1502\n", encoding="utf-8")
    code, out, err = _run(capsys, "logs", str(log))
    assert code in (0, 1), err
    code, out, err = _run(capsys, "run", "--check", "client.logs", "--logs", str(log), "--json")
    doc = json.loads(out)
    statuses = [c["status"] for c in doc["checks"]]
    assert "error" not in statuses, doc


def test_an_unexpected_exception_is_one_line_exit_3_and_a_redacted_report(capsys, monkeypatch, wxtriage_home,
                                                                         memory_keyring):
    from checks import credentials
    credentials.set_password("t@example.com", "Stored-Pw-123456")

    def boom(args):
        raise KeyError(f"token=abcDEF123456ghiJKL and Stored-Pw-123456 and {hf.JWT}\nsecond line")

    import tui.cli.inventory_cmd as inv
    monkeypatch.setattr(inv, "cmd_inventory", boom)
    from tui.cli import build_parser  # noqa: F401 - the command table is rebuilt with the patched function
    code, out, err = _run(capsys, "inventory", "--json")
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wxtriage: internal error: KeyError") and "please report it" in lines[0]
    report = Path(lines[0].rsplit("details in ", 1)[1])
    from checks.crash import crash_dir
    assert report.parent == crash_dir() and report.is_relative_to(wxtriage_home) and report.is_file()
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "boom" in text
    for secret in ("abcDEF123456ghiJKL", "Stored-Pw-123456", hf.JWT):
        assert secret not in text and secret not in err


async def test_tui_shows_an_internal_error_in_one_line_and_keeps_running(tmp_path, monkeypatch, wxtriage_home):
    from tui.demo import demo_app
    from tui.screens import har as har_screen
    from tui.screens.home import HomeScreen

    from .tui_helpers import workers_done

    def boom(*a, **k):  # the screen's own worker fails (a check that crashes is an error result)
        raise RuntimeError(f"parser fell over on token={hf.REFRESH}")

    monkeypatch.setattr(har_screen, "run_one", boom)
    src = hf.seed_har(tmp_path / "seed.har")
    app = demo_app(tmp_path / "ws")
    app.keep_running_on_error = True
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.action_har(str(src))
        await workers_done(pilot)
        line = app.internal_error
        assert line.startswith("internal error: RuntimeError") and "please report it" in line
        assert hf.REFRESH not in line and "\n" not in line
        assert any("internal error" in n.message for n in app._notifications)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.is_running
    from checks.crash import crash_dir
    reports = list(crash_dir().glob("crash-*.txt"))
    assert reports and hf.REFRESH not in reports[0].read_text(encoding="utf-8")


ESC_INPUTS = ["\x1b]0;pwned\x07", "\x1b[2J", "\r\x1b[31mfake OK", "\x9b31m"]


@pytest.mark.parametrize("evil", ESC_INPUTS)
def test_terminal_escapes_from_inputs_are_shown_not_obeyed(tmp_path, capsys, evil):
    d = _doc()
    onboard = d["log"]["entries"][8]
    onboard["request"]["url"] += "?x=" + evil
    onboard["response"]["content"]["text"] = hf.onboard_body(description="bad " + evil + " thing")
    src = tmp_path / ("cap" + evil.replace("/", "") + ".har")
    try:
        src.write_text(json.dumps(d), encoding="utf-8")
    except (OSError, ValueError):
        src = tmp_path / "cap.har"
        src.write_text(json.dumps(d), encoding="utf-8")
    log = tmp_path / "current_log.txt"
    log.write_text(f"2026-11-20T14:05:00.000Z <Error> x.cpp:1 failed {evil} errorCode=1502\n", encoding="utf-8")
    inv = tmp_path / "inv.toml"
    inv.write_text('[[cluster]]\nname = "e' + evil.encode("unicode_escape").decode().replace("\\x", "\\u00") + '"\n'
                   'xsi_actions = "https://xsp.example.com/' + evil.encode("unicode_escape").decode().replace("\\x", "\\u00")
                   + '"\n', encoding="utf-8")
    main(["case", "new", "--description", "desc " + evil])
    case_id = capsys.readouterr().out.split()[-1]
    for args in (["har", str(src)], ["har", str(src), "--case", case_id], ["logs", str(log)],
                 ["inventory", "--inventory", str(inv)], ["case", "show", case_id], ["case", "list"],
                 ["run", "--check", "har.analyze", "--har", str(src)], ["har", str(tmp_path / ("no" + evil))]):
        main(args)
        out = capsys.readouterr()
        for ch in ("\x1b", "\x07", "\r", "\x9b"):
            assert ch not in out.out and ch not in out.err, (args, repr(out.out[-300:]), repr(out.err))


def test_a_cut_har_is_an_error_in_har_and_in_run_alike(tmp_path, capsys):
    src = hf.truncated_har(tmp_path / "cut.har")
    code, out, err = _run(capsys, "har", str(src))
    assert code == 1 and "incomplete" in out.lower()
    assert "409" in out or "onboard" in out  # what was found before the break is still shown
    code, out, err = _run(capsys, "run", "--check", "har.analyze", "--har", str(src), "--json")
    assert code == 1
    doc = json.loads(out)
    assert any(f["code"] == "har.file.truncated" and f["severity"] == "error" for c in doc["checks"] for f in c["findings"])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_pastes_are_read_like_utf16_hars(tmp_path, encoding):
    from checks.evidence.bwcli import load_patches
    text = "AS_CLI/Maintenance/Patching> listPatch\nAP.as.24.0.1075.ap371234  installed\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # the BOM that Windows tools write
        data = ("\ufeff" + text).encode(encoding)
    p = tmp_path / "patches.txt"
    p.write_bytes(data)
    assert load_patches(p).patches  # read, not "binary data"


@pytest.mark.parametrize("make", ["zip-member-newline", "tar-not-tar", "zip-not-zip"])
def test_archive_errors_are_one_line(tmp_path, capsys, make):
    import zipfile
    if make == "zip-member-newline":
        p = tmp_path / "logs.zip"
        with zipfile.ZipFile(p, "w") as zf:
            zf.writestr("bad\nname\x1b[2J.txt", "x")
    elif make == "tar-not-tar":
        p = tmp_path / "logs.tar.gz"
        p.write_bytes(b"this is not\na tar\n" * 10)
    else:
        p = tmp_path / "logs.zip"
        p.write_bytes(b"PK\x03\x04 broken\nzip")
    for args in (["logs", str(p)], ["har", str(p)]):
        code, out, err = _run(capsys, *args)
        assert code in (0, 1, 2)
        assert "\x1b" not in err + out
        if code == 2:
            _one_line_error(code, err)


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", True), ("utf-16-be", True), ("utf-16-le", False),
                                          ("utf-16-be", False)])
def test_utf16_with_or_without_bom_is_text_for_every_reader(tmp_path, encoding, bom):
    """Pastes, client logs, user exports and the bundle's copies decide "text or binary" with one
    helper (checks/evidence/textio.py): UTF-16 is text in either byte order, BOM or not."""
    from checks.bundle import _decode
    from checks.evidence.bwcli import load_patches
    from checks.evidence.logs import scan_logs
    from checks.evidence.user_csv import open_csv

    def enc(text: str) -> bytes:
        return (("\ufeff" if bom else "") + text).encode(encoding)

    paste = tmp_path / "patches.txt"
    paste.write_bytes(enc("AS_CLI/Maintenance/Patching> listPatch\nAP.as.24.0.1075.ap371234  installed\n"))
    assert load_patches(paste).patches
    log = tmp_path / "current_log.txt"
    log.write_bytes(enc("2026-11-20T14:05:00.000Z <Error> x.cpp:1 Http error when trying to get BWC Token, "
                        "httpStatusCode: 503 errorCode=1502 J\u00f6rg\n"))
    scan = scan_logs(log)
    assert scan.files[0].status == "parsed" and scan.stats["bwtoken_fetch"].count == 1
    assert "J\u00f6rg" in scan.stats["bwtoken_fetch"].hits[0].text
    csv_file = tmp_path / "users.csv"
    csv_file.write_bytes(enc("First Name\tLast Name\tEmail\nJ\u00f6rg\tM\u00fcller\tjm@example.com\n"))
    fmt, fh, rows = open_csv(csv_file)
    with fh:
        assert fmt.encoding.startswith("utf-16") and fmt.delimiter == "\t"
        assert list(rows) == [["First Name", "Last Name", "Email"], ["J\u00f6rg", "M\u00fcller", "jm@example.com"]]
    assert _decode(enc("AS_CLI> listPatch\n")) == "AS_CLI> listPatch\n"


def test_binary_is_still_refused_by_every_reader(tmp_path):
    from checks.evidence.bwcli import PasteError, load_patches
    from checks.evidence.logs import scan_logs
    from checks.evidence.textio import text_encoding

    blob = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 50
    assert text_encoding(blob) is None
    p = tmp_path / "patches.txt"
    p.write_bytes(blob)
    with pytest.raises(PasteError, match="binary data"):
        load_patches(p)
    log = tmp_path / "current_log.txt"
    log.write_bytes(blob)
    assert scan_logs(log).files[0].status == "binary"


async def test_tui_keeps_running_when_a_screen_handler_raises(tmp_path, monkeypatch, wxtriage_home):
    """An exception inside a screen's own handler (not a worker): one line, a report, and the same
    screen keeps handling what comes next (issue 13 item 8)."""
    from textual.widgets import Input

    from tui.demo import demo_app
    from tui.screens.home import HomeScreen

    fill = HomeScreen._fill
    calls: list[str] = []

    def flaky(self, text: str) -> None:
        calls.append(text)
        if text == "x":
            raise ValueError(f"handler fell over on token={hf.REFRESH}\nsecond line \x1b[2J")
        fill(self, text)

    monkeypatch.setattr(HomeScreen, "_fill", flaky)
    app = demo_app(tmp_path / "ws")
    app.keep_running_on_error = True
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one("#symptom", Input).focus()
        await pilot.press("x")
        await pilot.pause(0.2)
        line = app.internal_error
        assert line.startswith("internal error: ValueError") and "please report it" in line and "crash-" in line
        assert hf.REFRESH not in line and "\n" not in line and "\x1b" not in line
        assert any("internal error" in n.message and "\n" not in n.message for n in app._notifications)
        assert app.is_running and app.return_code is None
        # The screen's message loop still runs: the next key reaches the same handler.
        await pilot.press("y")
        await pilot.pause(0.2)
        assert calls[-1] == "xy" and app.screen is home
        await pilot.press("f1")  # and the app's own keys still work
        await pilot.pause()
        assert app.screen is not home
    from checks.crash import crash_dir
    assert any(hf.REFRESH not in r.read_text(encoding="utf-8") for r in crash_dir().glob("crash-*.txt"))


async def test_tui_error_notifications_are_one_escaped_line(tmp_path, wxtriage_home):
    from tui.demo import demo_app

    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.notify(f"cannot read bad\nname\x1b[2J[/b].zip: token={hf.REFRESH}", severity="error")
        app.notify("note about J\u00f6rg\x07 [red]x[/]")
        await pilot.pause()
        error, note = list(app._notifications)[-2:]
        assert "\n" not in error.message and "\x1b" not in error.message and "\\n" in error.message
        assert hf.REFRESH not in error.message and "[/b]" in error.message and not error.markup
        assert "\x07" not in note.message and "[red]x[/]" in note.message
        assert app.is_running
