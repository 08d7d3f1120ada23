"""One student's runs share a session (one set of namespaces, built once): each run still starts
as clean as the first, and nothing of a session outlives it.

What a run may leave behind, and where the session's init takes it away before the next run:
files in /tmp, processes (a forked sleeper), System V shared memory (which no run can make where
the kernel lets the session forbid it), and a dead init (student code trying to kill it). A timeout ends the session; the student's next run gets a new one.
"""
import errno

import pytest

from grader.runner import Call, one_student, run_student
from sandbox_students import children

LITTER = """
import ctypes, os, time

os._runs_here = getattr(os, "_runs_here", 0) + 1   # this process's runs of this file (a kept process runs several)

def later_in_session():   # an earlier run of the session came first: a later pid, or this process again
    return os.getpid() > 2 or os._runs_here > 1

IPC_CREAT, KEY = 0o1000, 0x5EED

def litter_file():
    with open("/tmp/left.txt", "w") as f:
        f.write("from the first run")
    return os.getpid()

def litter_process():
    pid = os.fork()
    if pid == 0:
        os.setsid()
        time.sleep(600)
        os._exit(0)
    return pid

def litter_memory():
    libc = ctypes.CDLL(None, use_errno=True)
    made = libc.shmget(KEY, 4096, IPC_CREAT | 0o600)
    return made if made >= 0 else -ctypes.get_errno()

def litter_queue():
    libc = ctypes.CDLL(None, use_errno=True)
    made = libc.mq_open(b"/left", os.O_CREAT | os.O_RDWR, 0o600, None)
    return made if made >= 0 else -ctypes.get_errno()

def found_file():
    return sorted(os.listdir("/tmp"))

def found_process(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False

def found_memory():
    return ctypes.CDLL(None).shmget(KEY, 0, 0) >= 0

def all_litter():
    return [litter_file(), litter_process(), litter_memory()]

def found_all(pid):
    return [found_file(), found_process(pid), found_memory()]

def both():
    _, pid, made = all_litter()
    return found_all(pid) + [made]

def kill_init():
    import signal
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSTOP):
        try:
            os.kill(1, sig)
        except OSError:
            pass
    return os.getpid()

def loop():
    while True:
        pass

def pid():
    return os.getpid()
"""


def write_student(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ex06_output_layer.py").write_text(LITTER)
    return folder / "ex06_output_layer.py"


def run(path, staged, function, *args, timeout=5):
    return run_student(path, "ex06_output_layer", [Call(function, args)], staged=staged, timeout=timeout)


def litter_then_look(path, litter, look, *args):
    """Two runs of one session: the first leaves `litter`, the second says what `look` finds.
    The first must end well (exit code 0, or its process kept for the next job: the session
    was kept, not killed) and the second run in the same namespaces."""
    with one_student(path.parent) as staged:
        first = run(path, staged, litter)
        assert first.status == "ok" and first.returncode in (0, None), (first.reason, first.returncode)
        value = first.results[0].value
        second = run(path, staged, look, *([value] if args == ("value",) else []))
        assert second.status == "ok", second.reason
        assert run(path, staged, "later_in_session").results[0].value, "the runs did not share a session"
    return value, second.results[0].value


def test_a_file_in_tmp_is_gone_for_the_next_run(tmp_path, walled):
    """/tmp is empty for a run, but for what the sandbox itself bound there (a Python or numpy
    that lives under the host's /tmp, as in a clone made by `mktemp -d`)."""
    path = write_student(tmp_path / "alice")
    with one_student(path.parent) as staged:
        empty = run(path, staged, "found_file").results[0].value
    _, found = litter_then_look(path, "litter_file", "found_file")
    assert "left.txt" not in empty
    assert found == empty


def test_a_process_left_running_is_gone_for_the_next_run(tmp_path, walled):
    _, found = litter_then_look(write_student(tmp_path / "alice"), "litter_process", "found_process", "value")
    assert found is False


def test_shared_memory_made_in_a_run_is_gone_for_the_next_run(tmp_path, walled):
    """Where the kernel lets the session forbid IPC objects (isolation.close_ipc) none can be
    made (ENOSPC); elsewhere each run has an ipc namespace of its own. Either way, none is left."""
    made, found = litter_then_look(write_student(tmp_path / "alice"), "litter_memory", "found_memory")
    assert made >= 0 or made == -errno.ENOSPC, made
    assert found is False


def test_no_run_can_make_ipc_objects_where_the_kernel_allows_forbidding_them(tmp_path, walled):
    path = write_student(tmp_path / "alice")
    with one_student(path.parent) as staged:
        memory, queue = run(path, staged, "litter_memory"), run(path, staged, "litter_queue")
    assert memory.status == queue.status == "ok", (memory.reason, queue.reason)
    if memory.results[0].value >= 0:
        pytest.skip("this kernel does not let the session forbid IPC objects: each run has its own ipc namespace")
    assert memory.results[0].value == queue.results[0].value == -errno.ENOSPC


def test_the_litter_is_really_there_within_one_run(tmp_path, walled):
    """The checks above can fail: in the run that made them, the file, process and memory (where
    it could be made) exist."""
    path = write_student(tmp_path / "bob")
    with one_student(path.parent) as staged:
        out = run(path, staged, "both")
    assert out.status == "ok", out.reason
    *found, made = out.results[0].value
    assert "left.txt" in found[0] and found[1:] == [True, made >= 0]


def test_student_code_cannot_end_the_session_early(tmp_path, walled):
    path = write_student(tmp_path / "carol")
    with one_student(path.parent) as staged:
        first = run(path, staged, "kill_init")
        assert first.status == "ok", first.reason
        after = run(path, staged, "later_in_session")
        assert after.status == "ok" and after.results[0].value, after.reason   # the same session


def test_a_timeout_ends_the_session_and_the_next_run_gets_a_new_one(tmp_path, walled):
    path = write_student(tmp_path / "dave")
    with one_student(path.parent) as staged:
        stuck = run(path, staged, "loop", timeout=1)
        assert stuck.status == "timeout"
        after = run(path, staged, "pid")
        assert after.status == "ok" and after.results[0].value == 2, after.reason   # a new session's first


def test_nothing_of_a_session_outlives_it(tmp_path, walled):
    path = write_student(tmp_path / "erin")
    with one_student(path.parent) as staged:
        assert run(path, staged, "all_litter").status == "ok"
        assert run(path, staged, "pid").status == "ok"
    assert children() == []


def test_two_students_never_share_a_session(tmp_path, walled):
    """Each student's runs see that student's staged files only."""
    alice, bob = write_student(tmp_path / "alice"), write_student(tmp_path / "bob")
    (alice.parent / "ex06_output_layer.py").write_text("import os\ndef files():\n    return sorted(os.listdir('/student'))\n")
    (alice.parent / "ex05_losses.py").write_text("")
    (bob.parent / "ex06_output_layer.py").write_text("import os\ndef files():\n    return sorted(os.listdir('/student'))\n")
    with one_student(alice.parent) as a:
        assert run(alice, a, "files").results[0].value == ["ex05_losses.py", "ex06_output_layer.py"]
    with one_student(bob.parent) as b:
        assert run(bob, b, "files").results[0].value == ["ex06_output_layer.py"]
