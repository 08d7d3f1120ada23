"""run_student on hostile or broken student files: every verdict, and the parent unharmed after."""
import os
import signal
import time

import numpy as np
import pytest

from grader.runner import Call, run_student
from sandbox_students import HONEST, assert_parent_fine, children, student

def alive(pid):
    """True while the process exists and is not a zombie waiting for its reaper."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def open_fds():
    return sorted(os.listdir("/proc/self/fd"))


# ------------------------------------------------------------------------------- time

def test_infinite_loop_at_import(tmp_path, work_base):
    path = student(tmp_path, """
        print("starting")
        while True:
            pass
    """)
    fds = open_fds()
    start = time.monotonic()
    out = run_student(path, "ex06_output_layer", [Call("dz2")], timeout=1.0)
    elapsed = time.monotonic() - start
    assert out.status == "timeout"
    assert out.reason == "stopped after 1.0 s (an infinite loop?) while the file was imported"
    assert out.results == [] and out.running == "import"
    assert "starting" in out.output  # printed before the loop: not lost in a buffer
    assert 1.0 <= elapsed < 1.5 and out.seconds < 1.5
    assert open_fds() == fds
    assert_parent_fine(tmp_path)


def test_infinite_loop_in_a_call_keeps_finished_calls(tmp_path, work_base):
    path = student(tmp_path, """
        def fine(x):
            return x + 1

        def dz2(y_hat, y):
            while True:
                y_hat = y_hat + 1
    """)
    start = time.monotonic()
    out = run_student(path, "ex06_output_layer",
                      [Call("fine", (1,)), Call("fine", (2,)), Call("dz2", (1, 2)), Call("fine", (3,))],
                      timeout=1.0)
    elapsed = time.monotonic() - start
    assert out.status == "timeout"
    assert out.reason == "stopped after 1.0 s (an infinite loop?) while running dz2(...)"
    assert [r.value for r in out.results] == [2, 3]
    assert out.running == "dz2"
    assert 1.0 <= elapsed < 1.5
    assert_parent_fine(tmp_path)


def test_a_sleeping_child_thread_cannot_stretch_the_deadline(tmp_path, work_base):
    path = student(tmp_path, """
        import threading, time
        threading.Thread(target=time.sleep, args=(60,)).start()

        def f():
            time.sleep(60)
    """)
    start = time.monotonic()
    out = run_student(path, "ex06_output_layer", [Call("f")], timeout=0.5)
    assert out.status == "timeout" and time.monotonic() - start < 1.0
    assert_parent_fine(tmp_path)


# ------------------------------------------------------------------------------- exits

def test_sys_exit_at_import(tmp_path, work_base):
    path = student(tmp_path, """
        import sys
        sys.exit(3)
    """)
    out = run_student(path, "ex06_output_layer", [Call("dz2")])
    assert out.status == "import-error"
    assert out.reason == "called sys.exit(3) while the file was imported"
    assert out.import_error.type == "SystemExit" and out.import_error.line == 3
    assert out.results == []
    assert_parent_fine(tmp_path)


def test_sys_exit_in_a_call_is_that_call_error(tmp_path, work_base):
    path = student(tmp_path, """
        import sys

        def quit_now():
            sys.exit("bye")

        def later():
            return "still running"
    """)
    out = run_student(path, "ex06_output_layer", [Call("quit_now"), Call("later")])
    assert out.status == "ok"
    err = out.results[0].error
    assert err.type == "SystemExit" and err.message == "called sys.exit('bye')" and err.line == 5
    assert out.results[1].value == "still running"
    assert_parent_fine(tmp_path)


def test_keyboard_interrupt_raised_by_the_student_is_an_error(tmp_path, work_base):
    path = student(tmp_path, """
        def f():
            raise KeyboardInterrupt

        def g():
            return 2
    """)
    out = run_student(path, "ex06_output_layer", [Call("f"), Call("g")])
    assert out.status == "ok"
    assert out.results[0].error.type == "KeyboardInterrupt" and out.results[1].value == 2


def test_os_exit_in_a_call(tmp_path, work_base):
    path = student(tmp_path, """
        import os

        def fine():
            return 1

        def bce(y, y_hat):
            print("about to leave")
            os._exit(1)
    """, "ex05_losses.py")
    out = run_student(path, "ex05_losses", [Call("fine"), Call("bce", (1, 0.5)), Call("fine")])
    assert out.status == "exited"
    assert out.reason == "the process exited with os._exit(1) while running bce(...)"
    assert out.returncode == 1 and out.running == "bce"
    assert [r.value for r in out.results] == [1]
    assert "about to leave" in out.output
    assert_parent_fine(tmp_path)


def test_segfault_and_self_kill(tmp_path, work_base):
    path = student(tmp_path, """
        import ctypes, os, signal

        def segv():
            ctypes.string_at(0)

        def kill():
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    out = run_student(path, "ex06_output_layer", [Call("segv")])
    assert out.status == "crashed"
    assert out.reason == "crashed with signal SIGSEGV while running segv(...)"
    assert "Segmentation fault" in out.output  # faulthandler's report, on the student's stderr
    out = run_student(path, "ex06_output_layer", [Call("kill")])
    assert out.status == "crashed" and "SIGKILL" in out.reason and "kill(...)" in out.reason
    assert_parent_fine(tmp_path)


