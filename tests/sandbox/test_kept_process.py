"""A session's process that finished a run and left nothing behind takes the same student's next
job (clean_room.child, reuse): a fork, an exit and a set-up fewer per exercise. The next job must
run as it would in a fresh process, and a run that left anything (a thread, a process, a file in
/tmp, most of its CPU time) is never kept."""
import os
import platform
import shutil
import signal

import pytest

from grader.runner import Call, one_student, run_student
from sandbox_students import children

STUDENT = """
import io, os, sys, signal, threading, time, builtins, warnings, random, decimal, faulthandler, gc, ctypes, platform
import numpy as np

os._runs_here = getattr(os, "_runs_here", 0) + 1   # this process's runs of this file
SEEDED = random.Random(1).random()   # what random gives after seed(1) (a fresh process reseeds it at fork)

def who():
    return [os.getpid(), os._runs_here]

def state():
    return {"np_random": float(np.random.random()), "random_seeded": random.random() == SEEDED,
            "recursion": sys.getrecursionlimit(), "umask": os.umask(0o022),
            "alarm": signal.getsignal(signal.SIGALRM) == signal.SIG_DFL,
            "timer": signal.getitimer(signal.ITIMER_REAL)[0], "len": len([1, 2]),
            "path": sys.path[:], "seterr": np.geterr()["divide"], "print": np.get_printoptions()["precision"],
            "warn": [f[0] for f in warnings.filters[:2]], "stdout": sys.stdout is sys.__stdout__,
            "modules": sorted(m for m in sys.modules if m.startswith("ex0")), "cwd": os.getcwd(),
            "trace": sys.gettrace() is None, "env": sorted(os.environ),
            "decimal": str(decimal.Decimal(1) / decimal.Decimal(7)), "digits": sys.get_int_max_str_digits(),
            "gc": gc.get_threshold(), "meta_path": len(sys.meta_path)}

def mess():
    np.random.seed(1); random.seed(1); sys.setrecursionlimit(200); os.umask(0o777)
    signal.signal(signal.SIGALRM, lambda *a: None); signal.setitimer(signal.ITIMER_REAL, 100)
    builtins.len = lambda x: -1; sys.path.insert(0, "/student"); np.seterr(all="raise")
    np.set_printoptions(precision=2); warnings.simplefilter("error"); sys.stdout = io.StringIO()
    os.environ["LEFT"] = "1"; os.chdir("/"); sys.settrace(lambda *a: None)
    decimal.getcontext().prec = 3; sys.set_int_max_str_digits(640); gc.set_threshold(1)
    sys.meta_path.insert(0, sys.meta_path[-1])
    return who()

def leave_thread():
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    return who()

def leave_orphan():
    if os.fork() == 0:            # the child forks a sleeper and exits: the sleeper is an orphan
        if os.fork() == 0:
            os.setsid()
            time.sleep(600)
        os._exit(0)
    os.wait()
    return who()

def leave_file():
    open("/tmp/left", "w").close()
    return who()

def leave_tmpfile():   # an open file with no name: /tmp's times and names do not change
    global kept_file
    kept_file = os.open("/tmp", os.O_TMPFILE | os.O_RDWR)
    os.write(kept_file, b"x" * (1 << 20))
    return who()

def leave_watchdog():   # a C thread, which threading does not count
    faulthandler.dump_traceback_later(600, exit=True)
    return who()

def grow_memory():
    global kept_bytes
    kept_bytes = bytearray(100 << 20)
    return who()

def close_stdout():
    sys.stdout.close()
    return who()

def leave_sibling():   # clone(CLONE_PARENT): the new process's parent is the init, not this process
    libc = ctypes.CDLL(None)
    pid = libc.syscall(56, 0x8000 | 17, 0, 0, 0, 0)   # x86_64 SYS_clone, CLONE_PARENT | SIGCHLD
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    return who()

def burn_cpu():
    start = time.process_time()
    while time.process_time() - start < 0.6:
        pass
    return who()

def import_earlier():
    try:
        import ex05_losses
    except ImportError as exc:
        return type(exc).__name__
    return "imported"
"""


def write_student(folder):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ex06_output_layer.py"
    path.write_text(STUDENT)
    (folder / "ex05_losses.py").write_text("def f():\n    return 1\n")
    return path


def run(path, staged, function, module="ex06_output_layer"):
    out = run_student(path, module, [Call(function)], staged=staged, timeout=10)
    assert out.status == "ok", out.reason
    result = out.results[0]
    assert result.error is None, result.error
    return result.value, out.returncode


def test_a_clean_run_keeps_its_process_for_the_next_job(tmp_path, walled):
    path = write_student(tmp_path / "alice")
    with one_student(path.parent) as staged:
        (first, runs_first), code = run(path, staged, "who")
        (second, runs_second), _ = run(path, staged, "who")
    assert code is None   # not ended: kept
    assert second == first and runs_second == runs_first + 1
    assert children() == []


def test_the_next_job_runs_as_in_a_fresh_process(tmp_path, walled):
    """What the previous run changed in the process is put back (or gone): the same state as the
    first run of a new session sees."""
    path = write_student(tmp_path / "bob")
    with one_student(path.parent) as staged:
        fresh, _ = run(path, staged, "state")
    with one_student(path.parent) as staged:
        (pid, runs), _ = run(path, staged, "mess")
        after, _ = run(path, staged, "state")
        (pid_after, runs_after), _ = run(path, staged, "who")
    assert (pid_after, runs_after) == (pid, runs + 2), "the runs were not in one process"
    assert after == fresh


@pytest.mark.parametrize("litter", ["leave_thread", "leave_orphan", "leave_file", "leave_tmpfile", "burn_cpu", "leave_watchdog",
                                    "grow_memory", "close_stdout", "leave_sibling"])
