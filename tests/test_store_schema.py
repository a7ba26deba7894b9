"""The case store's schema version (``PRAGMA user_version``): stores written by an older wxtriage
are brought up to date when opened, a store from a newer one is refused with one line. The old
files are made here with plain sqlite3, in the shapes earlier versions wrote."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from checks import store as store_mod
from checks.case import Case
from checks.model import CheckResult, Finding, Severity, Status
from checks.store import SCHEMA_VERSION, CaseStore, StoreError

from .helpers import wxtriage

# The tables as wxtriage wrote them before stores were numbered; each later unnumbered release
# added a column (evidence.checks, then cases.archived_at) or a table (playbook_runs, drafts).
_CASES = "CREATE TABLE cases (id TEXT PRIMARY KEY, doc TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL{})"
_RESULTS = ("CREATE TABLE results (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL REFERENCES "
            "cases(id) ON DELETE CASCADE, check_id TEXT NOT NULL, started_at TEXT NOT NULL, doc TEXT NOT NULL)")
_EVIDENCE = ("CREATE TABLE evidence (case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE, kind TEXT "
             "NOT NULL, path TEXT NOT NULL, added_at TEXT NOT NULL{}, PRIMARY KEY (case_id, kind, path))")
_PLAYBOOK_RUNS = ("CREATE TABLE playbook_runs (case_id TEXT NOT NULL, playbook_id TEXT NOT NULL, doc TEXT NOT NULL, "
                  "updated_at TEXT NOT NULL, PRIMARY KEY (case_id, playbook_id))")
_DRAFTS = "CREATE TABLE drafts (case_id TEXT NOT NULL, field TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (case_id, field))"

OLD_SHAPES = {
    # cases, results and evidence only: no evidence.checks, no archived_at, no walks or drafts.
    "first": [_CASES.format(""), _RESULTS, _EVIDENCE.format("")],
    "with-walks-and-drafts": [_CASES.format(""), _RESULTS, _EVIDENCE.format(""), _PLAYBOOK_RUNS, _DRAFTS],
    "evidence-names-checks": [_CASES.format(""), _RESULTS, _EVIDENCE.format(", checks TEXT NOT NULL DEFAULT ''"),
                              _PLAYBOOK_RUNS, _DRAFTS],
    # The last unnumbered shape: every column, but user_version still 0.
    "last-unnumbered": [_CASES.format(", archived_at TEXT"), _RESULTS,
                        _EVIDENCE.format(", checks TEXT NOT NULL DEFAULT ''"), _PLAYBOOK_RUNS, _DRAFTS],
}


def _old_store(path: Path, shape: str, evidence_file: Path) -> tuple[Case, CheckResult]:
    case = Case.create(description="phones lose their services after lunch", org_id="1eb65fdf-9643-417f-9974-ad72cae0e10f")
    result = CheckResult("xsp.urls", "Cluster interface URLs", "urls", Status.FAIL,
                         (Finding("url.path.missing_v2", Severity.ERROR, "no /v2.0/", source="inf"),),
                         started_at="2026-11-20T14:05:00+00:00")
    with sqlite3.connect(path) as db:
        for statement in OLD_SHAPES[shape]:
            db.execute(statement)
        db.execute("INSERT INTO cases(id, doc, created_at, updated_at) VALUES (?, ?, ?, ?)",
                   (case.id, json.dumps(case.to_dict()), case.created_at, case.updated_at))
        db.execute("INSERT INTO results(case_id, check_id, started_at, doc) VALUES (?, ?, ?, ?)",
                   (case.id, result.check_id, result.started_at, json.dumps(result.to_dict())))
        db.execute("INSERT INTO evidence(case_id, kind, path, added_at) VALUES (?, 'har', ?, '2026-11-20T14:00:00+00:00')",
                   (case.id, str(evidence_file)))
    db.close()
    return case, result


def _version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    return version


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        cols = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
    db.close()
    return cols


@pytest.mark.parametrize("shape", sorted(OLD_SHAPES))
def test_an_old_store_is_migrated_and_keeps_everything(tmp_path: Path, shape: str):
    path = tmp_path / "cases.sqlite3"
    har = tmp_path / "onboard.har"
    case, result = _old_store(path, shape, har)
    assert _version(path) == 0
    store = CaseStore(path)
    assert _version(path) == SCHEMA_VERSION
    assert {"checks"} <= _columns(path, "evidence") and {"archived_at"} <= _columns(path, "cases")
    # What the old file held reads back whole.
    assert store.get(case.id) == case
    (got,) = store.latest_results(case.id)
    assert got.to_dict() == result.to_dict()
    assert store.evidence_records(case.id) == [("har", har, ())]
    # And everything added since the old shape works on it.
    store.add_evidence(case.id, "har", har, "har.analyze")
    assert store.evidence_records(case.id) == [("har", har, ("har.analyze",))]
    store.save_draft(case.id, "org_id", "1eb6")
    assert store.drafts(case.id) == {"org_id": "1eb6"}
    store.archive(case.id)
    assert store.is_archived(case.id) and store.list() == [] and store.list(archived=True)[0].id == case.id
    # Opened again: nothing left to do, nothing changed.
    assert CaseStore(path).drafts(case.id) == {"org_id": "1eb6"} and _version(path) == SCHEMA_VERSION


def test_a_new_store_has_the_current_shape(tmp_path: Path):
    path = tmp_path / "new.sqlite3"
    CaseStore(path)
    assert _version(path) == SCHEMA_VERSION
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert {"cases", "results", "evidence", "playbook_runs", "drafts"} <= tables
    assert "archived_at" in _columns(path, "cases") and "checks" in _columns(path, "evidence")


@pytest.mark.parametrize("ahead", [1, 7])
def test_a_store_from_a_newer_wxtriage_is_refused_untouched(tmp_path: Path, ahead: int):
    path = tmp_path / "cases.sqlite3"
    case = CaseStore(path).save(Case.create(description="written by a later release"))
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + ahead}")
    db.close()
    with pytest.raises(StoreError) as err:
        CaseStore(path)
    message = str(err.value)
    assert "newer wxtriage" in message and f"store version {SCHEMA_VERSION + ahead}" in message
    assert "\n" not in message
    assert _version(path) == SCHEMA_VERSION + ahead  # not "migrated" down
    # The CLI says it in one line with exit 2, whatever the command.
    for args in (["case", "list"], ["case", "show", case.id]):
        r = wxtriage(*args, "--store", str(path))
        assert r.code == 2 and r.out == "", r
        assert r.err.count("\n") == 1 and r.err.startswith("wxtriage: error: ") and "newer wxtriage" in r.err


def test_a_failed_migration_leaves_the_old_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "cases.sqlite3"
    case, _ = _old_store(path, "first", tmp_path / "x.har")

    def broken(db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error (made up)")

    monkeypatch.setattr(store_mod, "MIGRATIONS", (store_mod.MIGRATIONS[0], broken))
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    with pytest.raises(StoreError, match="cannot open the case store"):
        CaseStore(path)
    # The first step ran and was rolled back with the second: still the old shape, still readable.
    assert _version(path) == 0 and "checks" not in _columns(path, "evidence")
    monkeypatch.undo()
    assert CaseStore(path).get(case.id) == case
