"""Subcommands of `doj-speeches`, one module per area; each exposes `register(group)`."""
