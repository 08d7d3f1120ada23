"""Attacks on the clean room by a student who has read all of the grader's source.

Each test is one attack and asserts that it FAILS (the grader holds). Attacks that succeed today
are marked xfail(strict=True) with reason "HOLE: ...", so the suite stays green, the hole stays
on record, and the day it is fixed the XPASS says to remove the mark.

Written against acdddcb; eleven of its holes were closed in 0767f21, and those tests now say so
in their docstrings ("Open in acdddcb: ... Held since 0767f21").

Nothing here asserts a wall-clock duration: where an attack stalls the grader, the grader runs in
a subprocess that is given a generous time to finish (far beyond the exercise's --timeout).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader import engine
from grader.catalog import COURSE_ROOT, load_catalog
from grader.runner import Call, run_student

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="needs root (sandbox uids, runuser, keyrings of others)")
LINUX = sys.platform.startswith("linux")
STALL_LIMIT = 120        # seconds a grader subprocess gets before the test calls it stalled
REPO_PYTHON = [sys.executable]


def write(folder, text, name="ex06_output_layer.py"):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def open_dir():
    """A 0o755 folder in /tmp (the sandbox user of a root grader can read it)."""
    folder = tempfile.mkdtemp(prefix="attack-", dir="/tmp")
    os.chmod(folder, 0o755)
    yield Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def one(path, function="f", *, module="ex06_output_layer", **kwargs):
    """Runs function() of the student file; returns (outcome, value or error)."""
    kwargs.setdefault("timeout", 30)
    out = run_student(path, module, [Call(function)], **kwargs)
    if not out.results:
        return out, None
    r = out.results[0]
    return out, (r.value if r.error is None else r.error)


def walled(path, function="f"):
    """function()'s value, from a run behind namespaces (skips where there are none)."""
    out, value = one(path, function)
    if out.isolation not in ("namespaces", "userns"):
        pytest.skip(f"isolation level {out.isolation}: no namespaces, no allow-list filesystem")
    assert out.status == "ok", out.reason
    return value


def _finished(argv, env, timeout):
    """argv run from the checkout in a session of its own; None if still running after `timeout`
    seconds (then it is killed, with all it started)."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=dict(os.environ, **(env or {})), cwd=str(COURSE_ROOT), start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def grader_cli(*args, env=None, timeout=STALL_LIMIT):
    """`grade ...` in a fresh process (bytes out); None if it stalled."""
    return _finished(REPO_PYTHON + ["-c", "from grader.cli import main; main()", *args], env, timeout)


def python_script(code, env=None, timeout=STALL_LIMIT):
    """A Python script in a fresh process (own template, own session keyring...), text out."""
    done = _finished(REPO_PYTHON + ["-c", textwrap.dedent(code)], env, timeout)
    if done is not None:
        done.stdout, done.stderr = done.stdout.decode(), done.stderr.decode()
    return done


# =================================================================== 1. points without the work

EVIL_OPAQUE = r'''
class Evil:
    def __repr__(self):
        return "\x1b[2J\x1b[H\rALL TESTS PASSED %s"
Evil.__name__ = "\x1b[32mPASS\x1b[0m"

def dz2(y_hat, y):
    return Evil()

def dw2(a1, dz2):
    return Evil()

def db2(dz2):
    return Evil()
'''


def test_opaque_answer_cannot_put_escapes_in_the_feedback(open_dir):
    """Open in acdddcb: an Opaque answer's type name and repr reach the feedback raw
    (grader/compare.py describe/show): ANSI escapes and \\r in results.json. Held since 0767f21.
    Attack: return an object whose class name and repr hold ANSI escapes and a carriage return.
    The child sends it as an Opaque {"__repr__", "__type__"}; compare.py formats value.type and
    value.repr into the test's feedback unescaped, so the terminal, results.json and the report
    show "ALL TESTS PASSED" over a cleared screen. Held if no control character reaches a test's
    output."""
    write(open_dir, EVIL_OPAQUE % "")
    exercise = load_catalog()[5]
    result = engine.grade_exercise(exercise, open_dir, timeout=30)
    texts = [t.output for t in result.tests] + [result.reason or ""]
    assert not any("\x1b" in t or "\r" in t for t in texts), texts[0]


def test_opaque_surrogate_does_not_crash_grade_exercise(open_dir):
    """Open in acdddcb: a lone surrogate in an Opaque repr crashes `grade exercise` with
    UnicodeEncodeError when the feedback is printed. Held since 0767f21.
    Attack: the repr of the returned object ends with a lone surrogate (\\ud800). JSON carries
    it as an escape, the parent decodes it into a str no UTF-8 stream can write, and `grade
    exercise` dies with a traceback instead of a score."""
    write(open_dir, EVIL_OPAQUE % "\\ud800")
    done = grader_cli("exercise", "6", "--path", str(open_dir), "--timeout", "30")
    assert done is not None, "grade exercise did not finish"
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-500:]
    assert done.returncode in (0, 1)
    assert b"Score:" in done.stdout


def test_opaque_surrogate_does_not_stop_the_batch(open_dir):
    """Open in acdddcb: one student's Opaque repr with a lone surrogate stops the whole batch in
    store.encode_results: no gradebook, no results for anyone. Held since 0767f21.
    Attack (issue 8, 'one student can stop the whole class batch', by a new road): the answer
    is an object whose repr holds a lone surrogate. Held if the batch finishes, with a gradebook
    that lists both the attacker and an honest classmate."""
    subs = open_dir / "subs"
    write(subs / "mallory", EVIL_OPAQUE % "\\ud800")
    (subs / "honest").mkdir(parents=True)
    shutil.copy(COURSE_ROOT / "solutions" / "ex06_output_layer.py", subs / "honest")
    out = open_dir / "out"
    done = grader_cli("batch", str(subs), "--out", str(out), "--no-progress", "--workers", "1",
                      "--timeout", "30")
    assert done is not None, "the batch did not finish"
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-800:]
    gradebook = (out / "gradebook.csv").read_text(encoding="utf-8")
    assert "mallory" in gradebook and "honest" in gradebook


def test_exercise_10_does_not_hand_over_the_reference_source(open_dir):
    """Open in acdddcb: exercise 10's job carries the reference's source text of exercises 2-9
    (sources), reachable from the student's stack. Held since 0767f21.
    Attack: in exercise 10, walk up from standardize() to the harness's serve() frame and
    print job["sources"]: the reference's own source of the earlier exercises (dz2, da1, dz1,
    backward, sgd_step, init_params...), i.e. the solutions of exercises 2 to 9, straight into
    the feedback. Held if the reference's code does not come back."""
    write(open_dir, '''
        import sys
        import gc
        from ex08_backward import backward

        def standardize(X):
            seen = set()
            f = sys._getframe()
            while f is not None:
                for value in f.f_locals.values():
                    if isinstance(value, dict) and isinstance(value.get("sources"), dict):
                        for text in value["sources"].values():
                            seen.add(text)
                f = f.f_back
            for module in list(sys.modules.values()):
                for name in ("backward", "dz2", "sgd_step"):
                    fn = getattr(module, name, None)
                    if getattr(fn, "__code__", None) is not None and "ex0" in getattr(module, "__name__", ""):
                        seen.add(repr(fn.__code__.co_consts))
            print("\\n".join(seen))
            raise NotImplementedError

        def train(*a, **k):
            raise NotImplementedError

        def predict(*a, **k):
            raise NotImplementedError
    ''', "ex10_training.py")
    exercise = load_catalog()[9]
    result = engine.grade_exercise(exercise, open_dir, timeout=30)
    assert "return (y_hat - y) / y.shape[0]" not in result.output   # the reference's dz2
    assert "def backward" not in result.output


