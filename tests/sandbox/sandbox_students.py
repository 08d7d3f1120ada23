"""Shared pieces of the sandbox tests: a student file, and the processes a run leaves behind."""
import json
import os
import textwrap

import numpy as np

from grader.runner import Call, run_student

REAL_ALLCLOSE = np.allclose
REAL_NDARRAY = np.ndarray

HONEST = """
import numpy as np

def dz2(y_hat, y):
    return (y_hat - y) / y.shape[0]
"""


def student(folder, text, name="ex06_output_layer.py"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def children():
    """Processes started by this one or by its clean template, but the template itself (there
    should be none after a run)."""
    from grader.runner import template
    keep = template._template.process.pid if template._template is not None else None
    found = [pid for pid in _children_of(os.getpid()) if pid != keep]
    todo = _children_of(keep) if keep else []
    while todo:   # everything below the template: no run may leave a process
        pid = todo.pop()
        found.append(pid)
        todo += _children_of(pid)
    return found


def _children_of(pid):
    me = str(pid)
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found.append(int(name))
    return found


def assert_parent_fine(folder):
    """Numpy untouched, no child left, and an honest run right after still works."""
    assert np.allclose is REAL_ALLCLOSE and np.ndarray is REAL_NDARRAY
    assert not np.allclose(np.zeros(2), np.ones(2))
    assert children() == []
    path = student(folder / "honest", HONEST)
    y_hat, y = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    out = run_student(path, "ex06_output_layer", [Call("dz2", (y_hat, y))], timeout=5)
    assert out.status == "ok", out.reason
    assert np.array_equal(out.results[0].value, (y_hat - y) / 2)
    assert children() == []


def in_a_child(action):
    """action() in a forked copy of this test process (which may give up root first); its
    JSON-able result, or None if the child died before it gave one."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.write(write, json.dumps(action()).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(data or b"null")
