"""``python -m tui.cli`` runs the ``wxtriage`` command (same arguments, same exit codes; without
arguments it starts the terminal UI, through ``tui.launch`` like the console script)."""
import sys

from tui.launch import main

sys.exit(main())
