"""run_student on honest (and merely wrong) student files: values, errors, lines, redirects."""
import sys

import numpy as np

import exact_gradients
from clean_room.plain_data import Opaque
from grader.runner import Call, FunctionSpec, run_student
from sandbox_students import assert_parent_fine, student

def test_honest_values_round_trip(tmp_path, work_base):
    path = student(tmp_path, """
        import numpy as np

        def same(x):
            return x

        def pair(a):
            return a * 2, {"W1": a, "b1": np.zeros((1, 2)), "n": 3, "nested": (1, [2.5, None])}

        def scalars():
            return 1.5, np.float64(2.5), np.float32(0.1), np.int64(7), True, "text", None
    """)
    rng = np.random.default_rng(0)
    big = rng.standard_normal((64, 33))
    big[0, 0], big[0, 1], big[0, 2], big[0, 3] = np.nan, np.inf, -np.inf, -0.0
    arrays = [big, big.astype(np.float32), np.arange(10, dtype=np.int64).reshape(2, 5),
              np.array([True, False]), np.array(3.25), np.zeros((0,)), np.zeros((3, 0, 2))]
    calls = [Call("same", (a,)) for a in arrays] + [Call("pair", (np.ones((2, 2)),)),
                                                    Call("scalars")]
    out = run_student(path, "ex06_output_layer", calls)
    assert out.status == "ok", out.reason
    assert out.reason == ""
    for sent, result in zip(arrays, out.results, strict=False):
        got = result.value
        assert type(got) is np.ndarray
        assert got.dtype == sent.dtype and got.shape == sent.shape
        assert got.tobytes() == sent.tobytes()  # bitwise: nan, inf, -0.0 included
        assert got.flags.writeable and got.flags.owndata
    pair = out.results[-2].value
    assert type(pair) is tuple and len(pair) == 2
    assert np.array_equal(pair[0], np.full((2, 2), 2.0))
    assert set(pair[1]) == {"W1", "b1", "n", "nested"}
    assert pair[1]["nested"] == (1, [2.5, None])
    assert np.array_equal(pair[1]["b1"], np.zeros((1, 2)))
    scalars = out.results[-1].value
    assert scalars[0] == 1.5 and type(scalars[0]) is float
    assert type(scalars[1]) is np.float64 and scalars[1] == 2.5
    assert type(scalars[2]) is np.float32 and scalars[2] == np.float32(0.1)
    assert type(scalars[3]) is np.int64 and scalars[3] == 7
    assert scalars[4:] == (True, "text", None)
    assert all(r.seconds >= 0 for r in out.results)
    assert out.seconds < 2
    assert_parent_fine(tmp_path)


def test_not_implemented_stub(tmp_path, work_base):
    path = student(tmp_path, """
        def dz2(y_hat, y):
            # TODO
            raise NotImplementedError("dz2 is not written yet")
    """)
    out = run_student(path, "ex06_output_layer", [Call("dz2", (1, 2)), Call("dz2", (3, 4))])
    assert out.status == "ok"
    assert len(out.results) == 2
    for result in out.results:
        err = result.error
        assert err.type == "NotImplementedError" and err.not_implemented
        assert err.message == "dz2 is not written yet"
        assert err.line == 4 and err.source_line == 'raise NotImplementedError("dz2 is not written yet")'
    assert_parent_fine(tmp_path)


def test_an_exception_does_not_stop_later_calls_and_lines_point_at_the_student_file(
        tmp_path, work_base):
    path = student(tmp_path, """
        import numpy as np

        def _check(x):
            if x < 0:
                raise ValueError(f"negative: {x}")
            return x

        def f(x):
            y = _check(x)
            return y * 2

        def g(a, b):
            return a @ b
    """)
    calls = [Call("f", (-1,)), Call("f", (2,)), Call("g", (np.ones((2, 3)), np.ones((2, 3)))),
             Call("missing_function"), Call("f", (5,))]
    out = run_student(path, "ex06_output_layer", calls)
    assert out.status == "ok"
    assert [r.value for r in out.results] == [None, 4, None, None, 10]
    helper = out.results[0].error
    assert helper.type == "ValueError" and helper.message == "negative: -1"
    assert helper.line == 6 and helper.source_line == 'raise ValueError(f"negative: {x}")'
    assert not helper.not_implemented
    assert "line 10, in f" in helper.traceback and "clean_room" not in helper.traceback
    matmul = out.results[2].error
    assert matmul.type == "ValueError" and matmul.line == 14 and matmul.source_line == "return a @ b"
    missing = out.results[3].error
    assert missing.type == "AttributeError" and "missing_function" in missing.message
    assert missing.line is None
    assert_parent_fine(tmp_path)


