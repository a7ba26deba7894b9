"""The facts issue 16 found mis-attributed stay out of seed-only rules (point 6).

The citation test (test_sources.py) checks identifiers; these sentences have none, so each is
guarded here: a table that states one needs a `pub:<document>` or `inf` part in its source, or
must not state it at all.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from checks.sources import parse_source, sourced_tables, texts_of

REPO = Path(__file__).resolve().parent.parent
FILES = sorted((REPO / "checks" / "catalog").glob("*.toml")) + sorted((REPO / "checks" / "playbooks").glob("*.toml"))


def tables() -> list[tuple[str, dict]]:
    out = []
    for path in FILES:
        for where, table in sourced_tables(tomllib.loads(path.read_text(encoding="utf-8"))):
            out.append((f"{path.name}: {where}", table))
    return out


def seed_only(table: dict) -> bool:
    return all(p.is_seed for p in parse_source(table["source"]))


def text(table: dict) -> str:
    return " ".join(texts_of(table))


# Claims the seeds do not make: they may appear only with a pub/inf part in the source.
NOT_IN_SEEDS = [
    r"desktop share", r"remote party caller", r"answer button (fails|does not work|stops)", r"updateTrust", r"clientAuthReq",
    r"exportKeys", r"importKeys", r"ContainerOptions", r"session .{0,40}stops? .{0,40}token",
    r"\b404\b[^.]{0,30}\bmeans\b", r"usually the application name", r"domain must be verified", r"signs? BroadWorks tokens",
]


@pytest.mark.parametrize("pattern", NOT_IN_SEEDS)
def test_claims_the_seeds_do_not_make_are_tagged_pub_or_inf(pattern: str) -> None:
    rx = re.compile(pattern, re.IGNORECASE)
    wrong = [where for where, t in tables() if rx.search(text(t)) and seed_only(t)]
    assert not wrong, f"{pattern!r} stated under a seed-only source in {wrong}"


@pytest.mark.parametrize("pattern, why", [
    (r"who should pick up", "the seed says all users (004:750), not only those who pick up"),
    (r"(?<!may )\bnot enabled for calling\b(?!.{0,30}\byet\b)", "the seed says the user may not be enabled yet (004:1124)"),
    (r"supports the current and two previous", "N-2 is the BroadWorks server lifecycle policy (004:1174), not Webex's support"),
])
def test_rewordings_stay(pattern: str, why: str) -> None:
    rx = re.compile(pattern, re.IGNORECASE)
    found = [where for where, t in tables() if rx.search(text(t))]
    assert not found, f"{why}: {found}"


def test_the_guard_sees_the_tables_it_guards() -> None:
    # A walk that found nothing would make the tests above pass vacuously.
    found = {where for where, t in tables() if re.search(r"clientAuthReq", text(t))}
    assert len(found) >= 3 and all(not seed_only(t) for w, t in tables() if w in found)
