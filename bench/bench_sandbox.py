"""How much a sandboxed run costs, next to starting Python with numpy (which `grade` pays once).

    python bench/bench_sandbox.py [--runs N]

Prints the median wall time of run_student on a trivial honest file (one call, and twenty calls,
each run staging its file and opening a sandbox session of its own; and one call in a session
already open, as a student's later exercises run: where the previous run left nothing behind,
in its kept process), the median of `python -c "import numpy"`,
and their ratio, all measured in this one run.
Asserts nothing: it is a figure for humans.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.runner import Call, one_student, run_student   # noqa: E402

TRIVIAL = """
import numpy as np

def dz2(y_hat, y):
    return (y_hat - y) / y.shape[0]
"""


def median_seconds(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
    try:
        path = folder / "ex06_output_layer.py"
        path.write_text(TRIVIAL)
        y_hat, y = np.full((4, 1), 0.5), np.array([[1.0], [0.0], [1.0], [0.0]])
        one = [Call("dz2", (y_hat, y))]
        twenty = one * 20

        def check(outcome):
            if outcome.status != "ok":
                raise SystemExit(f"run_student failed: {outcome.status}: {outcome.reason}")

        check(run_student(path, "ex06_output_layer", one))  # warm up
        sandbox_one = median_seconds(lambda: check(run_student(path, "ex06_output_layer", one)), args.runs)
        sandbox_twenty = median_seconds(lambda: check(run_student(path, "ex06_output_layer", twenty)), args.runs)
        with one_student(folder) as staged:   # a student's later exercises: a run in their session
            in_session = median_seconds(
                lambda: check(run_student(path, "ex06_output_layer", one, staged=staged)), args.runs)
        python_numpy = median_seconds(
            lambda: subprocess.run([sys.executable, "-c", "import numpy"], check=True),
            max(5, args.runs // 3))
    finally:   # also after a failed run or Ctrl-C
        shutil.rmtree(folder, ignore_errors=True)

    who = "root: per-run uid" if os.geteuid() == 0 else "normal user"
    print(f"run_student, 1 call   ({who}): {sandbox_one * 1000:8.2f} ms  (median of {args.runs})")
    print(f"run_student, 20 calls ({who}): {sandbox_twenty * 1000:8.2f} ms")
    print(f"run_student, 1 call, in a session already open (a kept process): {in_session * 1000:8.2f} ms")
    print(f"python -c 'import numpy':{'':14s}{python_numpy * 1000:8.2f} ms")
    print(f"ratio run_student / python -c 'import numpy': {sandbox_one / python_numpy:.3f} "
          f"(1 call), {sandbox_twenty / python_numpy:.3f} (20 calls), {in_session / python_numpy:.3f} (in a session)")


if __name__ == "__main__":
    main()
