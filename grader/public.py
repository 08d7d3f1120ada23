"""The student kit's tests: the public checks `grade release` stored as data, and how the kit grades.

A check is stored as its calls and its judge (grader/judge/: a kind and plain data: inputs,
expected answers, the answer of every named mistake), generated from the reference at the
student seed. Nothing here imports the reference or a generator: the kit judges the stored data
with the same judges the checkout uses, so a test's feedback and score are the checkout's.

In the kit a later exercise runs on the student's own earlier files (`from ex06_output_layer
import dz2` is their dz2). When one of those fails its own exercise, the later exercise says so
("exercise 8 calls your dz2, which fails exercise 6: fix it first").
"""
import ast
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from clean_room.plain_data import decode, encode
from clean_room.protocol import Call
from .catalog import load_catalog
from .compare import ANY
from .grading import DEFAULT_TIMEOUT, STUDENT_SEED, grade_tests
from .judge import Judge
from .mistakes import MistakeAnswers

FORMAT = 1                      # of the stored checks; a kit refuses data of another format
DATA = Path(__file__).with_name("public_checks")
FORMAT_FILE = "format.json"
_ANY_MARK = "__grader_any_value__"   # stands for compare.ANY (a part of an answer no test judges)


class KitDataError(RuntimeError):
    """The kit's stored checks are missing, of another format, or unreadable."""


@dataclass
class PublicTest:
    name: str
    points: float
    calls: list
    judge: Judge


def installed(folder=DATA):
    """True in a student kit: its public checks are installed beside this module."""
    return (folder / FORMAT_FILE).is_file()


def _swap(value, old, new):
    """value with every `old` (compared by identity or equality of text) replaced by `new`."""
    if value is old or (isinstance(old, str) and isinstance(value, str) and value == old):
        return new
    if isinstance(value, MistakeAnswers):   # computed now: the kit stores them
        value = list(value)
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_swap(v, old, new) for v in value)
    return value


def _plain(value):
    return encode(_swap(value, ANY, _ANY_MARK))


def _call_to_plain(call):
    return {"function": call.function, "args": encode(tuple(call.args)), "kwargs": encode(dict(call.kwargs)),
            "return_args": call.return_args, "float_errors": call.float_errors}


