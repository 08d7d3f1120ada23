"""`python -m clean_room`: one run on stdio, for the portable runner (no fork, no namespaces).

stdin is the job channel, stdout the answer channel, stderr the student's output. The grader
enforces the time limit from outside and ends the process tree.
"""
import os
import sys

from .child import serve

UID_BASE = 200_000


def _drop_root(job):
    """Started as root (a grader run as root with GRADER_RUNNER=subprocess): run the student's
    code as a per-run uid with no groups, owning only its private temp folder."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    uid = UID_BASE + os.getpid()
    os.chown(job["tmp_dir"], uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


if __name__ == "__main__":
    serve(answer_fd=1, job_fd=0, output_fd=2, posix=os.name == "posix", subreaper=False,
          before_student=_drop_root)
    sys.exit(0)
