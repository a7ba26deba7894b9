"""Guided playbooks: symptom-first checklists as engine data (see ``docs/playbooks.md``)."""
from __future__ import annotations

from .loader import PlaybookSet, load_folder, load_playbooks
from .model import APPLIES_TO, EVIDENCE_KINDS, KINDS, TAC_ITEMS, Choice, LText, Outcome, Playbook, PlaybookError, Step
from .schema import parse_playbook
from .search import Explanation, Match, explain, rank
from .tac import TacItem, tac_items
from .walk import (Transcript, StepRecord, Walk, checklist, outcome_matches, result_summary,
                   transcript_lines)

__all__ = ["APPLIES_TO", "EVIDENCE_KINDS", "KINDS", "TAC_ITEMS", "Choice", "Explanation", "LText", "Match",
           "Outcome", "Playbook", "PlaybookError", "PlaybookSet", "Step", "StepRecord", "TacItem", "Transcript",
           "Walk", "checklist", "explain", "load_folder", "load_playbooks", "outcome_matches", "parse_playbook",
           "rank", "result_summary", "tac_items", "transcript_lines"]
