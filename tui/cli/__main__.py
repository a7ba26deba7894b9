"""``python -m tui.cli`` runs the ``wxtriage`` command (same arguments, same exit codes)."""
import sys

from tui.cli import main

sys.exit(main())
