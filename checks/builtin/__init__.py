"""Built-in checks, one module per check, registered via the ``wxtriage.checks`` entry points."""
