"""What travels between the grader and the clean room, and nothing else: both sides import this.

A run is one job, sent as plain data (clean_room.plain_data) on the child's job channel:

    {"module": "ex06_output_layer", "file": "ex06_output_layer.py",
     "calls": [{"function": "dz2", "args": [...], "kwargs": {...},
                "return_args": false, "float_errors": false}, ...],
     "black_boxes": {"ex01_activations": ["sigmoid"]},   # answered by the grader, see below
     "sources": {"ex08_backward": "def backward(...): ..."},   # or given as code (exercise 10)
     "student_dir": "/student",   # where the staged files are, as the child sees them
     "tmp_dir": "/tmp",           # the run's private temp folder: HOME, TMPDIR and cwd
     "student_imports": false,    # true: the student's other files are importable (demo, kit)
     "timeout": 5.0, "memory_mb": 1024}

The child answers on its answer channel, one JSON object per line:

    {"ready": true}                                    set-up done; no student code has run yet
    {"fatal": "..."}                                   set-up failed (only before "ready")
    {"import": "ok", "seconds": s}
    {"import": "error", "seconds": s, "error": ERR, "memory": bool}
    {"call": i, "seconds": s, "value": V[, "args_after": A]}
    {"call": i, "seconds": s, "error": ERR[, "args_after": A][, "memory": true]}
    {"ask": k, "module": m, "function": f, "args": A, "kwargs": K}
    {"done": true}
    ERR = {"type", "message", "line", "source_line", "not_implemented", "traceback"}

A black box is an earlier exercise's function that the file imports (`from ex06_output_layer
import dz2`): the child holds only its name; calling it sends an "ask" and waits for the grader's
reply on the job channel, {"reply": k, "value": V} or {"reply": k, "error": {"type", "message"}}.
So the course's own code never enters the child, even as bytecode. The one exception is
exercise 10, whose train calls the earlier exercises thousands of times: a round trip each would
cost seconds, so those functions arrive as source text ("sources") and docs/grader.md says so.

Everything the child sends is data that the grader checks; student code can write on the answer
channel too, so nothing in it can decide a verdict or speak for the grader.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .plain_data import FunctionSpec, decode, encode

__all__ = ["Call", "FunctionSpec", "job_to_plain", "job_from_plain", "EXIT_SETUP_FAILED",
           "EXIT_CHANNEL_LOST", "EXIT_HARNESS_FAILED", "STUDENT_DIR"]

# Exit codes of the harness itself. They mean "the harness" only before the child said "ready";
# after that, student code can exit with any number.
EXIT_SETUP_FAILED = 121
EXIT_CHANNEL_LOST = 122
EXIT_HARNESS_FAILED = 123

STUDENT_DIR = "/student"   # where the student's staged files appear inside the namespaces


@dataclass(frozen=True)
class Call:
    """One call of a function of the student's module."""
    function: str
    args: tuple = ()            # plain data (see clean_room.plain_data) or FunctionSpec, nested
    kwargs: dict = field(default_factory=dict)
    return_args: bool = False   # also send back args and kwargs as they are after the call
    float_errors: bool = False  # run it under np.errstate(over/divide/invalid="raise")


def job_to_plain(module, file, student_dir, tmp_dir, calls, black_boxes, sources, student_imports, timeout,
                 memory_mb, keep=False):
    """The job as a JSON-able structure (made by the grader). keep: the process may take the
    session's next job afterwards, if it leaves nothing behind (clean_room.child, reuse)."""
    return {"module": module, "file": file, "student_dir": student_dir, "tmp_dir": tmp_dir,
            "sources": dict(sources), "black_boxes": {m: sorted(f) for m, f in black_boxes.items()},
            "student_imports": bool(student_imports), "timeout": float(timeout),
            "memory_mb": int(memory_mb), "keep": bool(keep),
            "calls": [{"function": c.function, "args": encode(tuple(c.args)),
                       "kwargs": encode(dict(c.kwargs)), "return_args": bool(c.return_args),
                       "float_errors": bool(c.float_errors)} for c in calls]}


def job_from_plain(job):
    """The job's calls as Call objects with decoded arguments (in the child)."""
    calls = [Call(c["function"], decode(c["args"], functions=True), decode(c["kwargs"], functions=True),
                  c["return_args"], c["float_errors"]) for c in job["calls"]]
    return calls
