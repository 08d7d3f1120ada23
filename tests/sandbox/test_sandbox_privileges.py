"""What the student's process may touch: files, environment, identity (root), and the weaker
mode of a normal user (exercised here by a forked test process that gives up root first)."""
import os
import shutil
import tempfile
import textwrap
import time

import numpy as np
import pytest

from grader.runner import Call, run_student
from normal_user import become_normal_user
from sandbox_students import in_a_child

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="privilege separation needs root")


@pytest.fixture
def shared_dir():
    """A root-owned 0o755 folder in /tmp that any user can reach (pytest's tmp_path cannot be)."""
    folder = tempfile.mkdtemp(prefix="sandbox-perm-", dir="/tmp")
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def student(folder, text, name="ex06_output_layer.py"):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    return path


PROBES = """
import os

def write(path):
    try:
        with open(path, "w") as f:
            f.write("pwned")
        return "written"
    except OSError as exc:
        return type(exc).__name__

def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as exc:
        return type(exc).__name__

def identity():
    return os.getuid(), os.geteuid(), os.getgid(), os.getgroups(), os.getcwd()

def environment():
    return dict(os.environ)

def write_here():
    with open("scratch.txt", "w") as f:
        f.write("ok")
    return os.path.abspath("scratch.txt")
"""


@needs_root
def test_student_cannot_write_into_a_root_folder_or_read_a_private_file(shared_dir, tmp_path):
    secret = os.path.join(shared_dir, "secret.txt")
    with open(secret, "w") as f:
        f.write("the answers")
    os.chmod(secret, 0o600)
    target = os.path.join(shared_dir, "planted.py")
    path = student(shared_dir, PROBES)
    out = run_student(path, "ex06_output_layer", [
        Call("write", (target,)), Call("read", (secret,)), Call("identity"), Call("write_here"),
    ])
    assert out.status == "ok", out.reason
    # Not there at all in the clean room's filesystem (FileNotFoundError), or there but not
    # the sandbox user's (PermissionError) where namespaces are missing: out of reach either way.
    assert out.results[0].value in ("FileNotFoundError", "PermissionError", "OSError")
    assert not os.path.exists(target)
    assert out.results[1].value in ("FileNotFoundError", "PermissionError")
    uid, euid, gid, groups, cwd = out.results[2].value
    assert uid != 0 and euid == uid and gid == uid and groups == []
    assert uid >= 200_000
    assert cwd != shared_dir   # its own private temp folder, gone with the run
    assert os.path.dirname(out.results[3].value) == cwd  # but it may write there


@needs_root
def test_each_run_has_its_own_uid(shared_dir):
    path = student(shared_dir, PROBES)
    uids = {run_student(path, "ex06_output_layer", [Call("identity")]).results[0].value[0]
            for _ in range(3)}
    assert len(uids) == 3


def test_the_child_environment_is_clean(shared_dir, monkeypatch):
    monkeypatch.setenv("GRADER_TEST_SECRET", "s3cret")
    path = student(shared_dir, PROBES)
    out = run_student(path, "ex06_output_layer", [Call("environment")])
    env = out.results[0].value
    assert "GRADER_TEST_SECRET" not in env
    assert env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["HOME"] == env["TMPDIR"]


def test_modules_the_parent_never_imported_still_import(shared_dir):
    """As root the sandbox user cannot read a Python installed under /root: the child still
    imports the standard library and numpy's lazy submodules (through descriptors)."""
    path = student(shared_dir, """
        def lazy():
            import colorsys, fractions
            import numpy as np
            return (colorsys.rgb_to_hsv(1.0, 0.0, 0.0), str(fractions.Fraction(1, 3)),
                    float(np.polynomial.polynomial.polyval(2.0, [1.0, 1.0])))
    """)
    out = run_student(path, "ex06_output_layer", [Call("lazy")])
    assert out.status == "ok", out.reason
    assert out.results[0].error is None, out.results[0].error
    assert out.results[0].value == ((0.0, 1.0, 1.0), "1/3", 3.0)


NORMAL_USER_SCENARIOS = {
    "honest": ("""
        import numpy as np

        def dz2(y_hat, y):
            return (y_hat - y) / y.shape[0]
    """, [Call("dz2", (np.array([[0.5]]), np.array([[1.0]])))], 5.0),
    "escape": ("""
        import os, subprocess, time

        def spawn():
            sleeper = subprocess.Popen(["sleep", "300"], start_new_session=True)
            pid = os.fork()
            if pid == 0:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(300)
                os._exit(0)
            os.waitpid(pid, 0)
            return sleeper.pid, os.getuid()
    """, [Call("spawn")], 5.0),
    "loop": ("""
        def f():
            while True:
                pass
    """, [Call("f")], 0.5),
}


def _as_normal_user(uid, folder, scenario):
    """In a forked copy of this test process that has given up root: run_student, reported as JSON."""
    def action():
        become_normal_user(uid)
        text, calls, timeout = NORMAL_USER_SCENARIOS[scenario]
        path = student(folder, text)
        out = run_student(path, "ex06_output_layer", calls, timeout=timeout)
        value = out.results[0].value if out.results else None
        if isinstance(value, np.ndarray):
            value = value.tolist()
        return {"status": out.status, "reason": out.reason, "value": value}
    return in_a_child(action)


@needs_root
def test_as_a_normal_user_runs_work_and_strays_are_killed(tmp_path):
    uid = 300_000 + os.getpid() % 10_000
    folder = tempfile.mkdtemp(prefix="sandbox-user-", dir="/tmp")
    os.chown(folder, uid, uid)
    try:
        honest = _as_normal_user(uid, folder, "honest")
        assert honest["status"] == "ok", honest
        assert honest["value"] == [[-0.5]]

        escape = _as_normal_user(uid, folder, "escape")
        assert escape["status"] == "ok", escape
        sleeper, child_uid = escape["value"]
        assert child_uid == uid  # no uid switch without root: the weaker mode
        time.sleep(0.05)
        leftovers = [p for p in os.listdir("/proc") if p.isdigit() and _uid_of(p) == uid]
        assert leftovers == [], "processes the student started outlived the run"

        loop = _as_normal_user(uid, folder, "loop")
        assert loop["status"] == "timeout" and loop["reason"].startswith("stopped after 0.5 s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _uid_of(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
                if line.startswith("State:") and line.split()[1] == "Z":
                    return None
    except OSError:
        return None
