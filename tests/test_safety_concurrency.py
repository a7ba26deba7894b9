"""Parallel writers to one case store lose nothing (issue 13, point 12): every read-modify-write of
a case runs inside one BEGIN IMMEDIATE transaction with a busy timeout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

from checks.case import Case
from checks.store import CaseStore

from .conftest import cli_env

WX = shutil.which("wxtriage", path=os.path.dirname(sys.executable)) or "wxtriage"
N = 20


def test_parallel_case_set_processes_keep_every_email(tmp_path, wxtriage_home):
    case = CaseStore().save(Case())
    procs = [subprocess.Popen([WX, "case", "set", case.id, "--email", f"user{i}@example.com"],
                              env=cli_env(wxtriage_home), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(N)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    emails = set(CaseStore().get(case.id).emails)
    assert emails == {f"user{i}@example.com" for i in range(N)}


def test_parallel_updates_in_threads_lose_nothing(tmp_path):
    store = CaseStore(tmp_path / "s.sqlite3")
    case = store.save(Case())
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            CaseStore(tmp_path / "s.sqlite3").update(
                case.id, lambda c: c.updated(client_versions=(*c.client_versions, f"44.{i}.0")))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert set(store.get(case.id).client_versions) == {f"44.{i}.0" for i in range(N)}


def test_a_screen_edit_is_replayed_on_what_another_writer_stored(tmp_path):
    from checks.case import rebase
    store = CaseStore(tmp_path / "s.sqlite3")
    base = store.save(Case.create(emails=["a@example.com"], description="old"))
    # another writer adds an e-mail while a screen holds `base`
    store.update(base.id, lambda c: c.updated(emails=(*c.emails, "b@example.com")))
    edited = base.updated(description="new words", emails=(*base.emails, "c@example.com"))
    saved = store.update(base.id, lambda current: rebase(base, edited, current))
    assert saved.description == "new words"
    assert saved.emails == ("a@example.com", "b@example.com", "c@example.com")