def test_return_args_catches_in_place_changes(tmp_path, work_base):
    path = student(tmp_path, """
        def sgd_step(params, grads, lr):
            for k in params:
                params[k] -= lr * grads[k]
            return params

        def pure(x, scale=1.0):
            return x * scale
    """, "ex09_gradient_descent.py")
    params = {"W1": np.ones((2, 2)), "b1": np.zeros((1, 2))}
    grads = {"W1": np.full((2, 2), 0.5), "b1": np.ones((1, 2))}
    x = np.arange(3.0)
    out = run_student(path, "ex09_gradient_descent", [
        Call("sgd_step", (params, grads, 0.1), return_args=True),
        Call("pure", (x,), {"scale": 2.0}, return_args=True),
        Call("pure", (x,)),
    ])
    assert out.status == "ok"
    (params_after, grads_after, lr_after), kwargs_after = out.results[0].args_after
    assert np.allclose(params_after["W1"], 0.95) and np.allclose(params_after["b1"], -0.1)
    assert np.array_equal(grads_after["W1"], grads["W1"]) and lr_after == 0.1
    assert kwargs_after == {}
    # the caller's own objects are untouched: the child worked on copies
    assert np.array_equal(params["W1"], np.ones((2, 2)))
    (x_after,), kwargs_after = out.results[1].args_after
    assert np.array_equal(x_after, x) and kwargs_after == {"scale": 2.0}
    assert out.results[2].args_after is None
    assert_parent_fine(tmp_path)


def test_each_call_gets_its_own_copy_of_shared_arguments(tmp_path, work_base):
    path = student(tmp_path, """
        def bump(a):
            a += 1
            return a.copy()
    """)
    shared = np.zeros(3)
    out = run_student(path, "ex06_output_layer", [Call("bump", (shared,)), Call("bump", (shared,))])
    assert np.array_equal(out.results[0].value, np.ones(3))
    assert np.array_equal(out.results[1].value, np.ones(3))
    assert np.array_equal(shared, np.zeros(3))


def test_black_boxes_replace_earlier_exercises_and_siblings_are_not_importable(tmp_path, work_base):
    student(tmp_path, """
        def sigmoid(z):
            return "the student's own ex01, which must not be used"
    """, "ex01_activations.py")
    student(tmp_path, "VALUE = 'a sibling file'\n", "ex02_neuron.py")
    path = student(tmp_path, """
        import sys
        from ex01_activations import sigmoid

        def forward(z):
            return sigmoid(z)

        def sibling():
            import ex02_neuron
            return ex02_neuron.VALUE

        def folders():
            return [p for p in sys.path if isinstance(p, str)]

        def code():
            return sigmoid.__code__.co_consts, sigmoid.__doc__
    """, "ex03_forward.py")
    asked = []

    def reference_sigmoid(z):
        asked.append(z)
        return 1 / (1 + np.exp(-z))

    out = run_student(path, "ex03_forward",
                      [Call("forward", (np.array([0.0, 2.0]),)), Call("sibling"), Call("folders"), Call("code")],
                      black_boxes={"ex01_activations": {"sigmoid": reference_sigmoid}})
    assert out.status == "ok", out.reason
    assert np.allclose(out.results[0].value, [0.5, 1 / (1 + np.exp(-2.0))])
    assert len(asked) == 1 and np.array_equal(asked[0], [0.0, 2.0])   # computed here, in the grader
    err = out.results[1].error
    assert err.type == "ModuleNotFoundError" and "ex02_neuron" in err.message
    assert err.line == 9
    folders = out.results[2].value
    assert str(tmp_path) not in folders and "" not in folders
    consts, doc = out.results[3].value
    assert "1 / (1 + np.exp(-z))" not in str(consts) and "grader" in doc   # a proxy: no course code
    assert_parent_fine(tmp_path)


