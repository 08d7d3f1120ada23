"""How long the student kit's `grade exercise N` takes on a correct solution, against a bare
`python -c "import numpy"`, with the default runner and with the portable one.

Builds a kit with `grade release`, installs it (not editable) into a fresh virtual environment
in a temporary folder, copies the solutions into its exercises/ and times `grade exercise N`
there (from inside exercises/, as students run it), alternating with the numpy import so a busy
machine slows both alike. Goal: at most 2.5x with the default runner. Prints figures; asserts nothing.

    python bench/bench_kit.py [--runs 7] [--exercises 1,6,8,10]
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

import click
import numpy
import yaml

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd, cwd, env):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def install_kit(base):
    """The kit built and installed into base/venv (the same way tests/kit/conftest.py does);
    returns (grade command, the venv's python, the student's exercises folder)."""
    kit = base / "kit"
    subprocess.run([sys.executable, "-m", "grader.cli", "release", "--out", str(kit)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    source = base / "source"
    shutil.copytree(kit, source)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = next(p for p in (scripts / "python.exe", scripts / "python") if p.exists())
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    dirs = sorted({str(Path(m.__file__).resolve().parent.parent) for m in (numpy, click, yaml)})
    Path(site, "_bench_dependencies.pth").write_text("\n".join(dirs) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
                    str(source)], check=True)
    for solution in (ROOT / "solutions").glob("ex*.py"):
        shutil.copy(solution, kit / "exercises" / solution.name)
    return str(shutil.which("grade", path=str(scripts))), str(python), kit / "exercises"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--exercises", default="1,6,8,10")
    args = parser.parse_args()
    numbers = args.exercises.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        grade, python, exercises = install_kit(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GRADER_"))}
        envs = {"default": env, "portable": dict(env, GRADER_RUNNER="subprocess")}
        numpy_cmd = [python, "-c", "import numpy"]
        wall(numpy_cmd, exercises, env)   # warm the file cache before measuring anything
        times = {"numpy": []} | {(r, n): [] for r in envs for n in numbers}
        for _ in range(args.runs):
            times["numpy"].append(wall(numpy_cmd, exercises, env))
            for r, n in [k for k in times if k != "numpy"]:
                times[(r, n)].append(wall([grade, "exercise", n], exercises, envs[r]))
        base = statistics.median(times["numpy"])
        print(f'python -c "import numpy" (the venv)       median {base * 1000:7.1f} ms over {args.runs} runs')
        for r in envs:
            for n in numbers:
                t = statistics.median(times[(r, n)])
                print(f"kit: grade exercise {n:>2}, {r:8s} runner   median {t * 1000:7.1f} ms   ratio {t / base:4.2f}")
            overall = statistics.median([statistics.median(times[(r, n)]) for n in numbers]) / base
            goal = " (goal: at most 2.5)" if r == "default" else ""
            print(f"median ratio, {r} runner: {overall:.2f}{goal}")


if __name__ == "__main__":
    main()
