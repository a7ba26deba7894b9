"""Small widgets the screens compose (no domain rules here: they render what they are given)."""
from .hanging import HangingList, Row
from .scroll import MORE_BELOW, HintedOptionList, HintedScroll, MoreBelow

__all__ = ["MORE_BELOW", "HangingList", "HintedOptionList", "HintedScroll", "MoreBelow", "Row"]
