"""exercises/ and solutions/ mirror each other and the catalog; solutions match the reference; stubs raise."""
import inspect

import numpy as np
import pytest

import reference as ref
from grader.catalog import COURSE_ROOT, load_catalog

from .folders import exercise_modules

CATALOG = load_catalog()
FUNCTIONS = [(e.module, f) for e in CATALOG for f in e.functions]


def public_functions(module):
    return {n: f for n, f in vars(module).items()
            if inspect.isfunction(f) and f.__module__ == module.__name__ and not n.startswith("_")}


@pytest.fixture(scope="module")
def solutions():
    with exercise_modules("solutions") as mods:
        yield mods


@pytest.fixture(scope="module")
def stubs():
    with exercise_modules("exercises") as mods:
        yield mods


def test_folders_mirror_the_catalog_file_for_file():
    files = {e.file for e in CATALOG}
    for folder in ("exercises", "solutions"):
        assert {p.name for p in (COURSE_ROOT / folder).glob("ex*.py")} == files


def test_stubs_solutions_and_catalog_define_the_same_functions(solutions, stubs):
    for e in CATALOG:
        sol, stub = public_functions(solutions[e.module]), public_functions(stubs[e.module])
        assert set(sol) == set(stub) == set(e.functions), e.file
        for name in e.functions:
            assert inspect.signature(sol[name]) == inspect.signature(stub[name]), f"{e.file}: {name}"
            assert inspect.getdoc(stub[name]), f"{e.file}: {name} has no docstring"


def arguments(module, name, rng):
    """Valid random inputs for every exercise function: what a student's function is called with."""
    n, d, h = int(rng.integers(1, 7)), int(rng.integers(1, 5)), int(rng.integers(1, 6))
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=(n, 1)).astype(float)
    params = ref.init_params(d, h, 1, seed=int(rng.integers(100)))
    y_hat, cache = ref.forward(X, params)
    z = rng.normal(scale=5, size=(n, h))
    g2 = ref.dz2(y_hat, y)
    g1 = ref.dz1(ref.da1(g2, params["W2"]), cache["a1"])
    table = {
        "sigmoid": (z,), "sigmoid_prime": (z,), "relu": (z,), "relu_prime": (z,),
        "neuron": (X, params["W1"][:, :1], params["b2"] + 0.3),
        "init_params": (d, h, 1, 7),
        "forward": (X, params),
        "chain_rule": tuple(float(v) for v in rng.normal(size=3)),
        "mse": (y, y_hat), "bce": (y, y_hat),
        "dz2": (y_hat, y), "dw2": (cache["a1"], g2), "db2": (g2,),
        "da1": (g2, params["W2"]), "dz1": (ref.da1(g2, params["W2"]), cache["a1"]),
        "dw1": (X, g1), "db1": (g1,),
        "backward": (X, y, params, cache),
        "sgd_step": (params, ref.backward(X, y, params, cache), 0.1),
        "standardize": (X + rng.normal(size=(1, d)) * 10 if n > 1 else np.vstack([X, X + 1]),),
        "train": (X, y, 2, 0.5, 50, 3),
        "predict": (X, params),
        "numerical_gradient": (lambda v: float(np.sum(np.sin(v))), rng.normal(size=(n, d))),
        "relative_error": (rng.normal(size=(n, d)), rng.normal(size=(n, d))),
    }
    return table[name]


def same(a, b):
    if isinstance(a, dict):
        return set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("module, name", FUNCTIONS)
def test_solution_agrees_with_the_reference(solutions, module, name):
    for seed in range(5):
        args = arguments(module, name, np.random.default_rng(seed))
        got = getattr(solutions[module], name)(*args)
        expected = getattr(ref, name)(*args)
        assert same(got, expected), f"{name} seed {seed}"


@pytest.mark.parametrize("module, name", FUNCTIONS)
def test_stub_raises_not_implemented(stubs, module, name):
    args = arguments(module, name, np.random.default_rng(0))
    with pytest.raises(NotImplementedError):
        getattr(stubs[module], name)(*args)
