"""The TAC bundle: a zip TAC can act on — case fields, findings, a readable report, checksums.

Files are assembled in memory as ``name → bytes``; every file is redacted with the shared
:class:`~checks.redact.Redactor` and then scanned by a :class:`~checks.redact.LeakScanner`
(any hit refuses the whole bundle); only then is the zip written to a temporary name in the
target folder and renamed, so it appears complete or not at all.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from . import __version__
from .case import Case, missing_for_tac
from .model import CheckResult
from .redact import LeakScanner, Redactor, default_known_secrets, keyring_redactor
from .report import TOOL, render_markdown
from .workdir import register_partial, scratch_dir

if TYPE_CHECKING:  # pragma: no cover
    from .store import CaseStore

#: Called with (file name, content) for every file before the bundle is written; raise to refuse.
BundleHook = Callable[[str, bytes], None]


class BundleError(RuntimeError):
    """The bundle could not be written; the message says why and nothing was left behind."""


def _json_bytes(obj: object) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def bundle_files(case: Case, results: Sequence[CheckResult],
                 extra: Mapping[str, bytes] | None = None, report_extra: Sequence[str] = ()) -> dict[str, bytes]:
    """Every file of the bundle except the manifest. ``report_extra``: Markdown lines appended to
    report.md (the "What was checked" section of the playbooks worked on the case)."""
    report = render_markdown(results, case) + ("\n" + "\n".join(report_extra) + "\n" if report_extra else "")
    files = {
        "findings.json": _json_bytes({"case_id": case.id, "checks": [r.to_dict() for r in results]}),
        "report.md": report.encode("utf-8"),
    }
    for name, content in (extra or {}).items():
        if name in files or name == "manifest.json":
            raise BundleError(f"bundle file name {name!r} is reserved")
        files[name] = content
    return files


def _file_digest(path: Path) -> dict[str, object]:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"sha256": h.hexdigest(), "bytes": path.stat().st_size}


def build_manifest(case: Case, results: Sequence[CheckResult], files: Mapping[str, bytes],
                   created_at: str | None = None, attachments: Mapping[str, Path] | None = None,
                   notes: Sequence[str] = (), evidence: Sequence[Mapping[str, object]] = ()) -> dict[str, object]:
    """``evidence``: one entry per evidence file in the bundle (``file``, ``input``, ``source``,
    ``checks``); each also gets its SHA-256 and size from ``files``."""
    listed = {name: meta for name, meta in sorted(
        [*((n, {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)}) for n, d in files.items()),
         *((n, _file_digest(p)) for n, p in (attachments or {}).items())])}
    return {
        "tool": TOOL,
        "version": __version__,
        "created_at": created_at or _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "case": case.to_dict(),
        "checks": [{"id": r.check_id, "area": r.area, "status": r.status.value, "reason": r.reason,
                    "started_at": r.started_at, "duration_s": round(r.duration_s, 4),
                    "findings": len(r.findings)} for r in results],
        "files": listed,
        "evidence": [dict(e) | {"sha256": listed[str(e["file"])]["sha256"]} for e in evidence if e["file"] in listed],
        "notes": list(notes),
    }


def redact_files(files: Mapping[str, bytes], redactor: Redactor) -> dict[str, bytes]:
    """Text files pass through the redactor; binary files are kept as they are (and still scanned)."""
    out: dict[str, bytes] = {}
    for name, data in files.items():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            out[name] = data
            continue
        out[name] = redactor.redact_text(text).encode("utf-8")
    return out


def write_bundle(case: Case, results: Sequence[CheckResult], out: Path | str,
                 extra: Mapping[str, bytes] | None = None,
                 hooks: Sequence[BundleHook] = (), scanner: LeakScanner | None = None,
                 attachments: Mapping[str, Path] | None = None, notes: Sequence[str] = (),
                 report_extra: Sequence[str] = (), evidence: Sequence[Mapping[str, object]] = ()) -> Path:
    """Redact, scan, then write the bundle to ``out`` atomically; return its path.

    ``attachments`` maps names in the zip to files that their producer already redacted and
    leak-scanned (e.g. a redacted HAR); they are streamed into the zip, never read into memory.
    Raises :class:`~checks.redact.LeakError` (nothing written) when the scanner finds a secret.
    """
    out = Path(out)
    if out.is_dir():  # a folder means "put the zip there"
        out = out / f"wxtriage-{case.id}.zip"
    if not out.parent.exists():
        raise BundleError(f"folder {out.parent} does not exist")
    redactor = keyring_redactor()  # stored passwords are replaced wherever they appear
    files = redact_files(bundle_files(case, results, extra, report_extra), redactor)
    manifest = redact_files({"manifest.json": _json_bytes(build_manifest(
        case, results, files, attachments=attachments, notes=notes, evidence=evidence))}, redactor)["manifest.json"]
    scanner = scanner or LeakScanner(default_known_secrets())
    scanner.add(redactor.removed)  # a value removed anywhere must not survive anywhere else
    for name, data in [*files.items(), ("manifest.json", manifest)]:
        scanner.check(name, data)
        for hook in hooks:
            hook(name, data)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    register_partial(tmp)  # removed by the next start if this process is killed before the rename
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", manifest)
            for name, data in files.items():
                zf.writestr(name, data)
            for name, path in (attachments or {}).items():
                zf.write(path, name)
        os.replace(tmp, out)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise BundleError(f"cannot write {out}: {exc.strerror or exc}") from None
        raise
    return out


@dataclass(frozen=True)
class ExportResult:
    path: Path
    results: int
    attached: tuple[str, ...]
    notes: tuple[str, ...]


def export_case_bundle(store: "CaseStore", case_id: str, out: Path | str,
                       scanner: LeakScanner | None = None) -> ExportResult:
    """The whole export: the case, its latest results, and a redacted copy of each recorded HAR.

    Used by ``wxtriage bundle`` and the TUI alike. A HAR that is gone or unreadable is left out
    with a note in the manifest; a HAR whose redacted copy still holds a secret refuses the bundle.
    """
    from .evidence.har import HarError, har_sources
    from .redact import default_known_secrets, redact_har_file

    case = store.get(case_id)
    _refuse_input_as_output(Path(out), [p for _, p in store.evidence(case.id)] + [store.path])
    results = store.latest_results(case.id)
    scanner = scanner or LeakScanner(default_known_secrets())
    attachments: dict[str, Path] = {}
    notes: list[str] = missing_for_tac(case)
    extra: dict[str, bytes] = {}
    evidence: list[dict[str, object]] = []

    def listed(name: str, kind: str, src: Path | str, used_by: Sequence[str]) -> None:
        evidence.append({"file": name, "input": kind, "source": Path(src).name, "checks": list(used_by)})

    with scratch_dir("bundle-") as tmp:  # private (0700), removed on exit, swept after a kill
        for kind, src, used_by in store.evidence_records(case.id):
            if kind != "har":
                _input_copy(kind, src, used_by, extra, notes, listed)
                continue
            used_by = used_by or ("har.analyze",)
            if not src.is_file():
                notes.append(f"HAR {src.name} was not attached: the file is no longer at {src}")
                continue
            stem = src.name.removesuffix(".gz").removesuffix(".zip").removesuffix(".har")
            try:
                several = len(har_sources(src)) > 1
                if not several:
                    name = _unique(f"evidence/{stem}", ".redacted.har", attachments)
                    redact_har_file(src, Path(tmp) / name.replace("/", "_"))
                    attachments[name] = Path(tmp) / name.replace("/", "_")
                    listed(name, kind, src, used_by)
                    continue
                # A zip of several HARs: each one redacted (shared placeholders), attached on its own.
                packed = Path(tmp) / f"{len(attachments)}-{stem}.redacted.zip"
                res = redact_har_file(src, packed)
                with zipfile.ZipFile(packed) as zf:
                    for member in res.members:
                        name = _unique(f"evidence/{stem}/{member.removesuffix('.redacted.har')}",
                                       ".redacted.har", attachments)
                        target = Path(tmp) / name.replace("/", "_")
                        with zf.open(member) as fin, target.open("wb") as fout:
                            shutil.copyfileobj(fin, fout)
                        attachments[name] = target
                        listed(name, kind, src, used_by)
            except HarError as exc:
                notes.append(f"HAR {src.name} was not attached: {exc}")
        for r in results:  # what the checks saw: log excerpts, probe transcripts, certificate chains
            for name, data in _result_evidence(r).items():
                extra[name] = data
                listed(name, "seen by the check", r.check_id, (r.check_id,))
        playbook_files, checked = _playbook_files(store, case)
        extra |= playbook_files
        from .builtin.user_exports import bundle_users_to_fix  # user CSVs: the users to fix, not the export

        users_files, users_notes = bundle_users_to_fix(
            src for kind, src in store.evidence(case.id) if kind in USER_EXPORT_INPUTS)
        extra.update(users_files)
        notes += users_notes
        for name in users_files:
            listed(name, "users to fix", name, ("users.csv",))
        path = write_bundle(case, results, out, extra=extra, scanner=scanner, attachments=attachments, notes=notes,
                            report_extra=checked, evidence=evidence)
    return ExportResult(path, len(results), tuple(attachments) + tuple(str(e["file"]) for e in evidence
                                                                      if e["file"] not in attachments), tuple(notes))


#: Inputs larger than this are listed in the manifest's notes instead of copied into the bundle.
MAX_INPUT_COPY = 20 * 1024 * 1024
#: Inputs the bundle carries as the checks' own excerpts instead (a log folder can be gigabytes).
SUMMARISED_INPUTS = {"logs": "its excerpts are in evidence/checks/{check}.txt",
                     # a user export holds every user's personal data: only the users to fix travel
                     "csv": "only the users to fix are in the bundle",
                     "users-csv": "only the users to fix are in the bundle"}
USER_EXPORT_INPUTS = ("csv", "users-csv")


def _input_copy(kind: str, src: Path, used_by: Sequence[str], extra: dict[str, bytes], notes: list[str],
                listed: Callable[[str, str, Path, Sequence[str]], None]) -> None:
    """A redacted text copy of one input file (a paste, a CSV export, a config file, a CA file)."""
    from .redact import redact_pasted_text

    if kind in SUMMARISED_INPUTS:
        checks = ", ".join(used_by) or "the check"
        notes.append(f"{src.name} ({kind}) is not copied whole; " + SUMMARISED_INPUTS[kind].format(check=checks))
        return
    if not src.is_file():
        notes.append(f"{kind} {src.name} was not attached: the file is no longer at {src}")
        return
    if src.stat().st_size > MAX_INPUT_COPY:
        notes.append(f"{kind} {src.name} was not attached: larger than {MAX_INPUT_COPY // (1024 * 1024)} MB")
        return
    text = _decode(src.read_bytes())
    if text is None:
        notes.append(f"{kind} {src.name} was not attached: not a text file")
        return
    name = _unique(f"evidence/inputs/{kind}-{Path(src.name).stem}", Path(src.name).suffix or ".txt", extra)
    extra[name] = redact_pasted_text(text).encode("utf-8")
    listed(name, kind, src, used_by)


def _decode(raw: bytes) -> str | None:
    """Text as Windows and Excel write it too (UTF-8, cp1252, UTF-16 with or without a BOM)."""
    from .evidence.textio import decode_text

    return decode_text(raw, errors="replace")


def _result_evidence(r: CheckResult) -> dict[str, bytes]:
    """One text file per check with every piece of evidence its findings carry (already redacted
    by the check), and the certificate chains it saw as PEM."""
    blocks: list[str] = []
    pem: list[str] = []
    for f in r.findings:
        for e in f.evidence:
            if e.kind == "certificate-pem":
                pem.append(e.content.strip() + "\n")
                continue
            where = f" ({e.source})" if e.source else ""
            blocks.append(f"### {f.title}\n#### {e.label}{where}\n{e.content.rstrip()}\n")
    out: dict[str, bytes] = {}
    if blocks:
        head = f"# {r.title} ({r.check_id}): {r.status.value}, started {r.started_at}\n\n"
        out[f"evidence/checks/{r.check_id}.txt"] = (head + "\n".join(blocks)).encode("utf-8")
    if pem:
        out[f"evidence/checks/{r.check_id}.chains.pem"] = "".join(dict.fromkeys(pem)).encode("utf-8")
    return out


def _refuse_input_as_output(out: Path, inputs: Sequence[Path]) -> None:
    """The bundle never replaces what it is made from (a recorded HAR, the case store)."""
    target = out.expanduser()
    for src in inputs:
        try:
            same = src.resolve() == target.resolve() or (target.exists() and src.exists()
                                                         and os.path.samefile(src, target))
        except OSError:
            continue
        if same:
            raise BundleError(f"{out}: is one of the case's inputs ({src.name}); choose another output name "
                              "(the bundle never replaces evidence)")


def _playbook_files(store: "CaseStore", case: Case) -> tuple[dict[str, bytes], list[str]]:
    """``playbooks.json`` and the report's "What was checked" lines, from the case's transcripts."""
    from .playbooks import load_playbooks
    from .playbooks.render import transcripts_markdown

    transcripts = store.transcripts(case.id)
    if not transcripts:
        return {}, []
    books = load_playbooks().playbooks
    pairs = [(books[t.playbook_id], t) for t in transcripts if t.playbook_id in books]
    doc = {"case_id": case.id, "playbooks": [
        t.to_dict() | ({"title": str(books[t.playbook_id].title)} if t.playbook_id in books else {})
        for t in transcripts]}
    return {"playbooks.json": _json_bytes(doc)}, transcripts_markdown(pairs)


def _unique(base: str, suffix: str, taken: Mapping[str, Any]) -> str:
    """``base + suffix``, or ``base-2 + suffix`` … when that name is already in the bundle."""
    name, n = base + suffix, 2
    while name in taken:
        name, n = f"{base}-{n}{suffix}", n + 1
    return name


def verify_bundle(path: Path | str) -> list[str]:
    """Problems found when checking a bundle's manifest checksums (empty list: all good)."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist()) - {"manifest.json"}
        for name, meta in manifest["files"].items():
            if name not in names:
                problems.append(f"{name}: listed in the manifest but missing")
                continue
            if hashlib.sha256(zf.read(name)).hexdigest() != meta["sha256"]:
                problems.append(f"{name}: checksum does not match the manifest")
        problems += [f"{n}: in the zip but not in the manifest" for n in sorted(names - set(manifest["files"]))]
    return problems
