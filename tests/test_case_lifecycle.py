"""Cases are created at the first real input, and can be archived or deleted (issue 14, point 9).
Real SQLite files and real folders throughout."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from checks.case import Case
from checks.model import CheckResult, Finding, Severity, Status
from checks.paths import case_dir
from checks.store import CaseStore
from tui.app import make_app
from tui.screens.choice import ChoiceScreen

from .helpers import wxtriage

SIZE = (100, 30)


def _rows(store_path: Path, table: str) -> int:
    with sqlite3.connect(store_path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _result(check_id: str = "demo.check") -> CheckResult:
    f = Finding("demo.finding", Severity.WARNING, "something", "", ())
    return CheckResult(check_id, "Demo", "demo", Status.WARN, (f,))


async def _look_around(store_path: Path) -> None:
    """A quick look: escape leaves the search, g opens the checklists, a checklist opens and
    closes, l opens the case screen and goes back, a playbook opens without an answer."""
    app = make_app(store_path=store_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape", "g")
        await pilot.pause()
        await pilot.press("enter")  # the first checklist
        await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        app.action_home()
        await pilot.pause()
        await pilot.press("escape", "l")
        await pilot.pause()
        assert type(app.screen).__name__ == "CaseScreen" and "new case" in app.sub_title
        await pilot.press("escape")
        await pilot.pause()
        app.action_playbook(app.playbooks.all()[0].id)
        await pilot.pause()
        app.action_home()
        await pilot.pause()


async def test_looking_around_and_restarting_leaves_no_case(tmp_path: Path):
    store_path = tmp_path / "cases.sqlite3"
    for _ in range(3):  # restart + g, three times
        await _look_around(store_path)
    assert _rows(store_path, "cases") == 0 and _rows(store_path, "playbook_runs") == 0


async def _type_a_character(app, pilot, store_path: Path) -> None:
    field = app.screen.query_one("#f-org_id", Input)
    field.focus()
    await pilot.press("x")  # not valid yet: kept as a draft, which stores the case
    await pilot.pause()
    assert _rows(store_path, "cases") == 1 and _rows(store_path, "drafts") == 1
    assert app.case_stored and app.sub_title == f"case {app.case.id}"
    field.value = "1eb65fdf-9643-417f-9974-ad72cae0e10f"
    await pilot.pause()
    assert app.store.get(app.case.id).org_id == "1eb65fdf-9643-417f-9974-ad72cae0e10f"
    assert _rows(store_path, "cases") == 1 and _rows(store_path, "drafts") == 0


async def _answer_a_step(app, pilot, store_path: Path) -> None:
    app.screen.walk.skip("seen on every phone")  # any step can be skipped with a note: an answer
    await pilot.pause()
    assert app.case_stored and _rows(store_path, "cases") == 1 and _rows(store_path, "playbook_runs") == 1


async def _complete_a_run(app, pilot, store_path: Path) -> None:
    from tui.messages import RunCompleted

    app.screen.post_message(RunCompleted([_result()], cancelled=False))  # results need the case
    await pilot.pause()
    assert _rows(store_path, "cases") == 1 and _rows(store_path, "results") == 1


async def _open_case_screen(app, pilot) -> None:
    await pilot.press("escape", "l")


async def _open_playbook(app, pilot) -> None:
    app.action_playbook(app.playbooks.all()[0].id)


async def _open_checks(app, pilot) -> None:
    app.action_checks()


@pytest.mark.parametrize(("open_screen", "first_input"), [
    (_open_case_screen, _type_a_character),
    (_open_playbook, _answer_a_step),
    (_open_checks, _complete_a_run),
], ids=["typed-character", "playbook-answer", "check-run"])
async def test_the_first_real_input_stores_the_case(tmp_path: Path, open_screen, first_input):
    store_path = tmp_path / "cases.sqlite3"
    app = make_app(store_path=store_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_screen(app, pilot)
        await pilot.pause()
        assert _rows(store_path, "cases") == 0  # opening a screen is not an input
        await first_input(app, pilot, store_path)


async def test_archive_and_delete_from_home_ask_first(tmp_path: Path):
    store_path = tmp_path / "cases.sqlite3"
    store = CaseStore(store_path)
    keep = store.save(Case.create(description="keep me"))
    old = store.save(Case.create(description="old problem"))
    gone = store.save(Case.create(description="delete me"))
    store.add_results(gone.id, [_result()])
    store.save_draft(gone.id, "org_id", "1eb6")
    for folder in (case_dir(gone.id), store_path.parent / "pastes" / gone.id):
        folder.mkdir(parents=True)
        (folder / "file.txt").write_text("x", encoding="utf-8")
    other = case_dir(keep.id)
    other.mkdir(parents=True)
    app = make_app(store_path=store_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cases", DataTable)
        keys = lambda: [str(k.value) for k in table.rows]  # noqa: E731
        assert set(keys()) == {keep.id, old.id, gone.id}
        assert not any(b.binding.key == "a" for b in app.screen.active_bindings.values() if b.enabled)
        table.focus()
        await pilot.pause()
        assert {b.binding.key for b in app.screen.active_bindings.values() if b.enabled} >= {"a", "delete", "v"}
        table.move_cursor(row=keys().index(old.id))
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and old.id in app.screen.question
        await pilot.press("enter")  # the default keeps it where it is
        await pilot.pause()
        assert old.id in keys() and not store.is_archived(old.id)
        await pilot.press("a", "tab", "enter")
        await pilot.pause()
        assert old.id not in keys() and store.is_archived(old.id)
        assert store.get(old.id).description == "old problem"  # archived, not deleted
        await pilot.press("v")  # the archived view
        await pilot.pause()
        assert keys() == [old.id]
        await pilot.press("a")  # brings it back, no question: nothing is lost either way
        await pilot.pause()
        assert keys() == [] and not store.is_archived(old.id)
        await pilot.press("v")
        await pilot.pause()
        table.move_cursor(row=keys().index(gone.id))
        await pilot.press("delete", "tab", "enter")
        await pilot.pause()
        assert gone.id not in keys()
    with sqlite3.connect(store_path) as db:
        for t in ("cases", "results", "drafts"):
            assert db.execute(f"SELECT count(*) FROM {t} WHERE {'id' if t == 'cases' else 'case_id'} = ?",
                              (gone.id,)).fetchone()[0] == 0, t
    assert not case_dir(gone.id).exists() and not (store_path.parent / "pastes" / gone.id).exists()
    assert other.is_dir()  # another case's folder stays


def test_cli_archive_list_unarchive_delete(tmp_path: Path):
    home = tmp_path / "home"
    a = wxtriage("case", "new", "--description", "first", home=home).out.split()[-1]
    b = wxtriage("case", "new", "--description", "second", home=home).out.split()[-1]
    r = wxtriage("case", "archive", a, home=home)  # no terminal, no --yes: refused
    assert r.code == 2 and "--yes" in r.err and "Traceback" not in r.err
    r = wxtriage("case", "archive", a, "--yes", home=home)
    assert r.code == 0 and f"Archived case {a}" in r.out
    listed = wxtriage("case", "list", home=home).out
    assert a not in listed and b in listed and "1 archived case(s) not shown" in listed
    assert a in wxtriage("case", "list", "--archived", home=home).out
    assert b not in wxtriage("case", "list", "--archived", home=home).out
    every = wxtriage("case", "list", "--all", home=home).out
    assert f"{a}" in every and "[archived]" in every
    doc = json.loads(wxtriage("case", "list", "--all", "--json", home=home).out)
    assert {c["id"]: c["archived"] for c in doc["cases"]} == {a: True, b: False}
    assert wxtriage("case", "show", a, home=home).code == 0  # still there
    assert wxtriage("case", "unarchive", a, home=home).code == 0
    assert a in wxtriage("case", "list", home=home).out
    # Delete: the case's folder in the data folder goes with it.
    folder = home / "data" / "cases" / b
    folder.mkdir(parents=True)
    (folder / "copy.redacted.har").write_text("{}", encoding="utf-8")
    r = wxtriage("case", "delete", b, input="n\n", home=home)  # no terminal: refused
    assert r.code == 2 and folder.exists()
    r = wxtriage("case", "delete", b, "--yes", home=home)
    assert r.code == 0 and not folder.exists()
    assert wxtriage("case", "show", b, home=home).code == 2
    r = wxtriage("case", "archive", "nosuchcase", "--yes", home=home)
    assert r.code == 2 and r.err.count("\n") == 1