# ====================================================== 2. the instructor's environment and files

def test_child_sees_no_checkout_git_solutions_or_proc(open_dir):
    """Attack: read the answers by absolute path (the checkout's path is known from
    clean_room.__file__): solutions/, reference/, .git, the hidden tests, the grader's
    /proc/<ppid>/environ and cmdline, /etc/shadow, the host's /tmp (other students' staged files)."""
    if not LINUX:
        pytest.skip("namespaces are Linux only")
    targets = [COURSE_ROOT / "solutions" / "ex06_output_layer.py", COURSE_ROOT / "reference" / "backprop.py",
               COURSE_ROOT / ".git" / "HEAD", COURSE_ROOT / "grader" / "hidden" / "ex06.py",
               Path("/proc/self/environ"), Path("/proc/1/environ"), Path("/etc/shadow"), Path("/etc/passwd")]
    write(open_dir, f'''
        import os, glob

        TARGETS = {[str(t) for t in targets]!r}

        def f():
            found = {{}}
            for t in TARGETS:
                try:
                    with open(t, "rb") as fh:
                        found[t] = fh.read(40)
                except OSError:
                    pass
            found["host tmp"] = glob.glob("/tmp/grade-stage-*") + glob.glob("/tmp/attack-*")
            try:
                import clean_room
                root = os.path.dirname(os.path.dirname(clean_room.__file__))
                found["listing of the checkout"] = os.listdir(root)
            except OSError:
                pass
            return found
    ''')
    value = walled(open_dir / "ex06_output_layer.py")
    listing = value.pop("listing of the checkout", None)
    assert value == {"host tmp": []}
    # Where Python or numpy lives inside the checkout (a venv made there), the sandbox binds it at
    # its own path: the checkout's folder then exists in the new root, holding only that path.
    assert listing is None or set(listing) <= folders_bound_inside_the_checkout(), listing


def folders_bound_inside_the_checkout():
    """The first names under the checkout of the folders the sandbox binds (Python's, numpy's)."""
    from clean_room.isolation import Plan
    plan, root = Plan(), os.path.realpath(COURSE_ROOT)
    return {os.path.relpath(p, root).split(os.sep)[0] for p in plan.python + plan.numpy
            if p.startswith(root + os.sep)}


