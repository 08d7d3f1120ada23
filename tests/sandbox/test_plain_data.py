"""The codec between the student's process and the grader: exact round trips, and no trust."""
import base64
import json
import math

import numpy as np
import pytest

from clean_room.plain_data import DecodeError, Opaque, decode, dumps, encode, loads


def round_trip(value):
    line = dumps(value)
    assert "\n" not in line
    return loads(line)


@pytest.mark.parametrize("array", [
    np.array([1.5, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308]),
    np.arange(12, dtype=np.float32).reshape(3, 4) / 7,
    np.arange(-5, 5, dtype=np.int64),
    np.array([[True, False], [False, True]]),
    np.array(2.5),                       # 0-d
    np.zeros((0,)),                      # empty
    np.zeros((2, 0, 3), dtype=np.int32),
    np.array([1 + 2j, np.nan - 1j], dtype=np.complex128),
    np.array([255, 0], dtype=np.uint8),
    np.array([1.0, 2.0], dtype=">f8"),   # non-native byte order stays as it was
    np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    np.arange(20.0)[::3],                # a strided view
    np.array([1, 2, 3], dtype=np.longdouble) / 3,
])
def test_arrays_round_trip_bitwise(array):
    back = round_trip(array)
    assert type(back) is np.ndarray
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == np.ascontiguousarray(array).tobytes()
    assert back.flags.writeable and back.flags.owndata and back.flags.c_contiguous


def test_float_specials_round_trip():
    nan, inf, minus_inf, minus_zero = round_trip([math.nan, math.inf, -math.inf, -0.0])
    assert math.isnan(nan) and inf == math.inf and minus_inf == -math.inf
    assert minus_zero == 0 and math.copysign(1, minus_zero) == -1
    assert math.copysign(1, round_trip(-0.0)) == -1
    assert round_trip(0.1 + 0.2) == 0.1 + 0.2


def test_containers_keep_their_kind():
    value = {"W1": np.eye(2), "nested": ({"a": [1, (2, 3)]}, [], ()), 3: "int key",
             (1, 2): None, "s": "text ✓", "b": True, "n": None}
    back = round_trip(value)
    assert set(back) == set(value)
    assert type(back["nested"]) is tuple and type(back["nested"][1]) is list
    assert back["nested"][0]["a"] == [1, (2, 3)] and type(back["nested"][0]["a"][1]) is tuple
    assert back[(1, 2)] is None and back[3] == "int key" and back["s"] == "text ✓"
    assert np.array_equal(back["W1"], np.eye(2))
    assert round_trip(((1,),)) == ((1,),)


def test_numpy_scalars_keep_their_type():
    for scalar in (np.float64(0.1), np.float32(0.1), np.int64(-7), np.uint64(2**64 - 1),
                   np.bool_(True), np.int8(-128), np.complex64(1 - 2j), np.float16(0.5),
                   np.longdouble(1) / 3):
        back = round_trip(scalar)
        assert type(back) is type(scalar) and back == scalar
    assert type(round_trip(1.0)) is float and type(round_trip(1)) is int
    assert type(round_trip(True)) is bool


def test_what_is_not_plain_data_is_opaque():
    def gen():
        yield 1

    class Thing:
        def __repr__(self):
            return "T" * 500

    for value, type_name in ((gen(), "generator"), (lambda: 0, "function"), (Thing(), "Thing"),
                             (np.array(["a"]), "ndarray[str32]"), (object(), "object"),
                             ({1, 2}, "set"), (np.array([None]), "ndarray[object]")):
        back = round_trip(value)
        assert isinstance(back, Opaque) and back.type == type_name
        assert len(back.repr) <= 200


def test_cycles_and_deep_nesting_do_not_break_encoding():
    cycle = []
    cycle.append(cycle)
    assert isinstance(round_trip(cycle)[0], Opaque)
    deep = []
    inner = deep
    for _ in range(500):
        inner.append([])
        inner = inner[0]
    back = round_trip(deep)
    depth = 0
    while isinstance(back, list):
        back, depth = back[0], depth + 1
    assert isinstance(back, Opaque) and depth <= 101


def test_bytes_and_huge_ints():
    assert round_trip(b"\x00\xff") == b"\x00\xff"
    assert isinstance(round_trip(10 ** 5000), Opaque)
    assert round_trip(10 ** 100) == 10 ** 100


def _array_line(dtype="<f8", shape=(2,), data=None):
    if data is None:
        data = base64.b64encode(np.zeros(2).tobytes()).decode()
    return json.dumps({"__ndarray__": {"dtype": dtype, "shape": list(shape), "data": data}})


@pytest.mark.parametrize("line, words", [
    (_array_line(dtype="O"), "not a plain numeric or bool dtype"),
    (_array_line(dtype="<U1"), "not a plain numeric or bool dtype"),
    (_array_line(dtype="V8"), "not a plain numeric or bool dtype"),
    (_array_line(shape=(3,)), "needs 24 bytes of data, got 16"),
    (_array_line(shape=(-2,)), "non-negative integers"),
    (_array_line(shape=(2.0,)), "non-negative integers"),
    (_array_line(data="not base64!"), "not valid base64"),
    (json.dumps({"__ndarray__": {"dtype": "<f8", "shape": [0], "data": "", "x": 1}}), "exactly the fields"),
    ('{"W1": 1}', "exactly one of the tags"),
    ('{"__tuple__": [1], "__dict__": []}', "exactly one of the tags"),
    ('{"__dict__": [[[1, 2], 3]]}', "cannot be used as a key"),
    ('{"__dict__": [[1]]}', "[[key, value], ...]"),
    ('{"__npscalar__": "<f8", "value": "1.0"}', "wrong type"),
    ('{"__npscalar__": "|u1", "value": 300}', "does not fit"),
    ('{"__npscalar__": "O", "value": 1}', "not a plain numeric"),
    ('{"__repr__": 1, "__type__": "x"}', "opaque value"),
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ("{not json", "not a JSON line"),
    ('{"__pickle__": "gASVAAAAAAAAAAA="}', "exactly one of the tags"),
])
def test_malicious_lines_are_rejected_with_a_clear_error(line, words):
    with pytest.raises(DecodeError) as caught:
        loads(line)
    assert words in str(caught.value)


def test_bool_arrays_are_normalised():
    line = _array_line(dtype="|b1", shape=(2,), data=base64.b64encode(b"\x02\x00").decode())
    back = loads(line)
    assert back.dtype == bool and back.view(np.uint8).tolist() == [1, 0]


def test_encode_is_json_friendly_and_decode_is_its_inverse():
    value = (np.arange(3), {"k": [1.5, None]})
    structure = encode(value)
    assert json.loads(json.dumps(structure)) == structure
    back = decode(json.loads(json.dumps(structure)))
    assert np.array_equal(back[0], value[0]) and back[1] == value[1]


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_subclasses_arrive_as_plain_arrays():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    back = round_trip(np.zeros(3).view(Liar))
    assert type(back) is np.ndarray and not (back == 1).any()
    assert type(round_trip(np.asmatrix(np.eye(2)))) is np.ndarray