# ------------------------------------------------------------------------------ memory

def test_huge_array_is_out_of_memory(tmp_path, work_base):
    path = student(tmp_path, """
        import numpy as np

        def fine():
            return 1

        def forward():
            return np.ones((10**6, 10**6))

        def never():
            return 2
    """)
    out = run_student(path, "ex06_output_layer", [Call("fine"), Call("forward"), Call("never")],
                      memory_mb=256)
    assert out.status == "memory"
    assert out.reason == "ran out of memory (limit 256 MB) while running forward(...)"
    assert len(out.results) == 2 and out.results[0].value == 1
    assert out.results[1].error.type == "MemoryError" and out.results[1].error.line == 8
    assert_parent_fine(tmp_path)


def test_growing_list_is_out_of_memory(tmp_path, work_base):
    path = student(tmp_path, """
        def forward():
            hog = []
            while True:
                hog.append(" " * 100_000)
    """)
    start = time.monotonic()
    out = run_student(path, "ex06_output_layer", [Call("forward")], memory_mb=200, timeout=10)
    assert out.status == "memory", out.reason
    assert out.reason == "ran out of memory (limit 200 MB) while running forward(...)"
    assert out.results[0].error.line == 5
    assert time.monotonic() - start < 5
    assert_parent_fine(tmp_path)


def test_growing_global_list_at_import_is_out_of_memory(tmp_path, work_base):
    path = student(tmp_path, """
        HOG = []
        while True:
            HOG.append([0] * 10_000)
    """)
    out = run_student(path, "ex06_output_layer", [Call("dz2")], memory_mb=200, timeout=10)
    assert out.status == "memory", out.reason
    assert out.reason == "ran out of memory (limit 200 MB) while the file was imported"
    assert out.import_error.type == "MemoryError" and out.results == []
    assert_parent_fine(tmp_path)


def test_too_much_data_sent_back(tmp_path, work_base):
    path = student(tmp_path, """
        import numpy as np

        def fine():
            return 1

        def big():
            return np.zeros(1_000_000)
    """)
    out = run_student(path, "ex06_output_layer", [Call("fine"), Call("big")],
                      answer_limit=1 << 20)
    assert out.status == "crashed"
    assert out.reason == "sent back more than 1 MB while running big(...)"
    assert [r.value for r in out.results] == [1]
    assert_parent_fine(tmp_path)


# ------------------------------------------------------------------------------ output