def test_a_run_that_left_anything_is_not_kept(tmp_path, walled, litter):
    """What the process itself can see (threads, children, /tmp, CPU, its streams), and what only
    the session's init sees (a C thread, a process whose parent is the init, memory grown)."""
    if litter == "leave_sibling" and platform.machine() != "x86_64":
        pytest.skip("the raw clone call is written for x86_64")
    path = write_student(tmp_path / "carol")
    with one_student(path.parent) as staged:
        _, code = run(path, staged, litter)
        (_, runs_after), _ = run(path, staged, "who")
    assert code is not None, "the run's process was kept"
    assert runs_after == 1   # a new process (of the same session, or of a new one where the init refused)
    assert children() == []


def test_the_previous_exercises_module_is_gone(tmp_path, walled):
    """A kept process forgets the student's modules: exercise 5's file cannot import exercise 6's
    (it can not in a fresh process either: the student's folder is not on the path)."""
    path = write_student(tmp_path / "dave")
    with one_student(path.parent) as staged:
        run(path, staged, "who")
        (_, runs), _ = run(path, staged, "who")
        assert runs == 2
        found, _ = run(path.parent / "ex05_losses.py", staged, "f", "ex05_losses")
        kept = run(path, staged, "import_earlier")[0]
    assert found == 1 and kept == "ModuleNotFoundError"


def test_a_kept_process_that_died_is_replaced(tmp_path, walled):
    """If the kept process is gone when the next job comes (killed here from outside), the job
    runs in a new process, and nothing of it is lost."""
    path = write_student(tmp_path / "erin")
    with one_student(path.parent) as staged:
        (pid, _), code = run(path, staged, "who")
        assert code is None
        kept = [p for p in children() if _name(p) == "clean-run"]
        assert len(kept) == 1, kept
        os.kill(kept[0], signal.SIGKILL)
        (pid_after, runs_after), _ = run(path, staged, "who")
    assert runs_after == 1 and pid_after > pid
    assert children() == []


def _name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


STASH = """
import os, sys
os.stash = {name: sys.modules[name] for name in sys.modules if name.startswith("ex0")}

def standardize(X):
    raise NotImplementedError
"""

USE_STASH = """
import os

def backward(X, y, p, cache):
    return os.stash["ex08_backward"].backward(X, y, p, cache)
"""


def test_the_course_code_given_to_exercise_10_never_reaches_a_later_exercise(tmp_path, walled):
    """Exercise 10 is given the reference's modules as code (engine.AS_SOURCE). A process that
    ran it is never kept, so exercise 8, graded after it (as the autograder does), cannot use
    what exercise 10's run kept of them: a file with no code of its own earns nothing."""
    from grader import engine
    from grader.catalog import COURSE_ROOT, load_catalog
    folder = tmp_path / "mallory"
    folder.mkdir()
    for path in (COURSE_ROOT / "exercises").glob("ex*.py"):
        shutil.copy(path, folder / path.name)
    (folder / "ex10_training.py").write_text(STASH)
    (folder / "ex08_backward.py").write_text(USE_STASH)
    catalog = {e.number: e for e in load_catalog()}
    with one_student(folder) as staged:
        ten = engine.grade_exercise(catalog[10], folder, staged=staged)
        eight = engine.grade_exercise(catalog[8], folder, staged=staged)
    assert ten.score == 0
    assert eight.score == 0 and all(not t.passed for t in eight.tests), eight


ASKS = """
import os
from ex05_losses import f

os._runs_here = getattr(os, "_runs_here", 0) + 1

def ask():
    return f()

def who():
    return [os.getpid(), os._runs_here]
"""


def test_a_run_given_black_box_answers_is_not_kept(tmp_path, walled):
    """A run whose file imports the course's functions gets the reference's answers from the
    grader: its process never takes another job, so no later exercise can be answered with them."""
    folder = tmp_path / "frank"
    folder.mkdir()
    path = folder / "ex06_output_layer.py"
    path.write_text(ASKS)
    boxes = {"ex05_losses": {"f": lambda: 7}}
    with one_student(folder) as staged:
        out = run_student(path, "ex06_output_layer", [Call("ask")], staged=staged, black_boxes=boxes)
        after = run_student(path, "ex06_output_layer", [Call("who")], staged=staged, black_boxes=boxes)
    assert out.status == "ok" and out.results[0].value == 7, out.reason
    assert out.returncode is not None, "the run's process was kept"
    assert after.results[0].value[1] == 1   # a new process


FFT = """
import os
from numpy.fft import rfft

os._runs_here = getattr(os, "_runs_here", 0) + 1

def %s():
    return [float(rfft([1.0, 2.0])[0].real), os._runs_here]
"""


def test_a_library_the_previous_exercise_imported_imports_again(tmp_path, walled):
    """Red team, round 3: the reset dropped every module the previous job imported, libraries
    too, and numpy.fft's C module cannot be loaded twice in a process, so an honest
    `from numpy.fft import rfft` in two exercises failed the second one in a kept process. The
    libraries now stay loaded; the student's own modules still go."""
    folder = tmp_path / "grace"
    folder.mkdir()
    (folder / "ex05_losses.py").write_text(FFT % "first")
    (folder / "ex06_output_layer.py").write_text(FFT % "second")
    with one_student(folder) as staged:
        first = run_student(folder / "ex05_losses.py", "ex05_losses", [Call("first")], staged=staged)
        second = run_student(folder / "ex06_output_layer.py", "ex06_output_layer", [Call("second")], staged=staged)
    assert first.status == "ok" and first.results[0].value == [3.0, 1], first.reason
    assert second.status == "ok", second.reason
    assert second.results[0].error is None, second.results[0].error
    assert second.results[0].value == [3.0, 2]   # in the same, kept process
