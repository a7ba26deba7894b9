"""The case store at a support desk's size: recent cases come from an index, a limited list reads
only what it shows, and `case list` says when it leaves older cases out (real SQLite files)."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from checks.case import Case
from checks.store import CaseStore
from tui.cli import main


def _fill(store: CaseStore, n: int, blank_every: int = 0) -> list[Case]:
    made = []
    for i in range(n):
        stamp = f"2026-11-{1 + i // 24 % 28:02d}T{i % 24:02d}:00:00+00:00"
        if blank_every and i % blank_every == 0:
            case = Case(id=f"blank{i:07d}", created_at=stamp, updated_at=stamp)
        else:
            case = replace(Case.create(description=f"case {i}"), created_at=stamp, updated_at=stamp)
        made.append(store.save(case))
    return made


def test_a_limited_list_is_the_newest_first_and_skips_blank_cases(tmp_path: Path):
    store = CaseStore(tmp_path / "cases.sqlite3")
    made = _fill(store, 60, blank_every=3)
    # Newest first; the same time in id order (two stable sorts).
    newest = sorted(sorted(made, key=lambda c: c.id), key=lambda c: c.updated_at, reverse=True)
    assert [c.id for c in store.list(limit=5)] == [c.id for c in newest[:5]]
    kept = store.list(with_blank=False, limit=10)
    assert len(kept) == 10 and not any(c.id.startswith("blank") for c in kept)
    assert [c.updated_at for c in kept] == sorted((c.updated_at for c in kept), reverse=True)
    assert store.list(limit=0) == [] and len(store.list()) == 60 == store.count()


def test_recent_cases_are_read_through_an_index(tmp_path: Path):
    path = tmp_path / "cases.sqlite3"
    CaseStore(path)
    with sqlite3.connect(path) as db:
        plan = " ".join(str(r) for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT doc FROM cases ORDER BY updated_at DESC, id"))
    assert "cases_recent" in plan and "TEMP B-TREE" not in plan  # no sort of every case


def test_case_list_shows_the_recent_ones_and_says_how_many_are_left_out(tmp_path: Path, capsys):
    path = tmp_path / "cases.sqlite3"
    _fill(CaseStore(path), 130)
    assert main(["case", "list", "--store", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 101 and out[-1].startswith("… 30 older cases not shown")
    assert main(["case", "list", "--store", str(path), "--all"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 130
    assert main(["case", "list", "--store", str(path), "--limit", "7"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 8
    assert main(["case", "list", "--store", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["cases"]) == 130 and doc["truncated"] is False
    assert main(["case", "list", "--store", str(path), "--json", "--limit", "4"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["cases"]) == 4 and doc["truncated"] is True


@pytest.mark.parametrize("value", ["0", "-3"])
def test_a_limit_below_one_is_bad_input(tmp_path: Path, capsys, value):
    assert main(["case", "list", "--store", str(tmp_path / "c.sqlite3"), "--limit", value]) == 2
    err = capsys.readouterr().err
    assert "--limit" in err and len(err.strip().splitlines()) == 1
