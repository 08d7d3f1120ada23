"""run_student on hostile or broken student files: every verdict, and the parent unharmed after."""
import os
import signal
import stat
import subprocess
import sys
import tempfile
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
    """This process's pipes and files: a run must leave none open. (Sockets and event fds are
    left out: the template's socket is renewed if an earlier test killed the template, and a
    Jupyter client of an earlier test may still be closing its own.)"""
    from grader.runner import isolation_level
    isolation_level()
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            mode = os.fstat(int(name)).st_mode
        except OSError:
            continue
        if stat.S_ISFIFO(mode) or stat.S_ISREG(mode):
            found.append(name)
    return sorted(found)


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
    assert elapsed >= 1.0   # never before the limit (no upper bound: CI machines are shared)
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
    assert elapsed >= 1.0
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
            from clean_room.child import _channel
            os.write(_channel.answer_fd, b'{"call": 1, "seconds": 0, "value": {"__ndarray__": {"dtype": "O"}}}\\n')
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
        from clean_room.child import _channel
        os.write(_channel.answer_fd, b"hello grader\\n")

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
            from clean_room.child import _channel
            decoy = os.open("decoy.txt", os.O_WRONLY | os.O_CREAT)
            os.dup2(decoy, _channel.answer_fd)   # answers would go to a file
            return 2
    """)
    out = run_student(path, "ex06_output_layer", [Call("fine"), Call("sneaky")])
    assert out.status == "crashed"
    assert out.reason == "closed or replaced the grader's answer channel while running sneaky(...)"
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

MARK = "311.7"   # how long this file's sleepers sleep: their command line finds them on the host


def sleepers():
    """Host processes running `sleep 311.7`, started by a student of this file."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    if f.read().split(b"\0")[:2] == [b"sleep", MARK.encode()]:
                        found.append(int(name))
            except OSError:
                pass
    return found


def test_background_processes_die_with_the_run(tmp_path, work_base):
    path = student(tmp_path, f"""
        import os, subprocess, time

        def spawn():
            subprocess.Popen(["sleep", "{MARK}"], start_new_session=True)
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # double fork: the grandchild leaves the session and is orphaned
                os.setsid()
                if os.fork() == 0:
                    os.execvp("sleep", ["sleep", "{MARK}"])
                os._exit(0)
            os.waitpid(pid, 0)
            return True
    """)
    out = run_student(path, "ex06_output_layer", [Call("spawn")])
    assert out.status == "ok", (out.reason, out.output)
    assert sleepers() == [] and children() == []   # the pid namespace ended with the run
    assert_parent_fine(tmp_path)


def test_background_processes_die_after_a_timeout(tmp_path, work_base):
    path = student(tmp_path, f"""
        import subprocess
        SLEEPER = subprocess.Popen(["sleep", "{MARK}"], start_new_session=True)

        def hang():
            while True:
                pass
    """)
    out = run_student(path, "ex06_output_layer", [Call("hang")], timeout=1.0)
    assert out.status == "timeout"
    assert sleepers() == [] and children() == []
    assert_parent_fine(tmp_path)


