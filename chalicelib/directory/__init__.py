"""The target directory: who a supporter from a given country writes to, for each target set.

Runtime code reads the CSV files in chalicelib/data/ (index.py), with organisers' corrections from DynamoDB
(overrides.py); the organiser's tools (validate, import, coverage, export, health, override, verify, stale) live
beside it and run as `python -m chalicelib.cli.directory`
(chalicelib/cli/directory.py). Entry: `index.Directory`.
"""

from chalicelib.directory.index import Directory, Overrides, apply_override, default_directory, lookup_key
from chalicelib.directory.records import DATA_DIR, DIRECTORY_SETS, UN_LANGUAGES, Country, Target

__all__ = [
    "DATA_DIR",
    "DIRECTORY_SETS",
    "UN_LANGUAGES",
    "Country",
    "Directory",
    "Overrides",
    "Target",
    "apply_override",
    "default_directory",
    "lookup_key",
]
