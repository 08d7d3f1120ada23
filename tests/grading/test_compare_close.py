"""compare.close and judge.calls.same_data take fast paths for the common case (finite floats,
equal arrays); on every kind of input they must agree with the numpy functions they stand for."""
import itertools

import numpy as np

from grader.compare import ATOL, RTOL, close, close_number
from grader.judge.calls import same_data

SPECIAL = [0.0, 1.0, -1.0, 1e-12, 1.0 + 5e-7, 1.0 + 2e-6, 1e300, np.inf, -np.inf, np.nan]


def reference_close(a, b):
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))


def test_close_agrees_with_allclose_on_every_pair_of_special_values():
    for x, y in itertools.product(SPECIAL, repeat=2):
        a, b = np.array([[x, 0.5]]), np.array([[y, 0.5]])
        assert close(a, b) == reference_close(a, b), (x, y)


def test_close_on_shapes_ints_bools_and_empty_arrays():
    pairs = [(np.zeros((2, 1)), np.zeros((1, 2))), (np.zeros(3), np.zeros(3)),
             (np.array([1, 2]), np.array([1.0, 2.0])), (np.array([True, False]), np.array([1.0, 0.0])),
             (np.array([True]), np.array([False])), (np.zeros((0, 2)), np.zeros((0, 2))),
             (np.array(3.0), np.array(3.0 + 1e-5))]
    for a, b in pairs:
        assert close(a, b) == reference_close(a, b), (a, b)


def test_close_refuses_a_difference_past_the_tolerance():
    a = np.full((4, 2), 0.25)
    b = a.copy()
    b[3, 1] += 1e-4
    assert not close(a, b) and not close(b, a)
    assert close(a, a + 1e-10)


def test_same_data_agrees_with_array_equal():
    values = [np.array([1.0, np.nan]), np.array([1.0, np.nan]), np.array([1.0, 2.0]), np.array([1, 2]),
              np.array([[1.0, 2.0]]), np.array([-0.0, 2.0]), np.array([0.0, 2.0]), np.array([])]
    for a, b in itertools.product(values, repeat=2):
        want = a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
        assert same_data(a, b) == want, (a, b)
    assert not same_data(np.zeros(2), [0.0, 0.0])


def test_close_number_agrees_with_isclose_on_every_pair_of_special_values():
    values = SPECIAL + [-0.0, -1e-12, 1e-9, 2e-9, -1e300, 1.0 - 1e-6, 1e6, 1e6 + 1.0, 1e6 + 0.5]
    for x, y in itertools.product(values, repeat=2):
        assert close_number(x, y) == bool(np.isclose(x, y, rtol=RTOL, atol=ATOL, equal_nan=True)), (x, y)
