"""The codec that carries values between the grader and the clean room: plain data only.

The grader encodes a job's inputs with it; the child (untrusted: it runs student code) turns a
return value into a JSON-able structure with `encode` and sends it as one JSON line (`dumps`).
The parent turns the line back into a value with `loads` (= `json.loads` + `decode`). Decoding never runs code: no pickle, no eval, no imports, no
class lookups by name. The parent only ever builds: None, bool, int, float, str, list, tuple, dict,
bytes, `np.ndarray` (of a whitelisted numeric/bool dtype, always the base class, owning its
memory), numpy scalars of those dtypes, and `Opaque` (a report of something that is not plain data).

Wire format (every JSON object is a tagged value; there are no untagged objects):

    None, true/false, numbers, strings  as themselves (nan/inf as JSON's NaN/Infinity extension)
    list                                a JSON list
    tuple                               {"__tuple__": [...]}
    dict                                {"__dict__": [[key, value], ...]}   keys may be any value
    np.ndarray (numeric/bool dtype)     {"__ndarray__": {"dtype": "<f8", "shape": [2, 3],
                                                         "data": base64 of the C-order bytes}}
    numpy scalar                        {"__npscalar__": "<f8", "value": 1.5}
                                        (complex: "value": [re, im]; extended precision also
                                        carries "data": base64 of the exact bytes)
    bytes                               {"__bytes__": base64}
    FunctionSpec (grader -> child only) {"__function__": name, "params": {...encoded}}
    anything else                       {"__repr__": repr(x)[:200], "__type__": type name}
                                        (object arrays: "__type__": "ndarray[object]")

Arrays round-trip bitwise, shape (0,) and 0-d included. A malformed or malicious structure raises
`DecodeError` with a sentence saying what was wrong.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Opaque", "FunctionSpec", "DecodeError", "encode", "decode", "dumps", "loads", "ARRAY_DTYPES"]

# dtype.str values accepted for arrays and numpy scalars, in both byte orders.
ARRAY_DTYPES = frozenset(
    ["|b1", "|i1", "|u1"]
    + [order + code for order in "<>" for code in
       ("i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8", "f16", "c8", "c16", "c32")]
)
_EXTENDED = frozenset(d for d in ARRAY_DTYPES if d[1:] in ("f16", "c32"))

MAX_DEPTH = 100          # deeper nesting is sent as Opaque (encode) / refused (decode)
MAX_NDIM = 64
REPR_LIMIT = 200
_INT_BITS_LIMIT = 13_000  # ~3900 decimal digits: below CPython's int <-> str conversion limit

TAGS = ("__tuple__", "__dict__", "__ndarray__", "__npscalar__", "__bytes__", "__repr__", "__function__")
_TAG_SET = frozenset(TAGS)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """Text from student code made safe to show: control characters (carriage returns, ANSI
    escapes, bidi overrides) and lone surrogates written out as \\xNN / \\uNNNN; newlines and
    tabs kept. Every string `decode` builds has been through it."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def one_line(text: str) -> str:
    """printable, and its newlines and tabs written out too: for text shown inside a line of the
    grader's (a type name, a repr, a source line), which must not start lines of its own."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t")


@dataclass(frozen=True)
class FunctionSpec:
    """A scalar function f(x) the child rebuilds from clean_room.scalar_functions (trusted code):
    the only way a function travels to the student's process, as a name and plain-data params."""
    name: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Opaque:
    """A value that is not plain data (a function, a generator, an instance of a class...).

    `type` is the name of its type (e.g. "generator", "function", "Foo", "ndarray[object]"),
    `repr` its repr cut to 200 characters, so the grader can say "returned a generator".
    """
    type: str
    repr: str

    def __str__(self):
        return f"<{self.type}: {self.repr}>"


class DecodeError(ValueError):
    """The data cannot be read as plain data (malformed, malicious, or too big)."""


# --------------------------------------------------------------------------------------- encode

def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _safe_repr(value) -> str:
    try:
        text = repr(value)
        if not isinstance(text, str):
            raise TypeError
    except BaseException:  # noqa: BLE001 - student objects may raise anything from __repr__
        text = f"<{_type_name(value)} object>"
    return text[:REPR_LIMIT]


def _type_name(value) -> str:
    try:
        name = type(value).__name__
        return name if isinstance(name, str) else "object"
    except BaseException:  # noqa: BLE001
        return "object"


def _opaque(value, type_name=None) -> dict:
    return {"__repr__": _safe_repr(value), "__type__": type_name or _type_name(value)}


def _encode_float(value: float):
    return float(value)


def _encode_int(value: int):
    value = int(value)
    if value.bit_length() > _INT_BITS_LIMIT:
        return {"__repr__": f"an integer with about {int(value.bit_length() * 0.30103)} digits",
                "__type__": "int"}
    return value


