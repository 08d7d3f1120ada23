"""Compares a student's answer with the reference's, and says in plain words how they differ.

Arrays are compared in float64 with a relative tolerance of 1e-6. Small arrays are shown whole;
large ones are summarized by their shape and worst element, so feedback stays readable.
"""
import math
import reprlib
from dataclasses import dataclass

import numpy as np

from clean_room.plain_data import Opaque

RTOL, ATOL = 1e-6, 1e-9
SHOW_MAX = 12   # arrays with more elements than this are summarized, not printed
ANY = object()  # an expected value that any answer matches (a part a test does not judge)
NOT_FINITE = ("NaN or inf where the answer is finite: a log of 0, an overflow (e^1000 does not fit in a float) "
              "or a division by zero (0 / 0 is NaN)")


@dataclass
class Mismatch:
    message: str
    diagnosis: str = ""
    got_array: object = None   # the answer as a float array when it could be read as numbers
    expected: object = None    # the expected value at the place where they differ
    path: tuple = ()           # where: () for the whole answer, (1, "a1") for answer[1]["a1"]


def describe(value):
    """A short type-and-shape description: 'array (3, 1)', 'list of 3', 'float', 'None'."""
    if isinstance(value, np.ndarray):
        return f"array {shape_text(value.shape)}" + ("" if value.dtype.kind == "f" else f" of {value.dtype}")
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        return f"a {value.type}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    if isinstance(value, dict):
        return f"dict with keys {key_list(value)}"
    return type(value).__name__


def key_list(mapping, most=10):
    """The first keys of a dict as text: a dict of a million keys still makes a short message."""
    keys = sorted(map(str, list(mapping)[:most]))
    more = f", ... {len(mapping) - most} more" if len(mapping) > most else ""
    return "[" + ", ".join(map(repr, keys)) + more + "]"


_short = reprlib.Repr()
_short.maxlist = _short.maxtuple = _short.maxdict = 8
_short.maxstring = _short.maxother = 80


def shape_text(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def show(value):
    """The value for a feedback line: whole when small, summarized when large."""
    if isinstance(value, np.ndarray):
        if value.size <= SHOW_MAX:
            return f"{shape_text(value.shape)} " + np.array2string(
                value, precision=6, separator=", ", suppress_small=True).replace("\n", "")
        return f"{shape_text(value.shape)} array, {value.size} elements"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, Opaque):
        return f"{value.type}: {value.repr[:80]}"
    text = _short.repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def as_number_array(value):
    """value as a float64 array, or None when it is not made of real numbers (bool, int, float)."""
    if isinstance(value, (Opaque, str, bytes, dict)) or value is None:
        return None
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "biuf":
            return None   # complex, text, objects, ints too large for a float: not an answer of real numbers
        return raw.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        return None


def close(a, b):
    """Equal within the tolerance; NaN equals NaN (where a mistake's model gives NaN, so does the mistake)."""
    if a.shape != b.shape:
        return False
    if a.dtype.kind == b.dtype.kind == "f":
        with np.errstate(all="ignore"):   # np.isclose's own test, without its overhead on small arrays
            diff = np.abs(a - b)
            if bool((diff <= ATOL + RTOL * np.abs(b)).all()) and bool(np.isfinite(diff).all()):
                return True
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))   # infinities, NaN


def worst_element(got, expected):
    """'worst at [1, 0]: expected 0.25, got 0.75' for two arrays of one shape."""
    diff = np.abs(got - expected)
    diff = np.where(np.isnan(diff), np.inf, diff)
    idx = np.unravel_index(int(np.argmax(diff)), got.shape) if got.ndim else ()
    where = "[" + ", ".join(map(str, idx)) + "]"
    bad = int(np.count_nonzero(~np.isclose(got, expected, rtol=RTOL, atol=ATOL)))
    return (f"{bad} of {got.size} elements differ; worst at {where}: "
            f"expected {expected[idx]:.6g}, got {got[idx]:.6g}")


def compare(got, expected, where="the result", path=()):
    """None when got matches expected (type, shape and values); otherwise a Mismatch."""
    if expected is ANY:
        return None
    if got is None:
        return Mismatch(f"{where}: expected {describe(expected)}, got None",
                        "the function returns nothing: a missing `return`?", expected=expected, path=path)
    if isinstance(expected, dict):
        return _compare_dict(got, expected, where, path)
    if isinstance(expected, tuple):
        return _compare_tuple(got, expected, where, path)
    m = _compare_array(got, expected, where) if isinstance(expected, np.ndarray) else _compare_number(got, expected, where)
    if m:
        m.expected, m.path = expected, path
    return m


