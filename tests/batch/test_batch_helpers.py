"""Builds classes of submissions for the batch tests (imported by the other test_batch_* files).

Every student is made from the course's own solutions/ and exercises/ folders, so the expected
scores follow the catalog: full marks for a solution, nothing for a stub.
"""
import csv
import io
import os
import shutil
import zipfile
from pathlib import Path

from grader.catalog import COURSE_ROOT, load_catalog

SOLUTIONS = COURSE_ROOT / "solutions"
STUBS = COURSE_ROOT / "exercises"
FULL = sum(e.points for e in load_catalog())
POINTS = {e.number: e.points for e in load_catalog()}
FILES = {e.number: e.file for e in load_catalog()}
SEED = 777
TIMEOUT = 1.5


def solution(number):
    return (SOLUTIONS / FILES[number]).read_text()


def copy_solutions(folder, prefix_code=None):
    """A folder holding every solution; prefix_code: {number: code put before that file's code}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for number, name in FILES.items():
        text = solution(number)
        if prefix_code and number in prefix_code:
            text = prefix_code[number] + "\n" + text
        (folder / name).write_text(text)
    return folder


def zip_folder(folder, zip_path, inside=""):
    """Zips the files of `folder` under `inside/` in the zip."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(Path(folder).iterdir()):
            z.write(path, f"{inside}/{path.name}" if inside else path.name)
    return zip_path


def hostile_prefix(out):
    """Code that attacks the grader's outputs before defining the real functions."""
    return f'''
import glob, os, sys
OUT = {str(out)!r}
attempts = []
def attempt(what, action):
    try:
        action()
        attempts.append(what + ": done")
    except Exception as exc:
        attempts.append(what + ": " + type(exc).__name__)
def write(path):
    with open(path, "w") as f:
        f.write("forged")
attempt("gradebook", lambda: write(os.path.join(OUT, "gradebook.csv")))
attempt("other results", lambda: write(os.path.join(OUT, "good", "results.json")))
attempt("own results", lambda: write(os.path.join(OUT, "zz_hostile", "results.json")))
attempt("new file", lambda: write(os.path.join(OUT, "evil.txt")))
attempt("chmod", lambda: os.chmod(OUT, 0o777))
attempt("kill parent", lambda: os.kill(os.getppid(), 9))
print("<script>alert('owned')</script>")
print("staged files visible:", len(glob.glob("/tmp/grade-batch-*/*/*.py")))
print(attempts)
sys.stdout.write("x" * 10_000_000)
'''


def build_messy_class(root, out):
    """The issue's messy class in root/subs; returns (subs, {student: (total, status, note contains)})."""
    subs = Path(root) / "subs"
    subs.mkdir(parents=True)
    staging = Path(root) / "build"
    expected = {}

    copy_solutions(subs / "good")
    expected["good"] = (FULL, "graded", "")

    zip_folder(copy_solutions(staging / "goodzip"), subs / "goodzip.zip")
    expected["goodzip"] = (FULL, "graded", "")

    wrapped = zip_folder(copy_solutions(staging / "wrapped"), subs / "wrapped.zip", "Alice_123/exercises")
    with zipfile.ZipFile(wrapped, "a") as z:   # what macOS adds to a zip
        z.writestr("__MACOSX/Alice_123/exercises/._ex01_activations.py", b"\x00\x05junk")
        z.writestr("Alice_123/.DS_Store", b"junk")
    expected["wrapped"] = (FULL, "graded", "")

    shutil.copytree(STUBS, subs / "stubbed" / "exercises")
    expected["stubbed"] = (0, "graded", "")

    broken = copy_solutions(subs / "broken")
    (broken / FILES[3]).write_text("def forward(X, params)\n    return None\n")
    (broken / FILES[5]).write_text('raise RuntimeError("boom")\n' + solution(5))
    expected["broken"] = (FULL - POINTS[3] - POINTS[5], "graded", "ex03: ex03_forward.py has a syntax error")

    (subs / "corrupt.zip").write_bytes(os.urandom(3000))
    expected["corrupt"] = (0, "failed to load", "corrupt zip")

    with zipfile.ZipFile(subs / "zipslip.zip", "w") as z:
        for number, name in FILES.items():
            z.writestr(name, solution(number))
        z.writestr("../../evil.py", "print('escaped')\n")
        z.writestr(str(Path(root) / "abs_evil.py"), "print('escaped')\n")
    expected["zipslip"] = (0, "failed to load", "points outside the submission")

    with zipfile.ZipFile(subs / "huge.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for number, name in FILES.items():
            z.writestr(name, solution(number))
        z.writestr("data/big.bin", bytes(51 << 20))
    expected["huge"] = (0, "failed to load", "expand")

    (subs / "empty").mkdir()
    expected["empty"] = (0, "failed to load", "empty folder")

    junk = subs / "junk"
    (junk / "notes").mkdir(parents=True)
    (junk / "README.txt").write_text("my homework\n")
    (junk / "notes" / "ideas.py").write_text("x = 1\n")
    expected["junk"] = (0, "failed to load", "no exercise files found")

    (subs / "notes.txt").write_text("not a submission\n")
    expected["notes.txt"] = (0, "failed to load", "not a folder, a .zip or a notebook")

    copy_solutions(subs / "looping", {1: "while True:\n    pass\n"})
    expected["looping"] = (FULL - POINTS[1], "graded", "ex01: ex01_activations.py stopped after")

    copy_solutions(subs / "zz_hostile", {1: hostile_prefix(out)})

    copy_solutions(subs / "dup")
    zip_folder(copy_solutions(staging / "dup"), subs / "dup.zip")
    expected["dup"] = (FULL, "graded", "two submissions for dup")
    expected["dup.zip"] = (FULL, "graded", "two submissions for dup")

    copy_solutions(subs / "eve<script>x")
    expected["eve<script>x"] = (FULL, "graded", "")

    (subs / ".DS_Store").write_bytes(b"junk")
    return subs, expected


def read_gradebook(path):
    return list(csv.DictReader(io.StringIO(Path(path).read_text())))


def batch_processes(parent_pid):
    """Pids of the processes whose parent is parent_pid (the batch's workers)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent_pid:
                found.append(int(name))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
