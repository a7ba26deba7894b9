"""Test-user credentials: keyring store, CLI, no-keyring message, in-memory prompt, known_secrets."""
from __future__ import annotations

import io

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from checks import credentials
from tests.helpers import wxtriage
from tui.cli import main


def test_set_list_delete_in_process(memory_keyring, monkeypatch, capsys):
    typed = iter(["S3cret-pass", "S3cret-pass"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["credentials", "set", "bob@example.com"]) == 0
    assert memory_keyring.store[("wxtriage", "bob@example.com")] == "S3cret-pass"
    assert main(["credentials", "list"]) == 0
    out = capsys.readouterr().out
    assert "bob@example.com" in out and "S3cret-pass" not in out
    assert "S3cret-pass" in credentials.known_secrets()
    assert main(["credentials", "delete", "bob@example.com"]) == 0
    assert ("wxtriage", "bob@example.com") not in memory_keyring.store
    assert main(["credentials", "delete", "bob@example.com"]) == 1
    assert "no password stored" in capsys.readouterr().err


def test_set_reads_stdin_only_with_flag_and_rejects_mismatch(memory_keyring, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("from-stdin-pw\n"))
    assert main(["credentials", "set", "amy@example.com", "--stdin"]) == 0
    assert memory_keyring.store[("wxtriage", "amy@example.com")] == "from-stdin-pw"
    typed = iter(["one-password", "another-one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["credentials", "set", "amy@example.com"]) == 2
    assert "differ" in capsys.readouterr().err
    assert memory_keyring.store[("wxtriage", "amy@example.com")] == "from-stdin-pw"


def test_no_keyring_backend_says_what_to_do(capsys, monkeypatch):
    keyring.set_keyring(FailKeyring())
    monkeypatch.setattr("sys.stdin", io.StringIO("pw-123456\n"))
    assert main(["credentials", "set", "bob@example.com", "--stdin"]) == 2
    err = capsys.readouterr().err
    assert "no usable keyring backend" in err and "--ask-password" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(credentials.CredentialsUnavailable):
        credentials.get_password("bob@example.com")
    # The documented alternative: a prompt, kept in memory only.
    assert credentials.get_password("bob@example.com", prompt=lambda u: "typed-pw-1") == "typed-pw-1"
    assert credentials.get_password("bob@example.com") == "typed-pw-1"
    assert "typed-pw-1" in credentials.known_secrets()


def test_password_never_accepted_on_argv(tmp_path):
    r = wxtriage("credentials", "set", "bob@example.com", "hunter2-password", home=tmp_path)
    assert r.code == 2 and "unrecognized arguments" in r.err


def test_cli_without_keyring_backend_is_one_line(tmp_path):
    # The subprocess has no in-memory keyring: on this headless machine the real default applies.
    r = wxtriage("credentials", "set", "bob@example.com", "--stdin", home=tmp_path, input="pw-123456\n",
                 process=True)
    if r.code == 0:
        wxtriage("credentials", "delete", "bob@example.com", home=tmp_path, process=True)
        pytest.skip("this machine has a working keyring backend")
    assert r.code == 2 and "keyring" in r.err and "Traceback" not in r.err


async def test_ask_password_prompts_once_and_keeps_it_in_memory(monkeypatch):
    import trustme

    from checks.api import CheckContext, Services
    from checks.builtin.cluster_connectivity import ClusterConnectivityCheck
    from checks.inventory import Cluster
    from checks.probes import Prober, ProbeSettings
    from checks.runner import run_one
    from tests.tls_servers import HOST, XSI_ROUTES, Route, TlsServer, leaf_spec

    keyring.set_keyring(FailKeyring())
    asked = []
    monkeypatch.setattr(credentials, "getpass_prompt", lambda user: asked.append(user) or "Typed-Pass-9")
    ca = trustme.CA()
    routes = dict(XSI_ROUTES)
    routes["/com.broadsoft.xsi-actions/v2.0/user/bob@example.com/profile"] = Route(200, basic=("bob@example.com", "Typed-Pass-9"))
    with ca.cert_pem.tempfile() as trust, TlsServer(leaf_spec(ca.issue_cert(HOST), routes=routes)) as srv:
        cluster = Cluster(name="t", xsi_actions=f"https://{HOST}:{srv.port}/com.broadsoft.xsi-actions/v2.0/")
        ctx = CheckContext(cluster=cluster, options={"test_user": "bob@example.com", "ask_password": True},
                           services=Services(prober=Prober(ProbeSettings(timeout=10, cafile=trust),  # a busy CI machine
                                                           pins={(HOST, srv.port): ("127.0.0.1",)})))
        res = await run_one(ClusterConnectivityCheck, ctx)
    assert "conn.auth.ok" in [f.code for f in res.findings], res.findings
    assert asked == ["bob@example.com"]


def test_ask_password_without_test_user_is_bad_input(wxtriage_home):
    # Silently ignoring it would leave the admin believing an authenticated probe ran.
    r = wxtriage("run", "--check", "cluster.connectivity", "--ask-password",
                 "--xsi-actions", "https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/", home=wxtriage_home)
    assert r.code == 2 and r.err.strip() == (
        "wxtriage: error: --ask-password only works together with --test-user USERID: "
        "add --test-user or drop --ask-password")


def test_set_with_stdin_ending_before_the_prompt_is_answered_is_one_line(memory_keyring, monkeypatch, capsys):
    # `echo pw | wxtriage credentials set USER` (no --stdin, no terminal): getpass falls back to stdin,
    # reads the first line and hits the end for "Again:" — bad input, not an EOFError traceback.
    answers = iter(["pw-from-a-pipe"])

    def fake_getpass(prompt=""):
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert main(["credentials", "set", "bob@example.com"]) == 2
    err = capsys.readouterr().err
    assert "--stdin" in err and "nothing stored" in err and len(err.strip().splitlines()) == 1
    assert ("wxtriage", "bob@example.com") not in memory_keyring.store


def test_cli_set_piped_without_stdin_flag_never_tracebacks(tmp_path):
    # A real process: getpass without a terminal falls back to the piped stdin.
    r = wxtriage("credentials", "set", "bob@example.com", home=tmp_path, input="pw-123456\n", process=True)
    assert r.code == 2 and "Traceback" not in r.err and "--stdin" in r.err


async def test_ask_password_without_a_terminal_is_a_finding_not_a_crash(monkeypatch):
    from checks.api import CheckContext, Services
    from checks.builtin.cluster_connectivity import ClusterConnectivityCheck
    from checks.inventory import Cluster
    from checks.probes import Prober, ProbeSettings
    from checks.model import Status
    from checks.runner import run_one
    from tests.tls_servers import HOST, XSI_ROUTES, TlsServer, leaf_spec
    import trustme

    keyring.set_keyring(FailKeyring())

    def no_terminal(prompt=""):
        raise EOFError

    monkeypatch.setattr("getpass.getpass", no_terminal)
    ca = trustme.CA()
    with ca.cert_pem.tempfile() as trust, TlsServer(leaf_spec(ca.issue_cert(HOST), routes=dict(XSI_ROUTES))) as srv:
        cluster = Cluster(name="t", xsi_actions=f"https://{HOST}:{srv.port}/com.broadsoft.xsi-actions/v2.0/")
        ctx = CheckContext(cluster=cluster, options={"test_user": "bob@example.com", "ask_password": True},
                           services=Services(prober=Prober(ProbeSettings(timeout=10, cafile=trust),  # a busy CI machine
                                                           pins={(HOST, srv.port): ("127.0.0.1",)})))
        res = await run_one(ClusterConnectivityCheck, ctx)
    assert res.status is not Status.ERROR, res.reason
    f = next(f for f in res.findings if f.code == "conn.auth.no_password")
    assert "needs a terminal" in f.detail
