"""Skip reasons and input errors in a screen's words (checks.api.in_words): flags become the
labels of the form's fields, and the run's needs (a cluster, a case) are said as a screen asks."""
from __future__ import annotations

import pytest

from checks.api import NEED_DESCRIPTIONS, NEED_SCREEN_WORDS, Check, CheckContext, CheckOption, in_words

OPTIONS = (CheckOption("har", "the HAR file", kind="path", label="HAR capture"),
           CheckOption("xsi-actions", "Xsi-Actions URL", label="Xsi-Actions URL"))


class _NeedsBoth(Check):
    id, title, area, needs = "t.needs", "needs", "connectivity", ("cluster", "case")


def test_every_need_has_screen_words_without_flags() -> None:
    assert set(NEED_SCREEN_WORDS) == set(NEED_DESCRIPTIONS)
    assert not any("--" in words for words in NEED_SCREEN_WORDS.values())


@pytest.mark.parametrize("needs", [("cluster",), ("case",), ("cluster", "case")])
def test_a_skip_reason_for_missing_needs_names_no_flag_on_screen(needs: tuple[str, ...]) -> None:
    check = type("C", (_NeedsBoth,), {"needs": needs})()
    reason = check.applies(CheckContext())
    assert reason is not None and "--" in reason  # the CLI keeps its flags
    shown = in_words(reason, OPTIONS)
    assert "--" not in shown, shown
    for need in needs:
        assert NEED_SCREEN_WORDS[need] in shown


def test_flags_become_labels_and_unknown_flags_stay() -> None:
    text = "needs --har FILE; add it with `wxtriage har FILE` or --xsi-actions URL; --made-up stays"
    shown = in_words(text, OPTIONS)
    assert "“HAR capture”" in shown and "“Xsi-Actions URL”" in shown
    assert "wxtriage har" not in shown and "--made-up" in shown