def test_fifty_megabytes_of_output_are_cut(tmp_path, work_base):
    path = student(tmp_path, """
        import numpy as np
        LINE = "x" * 999

        def chatty(n):
            for _ in range(n):
                print(LINE)
            return np.arange(3.0)
    """)
    start = time.monotonic()
    out = run_student(path, "ex06_output_layer", [Call("chatty", (50_000,))], output_limit=10_000)
    elapsed = time.monotonic() - start
    assert out.status == "ok", out.reason
    assert np.array_equal(out.results[0].value, np.arange(3.0))
    assert out.output_cut == 50_000_000 - 10_000
    assert out.output.startswith("x" * 999 + "\n")
    assert out.output.endswith(f"\n[... {50_000_000 - 10_000} bytes cut]")
    assert len(out.output) < 10_100
    assert elapsed < 5
    assert_parent_fine(tmp_path)


def test_closing_stdout_and_stderr(tmp_path, work_base):
    path = student(tmp_path, """
        import os
        os.close(1)
        os.close(2)

        def quiet():
            return 5

        def loud():
            print("hello")
            return 6
    """)
    out = run_student(path, "ex06_output_layer", [Call("quiet"), Call("loud"), Call("quiet")])
    assert out.status == "ok"
    assert out.results[0].value == 5 and out.results[2].value == 5
    assert out.results[1].error.type == "OSError" and "Bad file descriptor" in out.results[1].error.message
    assert_parent_fine(tmp_path)


def test_garbage_on_the_answer_pipe(tmp_path, work_base):
    path = student(tmp_path, """
        import os

        def fine():
            return 1

        def forge():
            os.write(3, b'{"call": 1, "seconds": 0, "value": {"__ndarray__": {"dtype": "O"}}}\\n')
            return 2
    """)
    out = run_student(path, "ex06_output_layer", [Call("fine"), Call("forge"), Call("fine")])
    assert out.status == "crashed"
    assert out.reason.startswith("sent back data the grader cannot read (")
    assert out.reason.endswith(") while running forge(...)")
    assert [r.value for r in out.results] == [1]
    assert_parent_fine(tmp_path)


def test_non_json_on_the_answer_pipe(tmp_path, work_base):
    path = student(tmp_path, """
        import os
        os.write(3, b"hello grader\\n")

        def fine():
            return 1
    """)
    out = run_student(path, "ex06_output_layer", [Call("fine")])
    assert out.status == "crashed" and "cannot read" in out.reason
    assert out.reason.endswith("while the file was imported")


def test_closing_the_answer_pipe(tmp_path, work_base):
    path = student(tmp_path, """
        import os

        def fine():
            return 1

        def sneaky():
            os.close(3)
            open("decoy.txt", "w")  # would take fd 3
            return 2
    """)
    out = run_student(path, "ex06_output_layer", [Call("fine"), Call("sneaky")])
    assert out.status == "crashed"
    assert out.reason == "closed or replaced the grader's answer channel (fd 3) while running sneaky(...)"
    assert [r.value for r in out.results] == [1]
    assert_parent_fine(tmp_path)


# ------------------------------------------------------------------------ monkeypatching

def test_patching_numpy_json_and_builtins_in_the_child_does_not_reach_the_parent(
        tmp_path, work_base):
    path = student(tmp_path, """
        import builtins, json
        import numpy as np

        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.testing = None

        class Liar(np.ndarray):
            def __eq__(self, other):
                return True

            def __array_finalize__(self, obj):
                pass

        def liar():
            return np.zeros(3).view(Liar)

        def matrix():
            return np.asmatrix(np.eye(2))

        def patch_json():
            json.dumps = lambda *a, **k: "garbage"
            builtins.isinstance = lambda *a: True
            return 1
    """)
    out = run_student(path, "ex06_output_layer", [Call("liar"), Call("matrix"), Call("patch_json")])
    value = out.results[0].value
    assert type(value) is np.ndarray and np.array_equal(value, np.zeros(3))
    assert not (value == np.ones(3)).any()
    assert type(out.results[1].value) is np.ndarray
    assert out.status in ("ok", "crashed")  # patching isinstance may garble its own answer
    import builtins
    import json
    assert builtins.isinstance is isinstance and json.dumps([1]) == "[1]"
    assert_parent_fine(tmp_path)


