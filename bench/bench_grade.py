"""How long `grade exercise N` takes on a correct solution, against a bare `python -c "import numpy"`.

Both are timed in the same run, alternating, so a busy machine slows both alike; the figure that
matters is the ratio (the goal: about 2, i.e. two interpreter-plus-numpy start-ups). `grade` is
started as its console script starts it (grader.start:run), with this Python.
Prints figures; asserts nothing.

    python bench/bench_grade.py [--runs 9] [--exercises 1,6,10]
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--exercises", default="1,6,10,11")
    args = parser.parse_args()
    numpy_cmd = [sys.executable, "-c", "import numpy"]
    script = "import sys; from grader.start import run; sys.argv[0] = 'grade'; sys.exit(run())"
    grade_cmds = {n: [sys.executable, "-c", script, "exercise", n, "--path", "solutions"]
                  for n in args.exercises.split(",")}
    wall(numpy_cmd)  # warm the file cache before measuring anything
    times = {"numpy": []} | {n: [] for n in grade_cmds}
    for _ in range(args.runs):
        times["numpy"].append(wall(numpy_cmd))
        for n, cmd in grade_cmds.items():
            times[n].append(wall(cmd))
    base = statistics.median(times["numpy"])
    print(f'python -c "import numpy"      median {base * 1000:7.1f} ms over {args.runs} runs')
    for n in grade_cmds:
        t = statistics.median(times[n])
        print(f"grade exercise {n:>2} (solution)   median {t * 1000:7.1f} ms   ratio {t / base:4.2f}")
    everything = statistics.median([statistics.median(times[n]) for n in grade_cmds])
    print(f"median ratio over the exercises: {everything / base:.2f} (goal: about 2)")


if __name__ == "__main__":
    main()
