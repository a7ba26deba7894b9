"""Parsers for evidence admins paste or save (BroadWorks CLI output, logs, exports)."""
