"""How long run_autograder takes on a correct submission, after setup, against a bare
`python -c "import numpy"` timed in the same run (the issue's goal: 3x at most).

    python bench/bench_autograder.py [--runs 9] [--python /usr/bin/python3]

Builds the zip, unpacks it into a temporary AUTOGRADER_ROOT and runs its setup.sh with --python
(default: /usr/bin/python3 where it exists, as the user nobody must be able to start it), then
times, alternating so that a busy machine slows both alike:

  zip        the zip's run_autograder, as Gradescope starts it (writing no bytecode: each
             submission has a fresh copy of the image), against the numpy import of the zip's
             virtual environment;
  checkout   `python -m grader.package.run_autograder` run from this checkout with this
             Python, against this Python's numpy import.

Each run's results.json must hold full marks, or the benchmark stops: a fast grader that graded
nothing is not a figure. Prints figures; asserts nothing else.
"""
import argparse
import json
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

from grader.catalog import COURSE_ROOT, load_catalog          # noqa: E402
from grader.package.autograder import build_autograder        # noqa: E402

FULL = sum(e.points for e in load_catalog())


def wall(cmd, env=None, cwd=None):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def make_container(python):
    root = Path(tempfile.mkdtemp(prefix="bench-autograder-"))
    os.chmod(root, 0o755)
    build_autograder(root / "autograder.zip")
    with zipfile.ZipFile(root / "autograder.zip") as archive:
        for info in archive.infolist():
            archive.extract(info, root / "source")
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    start = time.perf_counter()
    subprocess.run([str(root / "source" / "setup.sh")], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=python))
    setup = time.perf_counter() - start
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for path in sorted((COURSE_ROOT / "solutions").glob("ex*.py")):
        shutil.copyfile(path, root / "submission" / path.name)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": 4242}]}))
    return root, setup


def graded(root):
    """The results.json of the last run, after checking it holds full marks."""
    data = json.loads((root / "results" / "results.json").read_text())
    if data.get("score") != FULL:
        sys.exit(f"run_autograder did not give full marks: {data.get('output', '')[:500]}")
    return data["extra_data"]["autograder"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
    args = parser.parse_args()
    root, setup = make_container(args.python)
    try:
        env = dict(os.environ, AUTOGRADER_ROOT=str(root))
        env.pop("GRADER_RUNNER", None)
        # The zip's runs write no bytecode: each submission runs in a fresh copy of the image,
        # so it has only what setup.sh compiled.
        fresh = dict(env, PYTHONDONTWRITEBYTECODE="1")
        modes = {
            "zip": ([str(root / "venv" / "bin" / "python"), "-c", "import numpy"],
                    [str(root / "source" / "run_autograder")], root, fresh),
            "checkout": ([sys.executable, "-c", "import numpy"],
                         [sys.executable, "-m", "grader.package.run_autograder"], ROOT, env),
        }
        times = {mode: ([], []) for mode in modes}
        record = {}
        for mode, (numpy_cmd, run_cmd, cwd, run_env) in modes.items():   # warm the file cache, check it works
            wall(numpy_cmd)
            wall(run_cmd, run_env, cwd)
            record[mode] = graded(root)
        for _ in range(args.runs):
            for mode, (numpy_cmd, run_cmd, cwd, run_env) in modes.items():
                times[mode][0].append(wall(numpy_cmd))
                times[mode][1].append(wall(run_cmd, run_env, cwd))
                graded(root)
        print(f"setup.sh (once, when Gradescope builds the image): {setup:.1f} s")
        for mode in modes:
            base, run = (statistics.median(t) for t in times[mode])
            print(f"{mode:8s}  python -c 'import numpy' median {base * 1000:6.1f} ms; run_autograder median "
                  f"{run * 1000:6.1f} ms over {args.runs} runs: ratio {run / base:4.1f} "
                  f"(isolation {record[mode]['isolation']}, graded as {record[mode]['grading_user']})")
        print("goal: a ratio of 3 at most")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