def test_grader_packages_and_reference_do_not_import(open_dir):
    """Attack: `import reference`, `import grader.hidden`, `import solutions`: through sys.path,
    the editable install's finder, or a sys.path entry rebuilt from clean_room.__file__."""
    write(open_dir, '''
        import os, sys

        def f():
            import clean_room
            sys.path.insert(0, os.path.dirname(os.path.dirname(clean_room.__file__)))
            got = []
            for name in ("reference", "grader", "grader.hidden", "solutions", "nn_course_grader"):
                try:
                    __import__(name)
                    got.append(name)
                except BaseException:
                    pass
            return got
    ''')
    value = walled(open_dir / "ex06_output_layer.py")
    assert value == []


def test_environment_is_empty_even_in_the_interpreter(open_dir, monkeypatch):
    """Attack: look for the instructor's variables in os.environ, in os.environb, and in
    posix.environ (the interpreter's copy made at start)."""
    monkeypatch.setenv("INSTRUCTOR_TOKEN", "s3cret-attack-token")
    write(open_dir, '''
        import os, posix

        def f():
            blob = repr(dict(os.environ)) + repr(dict(os.environb)) + repr(posix.environ)
            return "s3cret-attack-token" in blob or "INSTRUCTOR_TOKEN" in blob
    ''')
    out, value = one(open_dir / "ex06_output_layer.py")
    assert out.status == "ok", out.reason
    assert value is False


def test_no_grader_argv_in_the_child(open_dir):
    """Open in acdddcb: the template's argv (sys.argv, sys.orig_argv) names the checkout's path and
    the grader's pid. Held since 0767f21.
    Attack: read sys.argv and sys.orig_argv: the template was started as `python -I -S -c
    "...sys.path[:0] = ['<checkout>', ...]..." GRADER_PID FD`, so the child learns where the
    checkout lives and the grader's pid. Issue 8 asks for no grader argv in the child."""
    write(open_dir, '''
        import sys

        def f():
            return repr(sys.argv) + repr(getattr(sys, "orig_argv", []))
    ''')
    out, value = one(open_dir / "ex06_output_layer.py")
    assert out.status == "ok", out.reason
    assert str(COURSE_ROOT) not in value and str(os.getpid()) not in value


KEYRING_SCRIPT = r'''
import ctypes, json, os, sys, tempfile, textwrap
from pathlib import Path
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
ADD_KEY, KEYCTL = 248, 250
if libc.syscall(KEYCTL, 1, b"instructor-session") < 0:          # KEYCTL_JOIN_SESSION_KEYRING
    print(json.dumps({"skip": "no keyrings here"})); sys.exit(0)
libc.syscall(ADD_KEY, b"user", b"instructor-token", b"s3cret-token", 12, ctypes.c_int(-3))

from grader.runner import Call, run_student

STUDENT = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def find(name):
    kid = libc.syscall(250, 10, ctypes.c_int(-3), b"user", name.encode(), 0)   # KEYCTL_SEARCH
    if kid < 0:
        return None
    buf = ctypes.create_string_buffer(100)
    n = libc.syscall(250, 11, ctypes.c_long(kid), buf, 100)                      # KEYCTL_READ
    return buf.raw[:n].decode() if n >= 0 else "found, unreadable"

def plant():
    return libc.syscall(248, b"user", b"planted-by-mallory", b"answers", 7, ctypes.c_int(-3)) > 0
"""
folder = Path(tempfile.mkdtemp(prefix="attack-keys-", dir="/tmp"))
os.chmod(folder, 0o755)
path = folder / "ex06_output_layer.py"
path.write_text(STUDENT)
first = run_student(path, "ex06_output_layer", [Call("find", ("instructor-token",)), Call("plant")], timeout=30)
second = run_student(path, "ex06_output_layer", [Call("find", ("planted-by-mallory",))], timeout=30)
import shutil
shutil.rmtree(folder)
print(json.dumps({"isolation": first.isolation,
                  "token": first.results[0].value, "planted": first.results[1].value,
                  "next run reads": second.results[0].value}))
'''


