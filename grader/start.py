"""The `grade` program's entry point: for a command that runs student code, the clean template
starts before anything else is imported, so its numpy import overlaps all of ours (click, the
grader, numpy, the tests), not just the part after click has parsed the command line."""
import sys

RUNS_STUDENT_CODE = ("exercise", "all", "watch", "demo")


def run():
    if len(sys.argv) > 1 and sys.argv[1] in RUNS_STUDENT_CODE:
        from . import runner
        runner.warm()
    from .cli import run as grade
    grade()