def test_parent_keyboard_interrupt_still_cleans_up(tmp_path, work_base):
    path = student(tmp_path, f"""
        import subprocess
        subprocess.Popen(["sleep", "{MARK}"], start_new_session=True)
        while True:
            pass
    """)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(KeyboardInterrupt):
            run_student(path, "ex06_output_layer", [Call("dz2")], timeout=30)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert sleepers() == [] and children() == []
    assert_parent_fine(tmp_path)


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
                return len(pids), type(exc).__name__
            return len(pids), None
    """)
    out = run_student(path, "ex06_output_layer", [Call("bomb")], timeout=10)
    assert out.status == "ok", out.reason
    count, error = out.results[0].value
    assert count < 64 and error == "BlockingIOError"
    assert children() == []
    assert_parent_fine(tmp_path)


def test_a_fork_that_returns_into_the_grader_does_not_garble_answers(tmp_path, work_base):
    path = student(tmp_path, """
        import os

        def fork():
            return os.fork() > 0  # the copy returns too, into the harness's loop

        def later():
            return 7
    """)
    out = run_student(path, "ex06_output_layer", [Call("fork"), Call("later")])
    assert out.status == "ok", out.reason
    assert [r.value for r in out.results] == [True, 7]
    assert_parent_fine(tmp_path)


def test_a_template_that_dies_is_a_sandbox_error_then_replaced(tmp_path, work_base):
    from grader.runner import runner_kind, template
    if runner_kind() != "template":
        pytest.skip("the portable runner has no template")
    path = student(tmp_path, """
        def dz2():
            while True:
                pass
    """)

    def kill_template(signum, frame):
        template._template.process.kill()

    template.shared_template().wait_ready()
    previous = signal.signal(signal.SIGALRM, kill_template)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        out = run_student(path, "ex06_output_layer", [Call("dz2")], timeout=30)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert out.status == "sandbox-error" and out.reason.startswith("the sandbox failed: "), out.reason
    assert_parent_fine(tmp_path)   # a new template serves the next run


def test_files_written_in_tmp_vanish_with_the_run(tmp_path, work_base):
    path = student(tmp_path, """
        import os

        def write():
            with open("/tmp/left-behind", "w") as f:
                f.write("x")
            return os.listdir("/tmp")

        def look():
            return os.listdir("/tmp"), os.getcwd()
    """)
    first = run_student(path, "ex06_output_layer", [Call("write")])
    assert first.status == "ok" and "left-behind" in first.results[0].value
    second = run_student(path, "ex06_output_layer", [Call("look")])
    listing, cwd = second.results[0].value
    assert "left-behind" not in listing and cwd == "/tmp"   # (a numpy under /tmp is bound in it)
    assert not os.path.exists("/tmp/left-behind")
    assert_parent_fine(tmp_path)


def test_removing_a_folder_never_touches_its_parent(tmp_path):
    from grader.runner.staging import remove_tree
    parent = tmp_path / "base"
    parent.mkdir()
    parent.chmod(0o755)
    remove_tree(parent / "already-gone")  # e.g. swept by another process first
    locked = parent / "work" / "locked"
    locked.mkdir(parents=True)
    (locked / "f.txt").write_text("x")
    locked.chmod(0)
    (parent / "work").chmod(0o500)
    remove_tree(parent / "work")
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


def test_a_grader_killed_mid_run_leaves_no_process(tmp_path):
    path = student(tmp_path, f"""
        import subprocess
        subprocess.Popen(["sleep", "{MARK}"], start_new_session=True)
        while True:
            pass
    """)
    script = tmp_path / "grader_run.py"
    script.write_text(
        "import sys\nfrom grader.runner import Call, run_student\n"
        f"run_student({str(path)!r}, 'ex06_output_layer', [Call('dz2')], timeout=300)\n")
    grader = subprocess.Popen([sys.executable, str(script)])
    deadline = time.monotonic() + 60
    while not sleepers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleepers(), "the student's sleeper never started"
    left = [p for p in os.listdir(tempfile.gettempdir()) if p.startswith(f"grade-stage-{grader.pid}-")]
    assert left, "the killed grader's staged copy should be there to sweep"
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 30   # the template and the run die with their parent
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleepers() == []
    from grader.runner import staging
    staging._swept.clear()   # this process swept when it first staged: sweep again, as a new one would
    assert run_student(student(tmp_path / "next", HONEST), "ex06_output_layer", []).status == "ok"
    assert not any(p.startswith(f"grade-stage-{grader.pid}-") for p in os.listdir(tempfile.gettempdir()))


def test_writing_a_big_file_is_refused(tmp_path, work_base):
    path = student(tmp_path, """
        def write():
            with open("big.bin", "wb") as f:
                f.write(b"x" * (32 << 20))
    """)
    out = run_student(path, "ex06_output_layer", [Call("write")])
    assert out.status == "ok"
    error = out.results[0].error
    assert error.type == "OSError" and ("too large" in error.message or "No space" in error.message)