def test_session_keyring_is_not_shared_with_the_grader():
    """Open in acdddcb: the child inherits the grader's session keyring: it reads the instructor's
    keys and plants keys that later runs read. Held since 0767f21.
    Attack: keyrings are in no namespace the sandbox makes. When the instructor's session has
    a session keyring (pam_keyinit on ssh logins does this; here the script joins one), the
    child possesses it: KEYCTL_SEARCH + KEYCTL_READ on @s returns the instructor's keys, and
    add_key on @s leaves a key that outlives the run, a channel to the next student's run.
    Held if the child finds neither the instructor's key nor one planted by an earlier run."""
    if not LINUX:
        pytest.skip("Linux keyrings")
    done = python_script(KEYRING_SCRIPT)
    assert done is not None and done.returncode == 0, done and done.stderr[-800:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if "skip" in report:
        pytest.skip(report["skip"])
    if report["isolation"] not in ("namespaces", "userns"):
        pytest.skip(f"isolation level {report['isolation']}")
    assert report["token"] is None
    assert report["next run reads"] is None


@needs_root
def test_subprocess_runner_as_root_does_not_run_student_code_as_root(open_dir, monkeypatch):
    """Held since the portable runner builds namespaces on Linux. Attack: when the instructor
    forces GRADER_RUNNER=subprocess, `python -m clean_room` served the job with no namespace. In acdddcb it also kept root (solutions/, /etc/shadow and the
    grader's /proc/<ppid>/environ were readable); since 0767f21 it drops to a per-run uid, but
    the checkout is world-readable (0755, as git makes it), so solutions/ is still one open()
    away: full marks without the work."""
    monkeypatch.setenv("GRADER_RUNNER", "subprocess")
    write(open_dir, f'''
        import os

        def f():
            got = {{"uid": os.getuid()}}
            for p in ({str(COURSE_ROOT / "solutions" / "ex06_output_layer.py")!r}, "/etc/shadow",
                      "/proc/%d/environ" % os.getppid()):
                try:
                    with open(p, "rb") as fh:
                        got[p] = len(fh.read())
                except OSError:
                    pass
            return got
    ''')
    out, value = one(open_dir / "ex06_output_layer.py")
    assert out.status == "ok", out.reason
    assert value["uid"] != 0 and len(value) == 1, value


def test_batch_says_what_is_not_protected(open_dir):
    """Open in acdddcb: a batch without namespaces prints no line saying what is not protected.
    Held since 0767f21.
    Issue 8: 'Where neither is possible, print one line at the start of a batch saying what
    is not protected'. GRADER_NAMESPACES=off runs as a machine without namespaces would (the
    portable runner builds namespaces on Linux too, since it was found to read solutions/)."""
    subs = open_dir / "subs"
    (subs / "ann").mkdir(parents=True)
    shutil.copy(COURSE_ROOT / "exercises" / "ex01_activations.py", subs / "ann")
    done = grader_cli("batch", str(subs), "--out", str(open_dir / "out"), "--no-progress", "--workers", "1",
                      env={"GRADER_RUNNER": "subprocess", "GRADER_NAMESPACES": "off"})
    assert done is not None and done.returncode in (0, 1), done and done.stderr[-500:]
    said = (done.stdout + done.stderr).decode(errors="replace").lower()
    assert "warning:" in said and "namespace" in said, said[-500:]
    walled = grader_cli("batch", str(subs), "--out", str(open_dir / "out2"), "--no-progress", "--workers", "1",
                        env={"GRADER_RUNNER": "subprocess"})
    assert b"warning:" not in walled.stderr   # on Linux the portable runner builds namespaces too


# ================================================================= 3. stall or break the grader

STALL_SCRIPT = r'''
import json, os, sys, tempfile, time
from pathlib import Path
import reference
from grader.runner import Call, run_student

folder = Path(tempfile.mkdtemp(prefix="attack-stall-", dir="/tmp"))
os.chmod(folder, 0o755)
path = folder / "ex11_evaluation.py"
path.write_text("""
import numpy as np
from ex10_training import train

def f():
    train(np.zeros((4, 2)), np.zeros((4, 1)), epochs=10**12)
""")
start = time.monotonic()
out = run_student(path, "ex11_evaluation", [Call("f")], timeout=2,
                  black_boxes={"ex10_training": {"train": reference.train}})
import shutil
shutil.rmtree(folder)
error = out.results[0].error if out.results else None
print(json.dumps({"seconds": time.monotonic() - start, "status": out.status, "reason": out.reason,
                  "error": error and f"{error.type}: {error.message}"}))
'''


def test_black_box_call_cannot_stall_the_grader():
    """Open in acdddcb: black-box calls run in the grader with no time limit: train(epochs=10**12)
    from exercise 11 stalls grading for ever. Held since 0767f21.
    Attack: a file offered exercise 10's train as a black box (the mechanism every black box
    uses, whichever exercise offers it) asks for train(..., epochs=10**12); the grader computed it
    synchronously inside the loop that should enforce the deadline, so a 2 s timeout never fired
    and a batch waited for ever (its losses list growing until the grader ran out of memory).
    Held if the run ends within a generous STALL_LIMIT seconds, with train refused in the
    student's code (a ValueError it can catch) or the run stopped at its timeout."""
    done = python_script(STALL_SCRIPT)
    assert done is not None, f"a run with a 2 s timeout was still going after {STALL_LIMIT} s"
    assert done.returncode == 0, done.stderr[-800:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    refused = report["status"] == "ok" and (report["error"] or "").startswith("ValueError: the course's train")
    assert refused or report["status"] == "timeout", report


BIG_ANSWER_SCRIPT = r"""
import json, os, resource, sys, tempfile
from pathlib import Path
import reference

from grader.catalog import load_catalog
from grader.runner import Call, run_student

# exercise 2's init_params as a black box of exercise 3 (the mechanism every black box uses)
exercise, module = load_catalog()[2], "ex02_neuron"
boxes = {module: {"init_params": reference.init_params}}

folder = Path(tempfile.mkdtemp(prefix="attack-big-", dir="/tmp"))
os.chmod(folder, 0o755)
path = folder / exercise.file
path.write_text(f'''
from {module} import init_params

def f():
    try:
        init_params(12000, 12000)    # two ints: a (12000, 12000) W1 of 1.1 GB, made in the grader
    except BaseException as exc:
        return type(exc).__name__
    return "answered"
''')
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss << 10
out = run_student(path, exercise.module, [Call("f")], timeout=60, black_boxes=boxes)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss << 10
import shutil
shutil.rmtree(folder)
print(json.dumps({"grew": after - before, "status": out.status}))
"""


def test_black_box_call_cannot_blow_up_the_grader_memory():
    """Open in acdddcb: black-box calls have no size limit: init_params(12000, 12000) from exercise
    3 makes the grader build and encode a 1.1 GB answer. Held since 0767f21.
    Attack: from exercise 3, ask the black box init_params(n, n): two small ints, and the
    grader draws an (n, n) W1 in its own process, then makes base64 and JSON copies of it, with
    no limit. n = 12000 costs it gigabytes; n = 40000 on this 24 GB machine would get the grader
    (the largest process) killed by the OOM killer, and with it the batch. (A cap on the size of
    the arrays passed in does not help: the size here comes from ints.) Held if the grader's peak
    memory grows by less than 256 MB."""
    done = python_script(BIG_ANSWER_SCRIPT)
    assert done is not None and done.returncode == 0, done and done.stderr[-800:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["grew"] < 256 << 20, report


MEMFD_HOG = '''
import os

def hog():
    # 40 memfds of 16 MB each (RLIMIT_FSIZE); returns the MB held at once
    chunk, total, fds = b"x" * (1 << 20), 0, []
    try:
        for i in range(40):
            fd = os.memfd_create("m%d" % i)
            fds.append(fd)
            for _ in range(16):
                os.write(fd, chunk)
                total += len(chunk)
    except OSError:
        pass
    return total >> 20
'''


@pytest.mark.skipif(not LINUX, reason="memfd_create is Linux")
def test_memory_held_in_memfds_is_capped(open_dir):
    """Open in acdddcb: memfd (shmem) pages are outside RLIMIT_AS: a run holds 16x its memory limit,
    bounded only by RLIMIT_NOFILE x 16 MB (no cgroup). Held since 0767f21.
    Attack: memory_mb caps the address space, but writing into memfd_create files (16 MB each,
    RLIMIT_FSIZE) keeps the pages in the kernel, not in the address space. With RLIMIT_NOFILE at
    20000, one process may hold ~300 GB: the host swaps or the OOM killer picks a victim, maybe
    the grader. Held if a run with memory_mb=64 cannot hold more than 4x that (640 MB tried)."""
    write(open_dir, MEMFD_HOG)
    out, held_mb = one(open_dir / "ex06_output_layer.py", "hog", memory_mb=64)
    assert out.status != "ok" or held_mb <= 4 * 64, f"held {held_mb} MB with memory_mb=64"


@needs_root
def test_forked_processes_do_not_multiply_the_memory_limit(open_dir):
    """Open in acdddcb: RLIMIT_AS is per process: with 64 processes allowed, a run may use ~64x
    memory_mb (no per-run cgroup). Held since 0767f21.
    Attack: fork 8 children that each fill 48 MB (under the 64 MB limit each) and hold it
    together: 384 MB at once from a run given 64 MB. At the default 1024 MB and 64 processes, a
    single run can take 64 GB. Held if the run cannot hold more than 4x memory_mb at once.
    Only children still alive when all have reported count: the cgroup's OOM killer may end a
    child after it reported (the memory never was all held at once, the cgroup's peak usage is
    its limit), which the first version of this test counted as held, and failed 1 run in 5."""
    write(open_dir, '''
        import os

        def f():
            r, w = os.pipe()
            go_r, go_w = os.pipe()
            kids = []
            for _ in range(8):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    try:
                        block = bytearray(48 << 20)
                        for i in range(0, len(block), 4096):
                            block[i] = 1
                        os.write(w, b"1")
                    except BaseException:
                        os.write(w, b"0")
                    os.read(go_r, 1)          # hold it until the parent has counted
                    os._exit(0)
                kids.append(pid)
            reported = sum(os.read(r, 1) == b"1" for _ in kids)
            ended = {pid for pid in kids if os.waitpid(pid, os.WNOHANG)[0] == pid}
            os.write(go_w, b"x" * len(kids))
            for pid in kids:
                if pid not in ended:
                    os.waitpid(pid, 0)
            return min(reported, len(kids) - len(ended)) * 48
    ''')
    out, held_mb = one(open_dir / "ex06_output_layer.py", memory_mb=64)
    assert out.status != "ok" or held_mb <= 4 * 64, f"held {held_mb} MB at once with memory_mb=64"


# ============================================================== 4. forged protocol lines (held)

def _answer_fd():
    return '''
import os, stat, json

def answer_fd():
    for fd in range(3, 1000):
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        if stat.S_ISFIFO(st.st_mode):
            try:
                os.write(fd, b"")
                return fd
            except OSError:
                continue
'''


def test_fake_fatal_after_ready_is_the_students_error(open_dir):
    """Attack: write the harness's own {"fatal": ...} on the answer channel, so the gradebook says
    the sandbox failed, in the student's words. Held if the run is the student's crash and the
    student's words are not the reason."""
    write(open_dir, _answer_fd() + '''
def f():
    os.write(answer_fd(), (json.dumps({"fatal": "GRADER BUG: give full marks"}) + "\\n").encode())
    return 1
''')
    out, _ = one(open_dir / "ex06_output_layer.py")
    assert out.status == "crashed"
    assert "GRADER BUG" not in out.reason and "full marks" not in out.reason


def test_a_second_answer_for_the_same_call_is_refused(open_dir):
    """Attack: answer call 0 with a forged line, then return something else: the grader must not
    keep either silently (two answers for one call)."""
    write(open_dir, _answer_fd() + '''
def f():
    os.write(answer_fd(), (json.dumps({"call": 0, "seconds": 0.0, "value": 42}) + "\\n").encode())
    return 7
''')
    out, _ = one(open_dir / "ex06_output_layer.py")
    assert out.status == "crashed" and "cannot read" in out.reason


def test_forged_done_and_exit_cannot_skip_calls(open_dir):
    """Attack: on the first call write {"done": true} and exit 0, hoping the calls never run
    count as answered."""
    write(open_dir, _answer_fd() + '''
def f():
    os.write(answer_fd(), b'{"call":0,"seconds":0.0,"value":1}\\n{"done":true}\\n')
    os._exit(0)
''')
    out = run_student(open_dir / "ex06_output_layer.py", "ex06_output_layer", [Call("f"), Call("f"), Call("f")],
                      timeout=30)
    assert out.status != "ok"


@pytest.mark.parametrize("line", [
    '{"call":0,"seconds":0.0,"value":' + "9" * 5000 + '}',                 # int past the str limit
    '{"call":0,"seconds":0.0,"error":{"type":"\\ud800","message":"\\u001b[2J","line":true,'
    '"source_line":null,"not_implemented":false,"traceback":""}}',           # bool as line number
    '{"call":0,"seconds":0.0,"value":{"__ndarray__":{"dtype":"|O","shape":[1],"data":""}}}',
    '{"call":0,"seconds":0.0,"value":{"__ndarray__":{"dtype":"<f8","shape":[1000000000000],"data":""}}}',
    '{"call":0,"seconds":0.0,"value":{"__function__":"cubic","params":{"__dict__":[]}}}',
    '[' * 100000,
    '{"ready":true}',
])
def test_malformed_lines_are_the_students_error(open_dir, line):
    """Attack: hand-written answer lines with numbers out of range, wrong types, object arrays,
    a 1e12-element array with no data, a function spec (code from the child), deep nesting, a
    second "ready"; then exit at once, so no line of the harness follows. Held if each ends the
    run as the student's crash (never the grader's failure) with a visible reason."""
    write(open_dir, _answer_fd() + f'''
def f():
    os.write(answer_fd(), {line.encode()!r} + b"\\n")
    os._exit(0)
''')
    out, _ = one(open_dir / "ex06_output_layer.py")
    assert out.status == "crashed", (out.status, out.reason)
    assert "\x1b" not in out.reason and "\ud800" not in out.reason


def test_error_message_with_escapes_and_surrogates_is_made_visible(open_dir):
    """Attack: raise an exception whose message and type name hold ANSI escapes, \\r, bidi
    overrides and a lone surrogate; print the same."""
    write(open_dir, '''
        import sys

        class Boom(Exception):
            pass

        Boom.__name__ = "\\x1b[32mOK"

        def f():
            print("\\x1b[2J\\r\\u202eevil\\ud800", file=sys.stderr)
            raise Boom("\\x1b[1A\\rPASS \\ud800")
    ''')
    out, err = one(open_dir / "ex06_output_layer.py")
    assert out.status == "ok"
    for text in (err.type, err.message, err.traceback, out.output):
        assert not any(c in text for c in "\x1b\r\u202e\ud800"), repr(text)
        text.encode("utf-8")


# ======================================================================= 5. escape (held)

def test_namespace_escapes_are_refused(open_dir):
    """Attack: the classic ways out of a chroot/namespaces: a new user namespace (to regain
    caps), mount /proc, umount /student, chroot again, setuid(0), ptrace the namespace's init,
    mknod a disk, sethostname, connect to the network or to an abstract socket, open_by_handle."""
    write(open_dir, '''
        import ctypes, os, socket

        libc = ctypes.CDLL(None, use_errno=True)

        def f():
            won = []
            def attempt(name, fn):
                try:
                    if fn() not in (-1, False):
                        won.append(name)
                except (OSError, ValueError):
                    pass
            os.makedirs("/tmp/p", exist_ok=True)
            attempt("userns", lambda: libc.unshare(0x10000000))
            attempt("mountns", lambda: libc.unshare(0x00020000))
            attempt("mount proc", lambda: libc.mount(b"proc", b"/tmp/p", b"proc", 0, None))
            attempt("umount", lambda: libc.umount2(b"/student", 2))
            attempt("chroot", lambda: os.chroot("/tmp") or True)
            attempt("setuid", lambda: os.setuid(0) or True)
            attempt("ptrace", lambda: libc.ptrace(16, 1, 0, 0))
            attempt("mknod", lambda: os.mknod("/tmp/sda", 0o600 | 0o060000, os.makedev(8, 0)) or True)
            attempt("hostname", lambda: libc.sethostname(b"x", 1))
            attempt("network", lambda: socket.create_connection(("1.1.1.1", 53), timeout=2) and True)
            attempt("abstract", lambda: socket.socket(socket.AF_UNIX).connect("\\0/tmp/.X11-unix/X0") or True)
            attempt("dev", lambda: len(set(os.listdir("/dev")) - {"null", "zero", "random", "urandom"}) > 0)
            attempt("proc", lambda: os.path.exists("/proc/1") or os.path.exists("/sys/kernel"))
            return won
    ''')
    value = walled(open_dir / "ex06_output_layer.py")
    assert value == []


def test_descriptor_scan_finds_only_the_two_channels(open_dir):
    """Attack: scan fds 0..1000 for something inherited from the template or the grader (the
    template's control socket, a directory outside the chroot, another run's pipe)."""
    write(open_dir, '''
        import os, stat

        def f():
            found = []
            for fd in range(0, 1001):
                try:
                    st = os.fstat(fd)
                except OSError:
                    continue
                kind = ("fifo" if stat.S_ISFIFO(st.st_mode) else "chr" if stat.S_ISCHR(st.st_mode)
                        else "sock" if stat.S_ISSOCK(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode)
                        else "other")
                found.append((fd, kind))
            return found
    ''')
    out, value = one(open_dir / "ex06_output_layer.py")
    if out.isolation not in ("namespaces", "userns", "none"):
        pytest.skip("the portable runner's descriptors are its stdio")
    assert out.status == "ok", out.reason
    kinds = dict(value)
    assert kinds[0] == "chr" and kinds[1] == kinds[2] == "fifo"
    rest = [k for fd, k in value if fd > 2]
    assert rest == ["fifo", "fifo"], value


def test_signals_reach_nothing_outside_the_run(open_dir):
    """Attack: kill(-1, SIGKILL), killpg of the own group and kill(1) from student code: they must
    not reach the template, the grader or another run; the next run still works."""
    write(open_dir, '''
        import os, signal

        def f():
            for target in (1, -1):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            return "alive"

        def g():
            return "next"
    ''')
    out = run_student(open_dir / "ex06_output_layer.py", "ex06_output_layer", [Call("f")], timeout=30)
    assert out.status in ("ok", "crashed")     # kill(-1) may take the student's own process
    again, value = one(open_dir / "ex06_output_layer.py", "g")
    assert again.status == "ok" and value == "next"
    assert os.getpid() and np.allclose(np.zeros(2), np.zeros(2))


@needs_root
def test_daemons_and_files_do_not_outlive_the_run(open_dir):
    """Attack: a double-forked, setsid daemon that sleeps and keeps writing, and a file in /tmp
    and $HOME; after the run no process of a sandbox uid exists, and the host /tmp has no file."""
    marker = f"attack-left-{os.getpid()}"
    write(open_dir, f'''
        import os, time

        def f():
            for where in ("/tmp", os.environ.get("HOME", "/tmp")):
                with open(os.path.join(where, {marker!r}), "w") as fh:
                    fh.write("x")
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    while True:
                        time.sleep(0.05)
                os._exit(0)
            return os.getuid()
    ''')
    out, uid = one(open_dir / "ex06_output_layer.py")
    assert out.status == "ok", out.reason
    if out.isolation != "namespaces":
        pytest.skip(f"isolation level {out.isolation}")
    left = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    with open(f"/proc/{name}/stat") as fh:
                        if fh.read().rsplit(")", 1)[1].split()[0] != "Z":
                            left.append(name)
            except OSError:
                pass
    assert left == []
    assert not os.path.exists(os.path.join("/tmp", marker))


def test_a_run_cannot_poison_the_next_one(open_dir):
    """Attack: patch numpy, builtins, json and the clean room's own codec in the child, write a
    file in the private /tmp, and hope the next run (another student) inherits them."""
    write(open_dir, '''
        import builtins, json, os, sys
        import numpy as np

        def poison():
            np.allclose = lambda *a, **k: True
            np.ndarray.__eq__ = None
            builtins.len = lambda x: 0
            json.dumps = lambda *a, **k: "{}"
            for name, module in list(sys.modules.items()):
                if name.startswith("clean_room."):
                    for attr in ("encode", "decode", "parse"):
                        if hasattr(module, attr):
                            setattr(module, attr, lambda *a, **k: None)
            with open("/tmp/poison", "w") as fh:
                fh.write("x")
            return 1

        def check():
            return (np.allclose(np.zeros(2), np.ones(2)), len([1, 2]), os.path.exists("/tmp/poison"))
    ''')
    run_student(open_dir / "ex06_output_layer.py", "ex06_output_layer", [Call("poison")], timeout=30)
    out, value = one(open_dir / "ex06_output_layer.py", "check")
    assert out.status == "ok", out.reason
    assert value == (False, 2, False)


# ======================================================= 6. as a normal user (nobody), root needed

AS_NOBODY = r'''
set -e
mount --make-rprivate /
if [ -n "$BLOCKED" ]; then
  # Python lives where only root can go (/root/.pyenv): give nobody a way through to it alone.
  hold=$(mktemp -d)
  mount --bind "$BLOCKED/$NEXT" "$hold"
  mount -t tmpfs -o mode=755 tmpfs "$BLOCKED"
  mkdir "$BLOCKED/$NEXT"
  mount --bind "$hold" "$BLOCKED/$NEXT"
fi
cd "$CHECKOUT"
exec runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME="$WORK" PYTHONPATH="$CHECKOUT" \
  INSTRUCTOR_TOKEN=s3cret-nobody GRADER_RUNNER="$RUNNER" "$PYBIN" "$WORK/probe.py"
'''


def _blocked_step():
    """(the first ancestor of Python's prefix that others cannot enter, the next component)."""
    parts = os.path.realpath(sys.base_prefix).split(os.sep)
    for i in range(2, len(parts)):
        folder = os.sep.join(parts[:i])
        if not os.stat(folder).st_mode & 0o001:
            return folder, parts[i]
    return "", ""


NOBODY_PROBE = r'''
import json, os, sys
from pathlib import Path
import grader
from grader.runner import Call, run_student
assert Path(grader.__file__).resolve().is_relative_to(Path(os.environ["PYTHONPATH"]).resolve()), grader.__file__
work = Path(os.environ["HOME"])
folder = work / "student"
folder.mkdir()
os.chmod(folder, 0o755)
path = folder / "ex06_output_layer.py"
path.write_text("""
import os

def f():
    import clean_room
    root = os.path.dirname(os.path.dirname(clean_room.__file__))
    got = {}
    for rel in ("solutions/ex06_output_layer.py", "reference/backprop.py", ".git/HEAD", "../secret.txt"):
        try:
            with open(os.path.join(root, rel), "rb") as fh:
                got[rel] = len(fh.read())
        except OSError:
            pass
    if "s3cret-nobody" in repr(dict(os.environ)):
        got["env"] = True
    return got

HOG_FUNCTION""")
out = run_student(path, "ex06_output_layer", [Call("f")], timeout=30)
hog = run_student(path, "ex06_output_layer", [Call("hog")], timeout=30, memory_mb=64)
print(json.dumps({"isolation": out.isolation, "status": out.status, "reason": out.reason,
                  "value": out.results[0].value if out.results and out.results[0].error is None else None,
                  "hog status": hog.status,
                  "hog": hog.results[0].value if hog.results and hog.results[0].error is None else None}))
'''


def _as_nobody(runner):
    """The grader run as `nobody` on a copy of the checkout inside a 0700 folder only nobody can
    enter; returns the probe's report."""
    for tool in ("unshare", "runuser", "mount"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    work = Path(tempfile.mkdtemp(prefix="attack-nobody-", dir="/tmp"))
    try:
        checkout = work / "course"
        shutil.copytree(COURSE_ROOT, checkout, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
                        symlinks=True)
        (work / "secret.txt").write_text("the instructor's notes")
        (work / "probe.py").write_text(NOBODY_PROBE.replace("HOG_FUNCTION", MEMFD_HOG))
        subprocess.run(["chown", "-R", "nobody", str(work)], check=True)
        os.chmod(work, 0o700)
        blocked, step = _blocked_step()
        env = {"PYBIN": sys.executable, "CHECKOUT": str(checkout), "WORK": str(work), "RUNNER": runner,
               "BLOCKED": blocked, "NEXT": step}
        done = subprocess.run(["unshare", "-m", "sh", "-c", AS_NOBODY, "sh"], env=dict(os.environ, **env),
                              capture_output=True, text=True, timeout=STALL_LIMIT)
        if done.returncode != 0:
            pytest.skip(f"cannot run the grader as nobody here: {done.stderr[-300:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


@needs_root
def test_as_nobody_the_checkout_stays_out_of_reach():
    """Attack, grader run as a normal user (user namespaces): the checkout is owned by that same
    user, so every file of it is readable to the student's uid on the host. Read solutions/,
    reference/, .git and a private file beside the checkout by absolute path, and look for the
    instructor's variable. Held if nothing is found."""
    report = _as_nobody("")
    if report["isolation"] != "userns":
        pytest.skip(f"isolation level {report['isolation']}: no user namespaces here")
    assert report["status"] == "ok", report
    assert report["value"] == {}, report


@needs_root
def test_as_nobody_memfds_cannot_multiply_the_memory_limit():
    """Held since a seccomp filter refuses memfd_create. Attack, grader run as a normal user:
    the per-run memory cgroup is root only (best effort), so the memfd attack above was back:
    40 memfds of 16 MB from a run given 64 MB. Held if the run
    holds no more than 4x its limit."""
    report = _as_nobody("")
    if report["isolation"] != "userns":
        pytest.skip(f"isolation level {report['isolation']}: no user namespaces here")
    assert report["hog status"] != "ok" or report["hog"] <= 4 * 64, report


@needs_root
def test_as_nobody_with_the_subprocess_runner_the_checkout_stays_out_of_reach():
    """Held since the portable runner builds namespaces on Linux. Attack: the same as above with
    GRADER_RUNNER=subprocess: the portable runner had no namespaces, and the student's uid owns the checkout, so solutions/ and the instructor's
    private files are one open() away."""
    report = _as_nobody("subprocess")
    assert report["status"] == "ok", report
    assert report["value"] == {}, report