def test_a_black_box_that_raises_raises_in_the_child_and_others_are_refused(tmp_path, work_base):
    path = student(tmp_path, """
        from ex06_output_layer import dz2

        def wrong_shapes():
            try:
                dz2(1, "x")
            except TypeError as exc:
                return "TypeError: " + str(exc)

        def forge():
            import clean_room.child as c
            c._channel.send({"ask": 99, "module": "ex08_backward", "function": "backward",
                             "args": c._encode(()), "kwargs": c._encode({})})
            return c._channel.receive()
    """, "ex08_backward.py")

    def dz2(y_hat, y):
        return (y_hat - y) / 2

    out = run_student(path, "ex08_backward", [Call("wrong_shapes"), Call("forge")],
                      black_boxes={"ex06_output_layer": {"dz2": dz2}}, timeout=10)
    assert out.results[0].value.startswith("TypeError: ")
    assert out.status == "crashed" and "does not import" in out.reason   # backward was never offered
    assert_parent_fine(tmp_path)


def test_exercise_modules_can_be_given_as_source(tmp_path, work_base):
    path = student(tmp_path, """
        from ex05_losses import double

        def twice(x):
            return double(x)
    """, "ex10_training.py")
    out = run_student(path, "ex10_training", [Call("twice", (21,))],
                      sources={"ex05_losses": "def double(x):\n    return 2 * x\n"})
    assert out.status == "ok", out.reason
    assert out.results[0].value == 42


def test_without_a_black_box_an_earlier_exercise_is_an_import_error(tmp_path, work_base):
    student(tmp_path, "def sigmoid(z):\n    return z\n", "ex01_activations.py")
    path = student(tmp_path, "from ex01_activations import sigmoid\n", "ex03_forward.py")
    out = run_student(path, "ex03_forward", [Call("forward")])
    assert out.status == "import-error"
    assert out.results == []
    assert out.import_error.type == "ModuleNotFoundError" and out.import_error.line == 1
    assert out.reason.startswith("raised ModuleNotFoundError at line 1 while the file was imported")


def test_the_grader_reference_and_solutions_are_not_there_to_import(tmp_path, work_base):
    path = student(tmp_path, """
        def cheat(name):
            __import__(name)
            return "imported " + name
    """)
    calls = [Call("cheat", (name,)) for name in ("reference", "grader", "grader.engine", "solutions", "exercises")]
    out = run_student(path, "ex06_output_layer", calls)
    assert out.status == "ok", out.reason
    for result in out.results:
        assert result.error is not None and result.error.type == "ModuleNotFoundError", result


def test_function_specs_are_rebuilt_in_the_child(tmp_path, work_base):
    path = student(tmp_path, """
        import numpy as np

        def numerical_gradient(f, x, h=1e-5):
            grad = np.zeros_like(x)
            for i in np.ndindex(x.shape):
                old = x[i]
                x[i] = old + h
                plus = f(x)
                x[i] = old - h
                minus = f(x)
                x[i] = old
                grad[i] = (plus - minus) / (2 * h)
            return grad
    """, "ex11_gradient_check.py")
    rng = np.random.default_rng(1)
    specs = [
        FunctionSpec("weighted_sin", {"a": rng.normal(size=(3, 2))}),
        FunctionSpec("quadratic", {"A": rng.normal(size=(6, 6))}),
        FunctionSpec("cubic", {"c": rng.normal(size=(3, 2))}),
        FunctionSpec("logistic_loss", {"X": rng.normal(size=(5, 6)),
                                       "y": (rng.random((5, 1)) > 0.5).astype(float)}),
    ]
    x = rng.normal(size=(3, 2))
    out = run_student(path, "ex11_gradient_check",
                      [Call("numerical_gradient", (spec, x), return_args=True) for spec in specs])
    assert out.status == "ok", out.reason
    for spec, result in zip(specs, out.results, strict=True):
        assert result.error is None, result.error
        assert np.allclose(result.value, exact_gradients.gradient(spec, x), atol=1e-6)
        (f_after, x_after), _ = result.args_after
        assert isinstance(f_after, Opaque) and np.array_equal(x_after, x)


