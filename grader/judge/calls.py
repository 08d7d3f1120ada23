"""Judging one call's answer: the sentences of a verdict, reference-free.

Everything here works on plain data: the arguments a test sent, the answer that came back, and
the expected value and mistakes' answers the generator computed. Nothing here imports the
reference or a generator, so this package ships in the student kit.
"""
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from clean_room.protocol import FunctionSpec
from ..catalog import load_catalog
from ..compare import compare, describe, key_list, shape_text, show
from ..mistakes import recognize


@dataclass
class Verdict:
    passed: bool
    output: str = ""
    diagnosis: str = ""


def relative_error(a, b):
    """The course's relative error of two arrays, inf when they cannot be compared."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
        return float("inf")
    a, b = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(invalid="ignore"):
        err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.nanmax(np.where(np.isnan(err), np.inf, err))) if err.size else 0.0


def brief(value):
    if isinstance(value, np.ndarray):
        return shape_text(value.shape) if value.size > 4 else show(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {brief(v)}" for k, v in value.items()) + "}"
    if isinstance(value, FunctionSpec):
        return f"f = {value.name}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def call_text(function, args, names):
    """'dz2(y_hat (3, 1), y (3, 1))': what was called, on which shapes. names: its parameters."""
    parts = [f"{names[i] if i < len(names) else '?'} {brief(a)}" for i, a in enumerate(args)]
    return f"{function}({', '.join(parts)})"


def error_text(function, err):
    """A student exception as one or two lines: type, message, the line of their file (a
    message's further lines come marked `|` from the runner: none passes for a line of ours)."""
    if err.not_implemented:
        return f"{function} is not started: it still raises NotImplementedError"
    text = f"{function} raised {err.type}: {err.message}"
    if err.line:
        text += f"\n  at line {err.line} of your file: {err.source_line}"
    return text


def error_diagnosis(err):
    msg = err.message
    if err.type == "UnboundLocalError":
        return unbound_diagnosis(msg)
    shapes = err.type == "ValueError" and ("matmul" in msg or "not aligned" in msg or "broadcast" in msg)
    course = course_call(err.source_line) if shapes else None
    if course:
        return (f"the shapes did not fit inside {course}, the course's own code, which is right: an array your "
                f"line passes it is not the one it expects (e.g. W1 where W2 belongs); compare each argument "
                f"with the docstring (a .T in your code is not the fix)")
    if err.type == "ValueError" and ("matmul" in msg or "not aligned" in msg):
        return "a matrix product with mismatched shapes: check which operand needs .T"
    if err.type == "ValueError" and "broadcast" in msg:
        return "shapes that do not broadcast: compare each operand's shape with the docstring"
    if err.type == "FloatingPointError" and "overflow" in msg:
        return ("an overflow in NumPy at an extreme input: e^1000 does not fit in a float; compute with "
                "e^(-|z|), which never overflows")
    if err.type == "FloatingPointError":
        return f"NumPy refused a computation at an extreme input ({msg}): a division by zero or 0 · inf?"
    if err.type == "KeyError":
        return "a dict key that does not exist: the keys are \"W1\", \"b1\", \"W2\", \"b2\" (and \"z1\", \"a1\", \"z2\", \"y_hat\" in the cache)"
    return ""


_PRODUCT = re.compile(r"@|\bmatmul\b|\bdot\b|\beinsum\b|\btensordot\b")


def course_call(source_line):
    """'da1(...)' (or 'dw1(...) or db1(...)'): the course functions of earlier exercises called on
    the student's line, when that line computes no product itself; then a shape error came from
    inside one of them, which is right, and the fix is in what the line passes. None otherwise."""
    if not source_line or _PRODUCT.search(source_line):
        return None
    called = set(re.findall(r"\b(\w+)\s*\(", source_line))
    found = [f for e in load_catalog() for f in e.functions if f in called]
    return " or ".join(f"{f}(...)" for f in found) or None


def unbound_diagnosis(message):
    """Why a local variable had no value: most often a result stored under the name of an
    imported exercise function (dz2 = dz2(y_hat, y)), which makes that name local everywhere."""
    found = re.search(r"local variable '(\w+)'", message)
    if not found:
        return ""
    name = found.group(1)
    home = next((e.file for e in load_catalog() if name in e.functions), None)
    if home is None:
        return (f"{name} is read before it has a value: a name assigned anywhere in a function is local to all "
                f"of it; give {name} its value before the first use")
    other = f"g_{name[1:]}" if name[0] == "d" and len(name) <= 3 else f"{name}_out"
    return (f"you assigned to {name}, the name of the function you import from {home}: the assignment makes "
            f"{name} a local variable of the whole function, so calling {name}(...) fails; "
            f"name the result differently, e.g. {other}")


def same_data(a, b):
    """Exact equality of plain data, NaN equal to NaN: used to see whether inputs were changed."""
    if isinstance(a, FunctionSpec):
        return True
    if isinstance(a, np.ndarray):
        if not (isinstance(b, np.ndarray) and a.shape == b.shape):
            return False
        return bool((a == b).all()) or np.array_equal(a, b, equal_nan=True)   # the second for NaN
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def changed_inputs(args, result, names):
    """The names of the arguments the student's function changed in place."""
    if result.args_after is None:
        return []
    after = result.args_after[0]
    return [names[i] for i, (a, b) in enumerate(zip(args, after)) if not same_data(a, b)]


PARAM_SHAPES = {"W1": lambda d, h, o: (d, h), "b1": lambda d, h, o: (1, h),
                "W2": lambda d, h, o: (h, o), "b2": lambda d, h, o: (1, o)}


def params_problem(params, d, h, o=1):
    """What is wrong with a parameters dict for a d-h-o network, as (message, diagnosis), or None.

    Only W1, b1, W2, b2 are looked at: other keys a student adds are their own business.
    """
    if not isinstance(params, dict):
        return f"expected a dict of four arrays, got {describe(params)}", ""
    for key, shape_of in PARAM_SHAPES.items():
        want = shape_of(d, h, o)
        if key not in params:
            return f"the dict has no key {key!r} (its keys: {key_list(params)})", ""
        value = params[key]
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            return (f"{key} should be an array of numbers, got {describe(value)}",
                    "a list where an array belongs" if isinstance(value, list) else "")
        if value.shape != want:
            diagnosis = ("biases are 2-D with one row: np.zeros((1, n)), not np.zeros(n)"
                         if key.startswith("b") and value.shape == (want[1],) else
                         f"the shape of {key} is transposed" if value.shape == want[::-1] else "")
            return f"{key}: expected shape {shape_text(want)}, got {shape_text(value.shape)}", diagnosis
        if not np.all(np.isfinite(value)):
            return f"{key} has NaN or inf", ""
    return None


def error_verdict(function, args, err, names):
    """The Verdict of a call that raised: what was called, the exception, and a likely cause."""
    return Verdict(False, f"{call_text(function, args, names)}\n{error_text(function, err)}", error_diagnosis(err))


ROUND_OFF = ("the input came back changed by round-off: adding h and subtracting it again does not restore "
             "a float exactly; save old = x[i] first and put it back with x[i] = old")
INPLACE = ("the inputs were modified in place: an operation like -=, *= or x[i] = ... on an argument "
           "changes the caller's array; compute a new array instead (or work on a .copy())")


def inputs_verdict(function, args, result, names, changed_diagnosis=INPLACE):
    """Passed when no argument changed; otherwise which did, and how (in place, or by round-off)."""
    changed = changed_inputs(args, result, names)
    if not changed:
        return Verdict(True)
    head = f"{call_text(function, args, names)}\nchanged its input {', '.join(changed)}"
    after = result.args_after[0]
    slightly = all(_nearly_equal(args[names.index(c)], after[names.index(c)]) for c in changed)
    return Verdict(False, head + (" by round-off" if slightly else ""), ROUND_OFF if slightly else changed_diagnosis)


def _nearly_equal(before, after):
    return (isinstance(before, np.ndarray) and isinstance(after, np.ndarray) and before.shape == after.shape
            and np.allclose(before, after, rtol=1e-12, atol=1e-15))


def judge_call(function, args, result, expected, names, *, mistakes=(), n=None, kind="gradient",
               changed_diagnosis=INPLACE):
    """A Verdict for one call: its error, its answer against `expected`, and its inputs left alone.

    mistakes: Mistake objects whose `wrong` gives that mistake's answer for these args. A wrong
    answer from a call that also changed its inputs says so: that may be why it is wrong (x not
    put back between the elements of a numerical gradient), and no named mistake explains it.
    """
    if result.error is not None:
        return error_verdict(function, args, result.error, names)
    mismatch = compare(result.value, expected, "the result")
    if mismatch:   # the call's text only now: formatting it for answers that pass cost ~20 ms a student
        diagnosis = recognize(result.value, expected, mismatch, args, mistakes, n, kind)
        text = f"{call_text(function, args, names)}\n{mismatch.message}"
        changed = changed_inputs(args, result, names)
        if changed:
            text += f"\nand the call changed its input {', '.join(changed)}"
            diagnosis = diagnosis or changed_diagnosis
        return Verdict(False, text, diagnosis)
    return inputs_verdict(function, args, result, names, changed_diagnosis)


def first_failure(verdicts, what):
    """All cases must pass; report how many failed, and one, preferring the most common named mistake."""
    bad = [v for v in verdicts if not v.passed]
    if not bad:
        return Verdict(True, f"passed on {len(verdicts)} {what}")
    named = Counter(v.diagnosis for v in bad if v.diagnosis)
    # the clearest failure: one showing the mistake most of the failing cases share
    shown = next(v for v in bad if v.diagnosis == named.most_common(1)[0][0]) if named else bad[0]
    note = f"failed {len(bad)} of {len(verdicts)} {what}; for example:\n"
    return Verdict(False, note + shown.output, shown.diagnosis)
