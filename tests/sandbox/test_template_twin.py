"""A twin template (runner.start_spare, used by the autograder's second grading process) is a fork
of the running template: numpy is imported once. It runs jobs like the first, on its own, and
ends when its last holder lets it go."""
import os
import time

import pytest

from grader.runner import template
from grader.runner import Call, run_student
from grader.runner.run import _job_line
from grader.runner.supervisor import Supervisor
from clean_room.protocol import STUDENT_DIR, job_to_plain

STUDENT = "import os\ndef f():\n    return os.getpid()\n"


def run_in(t, path):
    sup = Supervisor([Call("f")], None, 10, 1024, 64_000, 1 << 20)
    walled = t.level in ("namespaces", "userns")
    job = job_to_plain("ex06_output_layer", path.name, STUDENT_DIR if walled else str(path.parent), "/tmp"
                       if walled else str(path.parent), [], {}, {}, False, 10, 1024)
    t.run(sup, _job_line(job, [Call("f")]), str(path.parent), time.monotonic() + 10)
    t.end_session()
    return sup.outcome(0.0, t.level)


def test_a_twin_runs_jobs_and_ends_with_its_socket(tmp_path):
    folder = tmp_path / "alice"
    folder.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(folder, 0o755)
    path = folder / "ex06_output_layer.py"
    path.write_text(STUDENT)
    os.chmod(path, 0o644)
    first = template.shared_template()
    first.wait_ready()
    twin = template.Template(twin_of=first)
    try:
        assert twin.level == first.level and twin.process.pid != first.process.pid
        out = run_in(twin, path)
        assert out.status == "ok" and out.results[0].error is None, out.reason
        again = run_student(path, "ex06_output_layer", [Call("f")])   # the first still serves
        assert again.status == "ok", again.reason
    finally:
        twin.close()
    for _ in range(200):   # its socket closed: the twin ends (the template reaps it)
        if not twin.alive():
            break
        time.sleep(0.05)
    assert not twin.alive()
    assert first.alive()


def test_a_twin_is_a_fork_not_a_start():
    """Its parent is the template (a fork of it), not the grader (a new interpreter would be)."""
    if not os.path.exists("/proc/self/stat"):
        pytest.skip("reads the parent from /proc")
    first = template.shared_template()
    first.wait_ready()
    twin = template.Template(twin_of=first)
    try:
        with open(f"/proc/{twin.process.pid}/stat") as f:
            parent = int(f.read().rsplit(")", 1)[1].split()[1])
        assert parent == first.process.pid
    finally:
        twin.close()
