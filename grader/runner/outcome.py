"""What a run of student code comes back as: data for the engine, no verdicts.

Statuses (Outcome.status) and their reasons (Outcome.reason, one sentence, "" when "ok"):

    ok            the file was imported and every call returned or raised; per-call errors,
                  including sys.exit() inside a call, are in results[i].error
    missing       "file not found: /x/ex05_losses.py" (no process is started)
    import-error  "has a syntax error at line 12: invalid syntax",
                  "called sys.exit(3) while the file was imported",
                  "raised ModuleNotFoundError at line 3 while the file was imported: No module ..."
    timeout       "stopped after 5.0 s (an infinite loop?) while running dz2(...)"
    memory        "ran out of memory (limit 1024 MB) while running forward(...)"
    exited        "the process exited with os._exit(1) while running bce(...)"
    crashed       "crashed with signal SIGSEGV while running forward(...)",
                  "sent back data the grader cannot read (...) while running ..."
    sandbox-error the sandbox itself failed: a grader or machine problem, not the student's.
                  Only the grader decides this, from what happened before student code ran.

Every string that came from the student's process (output, messages, source lines) is passed
through `visible`, so it cannot move the cursor, hide a line or break a JSON encoder.
"""
from __future__ import annotations

from dataclasses import dataclass

from clean_room.plain_data import printable as visible  # noqa: F401 - one rule for every student string


@dataclass
class StudentError:
    """An exception raised by student code (or SystemExit, KeyboardInterrupt...)."""
    type: str                  # e.g. "ValueError", "NotImplementedError", "SystemExit"
    message: str               # str(exc); "called sys.exit(3)"; a SyntaxError's msg
    line: int | None           # line in the student's file of the innermost frame in that file
    source_line: str | None    # the text of that line, stripped
    not_implemented: bool      # True for NotImplementedError (the stub is "not started")
    traceback: str = ""        # the traceback, without the harness's frames


@dataclass
class CallResult:
    value: object = None       # the decoded return value (plain data)
    error: StudentError | None = None
    args_after: tuple | None = None   # when return_args: (args_after_tuple, kwargs_after_dict)
    seconds: float = 0.0


@dataclass
class Outcome:
    status: str                # see the module docstring
    results: list              # list[CallResult]: one per call that finished, in order
    import_error: StudentError | None
    output: str                # stdout+stderr of the student code, cut to output_limit, visible()
    reason: str                # one sentence for anything not "ok"
    seconds: float
    output_cut: int = 0        # bytes of output cut
    running: str | None = None  # what ran when the run stopped early: "import", a function name
    returncode: int | None = None  # the child's exit code, -signal when killed by a signal
    isolation: str = ""        # "namespaces", "userns" or "none"

    @property
    def ok(self) -> bool:
        return self.status == "ok"
