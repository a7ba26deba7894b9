"""Paths as people paste them (point 6 of issue 14): ~, quotes, backslash-escaped spaces and
file:// URIs (what drag-and-drop into a terminal gives) name the same file everywhere."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from checks.paths import typed_path
from tests.helpers import wxtriage


@pytest.mark.parametrize("typed", [
    "{p}", " {p} ", "'{p}'", '"{p}"', "{esc}", "{uri}", "file://localhost{p}",
])
def test_every_pasted_shape_names_the_file(tmp_path, typed):
    f = tmp_path / "my capture (1).har"
    f.write_text("{}")
    esc = str(f).replace(" ", "\\ ").replace("(", "\\(").replace(")", "\\)")
    assert typed_path(typed.format(p=f, esc=esc, uri=f.as_uri())) == f


def test_home_folder_and_windows_shapes(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert typed_path("~/onboard.har") == tmp_path / "onboard.har"
    assert str(typed_path(r"C:\Users\alex\onboard.har")) == r"C:\Users\alex\onboard.har"  # backslashes kept
    assert str(typed_path("file:///C:/Users/alex/on%20board.har")) == "C:/Users/alex/on board.har"


def test_cli_bundle_into_a_folder(tmp_path):
    home = tmp_path / "home"
    case = wxtriage("case", "new", "--description", "x", home=home).out.split()[-1]
    out = tmp_path / "for TAC"
    out.mkdir()
    r = wxtriage("bundle", "--case", case, "-o", out.as_uri(), home=home)
    assert r.code == 0, r.err
    with zipfile.ZipFile(out / f"wxtriage-{case}.zip") as zf:
        assert json.loads(zf.read("manifest.json"))["case"]["id"] == case


async def test_bundle_dialog_takes_a_dragged_folder_and_logs_a_quoted_path(tmp_path):
    from textual.widgets import Input, Label

    from tui.demo import DEMO_CASE_ID, demo_app
    from tui.screens.client_logs import ClientLogsScreen

    from .test_client_logs import token_failure_logs
    from .tui_helpers import wait_for_run, workers_done

    folder = tmp_path / "to send"
    folder.mkdir()
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        app.open_case(DEMO_CASE_ID)
        app.action_export_bundle()
        await pilot.pause()
        app.screen.query_one("#bundle-path", Input).value = str(folder).replace(" ", "\\ ") + " "
        await pilot.click("#export")
        await workers_done(pilot)
        assert (folder / f"wxtriage-{DEMO_CASE_ID}.zip").exists()
        await pilot.press("escape")
        app.push_screen(ClientLogsScreen())
        await pilot.pause()
        logs = token_failure_logs(tmp_path / "my logs", count=5)
        app.screen.query_one("#o-logs", Input).value = f'"{logs}"'
        await pilot.press("ctrl+r")
        status = await wait_for_run(pilot)
        assert status.startswith("done") and "1 fail" in status
