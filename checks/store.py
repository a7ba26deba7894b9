"""SQLite case store: every change is written at once, so nothing typed is lost.

One file in the user data dir (``WXTRIAGE_HOME`` overrides). Cases are stored as
JSON documents; each check run appends a row to ``results`` so history is kept.
"""
from __future__ import annotations

import builtins
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from .case import Case
from .model import CheckResult
from .paths import data_dir
from .redact import keyring_redactor, redact_case_doc, redact_document, redact_result

if TYPE_CHECKING:  # pragma: no cover
    from .api import Check
    from .playbooks.walk import Transcript

#: Version 1 of the store, the first numbered one (``PRAGMA user_version``). Kept as it is for
#: :func:`_to_v1` when a later version changes :data:`SCHEMA`.
SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE TABLE IF NOT EXISTS results (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_case ON results(case_id, check_id, seq);
CREATE INDEX IF NOT EXISTS cases_recent ON cases(updated_at DESC, id);
CREATE TABLE IF NOT EXISTS evidence (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    added_at TEXT NOT NULL,
    checks TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, kind, path)
);
CREATE TABLE IF NOT EXISTS playbook_runs (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    playbook_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (case_id, playbook_id)
);
CREATE TABLE IF NOT EXISTS drafts (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (case_id, field)
);
"""

#: The current shape: a new store is made from it; a store written by an older wxtriage is brought
#: to it by :data:`MIGRATIONS`.
SCHEMA = SCHEMA_V1


def _create(db: sqlite3.Connection, schema: str) -> None:
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in schema.split(";"):
        if statement.strip():
            db.execute(statement)


def _add_column(db: sqlite3.Connection, table: str, column: str, decl: str) -> None:
    if column not in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


def _to_v1(db: sqlite3.Connection) -> None:
    """Version 1, the first numbered shape. Stores from before numbering (version 0) get the
    tables and indexes they lack, the evidence's ``checks`` (which checks used a file) and the
    cases' ``archived_at``; their JSON documents are read as they are."""
    _create(db, SCHEMA_V1)
    _add_column(db, "evidence", "checks", "TEXT NOT NULL DEFAULT ''")
    _add_column(db, "cases", "archived_at", "TEXT")


#: ``MIGRATIONS[n]`` takes a store from version ``n`` to ``n + 1``. A change of shape (a table, a
#: column, a change to the stored JSON) appends a step here; a released step never changes.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_to_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


#: How long a writer waits for another one to finish (seconds).
BUSY_TIMEOUT_S = 30


class StoreError(RuntimeError):
    """The store cannot be opened or a case does not exist."""


def default_store_path() -> Path:
    return data_dir() / "cases.sqlite3"


