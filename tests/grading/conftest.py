"""Fixtures for grading whole student folders built from the course's own solutions and stubs."""
import shutil

import pytest

from grader.catalog import COURSE_ROOT


@pytest.fixture
def solved(tmp_path):
    """A student folder holding every solution: full marks, until a test edits a file."""
    folder = tmp_path / "student"
    shutil.copytree(COURSE_ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__", ".grade*"))
    return folder