def _compare_dict(got, expected, where, path):
    if not isinstance(got, dict):
        return Mismatch(f"{where} should be a dict with keys {key_list(expected)}, got {describe(got)}")
    missing = [k for k in expected if k not in got]
    if missing:
        return Mismatch(f"{where} has no key {', '.join(map(repr, missing))} (its keys: {key_list(got)})",
                        f"a key is missing or misspelled: the keys are {', '.join(map(repr, expected))}")
    for key in expected:
        m = compare(got[key], expected[key], f"{where}[{key!r}]", path + (key,))
        if m:
            return m
    return None


def _compare_tuple(got, expected, where, path):
    if not isinstance(got, (tuple, list)):
        return Mismatch(f"{where} should be a tuple of {len(expected)}, got {describe(got)}: {show(got)}")
    if len(got) != len(expected):
        return Mismatch(f"{where} should be a tuple of {len(expected)} values, got {len(got)}")
    for i, (g, e) in enumerate(zip(got, expected)):
        m = compare(g, e, f"{where}[{i}]", path + (i,))
        if m:
            return m
    return None


def _compare_number(got, expected, where):
    arr = as_number_array(got)
    if arr is None:
        return Mismatch(f"{where} should be a number, got {describe(got)}")
    if arr.ndim > 0:
        return Mismatch(f"{where} should be a single number, got {describe(got)}: {show(got)}",
                        "an array where a number belongs: return float(...) of the result")
    value = float(arr)
    if not math.isfinite(value) and math.isfinite(expected):
        return Mismatch(f"{where}: expected {expected:.6g}, got {value}", NOT_FINITE, arr)
    if not close_number(value, float(expected)):
        return Mismatch(f"{where}: expected {float(expected):.6g}, got {value:.6g}", got_array=arr)
    return None


def close_number(a, b):
    """np.isclose(a, b, RTOL, ATOL, equal_nan=True) for two floats, without its array set-up
    (about 50 µs a call: a tenth of grading exercise 4, whose answers are tuples of numbers)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= ATOL + RTOL * abs(b)


def _compare_array(got, expected, where):
    if isinstance(got, Opaque):
        return Mismatch(f"{where}: expected {describe(expected)}, got {show(got)}")
    arr = as_number_array(got)
    if arr is None:
        return Mismatch(f"{where}: expected {describe(expected)}, got {describe(got)}")
    if not isinstance(got, np.ndarray):
        if arr.ndim == 0 and expected.size == 1 and expected.ndim > 0:
            return Mismatch(f"{where}: expected an array of shape {shape_text(expected.shape)}, got the number {show(got)}",
                            f"a bare number where a {shape_text(expected.shape)} array belongs (keepdims was lost, "
                            "or float(...) dropped the array): keep it 2-D, e.g. .sum(axis=0, keepdims=True)", arr)
        if arr.shape == expected.shape and close(arr, expected):
            return Mismatch(f"{where}: the numbers are right but it is a {type(got).__name__}, not a NumPy array",
                            "a list where an array belongs: build the result with NumPy (np.array(...))", arr)
        if arr.ndim > 0:
            return Mismatch(f"{where}: expected {describe(expected)}, got {describe(got)}", got_array=arr)
    if isinstance(got, np.ndarray) and got.dtype.kind not in "biuf":
        return Mismatch(f"{where}: expected a float array, got an array of {got.dtype}")
    if arr.shape != expected.shape:
        return Mismatch(f"{where}: expected shape {shape_text(expected.shape)}, got {shape_text(arr.shape)}",
                        got_array=arr)
    if not np.all(np.isfinite(arr)) and np.all(np.isfinite(expected)):
        i = np.unravel_index(int(np.argmax(~np.isfinite(arr))), arr.shape) if arr.ndim else ()
        return Mismatch(f"{where}: element {list(i)} is {arr[i]} (expected {expected[i]:.6g})", NOT_FINITE, arr)
    if close(arr, expected):
        return None
    if expected.size <= SHOW_MAX:
        text = f"{where}:\n  expected {show(expected)}\n  got      {show(arr)}"
    else:
        text = f"{where} (shape {shape_text(expected.shape)}): {worst_element(arr, expected)}"
    return Mismatch(text, got_array=arr)


def same_form(got, expected):
    """True when got has expected's form (types, keys, shapes), whatever its numbers."""
    if expected is ANY:
        return True
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(k in got and same_form(got[k], v) for k, v in expected.items())
    if isinstance(expected, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(same_form(g, e) for g, e in zip(got, expected)))
    arr = as_number_array(got)
    return arr is not None and arr.shape == np.shape(expected)
