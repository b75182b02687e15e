"""`python -m chalicelib.directory <command>`: the organiser's directory tools (see cli.py)."""
import sys

from .cli import main

sys.exit(main())
