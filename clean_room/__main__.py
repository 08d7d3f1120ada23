"""`python -m clean_room [STUDENT_DIR MEMORY_MB]`: one run on stdio, for the portable runner.

stdin is the job channel, stdout the answer channel, stderr the student's output. The grader
enforces the time limit from outside and ends the process tree. On Linux the run gets the
same namespaces as the template's runs where the machine allows them (clean_room.server's
`contain`); elsewhere, or where it does not, the student's code runs here, as a per-run uid
when started as root.
"""
import os
import sys

import numpy.random  # noqa: F401 - imported while the library is in reach (before root is dropped)

from .child import drop_root, serve
from .protocol import STUDENT_DIR


def _drop_root(job):
    drop_root(job["tmp_dir"], os.getpid())


def _inside(job):
    """In the namespaces the staged files are at /student and the private temp folder is /tmp."""
    job["student_dir"], job["tmp_dir"] = STUDENT_DIR, "/tmp"


def main():
    namespaces = os.environ.pop("CLEAN_ROOM_NAMESPACES", "") != "off"
    if sys.platform.startswith("linux") and len(sys.argv) >= 3 and namespaces:
        from . import isolation, server
        isolation.die_with_parent(os.getppid())   # a grader killed with SIGKILL takes the run along
        plan = isolation.Plan()
        level = isolation.probe(plan)
        if level != "none":
            server.contain(level, plan, (1, 0, 2), sys.argv[1], 16, int(sys.argv[2]), before_student=_inside)
    serve(answer_fd=1, job_fd=0, output_fd=2, posix=os.name == "posix", subreaper=False,
          before_student=_drop_root)


if __name__ == "__main__":
    main()
    sys.exit(0)
