"""wxtriage front-ends: the Textual app (``tui.app``) and the headless CLI (``tui.cli``).

Importing this package must not import Textual; only ``tui.app`` and its screens do.
"""
