"""Every function that applies a regular expression to user input, on 100 KB shaped against it
(issue 13, point 9). No timing is asserted here (benchmarks/adversarial.py reports the ratios);
the test proves every shape is handled without an exception other than the documented input
errors, and keeps the whole corpus in CI: a quadratic rule shows as minutes, not milliseconds."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import adversarial  # noqa: E402

FUNCTIONS = adversarial._functions()


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_shape_at_100_kb(name):
    fn = FUNCTIONS[name]
    for shape, make in adversarial.SHAPES.items():
        fn(make(100 * 1024))


def test_linear_rules_still_find_what_they_are_for():
    from checks.evidence.bwcli import parse_bwar_name, parse_custom_tags
    from checks.redact import Redactor

    assert parse_bwar_name("x Xsi-Actions-23 _ 2022.01 _ 1.200.bwar y").app == "Xsi-Actions"
    assert parse_custom_tags("%ENABLE_BUSY_LAMP_FIELD_WXT%   true\n") == {"ENABLE_BUSY_LAMP_FIELD_WXT": "true"}
    out = Redactor().redact_text("a-" * 5000 + " https://u:Pw-1234567@h/ token=abcd1234efgh")
    assert "Pw-1234567" not in out and "abcd1234efgh" not in out
