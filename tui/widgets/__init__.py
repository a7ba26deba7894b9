"""Small widgets the screens compose (no domain rules here: they render what they are given)."""
from .scroll import MORE_BELOW, HintedOptionList, HintedScroll, MoreBelow

__all__ = ["MORE_BELOW", "HintedOptionList", "HintedScroll", "MoreBelow"]
