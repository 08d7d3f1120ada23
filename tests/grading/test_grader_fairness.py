"""One mistake costs one thing (issue 11, points 1-3): a function that loops or crashes costs its
own tests only, each test judges what its name says, and a diagnosis points at the real fix.
Each wrong solution here was graded unfairly before; a wrong answer still loses its points."""
import pytest

from grader import grading
from grader.batch import pool
from grader.catalog import load_catalog
from grader.engine import grade_folder

from .students import edit

E = {e.number: e.file for e in load_catalog()}
SEED = 5
LOOP = "while True:\n        pass\n    "
GENEROUS = 20.0   # seconds: correct code finishes far sooner; only files that loop wait this long
SHORT = 1.0       # seconds: for files in which every function that runs loops


def grade(folder, number, timeout=GENEROUS):
    [ex] = grade_folder(folder, seed=SEED, timeout=timeout, numbers={number})
    return ex


def by_function(ex, word):
    return [t for t in ex.tests if t.name.startswith(word)]


@pytest.fixture
def runs(monkeypatch):
    """The runs of student code grading makes, each as the functions it calls."""
    seen = []
    real = grading.run_student

    def counted(path, module, calls, **options):
        seen.append(sorted({c.function for c in calls}))
        return real(path, module, calls, **options)

    monkeypatch.setattr(grading, "run_student", counted)
    return seen


# -- 1. a function that loops or crashes costs its own tests, not its file's

def test_a_train_that_never_ends_leaves_standardize_and_predict_graded(solved, runs):
    edit(solved, E[10], "    params = init_params(X.shape[1]", f"    {LOOP}params = init_params(X.shape[1]")
    ex = grade(solved, 10, timeout=3.0)
    assert "while running train(...)" in ex.reason and ex.status == "error"
    for t in ex.tests:
        assert t.passed == (not t.name.startswith("train")), (t.name, t.output)
    assert all(t.output == f"not run: {ex.reason}" for t in by_function(ex, "train"))
    assert ex.score == 3 and len(runs) == 2 and "train" not in runs[1]


def test_an_mse_that_loops_leaves_bce_graded(solved, runs):
    edit(solved, E[5], "    return float(np.mean((y - y_hat) ** 2))", f"    {LOOP}return 0.0")
    ex = grade(solved, 5, timeout=3.0)
    assert [t.passed for t in ex.tests] == [False, True, True]
    assert "mse(...)" in ex.tests[0].output and ex.score == 4
    assert runs == [["bce", "mse"], ["bce"]]


def test_a_crash_costs_the_crashing_function_only(solved):
    edit(solved, E[5], "    return float(np.mean((y - y_hat) ** 2))", "    import os\n    os._exit(3)")
    ex = grade(solved, 5)
    assert "os._exit(3)" in ex.reason and ex.score == 4


def test_a_file_that_loops_in_every_function_runs_once_per_function(solved, runs):
    for name in ("sigmoid", "sigmoid_prime", "relu", "relu_prime"):
        edit(solved, E[1], f"def {name}(z):\n", f"def {name}(z):\n    while True:\n        pass\n")
    ex = grade(solved, 1, timeout=SHORT)
    assert ex.score == 0 and ex.status == "error"
    assert len(runs) <= grading.most_runs(load_catalog()[0]) == 4
    for t in ex.tests:
        assert t.output.startswith("not run: ex01_activations.py stopped after"), t.output


def test_a_file_that_fails_at_import_is_not_run_again(solved, runs):
    path = solved / E[5]
    path.write_text("def broken(:\n" + path.read_text())
    ex = grade(solved, 5)
    assert ex.score == 0 and "syntax error" in ex.reason and len(runs) == 1


def test_a_wrong_answer_after_a_loop_still_loses_its_points(solved):
    edit(solved, E[10], "    params = init_params(X.shape[1]", f"    {LOOP}params = init_params(X.shape[1]")
    edit(solved, E[10], "return (y_hat >= 0.5).astype(float)", "return (y_hat < 0.5).astype(float)")
    ex = grade(solved, 10, timeout=3.0)
    [predict] = by_function(ex, "predict")
    assert not predict.passed and "classes are swapped" in predict.diagnosis
    assert ex.score == 2   # standardize only


def test_the_batch_grades_the_other_functions_after_a_loop(solved):
    edit(solved, E[5], "    return float(np.mean((y - y_hat) ** 2))", f"    {LOOP}return 0.0")
    finished = []
    warm = pool.WarmPool(1, SEED, timeout=3.0)
    try:
        warm.run([pool.Task("lou", str(solved), "lou", [5])], lambda t, exercises: finished.append(exercises))
    finally:
        warm.close()
    [[ex]] = finished
    assert [t.passed for t in ex.tests] == [False, True, True] and ex.score == 4


# -- 2. each test judges what its name says

def test_the_cache_test_passes_a_right_cache_with_a_wrong_y_hat(solved):
    edit(solved, E[3], "return y_hat, {", "return z2, {")
    ex = grade(solved, 3)
    y_hat, cache = ex.tests
    assert not y_hat.passed and "output sigmoid is missing" in y_hat.diagnosis
    assert cache.name == "forward's cache holds z1, a1, z2 and y_hat" and cache.passed, cache.output


