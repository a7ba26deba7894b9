"""Secrets never leave the machine and never reach the case store: planted values × output paths.

Each test plants distinctive secrets in one input (a check's evidence, a case field, a bad path)
and checks one output (the runner's results, the case store file, the CLI's lines, its errors).
"""
from __future__ import annotations

import json
from pathlib import Path

from checks import credentials
from checks.api import Check, CheckContext
from checks.model import Evidence, Finding, Severity, Status

from checks.redact import Redactor
from checks.runner import run_checks
from checks.store import CaseStore

KEYRING_PW = "S3CRET-KRpw-4471"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTM0NSRVQtSldUIn0.S3CRETjwtSig123"
BEARER = "S3CRETbearer9988xyz"
URL_PW = "S3CRET-URLpw"


def _store_bytes(store: CaseStore) -> bytes:
    """The case store and its WAL / shared-memory files, as they sit on disk."""
    return b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))


class QuotesSecrets(Check):
    """A check that quotes an input line without redacting it (what a plugin might do)."""

    id, title, area = "t.quotes", "quotes", "client-logs"

    async def run(self, ctx):
        line = (f"Xsi 401 password {KEYRING_PW} Authorization: Bearer {BEARER} "
                f"https://admin:{URL_PW}@xsp.example.com/?access_token=S3CRET-qtok-1")
        return [Finding("t.q", Severity.ERROR, "quoted", detail=line, evidence=(Evidence("line", line),),
                        data={"lines": (line,), "url": f"https://xsp.example.com/?token=S3CRET-qtok-2"})]


class CrashesWithUrl(Check):
    id, title, area = "t.crash", "crash", "connectivity"

    async def run(self, ctx):
        raise RuntimeError(f"cannot reach https://admin:{URL_PW}@xsp.example.com/ ({JWT})")


def _has_planted(text: str) -> list[str]:
    return [s for s in (KEYRING_PW, BEARER, URL_PW, "S3CRET-qtok", "S3CRETjwtSig") if s in text]


async def test_runner_redacts_what_a_check_missed_and_names_stored_passwords():
    credentials.set_password("testuser@example.com", KEYRING_PW)
    r1, r2 = await run_checks([QuotesSecrets, CrashesWithUrl], CheckContext())
    assert r2.status is Status.ERROR and not _has_planted(r2.reason) and "xsp.example.com" in r2.reason
    doc = json.dumps(r1.to_dict())
    assert not _has_planted(doc), doc
    assert "<redacted:stored-password:1>" in r1.findings[0].evidence[0].content
    assert isinstance(r1.findings[0].data["lines"], tuple)  # containers keep their types


def test_placeholders_of_a_check_keep_their_meaning():
    # The check's own redactor already said <redacted:secret:1> for one value; a second pass must not
    # give the same placeholder to another value.
    f = Finding("t.x", Severity.INFO, "x", detail="a=<redacted:secret:1> b password=S3CRET-other-9")
    from checks.model import CheckResult
    from checks.redact import redact_result
    out = redact_result(CheckResult("t.x", "x", "urls", Status.PASS, (f,)), Redactor())
    assert "password=<redacted:secret:2>" in out.findings[0].detail


def test_case_store_never_keeps_a_keyring_password_or_a_token_from_a_result(tmp_path):
    credentials.set_password("testuser@example.com", KEYRING_PW)
    from checks.case import Case
    from checks.model import CheckResult
    store = CaseStore()
    case = store.save(Case.create(description=f"my own words; typed the test password {KEYRING_PW} by mistake"))
    store.save_draft(case.id, "org_id", f"oops {KEYRING_PW}")
    f = Finding("t.q", Severity.ERROR, "q", evidence=(Evidence("url", "https://x/?access_token=S3CRET-qtok-3"),))
    store.add_results(case.id, [CheckResult("t.q", "q", "urls", Status.FAIL, (f,))])
    blob = _store_bytes(store)
    assert KEYRING_PW.encode() not in blob and b"S3CRET-qtok-3" not in blob
    assert b"my own words" in blob  # the user's own description stays as typed


