"""The sandbox tests' fixtures."""
import os
import tempfile

import pytest

from grader.runner import isolation_level


@pytest.fixture
def work_base(monkeypatch):
    """Throw-away folders go to a folder of this test's, so the test can see them removed."""
    base = tempfile.mkdtemp(prefix="sandbox-test-", dir="/tmp")
    os.chmod(base, 0o755)
    monkeypatch.setattr(tempfile, "tempdir", base)
    yield base
    assert os.listdir(base) == [], "run_student left its working folder behind"
    os.rmdir(base)


@pytest.fixture
def walled():
    """Skips a test of sessions (and kept processes) where runs get no namespaces."""
    if isolation_level() not in ("namespaces", "userns"):
        pytest.skip("sessions exist only where runs get namespaces")