# ------------------------------------------------------------------------ processes

def test_background_processes_die_with_the_run(tmp_path, work_base):
    path = student(tmp_path, """
        import os, subprocess, time

        def spawn():
            sleeper = subprocess.Popen(["sleep", "300"], start_new_session=True)
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # double fork: the grandchild leaves the session and is orphaned
                os.setsid()
                grandchild = os.fork()
                if grandchild == 0:
                    time.sleep(300)
                    os._exit(0)
                os.write(write, str(grandchild).encode())
                os._exit(0)
            os.waitpid(pid, 0)
            grandchild = int(os.read(read, 100))
            return sleeper.pid, grandchild
    """)
    out = run_student(path, "ex06_output_layer", [Call("spawn")])
    assert out.status == "ok", (out.reason, out.output)
    pids = out.results[0].value
    assert len(pids) == 2
    deadline = time.monotonic() + 2
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(alive(pid) for pid in pids)
    assert_parent_fine(tmp_path)


def test_background_processes_die_after_a_timeout(tmp_path, work_base):
    path = student(tmp_path, """
        import os, subprocess
        SLEEPER = subprocess.Popen(["sleep", "300"], start_new_session=True)

        def pid():
            return SLEEPER.pid

        def hang():
            while True:
                pass
    """)
    out = run_student(path, "ex06_output_layer", [Call("pid"), Call("hang")], timeout=1.0)
    assert out.status == "timeout"
    pid = out.results[0].value
    time.sleep(0.05)
    assert not alive(pid)
    assert_parent_fine(tmp_path)


def test_parent_keyboard_interrupt_still_cleans_up(tmp_path, work_base):
    path = student(tmp_path, """
        import subprocess
        subprocess.Popen(["sleep", "300"], start_new_session=True)
        while True:
            pass
    """)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt):
            run_student(path, "ex06_output_layer", [Call("dz2")], timeout=5)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert children() == []
    assert_parent_fine(tmp_path)


@pytest.mark.skipif(os.geteuid() != 0, reason="RLIMIT_NPROC only binds a per-run uid as root")
def test_fork_bomb_is_limited_and_cleaned_up(tmp_path, work_base):
    path = student(tmp_path, """
        import os, time

        def bomb():
            pids = []
            try:
                for _ in range(500):
                    pid = os.fork()
                    if pid == 0:
                        time.sleep(300)
                        os._exit(0)
                    pids.append(pid)
            except OSError as exc:
                return len(pids), type(exc).__name__, pids
            return len(pids), None, pids
    """)
    out = run_student(path, "ex06_output_layer", [Call("bomb")], timeout=5)
    assert out.status == "ok", out.reason
    count, error, pids = out.results[0].value
    assert count < 64 and error == "BlockingIOError"
    time.sleep(0.05)
    assert not any(alive(pid) for pid in pids)
    assert_parent_fine(tmp_path)


def test_a_fork_that_returns_into_the_grader_does_not_garble_answers(tmp_path, work_base):
    path = student(tmp_path, """
        import os

        def fork():
            return os.fork() > 0  # the copy returns too, into the grader's loop

        def later():
            return 7
    """)
    out = run_student(path, "ex06_output_layer", [Call("fork"), Call("later")])
    assert out.status == "ok", out.reason
    assert [r.value for r in out.results] == [True, 7]
    assert_parent_fine(tmp_path)


def test_a_failing_fork_is_a_sandbox_error(tmp_path, work_base, monkeypatch):
    path = student(tmp_path, HONEST)

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    out = run_student(path, "ex06_output_layer", [Call("dz2")])
    assert out.status == "sandbox-error"
    assert out.reason == "the sandbox could not start: Resource temporarily unavailable"
    monkeypatch.undo()
    assert_parent_fine(tmp_path)


