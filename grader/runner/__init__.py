"""Runs student code in the clean room and brings back its answers as plain data.

    outcome = run_student(Path("exercises/ex06_output_layer.py"), "ex06_output_layer",
                          [Call("dz2", (y_hat, y)), Call("db2", (dz,), return_args=True)],
                          black_boxes={"ex01_activations": {"sigmoid": reference.sigmoid}})
    outcome.status            # "ok", or why the run stopped early (see outcome.py)
    outcome.results[0].value  # the decoded return value, or .error: StudentError

The child is a fork of the clean template (clean_room.server), which never imported the grader,
the reference or a test: what student code can find in its process is its own inputs. Earlier
exercises' functions are black boxes: the child has their names, the grader computes them. With
namespaces (as root, or a user namespace as a normal user), the child sees only the standard
library, numpy, its staged files and a private /tmp. Without fork (Windows), or with
GRADER_RUNNER=subprocess, each run is a fresh interpreter instead (portable.py), which on Linux
builds the same namespaces for itself.
"""
import importlib

# What each name is: the package imports nothing heavy itself, so that `warm()` can start the
# clean template before the grader imports numpy, and the two start-ups overlap.
_HOME = {
    "run_student": "run", "one_student": "run", "isolation_level": "run", "weak_isolation_warning": "run",
    "runner_kind": "boot", "ANSWER_LIMIT": "run",
    "Outcome": "outcome", "CallResult": "outcome", "StudentError": "outcome", "visible": "outcome",
    "set_hidden": "template", "start_spare": "template", "adopt_spare": "template", "drop_spare": "template",
    "template_starting": "template",
}
_ELSEWHERE = {"Call": "clean_room.protocol", "FunctionSpec": "clean_room.plain_data"}

__all__ = sorted(_HOME) + sorted(_ELSEWHERE) + ["warm"]


def warm():
    """Starts this process's clean template now (unless the portable runner is in use)."""
    from .boot import runner_kind
    if runner_kind() == "portable":
        return
    from .template import shared_template
    try:
        shared_template()
    except OSError:
        pass


def __getattr__(name):
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    if name in _ELSEWHERE:
        return getattr(importlib.import_module(_ELSEWHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
