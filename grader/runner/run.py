"""run_student: one run of student code in the clean room, start to finish (see __init__)."""
from __future__ import annotations

import json
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from clean_room.plain_data import FunctionSpec
from clean_room.protocol import STUDENT_DIR, Call, job_to_plain
from clean_room import scalar_functions

from . import portable
from .boot import namespaces_setting, runner_kind
from .outcome import Outcome
from .staging import remove_tree, stage_files, stage_folder
from .supervisor import Supervisor
from .template import TemplateGone, forget, shared_template

ANSWER_LIMIT = 64 << 20        # bytes of answers decoded per run at most
TMP_MB = 16                    # the private /tmp of a run


def isolation_level():
    """What walls student code in here: 'namespaces' (root), 'userns' (a normal user), or
    'none' (no namespaces: see docs/grader.md). The same for both runners."""
    if runner_kind() == "portable":
        return expected_level()
    try:
        return shared_template().wait_ready()
    except (TemplateGone, OSError):
        forget()
        return expected_level()


WEAK = {
    "none": ("student code runs without Linux namespaces here (not Linux, or not root and user "
             "namespaces are off): it runs as you and can read or change what you can; see docs/grader.md"),
}


_probed = []


def expected_level():
    """The level runs will get, found without starting a template (a forked probe, once): for
    the one line a batch prints before it starts when student code is not walled in."""
    from .template import _template
    if runner_kind() == "template" and _template is not None and _template.level is not None:
        return _template.level
    if not sys.platform.startswith("linux") or namespaces_setting() == "off":
        return "none"
    if not _probed:
        from clean_room import isolation
        _probed.append(isolation.probe(isolation.Plan()))
    return _probed[0]


def weak_isolation_warning():
    """One sentence saying what is not protected here, or None where namespaces hold."""
    return WEAK.get(expected_level())


def run_student(source: Path, module_name: str, calls: list, *,
                black_boxes: dict | None = None,
                sources: dict | None = None,
                student_imports: bool = False,
                timeout: float = 5.0,
                memory_mb: int = 1024,
                output_limit: int = 64_000,
                answer_limit: int = ANSWER_LIMIT,
                staged: Path | None = None) -> Outcome:
    """Imports the student's file in the clean room and runs `calls` there.

    black_boxes: {module name: {function name: callable}}: what `from <module> import <name>`
    gives the student's file; the callable runs here, in the grader, on the child's request.
    sources: {module name: source text}: modules given to the child as code instead.
    student_imports: the student's other files in the same folder are importable instead
    (the demo; exercises that use the student's own earlier functions).
    timeout: wall seconds for the import and all calls together. memory_mb: address space the
    child may add. staged: the student's folder as one_student() staged it (else this run
    stages the file itself).
    """
    started = time.monotonic()
    calls = list(calls)
    _validate(calls)
    source = Path(source)
    try:
        is_file = source.is_file()
    except OSError:
        is_file = False
    if not is_file:
        what = "file not found" if not source.exists() else "not a file"
        return Outcome("missing", [], None, "", f"{what}: {source}", time.monotonic() - started)
    supervisor = Supervisor(calls, black_boxes, timeout, memory_mb, output_limit, answer_limit)
    kind = runner_kind()
    level = isolation_level()
    made = []
    if staged is not None and not (Path(staged) / source.name).is_file():
        staged = None   # a file that appeared after the folder was staged
    try:
        if staged is None:
            try:
                staged = stage_files(source, student_imports)
            except OSError as exc:
                return Outcome("missing", [], None, "", f"cannot read {source}: {exc.strerror}",
                               time.monotonic() - started)
            made.append(staged)
        walled = kind == "template" and level in ("namespaces", "userns")   # (portable: the child says)
        tmp_dir = "/tmp" if walled else tempfile.mkdtemp(prefix="grade-tmp-")
        if not walled:
            made.append(tmp_dir)
        # What the reference gave a run (its code, or black-box answers) never outlives it; a run
        # staged alone ends its session next, and has nothing to keep its process for.
        keep = walled and not sources and not black_boxes and not made
        job = job_to_plain(module_name, source.name, STUDENT_DIR if walled else str(staged), tmp_dir, [],
                           {m: list(f) for m, f in (black_boxes or {}).items()}, sources or {}, student_imports,
                           timeout, memory_mb, keep)
        line = _job_line(job, calls)
        deadline = started + float(timeout)
        if kind == "portable":
            portable.run(supervisor, line, deadline, str(staged), memory_mb)
        else:
            try:
                shared_template().run(supervisor, line, str(staged), deadline, TMP_MB, memory_mb, keep)
            except TemplateGone as exc:
                forget()
                supervisor.grader_failed = str(exc)
    finally:
        if made:
            _end_session()
        for folder in made:
            remove_tree(folder)
    return supervisor.outcome(time.monotonic() - started, level)


@contextmanager
def one_student(folder):
    """Stages the exercise files of one student's `folder` once, for a series of runs (pass
    what it yields as run_student's `staged`). With namespaces, those runs also share one set of
    namespaces and one new root, built once (clean_room.server's sessions): a student's eleven
    exercises cost one sandbox set-up, not eleven. Yields None where the folder cannot be read
    (each run then stages its own file and says what failed)."""
    try:
        staged = stage_folder(Path(folder))
    except OSError:
        staged = None
    try:
        yield staged
    finally:
        if staged is not None:
            _end_session()
            remove_tree(staged)


def _end_session():
    from . import template
    if template._template is not None and runner_kind() == "template":
        template._template.end_session()


def _line(job):
    return json.dumps(job, allow_nan=True, separators=(",", ":"))


_CALL_TEXTS: dict = {}   # id(call) -> (call, its JSON text in a job): the batch sends the same calls to every student
_CALL_TEXTS_MAX = 8192


def _call_text(call):
    """A call as job JSON, encoded once per Call object (kept alive here, so its id stays its own)."""
    found = _CALL_TEXTS.get(id(call))
    if found is not None and found[0] is call:
        return found[1]
    text = _line(job_to_plain("", "", "", "", [call], {}, {}, False, 0, 0)["calls"][0])
    if len(_CALL_TEXTS) >= _CALL_TEXTS_MAX:
        _CALL_TEXTS.clear()
    _CALL_TEXTS[id(call)] = (call, text)
    return text


def _job_line(job, calls):
    """The job (made with no calls) as one JSON line, with `calls` in it."""
    head = _line(job)
    if not head.endswith(',"calls":[]}'):
        raise RuntimeError("job_to_plain no longer puts the calls last")
    return (head[:-2] + ",".join(_call_text(c) for c in calls) + "]}\n").encode("ascii")


def _validate(calls):
    for call in calls:
        if id(call) in _CALL_TEXTS and _CALL_TEXTS[id(call)][0] is call:
            continue   # checked when it was first encoded
        if not isinstance(call, Call):
            raise TypeError(f"calls must be Call objects, got {type(call).__name__}")
        _check_specs(call.args)
        _check_specs(call.kwargs)


def _check_specs(value):
    if isinstance(value, FunctionSpec):
        if value.name not in scalar_functions.FUNCTIONS:
            raise ValueError(f"unknown scalar function {value.name!r}; the known ones are "
                             f"{', '.join(sorted(scalar_functions.FUNCTIONS))}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_specs(v)
    elif isinstance(value, dict):
        for v in value.values():
            _check_specs(v)