def _encode_ndarray(value: np.ndarray):
    arr = value.view(np.ndarray) if type(value) is not np.ndarray else value
    dtype = arr.dtype
    if dtype.str not in ARRAY_DTYPES:
        return _opaque(arr, f"ndarray[{dtype.name}]")
    raw = np.ascontiguousarray(arr).tobytes(order="C")
    return {"__ndarray__": {"dtype": dtype.str, "shape": [int(n) for n in arr.shape],
                            "data": _b64(raw)}}


def _encode_npscalar(value: np.generic):
    dtype = value.dtype
    code = dtype.str
    if code not in ARRAY_DTYPES:
        if isinstance(value, np.str_):
            return str(value)
        return _opaque(value, f"numpy.{type(value).__name__}")
    if dtype.kind == "b":
        plain = bool(value)
    elif dtype.kind in "iu":
        plain = int(value)
    elif dtype.kind == "f":
        plain = float(value)
    else:  # complex
        plain = [float(value.real), float(value.imag)]
    out = {"__npscalar__": code, "value": plain}
    if code in _EXTENDED:
        out["data"] = _b64(np.array(value, dtype=dtype).tobytes())
    return out


def encode(value, _depth: int = 0, _stack: frozenset = frozenset()):
    """A Python/numpy value as a JSON-able structure (runs in the child, on student values).

    Never raises for odd values: anything that is not plain data becomes an Opaque report.
    Cycles and nesting deeper than MAX_DEPTH are reported as Opaque too.
    """
    if value is None or type(value) is bool or type(value) is str:
        return value
    if type(value) is int:
        return _encode_int(value)
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        return _encode_ndarray(value)
    if isinstance(value, np.generic):
        return _encode_npscalar(value)
    if _depth >= MAX_DEPTH:
        return {"__repr__": f"a {_type_name(value)} nested more than {MAX_DEPTH} levels deep",
                "__type__": _type_name(value)}
    if isinstance(value, (list, tuple, dict)):
        if id(value) in _stack:
            return {"__repr__": f"a {_type_name(value)} that contains itself",
                    "__type__": _type_name(value)}
        stack = _stack | {id(value)}
        if isinstance(value, dict):
            return {"__dict__": [[encode(k, _depth + 1, stack), encode(v, _depth + 1, stack)]
                                 for k, v in list(dict.items(value))]}
        items = [encode(v, _depth + 1, stack) for v in (list.__iter__(value) if isinstance(value, list)
                                                         else tuple.__iter__(value))]
        return {"__tuple__": items} if isinstance(value, tuple) else items
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return _encode_int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": _b64(bytes(value))}
    if type(value) is FunctionSpec:
        return {"__function__": value.name, "params": encode(dict(value.params), _depth + 1, _stack)}
    return _opaque(value)


_ENCODER = json.JSONEncoder(allow_nan=True, ensure_ascii=True, separators=(",", ":"))


def dumps(value) -> str:
    """One JSON line (no newline inside) for a value."""
    return _ENCODER.encode(encode(value))


# --------------------------------------------------------------------------------------- decode

def _fail(message):
    raise DecodeError(message)


def _b64decode(text, what):
    if not isinstance(text, str):
        _fail(f"{what} must be a base64 string")
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        _fail(f"{what} is not valid base64")


def _checked_dtype(code, what):
    if not isinstance(code, str) or code not in ARRAY_DTYPES:
        _fail(f"{what} has dtype {str(code)[:40]!r}, which is not a plain numeric or bool dtype")
    return np.dtype(code)


def _decode_ndarray(payload):
    if not isinstance(payload, dict) or set(payload) != {"dtype", "shape", "data"}:
        _fail("an array must have exactly the fields dtype, shape and data")
    dtype = _checked_dtype(payload["dtype"], "an array")
    shape = payload["shape"]
    if not isinstance(shape, list) or len(shape) > MAX_NDIM or not all(
            type(n) is int and n >= 0 for n in shape):
        _fail(f"an array's shape must be a list of at most {MAX_NDIM} non-negative integers")
    raw = _b64decode(payload["data"], "an array's data")
    count = math.prod(shape)
    if count * dtype.itemsize != len(raw):
        _fail(f"an array of shape {tuple(shape)} and dtype {dtype.str} needs "
              f"{count * dtype.itemsize} bytes of data, got {len(raw)}")
    try:
        arr = np.frombuffer(raw, dtype=dtype, count=count).reshape(shape).copy()
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:
        _fail(f"cannot build an array of shape {tuple(shape)}: {exc}")
    if dtype.kind == "b":  # only 0/1 bytes are valid bools: normalise anything else
        arr = arr.view(np.uint8) != 0
    return arr