def test_values_that_are_not_plain_data_come_back_opaque(tmp_path, work_base):
    path = student(tmp_path, """
        class Net:
            def __repr__(self):
                return "Net()"

        class Evil:
            def __repr__(self):
                raise RuntimeError("no repr for you")

        def gen():
            return (i for i in range(3))

        def fn():
            return lambda x: x

        def obj():
            return Net()

        def evil():
            return Evil()

        def strings():
            import numpy as np
            return np.array(["a", "b"])

        def loop():
            a = [1]
            a.append(a)
            return a
    """)
    out = run_student(path, "ex06_output_layer",
                      [Call(name) for name in ("gen", "fn", "obj", "evil", "strings", "loop")])
    assert out.status == "ok", out.reason
    gen, fn, obj, evil, strings, loop = (r.value for r in out.results)
    assert gen.type == "generator" and isinstance(gen, Opaque)
    assert fn.type == "function" and "lambda" in fn.repr
    assert obj == Opaque("Net", "Net()")
    assert evil.type == "Evil"
    assert strings.type.startswith("ndarray[")
    assert loop[0] == 1 and isinstance(loop[1], Opaque)


def test_prints_are_output_never_answers(tmp_path, work_base):
    path = student(tmp_path, """
        import sys
        print('{"call": 0, "seconds": 0, "value": 42}')
        print("to stderr", file=sys.stderr)

        def f():
            print('{"done": true}')
            print("ünïcode ✓")
            return 1
    """)
    out = run_student(path, "ex06_output_layer", [Call("f")])
    assert out.status == "ok"
    assert out.results[0].value == 1
    assert '{"call": 0' in out.output and "to stderr" in out.output and "ünïcode ✓" in out.output
    assert out.output_cut == 0


def test_missing_file(tmp_path, work_base):
    out = run_student(tmp_path / "ex05_losses.py", "ex05_losses", [Call("bce", (1, 0.5))])
    assert out.status == "missing"
    assert out.reason == f"file not found: {tmp_path / 'ex05_losses.py'}"
    assert out.results == [] and out.import_error is None and out.output == ""


def test_syntax_error_has_its_line(tmp_path, work_base):
    path = student(tmp_path, """
        import numpy as np

        def bce(y, y_hat):
            return -np.mean(y * np.log(y_hat)
        def mse(y, y_hat):
            return 0
    """, "ex05_losses.py")
    out = run_student(path, "ex05_losses", [Call("bce", (1, 0.5))])
    assert out.status == "import-error"
    err = out.import_error
    assert err.type == "SyntaxError" and err.line in (5, 6)
    assert out.reason.startswith(f"has a syntax error at line {err.line}: ")
    assert out.results == []
    assert_parent_fine(tmp_path)


def test_indentation_error(tmp_path, work_base):
    path = student(tmp_path, "def f():\nreturn 1\n")
    out = run_student(path, "ex06_output_layer", [Call("f")])
    assert out.status == "import-error" and out.import_error.type == "IndentationError"
    assert out.reason.startswith("has a syntax error at line 2: ")


def test_parent_threads_do_not_disturb_a_run(tmp_path, work_base):
    import threading
    stop = threading.Event()
    ticks = []

    def progress_bar():
        while not stop.is_set():
            ticks.append(1)
            sys.stderr.write("")
            stop.wait(0.001)

    thread = threading.Thread(target=progress_bar, daemon=True)
    thread.start()
    try:
        for _ in range(10):
            assert_parent_fine(tmp_path)
    finally:
        stop.set()
        thread.join()
    assert ticks
