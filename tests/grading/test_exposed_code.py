"""Which reference code enters a student's process: only as source, only where a round trip per
call would cost too much (grader/engine.py, AS_SOURCE), and never more than exercise 10's."""
import ast

from grader import engine
from grader.catalog import load_catalog


def defined(number):
    """{function name: its source} of everything the child of exercise `number` is given as code."""
    out = {}
    for text in engine.sources_for(number).values():
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef):
                out[node.name] = ast.unparse(node)
    return out


def test_only_the_source_exercises_get_code():
    for exercise in load_catalog():
        given = defined(exercise.number)
        if exercise.number in engine.AS_SOURCE:
            assert given, f"exercise {exercise.number} is in AS_SOURCE but is given no code"
            assert not engine.black_boxes_for(exercise.number)
        else:
            assert given == {}, f"exercise {exercise.number} is given code: {sorted(given)}"


def test_the_source_exercises_expose_nothing_beyond_exercise_10():
    """docs/grader.md: exercises 2, 3 and 8 are given no function that exercise 10's child does
    not already hold, and the same code for each."""
    ten = defined(10)
    for number in engine.AS_SOURCE:
        for name, code in defined(number).items():
            assert ten.get(name) == code, f"exercise {number} exposes {name}, which exercise 10 does not"


def test_exercise_8_imports_what_it_is_given():
    """Exercise 8's stub imports exercises 6 and 7, and gets their seven gradients as code."""
    assert sorted(engine.sources_for(8)) == ["ex06_output_layer", "ex07_hidden_layer"]
    assert sorted(defined(8)) == ["da1", "db1", "db2", "dw1", "dw2", "dz1", "dz2"]


def test_a_source_module_holds_what_the_stub_imports_and_no_more():
    """Exercises 2 and 3 import sigmoid alone from exercise 1: relu and the derivatives, which
    exercise 10 is not given, stay out."""
    for number in (2, 3):
        assert sorted(engine.sources_for(number)) == ["ex01_activations"]
        assert sorted(defined(number)) == ["sigmoid"]