def _decode_npscalar(obj):
    extra = set(obj) - {"__npscalar__", "value", "data"}
    if extra or "value" not in obj:
        _fail("a numpy scalar must have the fields __npscalar__ and value (and data)")
    dtype = _checked_dtype(obj["__npscalar__"], "a numpy scalar")
    if "data" in obj:
        raw = _b64decode(obj["data"], "a numpy scalar's data")
        if len(raw) != dtype.itemsize:
            _fail(f"a numpy scalar of dtype {dtype.str} needs {dtype.itemsize} bytes of data")
        return np.frombuffer(raw, dtype=dtype)[0]
    value = obj["value"]
    kind = dtype.kind
    if kind == "b":
        ok = type(value) is bool
    elif kind in "iu":
        ok = type(value) is int
    elif kind == "f":
        ok = type(value) in (int, float)
    else:
        ok = (type(value) is list and len(value) == 2
              and all(type(v) in (int, float) for v in value))
        if ok:
            value = complex(value[0], value[1])
    if not ok:
        _fail(f"a numpy scalar of dtype {dtype.str} has a value of the wrong type")
    if kind in "iu":
        info = np.iinfo(dtype)
        if not info.min <= value <= info.max:
            _fail(f"{value} does not fit a numpy scalar of dtype {dtype.str}")
    with np.errstate(over="ignore"):
        return dtype.type(value)


def _decode(obj, depth, functions=False):
    if type(obj) is str:
        return printable(obj)
    if obj is None or type(obj) in (bool, int, float):
        return obj
    if depth > MAX_DEPTH + 2:
        _fail(f"the data is nested more than {MAX_DEPTH} levels deep")
    if type(obj) is list:
        return [_decode(v, depth + 1, functions) for v in obj]
    if type(obj) is not dict:
        _fail(f"unexpected JSON value of type {type(obj).__name__}")
    tags = [k for k in obj if k in _TAG_SET]
    if len(tags) != 1:
        _fail(f"a JSON object must carry exactly one of the tags {', '.join(TAGS)}; "
              f"got the keys {sorted(obj)[:5]}")
    tag = tags[0]
    if tag == "__tuple__":
        if set(obj) != {tag} or type(obj[tag]) is not list:
            _fail("a tuple must be {\"__tuple__\": [...]}")
        return tuple(_decode(v, depth + 1, functions) for v in obj[tag])
    if tag == "__dict__":
        pairs = obj[tag]
        if set(obj) != {tag} or type(pairs) is not list or not all(
                type(p) is list and len(p) == 2 for p in pairs):
            _fail("a dict must be {\"__dict__\": [[key, value], ...]}")
        out = {}
        for key, value in pairs:
            key = _decode(key, depth + 1, functions)
            try:
                hash(key)
            except TypeError:
                _fail(f"a dict key of type {type(key).__name__} cannot be used as a key")
            out[key] = _decode(value, depth + 1, functions)
        return out
    if tag == "__ndarray__":
        if set(obj) != {tag}:
            _fail("an array must be {\"__ndarray__\": {...}} with no other fields")
        return _decode_ndarray(obj[tag])
    if tag == "__npscalar__":
        return _decode_npscalar(obj)
    if tag == "__function__":
        if not functions:
            _fail("a function spec is not plain data the grader accepts from student code")
        if set(obj) != {tag, "params"} or not isinstance(obj[tag], str):
            _fail("a function spec must be {\"__function__\": name, \"params\": {...}}")
        params = _decode(obj["params"], depth + 1, functions)
        if type(params) is not dict:
            _fail("a function spec's params must be a dict")
        return FunctionSpec(obj[tag], params)
    if tag == "__bytes__":
        if set(obj) != {tag}:
            _fail("bytes must be {\"__bytes__\": base64}")
        return _b64decode(obj[tag], "bytes")
    # __repr__
    if set(obj) != {"__repr__", "__type__"} or not isinstance(obj["__repr__"], str) \
            or not isinstance(obj["__type__"], str):
        _fail("an opaque value must be {\"__repr__\": str, \"__type__\": str}")
    return Opaque(one_line(obj["__type__"][:REPR_LIMIT]), one_line(obj["__repr__"][:REPR_LIMIT]))


def decode(obj, functions=False):
    """The value a structure made by `encode` (and parsed by json.loads) stands for.

    Builds only plain data; raises DecodeError for anything malformed (never runs code).
    functions: also accept FunctionSpecs (the child reading its job; never the grader).
    """
    try:
        return _decode(obj, 0, functions)
    except DecodeError:
        raise
    except RecursionError:
        raise DecodeError("the data is nested too deeply") from None
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:
        raise DecodeError(f"unreadable data: {type(exc).__name__}: {str(exc)[:200]}") from None


def parse(text):
    """json.loads that turns every failure (bad JSON, numbers past the int limit, nesting that
    exhausts the stack, bytes that are not UTF-8) into a DecodeError with a short reason."""
    try:
        return json.loads(text)
    except RecursionError:
        raise DecodeError("the data is nested too deeply") from None
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:
        raise DecodeError(f"not a JSON line: {str(exc)[:200]}") from None


def loads(text):
    """The value of one JSON line made by `dumps` (str or bytes). Raises DecodeError."""
    return decode(parse(text))
