"""Imports a folder of exercise files (exercises/ or solutions/) without mixing it with the other.

Both folders use the same module names (ex01_activations, ...), and solution files import each
other by those names, so each load puts its folder first on sys.path and clears the names after.
"""
import importlib
import sys
from contextlib import contextmanager
from pathlib import Path

from grader.catalog import COURSE_ROOT, load_catalog


@contextmanager
def exercise_modules(folder):
    """Yields {module name: module} for every catalog exercise in COURSE_ROOT/folder."""
    names = [e.module for e in load_catalog()]
    path = str(Path(COURSE_ROOT, folder))
    saved = {n: sys.modules.pop(n) for n in names if n in sys.modules}
    sys.path.insert(0, path)
    try:
        yield {n: importlib.import_module(n) for n in names}
    finally:
        sys.path.remove(path)
        for n in names:
            sys.modules.pop(n, None)
        sys.modules.update(saved)