def _dead_pid():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_folders_left_by_a_killed_grader_are_swept(tmp_path, work_base):
    stale = os.path.join(work_base, f"grade-run-{_dead_pid()}-12345-abc_12")
    os.mkdir(stale)
    open(os.path.join(stale, "ex06_output_layer.py"), "w").close()
    with open(f"/proc/{os.getpid()}/stat") as f:
        me_start = f.read().rsplit(")", 1)[1].split()[19]
    alive_folder = os.path.join(work_base, f"grade-run-{os.getpid()}-{me_start}-keep")
    other = os.path.join(work_base, "grade-batch-1-keep")
    os.mkdir(alive_folder)
    os.mkdir(other)
    path = student(tmp_path, HONEST)
    out = run_student(path, "ex06_output_layer", [])
    assert out.status == "ok"
    assert not os.path.exists(stale)
    assert os.path.isdir(alive_folder) and os.path.isdir(other)  # a live run's, someone else's
    os.rmdir(alive_folder)
    os.rmdir(other)


def test_removing_a_folder_never_touches_its_parent(tmp_path):
    from grader.sandbox import _remove_tree
    parent = tmp_path / "base"
    parent.mkdir()
    parent.chmod(0o755)
    _remove_tree(parent / "already-gone")  # e.g. swept by another process first
    locked = parent / "work" / "locked"
    locked.mkdir(parents=True)
    (locked / "f.txt").write_text("x")
    locked.chmod(0)
    (parent / "work").chmod(0o500)
    _remove_tree(parent / "work")
    assert not (parent / "work").exists()
    assert parent.stat().st_mode & 0o7777 == 0o755


def test_a_student_removing_or_locking_its_folder(tmp_path, work_base):
    path = student(tmp_path, """
        import os, shutil

        def vandal():
            os.makedirs("deep/er")
            os.chmod("deep/er", 0)
            os.chmod("deep", 0)
            shutil.rmtree(os.getcwd(), ignore_errors=True)
            return True
    """)
    mode = os.stat(work_base).st_mode
    out = run_student(path, "ex06_output_layer", [Call("vandal")])
    assert out.status == "ok", out.reason
    assert os.stat(work_base).st_mode == mode and os.stat("/tmp").st_mode & 0o7777 == 0o1777
    assert_parent_fine(tmp_path)


def _process_as(uid, env):
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.execvpe("sleep", ["sleep", "300"], env)
        finally:
            os._exit(1)
    return pid


@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox uids exist only as root")
def test_processes_left_by_a_killed_grader_are_killed_by_the_next_run(tmp_path, work_base):
    path = os.environ["PATH"]
    # A process of a run whose grader died before cleaning up (its child's pid is gone), and a
    # process of such a uid that is not a sandbox's (no run token): only the first may die.
    stray = _process_as(200_000 + _dead_pid(), {"PATH": path, "GRADER_SANDBOX_RUN": "f00d"})
    bystander = _process_as(200_000 + _dead_pid(), {"PATH": path})
    try:
        time.sleep(0.05)  # (any grader running on this machine as root may sweep the stray now)
        assert alive(bystander)
        student_file = student(tmp_path, HONEST)
        assert run_student(student_file, "ex06_output_layer", []).status == "ok"
        time.sleep(0.02)
        assert not alive(stray)
        assert alive(bystander)
    finally:
        for pid in (stray, bystander):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def test_writing_a_big_file_is_refused(tmp_path, work_base):
    path = student(tmp_path, """
        def write():
            with open("big.bin", "wb") as f:
                f.write(b"x" * (32 << 20))
    """)
    out = run_student(path, "ex06_output_layer", [Call("write")])
    assert out.status == "ok"
    assert out.results[0].error.type == "OSError" and "too large" in out.results[0].error.message
