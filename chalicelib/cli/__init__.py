"""Command lines, one per tool: `python -m chalicelib.cli.admin`, `…cli.directory`, `…cli.reputation`.
Each takes its services (clock, table) as a parameter, so tests pass theirs.
"""
