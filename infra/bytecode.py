"""Compiled bytecode in the deployment zip: Lambda's /var/task is read-only, so without it every cold start
compiles every module it imports (bench/cold_start.py measures the difference).

The `.pyc` files use unchecked hashes (PEP 552): Python loads them without looking at the source's mtime,
which a zip does not keep reliably, and without hashing the source at each import. They are only valid for
the Python the runtime runs, so they are compiled only when this interpreter is that version.
"""

from __future__ import annotations

import importlib.util
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath


def this_runtime() -> str:
    """The Lambda runtime name of the running interpreter (Chalice packages for it): e.g. python3.11."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def pyc_name(source: str) -> str:
    """Where the import system looks for the bytecode of `source` (a path inside the zip)."""
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc")


def add_bytecode(zip_path: Path, runtime: str) -> int:
    """Adds a `.pyc` beside every `.py` in the zip, for `runtime`; returns how many (0: the versions differ)."""
    if runtime != this_runtime():
        return 0
    with tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(zip_path) as original:
        rebuilt = Path(scratch) / "deployment.zip"
        compiled = 0
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out:
            for info in original.infolist():
                if info.filename.endswith(".pyc"):  # a stale cache of the work tree's: never ship two for one name
                    continue
                data = original.read(info)
                out.writestr(info, data)
                if info.filename.endswith(".py") and not info.is_dir():
                    pyc = zipfile.ZipInfo(pyc_name(info.filename), date_time=info.date_time)
                    pyc.external_attr = 0o644 << 16
                    out.writestr(pyc, _compiled(data, info.filename, Path(scratch)), zipfile.ZIP_DEFLATED)
                    compiled += 1
        rebuilt.replace(zip_path)
    return compiled


def _compiled(source: bytes, name: str, scratch: Path) -> bytes:
    src, cfile = scratch / "module.py", scratch / "module.pyc"
    src.write_bytes(source)
    py_compile.compile(
        str(src),
        cfile=str(cfile),
        dfile=name,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    data = cfile.read_bytes()
    assert data[:4] == importlib.util.MAGIC_NUMBER
    return data
