"""The footer keeps one order of keys as the focus moves (issue 14, point 10)."""
from __future__ import annotations

from textual.widgets import Input

from tui.demo import DEMO_CASE_ID, demo_app


def _shown(screen) -> list[str]:
    return [ab.binding.key for ab in screen.active_bindings.values() if ab.binding.show]


async def test_checks_footer_order_does_not_follow_the_focus(tmp_path):
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case(DEMO_CASE_ID)
        app.action_checks()
        await pilot.pause()
        screen = app.screen
        orders = []
        for _ in range(8):  # through inputs, the tree, the buttons
            orders.append((type(screen.focused).__name__, _shown(screen)))
            await pilot.press("tab")
            await pilot.pause()
        assert any(kind == "Input" for kind, _ in orders) and any(kind != "Input" for kind, _ in orders)
        screen_keys = [k for k in ("ctrl+r", "ctrl+x", "ctrl+b", "escape")]
        for kind, keys in orders:
            mine = [k for k in keys if k in screen_keys]
            assert mine == [k for k in screen_keys if k in mine], (kind, keys)
            assert keys.index("ctrl+r") < keys.index("ctrl+x"), (kind, keys)
        assert isinstance(screen.query(Input).first(), Input)
