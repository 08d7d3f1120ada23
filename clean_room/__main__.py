"""`python -m clean_room`: one run on stdio, for the portable runner (no fork, no namespaces).

stdin is the job channel, stdout the answer channel, stderr the student's output. The grader
enforces the time limit from outside and ends the process tree.
"""
import os
import sys

from .child import serve

if __name__ == "__main__":
    serve(answer_fd=1, job_fd=0, output_fd=2, posix=os.name == "posix", subreaper=False)
    sys.exit(0)