def write_checks(folder, tests_by_number, seed=STUDENT_SEED):
    """Stores the tests of each exercise as folder/exNN.json, and folder/format.json.

    tests_by_number: {exercise number: [HiddenTest]} whose judges are Judge objects (data).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for number, tests in sorted(tests_by_number.items()):
        stored = []
        for k, test in enumerate(tests, start=1):
            if not isinstance(test.judge, Judge):
                raise KitDataError(f"test {number}.{k} {test.name!r} is judged by code, not data: write its judge as "
                                   "a kind in grader/judge/kinds.py so the kit can carry it")
            stored.append({"name": test.name, "points": test.points, "calls": [_call_to_plain(c) for c in test.calls],
                           "judge": {"kind": test.judge.kind, "data": _plain(test.judge.data)}})
        text = json.dumps({"format": FORMAT, "exercise": number, "seed": seed, "tests": stored},
                          allow_nan=True, separators=(",", ":"))
        (folder / f"ex{number:02d}.json").write_text(text, encoding="utf-8", newline="\n")
    (folder / FORMAT_FILE).write_text(json.dumps({"format": FORMAT, "seed": seed}) + "\n", encoding="utf-8",
                                      newline="\n")


def _read_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KitDataError(f"the kit's checks cannot be read ({path.name}: {exc}); reinstall the kit") from None


@lru_cache(maxsize=None)
def public_tests(number, folder=DATA):
    """The stored tests of exercise `number`, as PublicTest objects."""
    head = _read_json(folder / FORMAT_FILE)
    if head.get("format") != FORMAT:
        raise KitDataError(f"the kit's checks are format {head.get('format')!r}; this grader reads format {FORMAT}: "
                           "install the grader and the checks from the same kit")
    raw = _read_json(folder / f"ex{number:02d}.json")
    tests = []
    for t in raw["tests"]:
        calls = [Call(c["function"], decode(c["args"], functions=True), decode(c["kwargs"], functions=True),
                      c["return_args"], c["float_errors"]) for c in t["calls"]]
        data = _swap(decode(t["judge"]["data"], functions=True), _ANY_MARK, ANY)
        tests.append(PublicTest(t["name"], t["points"], calls, Judge(t["judge"]["kind"], data)))
    exercise = load_catalog()[number - 1]
    if abs(sum(t.points for t in tests) - exercise.points) > 1e-9:
        raise KitDataError(f"exercise {number}: the kit's checks do not add up to the catalog's {exercise.points:g} points")
    return tests


def grade_exercise(exercise, folder, seed=STUDENT_SEED, timeout=DEFAULT_TIMEOUT, staged=None):
    """Grades one exercise with the public checks, on the student's own earlier files (staged:
    the folder as runner.one_student staged it, shared by the exercises graded together)."""
    if seed != STUDENT_SEED:
        raise ValueError(f"the kit holds the public checks of seed {STUDENT_SEED} only")
    return grade_tests(exercise, folder, public_tests(exercise.number), timeout, student_imports=True,
                       staged=staged)


def grade_folder(folder, seed=STUDENT_SEED, timeout=DEFAULT_TIMEOUT, numbers=None):
    """Every exercise (or those in `numbers`), each failing one with a note on the student's
    earlier functions it calls that fail their own exercise. The folder is staged once."""
    from .runner import one_student
    exercises = [e for e in load_catalog() if numbers is None or e.number in numbers]
    with one_student(folder) as staged:
        results = [grade_exercise(e, folder, seed, timeout, staged) for e in exercises]
        known = {r.number: r for r in results}

        def graded(number):
            if number not in known:
                known[number] = grade_exercise(load_catalog()[number - 1], folder, seed, timeout, staged)
            return known[number]

        for result in results:
            if result.score < result.max_score and result.status != "not started":
                result.notes.extend(blame_notes(load_catalog()[result.number - 1], Path(folder), graded))
    return results


def imported_functions(exercise, folder):
    """{earlier exercise number: the names of its functions that the student's file imports}."""
    try:
        tree = ast.parse((folder / exercise.file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    earlier = {e.module: e for e in load_catalog() if e.number < exercise.number}
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in earlier:
            e = earlier[node.module]
            names = [a.name for a in node.names if a.name in e.functions or a.name == "*"]
            found.setdefault(e.number, set()).update(e.functions if "*" in names else names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in earlier:
                    found.setdefault(earlier[alias.name].number, set()).update(earlier[alias.name].functions)
    return {n: sorted(names, key=load_catalog()[n - 1].functions.index) for n, names in found.items() if names}


def failing_functions(result):
    """The functions of an earlier exercise that its result shows failing: those of its failed
    tests, or all of them when the file could not be run."""
    functions = load_catalog()[result.number - 1].functions
    if result.status in ("error", "not started") or not result.tests:
        return set(functions)
    tests = public_tests(result.number)
    return {c.function for test, r in zip(tests, result.tests) if not r.passed for c in test.calls}


def blame_notes(exercise, folder, graded):
    """'exercise 8 calls your dz2, which fails exercise 6: fix it first', one per earlier exercise."""
    notes = []
    for number, names in sorted(imported_functions(exercise, folder).items()):
        earlier = graded(number)
        if earlier.score == earlier.max_score:
            continue
        failing = [n for n in names if n in failing_functions(earlier)]
        if not failing:
            continue
        listed = failing[0] if len(failing) == 1 else ", ".join(failing[:-1]) + " and " + failing[-1]
        one = len(failing) == 1
        if earlier.status == "not started":
            notes.append(f"exercise {exercise.number} calls your {listed}, which exercise {number} has not "
                         f"started yet: do exercise {number} first")
        else:
            notes.append(f"exercise {exercise.number} calls your {listed}, which fail{'s' if one else ''} "
                         f"exercise {number}: fix {'it' if one else 'them'} first")
    return notes