class CaseStore:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_store_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db:
                if _version(db) != SCHEMA_VERSION:
                    self._migrate(db)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise StoreError(f"cannot open the case store {self.path}: {exc}") from None

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Bring the file to :data:`SCHEMA_VERSION` in one transaction (all steps or none). A
        store from a newer wxtriage is left untouched: its shape is unknown here."""
        db.isolation_level = None  # transactions by hand
        db.execute("BEGIN IMMEDIATE")  # another process opening the same old store waits, then sees it done
        try:
            version = _version(db)
            if version == 0 and not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone():
                _create(db, SCHEMA)  # a new file: the current shape at once
                version = SCHEMA_VERSION
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the case store {self.path} was written by a newer wxtriage (store version {version}; "
                    f"this one reads up to {SCHEMA_VERSION}): upgrade wxtriage, or give another file with --store")
            for step in MIGRATIONS[version:]:
                step(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _connect(self) -> sqlite3.Connection:
        # The busy timeout lets concurrent writers (the TUI and a CLI, parallel scripts) queue up
        # instead of failing with "database is locked".
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")  # a crash mid-write never corrupts earlier saves
        return db

    def save(self, case: Case) -> Case:
        # The case's fields are the user's own text and stay as typed, except secrets (a token or a
        # URL password pasted into the description, a stored test-user password): the store is a
        # plain file, so they are replaced before they reach it, not only when shown.
        # A whole-case write: callers that change a stored case use update() (no lost updates).
        with closing(self._connect()) as db, db:
            self._write(db, case)
        return case

    def update(self, case_id: str, change: Callable[[Case], Case]) -> Case:
        """Read the case, apply ``change`` and write the result, all in one ``BEGIN IMMEDIATE``
        transaction: a concurrent writer (another ``case set``, the TUI) waits instead of having
        its change overwritten by a stale copy. ``change`` gets the stored case and returns the new
        one (return it unchanged to write nothing). Returns the case as saved."""
        db = self._connect()
        try:
            db.isolation_level = None  # transactions by hand
            db.execute("BEGIN IMMEDIATE")
            try:
                current = self._get_in(db, case_id)
                new = change(current)
                if new is not current:
                    self._write(db, new)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot update case {case_id} in {self.path}: {exc}") from None
        finally:
            db.close()
        return new

    def _write(self, db: sqlite3.Connection, case: Case) -> None:
        doc = json.dumps(redact_case_doc(case.to_dict()), ensure_ascii=False)
        db.execute(
            "INSERT INTO cases(id, doc, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at",
            (case.id, doc, case.created_at, case.updated_at))

    def _get_in(self, db: sqlite3.Connection, case_id: str) -> Case:
        row = db.execute("SELECT doc, updated_at FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            rows = db.execute("SELECT doc, updated_at FROM cases WHERE id LIKE ? || '%'", (case_id,)).fetchall()
            if len(rows) == 1:
                row = rows[0]
        if row is None:
            raise StoreError(f"no case {case_id!r} in {self.path}; `wxtriage case list` shows the cases")
        return _case(*row)

    def get(self, case_id: str) -> Case:
        """The case (a unique prefix of its ID is enough, as with git hashes)."""
        with closing(self._connect()) as db:
            return self._get_in(db, case_id)

    def list(self, *, with_blank: bool = True, limit: int | None = None,
             archived: bool | None = False) -> builtins.list[Case]:
        """Cases, most recently updated first (at most ``limit``). ``with_blank=False`` leaves out
        cases that hold nothing at all — no field, result, evidence or unsaved draft (stores
        written before cases were kept only from their first input hold such cases).
        ``archived``: False (the default) leaves archived cases out, True lists only them, None both.

        Rows are read in index order and parsed one by one until ``limit`` cases are kept, so the
        home screen reads a few dozen rows of a store with thousands of cases."""
        out: builtins.list[Case] = []
        if limit is not None and limit <= 0:
            return out
        where = {False: " WHERE archived_at IS NULL", True: " WHERE archived_at IS NOT NULL", None: ""}[archived]
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT doc, updated_at, EXISTS(SELECT 1 FROM results r WHERE r.case_id = cases.id)"
                " OR EXISTS(SELECT 1 FROM evidence e WHERE e.case_id = cases.id)"
                " OR EXISTS(SELECT 1 FROM drafts d WHERE d.case_id = cases.id)"
                f" FROM cases{where} ORDER BY updated_at DESC, id")
            for doc, updated, held in rows:
                case = _case(doc, updated)
                if with_blank or held or not case.blank:
                    out.append(case)
                    if limit is not None and len(out) >= limit:
                        break
        return out

    def count(self, archived: bool | None = None) -> int:
        where = {False: " WHERE archived_at IS NULL", True: " WHERE archived_at IS NOT NULL", None: ""}[archived]
        with closing(self._connect()) as db:
            return db.execute(f"SELECT count(*) FROM cases{where}").fetchone()[0]

    def case_folders(self, case_id: str) -> builtins.list[Path]:
        """The folders wxtriage made for the case in the data folder: its own folder (redacted
        copies) and its pasted server output. Evidence files the user gave stay where they are."""
        from .paths import case_dir

        return list(dict.fromkeys([case_dir(case_id), self.path.parent / "cases" / case_id,
                                   self.path.parent / "pastes" / case_id]))

    def delete(self, case_id: str) -> None:
        """Delete the case with its results, evidence records, walks and drafts, and its folders
        in the data folder (:meth:`case_folders`). A missing case is a StoreError."""
        import shutil

        with closing(self._connect()) as db, db:
            if db.execute("DELETE FROM cases WHERE id = ?", (case_id,)).rowcount == 0:
                raise StoreError(f"no case {case_id!r} in {self.path}")
        for folder in self.case_folders(case_id):
            # Only a real folder named after the case: never follow a link out of the data folder.
            if case_id and folder.name == case_id and folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)

    def archive(self, case_id: str, archived: bool = True) -> Case:
        """Archive the case (kept whole, left out of the lists) or bring it back (``archived=False``)."""
        import datetime as _dt

        case = self.get(case_id)
        when = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds") if archived else None
        with closing(self._connect()) as db, db:
            db.execute("UPDATE cases SET archived_at = ? WHERE id = ?", (when, case.id))
        return case

    def is_archived(self, case_id: str) -> bool:
        with closing(self._connect()) as db:
            row = db.execute("SELECT archived_at FROM cases WHERE id = ?", (case_id,)).fetchone()
        return bool(row and row[0])

    # Evidence files analysed for a case (e.g. HAR captures). Only their paths are stored; the
    # bundle attaches a redacted copy made at export time.
    def add_evidence(self, case_id: str, kind: str, path: Path | str, check_id: str = "") -> None:
        """Record a file the case used. ``kind`` is the input's name (``har``, ``logs``, ``patches``,
        ``webex-ca`` …); ``check_id`` the check that read it (kept with the others that did)."""
        import datetime as _dt

        now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        with closing(self._connect()) as db, db:
            row = db.execute("SELECT checks FROM evidence WHERE case_id = ? AND kind = ? AND path = ?",
                             (case_id, kind, str(Path(path).resolve()))).fetchone()
            checks = [c for c in (row[0].split(",") if row and row[0] else [])]
            if check_id and check_id not in checks:
                checks.append(check_id)
            db.execute("INSERT OR REPLACE INTO evidence(case_id, kind, path, added_at, checks) VALUES (?, ?, ?, ?, ?)",
                       (case_id, kind, str(Path(path).resolve()), now, ",".join(checks)))

    def record_inputs(self, case_id: str, results: Sequence[CheckResult], checks: Mapping[str, type[Check]],
                      options: Mapping[str, object]) -> None:
        """Record every file or folder given to a check that ran (not skipped) as the case's evidence,
        so the bundle carries it (redacted) whichever screen or command ran the check."""
        from .model import Status

        for r in results:
            check = checks.get(r.check_id)
            if check is None or r.status is Status.SKIP:
                continue
            for o in check.options:
                if o.kind not in ("path", "location"):
                    continue
                value = options.get(o.dest)
                for v in (value if isinstance(value, (list, tuple)) else [value]):
                    if v:
                        self.add_evidence(case_id, o.name, str(v), r.check_id)

    def evidence(self, case_id: str) -> builtins.list[tuple[str, Path]]:
        """(kind, path) of every evidence file recorded for the case, oldest first."""
        return [(kind, path) for kind, path, _ in self.evidence_records(case_id)]

    def evidence_records(self, case_id: str) -> builtins.list[tuple[str, Path, tuple[str, ...]]]:
        """(kind, path, checks that used it) of every evidence file recorded for the case, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT kind, path, checks FROM evidence WHERE case_id = ? ORDER BY added_at, path",
                              (case_id,)).fetchall()
        return [(kind, Path(path), tuple(c for c in checks.split(",") if c)) for kind, path, checks in rows]

    # Playbook transcripts: one per playbook worked on the case, saved on every answer, so a walk
    # resumes where it stopped after the terminal closes. Notes are the user's text: redacted.
    def save_transcript(self, case_id: str, transcript: "Transcript") -> None:
        doc = json.dumps(redact_document(transcript.to_dict(), keyring_redactor()), ensure_ascii=False)
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO playbook_runs(case_id, playbook_id, doc, updated_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(case_id, playbook_id) DO UPDATE SET doc = excluded.doc, "
                       "updated_at = excluded.updated_at",
                       (case_id, transcript.playbook_id, doc, transcript.updated_at))
            db.execute("UPDATE cases SET updated_at = ? WHERE id = ? AND updated_at < ?",
                       (transcript.updated_at, case_id, transcript.updated_at))

    def transcripts(self, case_id: str) -> builtins.list["Transcript"]:
        """Every playbook transcript of the case, most recently changed first."""
        from .playbooks.walk import Transcript

        with closing(self._connect()) as db:
            rows = db.execute("SELECT doc FROM playbook_runs WHERE case_id = ? ORDER BY updated_at DESC, playbook_id",
                              (case_id,)).fetchall()
        return [Transcript.from_dict(json.loads(r[0])) for r in rows]

    # Drafts: text typed into a field that does not validate yet. Kept so nothing typed is lost;
    # never part of the case itself, so never in a bundle.
    def save_draft(self, case_id: str, field: str, text: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO drafts(case_id, field, text) VALUES (?, ?, ?) "
                       "ON CONFLICT(case_id, field) DO UPDATE SET text = excluded.text",
                       (case_id, field, redact_case_doc(text)))

    def clear_draft(self, case_id: str, field: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM drafts WHERE case_id = ? AND field = ?", (case_id, field))

    def drafts(self, case_id: str) -> dict[str, str]:
        with closing(self._connect()) as db:
            return dict(db.execute("SELECT field, text FROM drafts WHERE case_id = ?", (case_id,)).fetchall())

    def add_results(self, case_id: str, results: Iterable[CheckResult]) -> None:
        # Results are stored redacted (text rules + keyring passwords), whoever produced them.
        redactor = keyring_redactor()
        rows = [(case_id, r.check_id, r.started_at, json.dumps(redact_result(r, redactor).to_dict(), ensure_ascii=False))
                for r in results]
        with closing(self._connect()) as db, db:
            if db.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None:
                raise StoreError(f"no case {case_id!r} in {self.path}")
            db.executemany("INSERT INTO results(case_id, check_id, started_at, doc) VALUES (?, ?, ?, ?)", rows)
            db.execute("UPDATE cases SET updated_at = (SELECT max(started_at) FROM results WHERE case_id = ?) "
                       "WHERE id = ? AND updated_at < (SELECT max(started_at) FROM results WHERE case_id = ?)",
                       (case_id, case_id, case_id))

    def latest_results(self, case_id: str) -> builtins.list[CheckResult]:
        """The most recent result of each check run in this case."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT doc FROM results WHERE seq IN (SELECT max(seq) FROM results WHERE case_id = ? "
                "GROUP BY check_id) ORDER BY seq", (case_id,)).fetchall()
        return [CheckResult.from_dict(json.loads(r[0])) for r in rows]


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _case(doc: str, updated_at: str) -> Case:
    """A stored case; its ``updated_at`` also counts results added since the fields last changed
    (the column the lists are sorted by)."""
    case = Case.from_dict(json.loads(doc))
    return replace(case, updated_at=updated_at) if updated_at > case.updated_at else case
