"""Playbooks shipped by a plugin distribution: found through the ``wxtriage.playbooks`` entry point
of a real installed-looking distribution (a dist-info folder on sys.path), searched and walked like
the built-in ones; a broken plugin is reported and left out, never fatal."""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from checks.playbooks import Walk, load_playbooks, rank
from tui.cli import main

PLAYBOOK = '''
id = "{id}"
title = "Softphone shows a red banner after the upgrade"
symptoms = ["red banner", "banner after upgrade"]
codes = ["ACME-77"]
applies_to = ["webex-for-broadworks"]
source = "inf"

[[steps]]
id = "banner"
kind = "ask"
title = "Is the banner red?"
source = "inf"

[[steps]]
id = "verdict-banner"
kind = "verdict"
title = "Restart the client"
fix = ["Quit the client and start it again."]
source = "inf"
'''


def _distribution(root: Path, package: str, files: dict[str, str]) -> None:
    pkg = root / package
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    info = root / f"{package}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[wxtriage.playbooks]\n{package} = {package}\n", encoding="utf-8")


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("acme_")]:
        del sys.modules[name]


def test_a_plugin_playbook_is_found_searched_and_walked(plugin_path: Path):
    _distribution(plugin_path, "acme_banner", {"red-banner.toml": PLAYBOOK.format(id="acme-red-banner")})
    books = load_playbooks()
    assert not books.failures
    book = books.get("acme-red-banner")
    assert book.steps[-1].shared  # the shared before-you-escalate steps are appended to plugins too
    assert rank(books.all(), "red banner")[0].playbook.id == "acme-red-banner"
    assert rank(books.all(), "ACME-77")[0].playbook.id == "acme-red-banner"
    walk = Walk(book)
    walk.answer("yes")
    assert walk.current.id == "verdict-banner"


def test_the_cli_lists_plugin_playbooks(plugin_path: Path, capsys):
    _distribution(plugin_path, "acme_cli", {"red-banner.toml": PLAYBOOK.format(id="acme-cli-banner")})
    assert main(["guide", "list", "--json"]) == 0
    ids = [b["id"] for b in json.loads(capsys.readouterr().out)["playbooks"]]
    assert "acme-cli-banner" in ids and "phone-services-disconnected" in ids


@pytest.mark.parametrize("files, problem", [
    ({"broken.toml": 'id = "x"\ntitle = [\n'}, "not valid TOML"),
    ({"bad.toml": PLAYBOOK.format(id="acme-bad").replace('source = "inf"\n\n[[steps]]\nid = "verdict', 'source = "S9"\n\n[[steps]]\nid = "verdict', 1)},
     "S9"),
    ({"dup.toml": PLAYBOOK.format(id="phone-services-disconnected")}, "already used"),
])
def test_a_broken_plugin_is_reported_and_left_out(plugin_path: Path, files, problem):
    _distribution(plugin_path, "acme_broken", files)
    books = load_playbooks()
    assert any(problem in f for f in books.failures), books.failures
    assert len(books.all()) >= 6 and books.get("phone-services-disconnected").origin.startswith("checks/playbooks")