def test_zero_weights_fail_the_shapes_test_only(solved):
    edit(solved, E[2], '"W1": rng.normal(0, 0.5, (n_input, n_hidden)),', '"W1": np.zeros((n_input, n_hidden)),')
    edit(solved, E[2], '"W2": rng.normal(0, 0.5, (n_hidden, n_output)),', '"W2": np.zeros((n_hidden, n_output)),')
    ex = grade(solved, 2)
    neuron, shapes, seed = ex.tests
    assert neuron.passed and seed.passed, seed.output
    assert not shapes.passed and "equal weights" in shapes.diagnosis


def test_a_seed_that_is_ignored_still_fails_the_seed_test(solved):
    edit(solved, E[2], "rng = np.random.default_rng(seed)", "rng = np.random.default_rng(0)")
    ex = grade(solved, 2)
    assert not ex.tests[2].passed and ex.tests[2].diagnosis == "the seed is ignored"


def test_misspelled_keys_are_named_and_no_test_passes_a_wrong_answer_for_its_inputs(solved):
    edit(solved, E[8], 'return {"W1": dw1(X, g_z1)', 'return {"w1": dw1(X, g_z1)')
    ex = grade(solved, 8)
    assert ex.score == 0 and "misspelled" in ex.tests[0].diagnosis
    lecture = ex.tests[-1]
    assert lecture.name.endswith("leaving its inputs unchanged") and "changed its input" not in lecture.output


def test_changing_an_input_in_place_costs_one_test_that_says_so(solved):
    edit(solved, E[7], "return da1 * a1 * (1 - a1)", "da1 *= a1 * (1 - a1)\n    return da1")
    ex = grade(solved, 7)
    failed = [t for t in ex.tests if not t.passed]
    assert [t.name for t in failed] == ["dz1 = da1 ⊙ a1(1 − a1), leaving its inputs unchanged"]
    assert "modified in place" in failed[0].diagnosis


def test_losses_kept_wrong_cost_the_test_that_judges_losses_only(solved):
    edit(solved, E[10], "losses.append(bce(y, y_hat))", "losses.append(bce(y, y_hat))\n        losses.append(0.0)")
    ex = grade(solved, 10)
    table, people = by_function(ex, "train")
    assert not table.passed and "one loss per epoch" in table.name
    assert people.passed, people.output


# -- 3. a diagnosis points at the real fix

def test_relative_error_without_the_floor_is_told_about_the_floor(solved):
    edit(solved, E[11], "np.maximum(1e-8, np.abs(a) + np.abs(b))", "(np.abs(a) + np.abs(b))")
    ex = grade(solved, 11)
    [rel] = by_function(ex, "relative_error")
    assert not rel.passed
    assert "floor" in rel.diagnosis and "log" not in rel.diagnosis, rel.diagnosis


def test_w1_passed_where_w2_belongs_is_not_told_to_add_a_transpose(solved):
    edit(solved, E[8], 'g_a1 = da1(g_z2, params["W2"])', 'g_a1 = da1(g_z2, params["W1"])')
    ex = grade(solved, 8)
    assert ex.score == 0
    diagnosis = ex.tests[0].diagnosis
    assert "da1(...)" in diagnosis and "W1 where W2 belongs" in diagnosis and "not the fix" in diagnosis


def test_a_transposed_product_in_the_students_own_line_is_still_told_about_the_transpose(solved):
    edit(solved, E[7], "return dz2 @ W2.T", "return dz2 @ W2")
    ex = grade(solved, 7)
    assert "check which operand needs .T" in ex.tests[0].diagnosis


def test_a_numerical_gradient_that_forgets_to_restore_x_is_told_to_put_it_back(solved):
    edit(solved, E[11], "        x[i] = old\n", "")
    ex = grade(solved, 11)
    [kept] = [t for t in ex.tests if t.name.endswith("leaving its inputs unchanged") and "numerical_gradient" in t.name]
    assert not kept.passed and "changed its input x" in kept.output
    assert "put back" in kept.diagnosis and ".copy()" not in kept.diagnosis, kept.diagnosis


@pytest.mark.parametrize("old, new", [
    ("params = init_params(X.shape[1], n_hidden, 1, seed)", "params = init_params(X.shape[1], n_hidden, 1, 0)"),
    ("        losses.append(bce(y, y_hat))\n", ""),   # the loss recorded after the update, below
])
def test_a_train_off_gradient_descents_path_is_told_where_it_left_it(solved, old, new):
    edit(solved, E[10], old, new)
    if not new:
        edit(solved, E[10], "params = sgd_step(params, grads, lr)",
             "params = sgd_step(params, grads, lr)\n        losses.append(bce(y, forward(X, params)[0]))")
    ex = grade(solved, 10)
    table, people = by_function(ex, "train")
    assert not table.passed and "epoch 1's loss" in table.output
    assert "init_params(d, n_hidden, 1, seed)" in table.diagnosis and "before its update" in table.diagnosis
    assert people.passed and ex.score == ex.max_score - table.max_score   # it still learns: the rest is its due