def test_case_list_is_redacted_in_text_and_json(capsys):
    from tui.cli import main
    desc = f"Bearer {BEARER} {JWT}"
    assert main(["case", "new", "--description", desc]) == 0
    capsys.readouterr()
    for argv in (["case", "list"], ["case", "list", "--json"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert not _has_planted(out) and "<redacted:" in out, out


def test_case_show_replaces_a_stored_password_instead_of_refusing(capsys):
    from tui.cli import main
    assert main(["case", "new", "--description", f"pw {KEYRING_PW}"]) == 0
    case_id = capsys.readouterr().out.split()[-1]
    credentials.set_password("testuser@example.com", KEYRING_PW)  # stored after the case was saved
    assert main(["case", "show", case_id]) == 0
    out = capsys.readouterr().out
    assert KEYRING_PW not in out and "<redacted:stored-password:1>" in out


def test_error_lines_never_echo_credentials(capsys, tmp_path):
    from tui.cli import main
    bad = [
        ["har", f"https://admin:{URL_PW}@xsp.example.com/cap.har"],  # a URL where a file was expected
        ["run", "--area", "urls", "--inventory", f"/nope/https://admin:{URL_PW}@x/inv.toml"],
        ["bundle", "--case", "x", "-o", f"/nope/https://admin:{URL_PW}@x/b.zip"],
        ["run", "--area", "urls", "--xsi-actions", "https://x/", "--auth-mode", f"https://admin:{URL_PW}@x"],
        ["case", "new", "--email", f"Bearer {BEARER}"],
    ]
    for argv in bad:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code
        err = capsys.readouterr().err
        assert code == 2 and err and not _has_planted(err), (argv, err)


# -- pasted BroadWorks output ---------------------------------------------------------------------

LIST_PASTE = """AS_CLI> listUser
  User Id               Password            Last Name
  ============================================================
  bob@example.com       S3CRET-BWpw-tbl3    Smith
  amy@example.com                           Jones
[bwadmin@as1 ~]$ listPatch.pl
Patch Name                                  State
==================================================
AP.as.23.0.1075.ap368814                    installed
"""


def test_password_column_and_passcode_of_pasted_cli_output_are_redacted():
    r = Redactor()
    out = r.redact_text(LIST_PASTE + "  passcode: S3CRET-BWpw-pc2\n")
    assert "S3CRET" not in out
    assert "bob@example.com       <redacted:secret:2>    Smith" in out
    assert "AP.as.23.0.1075.ap368814                    installed" in out  # a State column is data
    assert "[bwadmin@as1 ~]$ listPatch.pl" in out


# -- the terminal UI ------------------------------------------------------------------------------

async def test_tui_never_shows_or_saves_planted_secrets(tmp_path: Path):
    from textual.widgets import Input, Label, TextArea

    from tests.tui_helpers import wait_for_run
    from tui.app import make_app
    from tui.screens.paste import PasteStepsScreen

    inv = tmp_path / "inv.toml"
    inv.write_text('[[cluster]]\nname = "east"\n'
                   f'xsi_actions = "https://admin:{URL_PW}@xsp.example.com/com.broadsoft.xsi-actions/v2.0/"\n'
                   'auth_service = "https://xsp.example.com/authService/v2.0/?access_token=S3CRET-qtok-4"\n',
                   encoding="utf-8")
    credentials.set_password("testuser@example.com", KEYRING_PW)
    app = make_app(store_path=tmp_path / "ws" / "cases.sqlite3", inventory_path=inv)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("escape", "n")  # leave the symptom search, then: new case
        await pilot.pause()
        # A field's validation message quotes what was typed: never a stored password.
        app.screen.query_one("#f-org_id", Input).value = KEYRING_PW
        await pilot.pause()
        assert KEYRING_PW not in str(app.screen.query_one("#e-org_id", Label).render())
        app.notify(f"bad value https://admin:{URL_PW}@x/")
        assert not _has_planted(" ".join(n.message for n in app._notifications))
        # Inventory URLs are shown without their password and token, and still checked as they are.
        app.action_checks(check_ids=("xsp.urls",))
        await pilot.pause()
        shown = " ".join(i.value for i in app.screen.query(Input))
        assert not _has_planted(shown) and "xsp.example.com" in shown
        await pilot.click("#run")
        assert (await wait_for_run(pilot)).startswith("done")
        codes = {f.code for r in app.store.latest_results(app.case.id) for f in r.findings}
        assert {"url.credentials_in_url", "url.query_or_fragment"} <= codes
        assert not _has_planted(app.export_screenshot())
        app.pop_screen()
        # A paste is kept on disk without its passwords.
        app.action_paste_steps(("bw.blf",))
        await pilot.pause()
        assert isinstance(app.screen, PasteStepsScreen)
        app.screen.query_one("#p-as_patches", TextArea).load_text(LIST_PASTE)
        saved = Path(app.store.path).parent / "pastes" / app.case.id / "as_patches.txt"
        await wait_for_run(pilot)  # the paste is saved when its re-run reads it
        assert saved.exists() and "S3CRET" not in saved.read_text() and "ap368814" in saved.read_text()
    assert KEYRING_PW.encode() not in _store_bytes(app.store)


def test_inventory_json_never_prints_url_credentials(tmp_path, capsys):
    from tui.cli import main
    inv = tmp_path / "inv.toml"
    inv.write_text('[[cluster]]\nname = "east"\n'
                   f'xsi_actions = "https://admin:{URL_PW}@xsp.example.com/com.broadsoft.xsi-actions/v2.0/"\n'
                   'dms = "https://dms.example.com/dms/?access_token=S3CRET-qtok-5"\n', encoding="utf-8")
    assert main(["inventory", "--inventory", str(inv), "--json"]) == 0
    out = capsys.readouterr().out
    assert not _has_planted(out) and "xsp.example.com" in out and json.loads(out)["clusters"][0]["name"] == "east"


async def test_tui_har_error_line_never_echoes_url_credentials(tmp_path: Path):
    from tests.tui_helpers import har_status
    from tui.demo import demo_app
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.action_har(f"https://admin:{URL_PW}@xsp.example.com/cap.har")  # a URL where a file belongs
        status = await har_status(pilot)
        assert "cap.har" in status
        assert URL_PW not in status and "<redacted:" in status
