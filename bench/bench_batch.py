"""How fast `grade batch` grades a class of correct submissions, against starting Python + numpy.

    python bench/bench_batch.py [--n 200] [--workers 2] [--mode both|inprocess|cli] [--repeat 1]

Generates N copies of solutions/ in a temporary folder (half as folders, half as zips), times
`python -c "import numpy"` (the median of 5, and 5 more after the batches: a machine that got
busier or quieter meanwhile shows), then grades the class:

  inprocess  run_batch(...) called from this process (numpy and the grader already imported):
             the cost per student of the batch itself.
  cli        `python -m grader.cli batch ...` in a subprocess: everything an instructor waits
             for, Python's start and the imports included (paid once, not per student).

Prints submissions per second, wall time per submission, and its ratio to the numpy import
(the issue's target: at most 1.0 on 2 workers). With --repeat R each mode runs R times and
the fastest run is reported too (other work on the machine only ever slows a run down).
After every run it reads the gradebook and stops with an error unless every student was graded
with full marks: a fast batch that graded nothing is not a figure.
"""
import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.batch import run_batch          # noqa: E402
from grader.catalog import COURSE_ROOT      # noqa: E402


def numpy_import_times(repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)
        times.append(time.perf_counter() - start)
    return times


def make_class(folder, n):
    solutions = sorted((COURSE_ROOT / "solutions").glob("ex*.py"))
    for i in range(n):
        name = f"student{i:04d}"
        if i % 2:
            with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
                for path in solutions:
                    z.write(path, f"{name}/exercises/{path.name}")
        else:
            (folder / name).mkdir()
            for path in solutions:
                shutil.copyfile(path, folder / name / path.name)


def check_class(out, n):
    """Every one of the n correct submissions graded with full marks, or SystemExit saying why."""
    try:
        with open(Path(out, "gradebook.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise SystemExit(f"no gradebook in {out}: {exc.strerror}")
    wrong = [r["student"] for r in rows if r["status"] != "graded" or r["total"] != r["max"]]
    if len(rows) != n or wrong:
        raise SystemExit(f"the batch did not grade the class right: {len(rows)} rows for {n} submissions, "
                         f"{len(wrong)} not graded with full marks ({', '.join(wrong[:5])})")
    return f"all {n} graded, full marks"


def report(label, n, seconds, numpy_seconds, check=""):
    per = seconds / n
    print(f"{label:10s} {n} submissions in {seconds:.2f} s: {n / seconds:.1f} submissions/s, "
          f"{per * 1000:.1f} ms each, {per / numpy_seconds:.2f} x the numpy import"
          + (f" ({check})" if check else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="submissions in the class (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="workers (default 2)")
    parser.add_argument("--mode", choices=["both", "inprocess", "cli"], default="both")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode (default 1)")
    args = parser.parse_args()

    numpy_times = numpy_import_times()
    numpy_seconds = statistics.median(numpy_times)
    print(f"python -c 'import numpy': {numpy_seconds * 1000:.0f} ms (median of 5 before the batches); "
          f"{os.cpu_count()} CPUs, {args.workers} workers, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        subs = Path(tmp, "subs")
        subs.mkdir()
        make_class(subs, args.n)
        every = []
        for mode in ("inprocess", "cli"):
            if args.mode not in ("both", mode):
                continue
            runs = []
            for r in range(args.repeat):
                out = Path(tmp, f"out-{mode}-{r}")   # a fresh out dir: every student is graded
                start = time.perf_counter()
                if mode == "inprocess":
                    summary = run_batch(subs, out, workers=args.workers, progress=False)
                    if summary.graded_now != args.n:
                        raise SystemExit(f"run_batch graded {summary.graded_now} of {args.n}:\n{summary.text()}")
                else:
                    subprocess.run([sys.executable, "-m", "grader.cli", "batch", str(subs), "--out", str(out),
                                    "--workers", str(args.workers), "--no-progress"],
                                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
                runs.append(time.perf_counter() - start)
                every.append((mode, runs[-1]))
                report(mode, args.n, runs[-1], numpy_seconds, check_class(out, args.n))
                shutil.rmtree(out, ignore_errors=True)
            if len(runs) > 1:
                report(f"{mode} best", args.n, min(runs), numpy_seconds)
        # The machine may have changed while the batches ran: the numpy import again, and every
        # batch against the median of all ten imports.
        numpy_times += numpy_import_times()
        both = statistics.median(numpy_times)
        print(f"python -c 'import numpy' again after the batches: median of all 10 {both * 1000:.0f} ms; "
              f"ratios against it: " + ", ".join(f"{mode} {seconds / args.n / both:.2f}"
                                                  for mode, seconds in every))


if __name__ == "__main__":
    main()
