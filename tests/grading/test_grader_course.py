"""For every exercise: the solution earns full marks and the stub earns nothing, under two seeds."""
import pytest

from grader.catalog import COURSE_ROOT, load_catalog
from grader.engine import INSTRUCTOR_SEED, STUDENT_SEED, grade_exercise

EXERCISES = load_catalog()


@pytest.mark.parametrize("seed", [STUDENT_SEED, INSTRUCTOR_SEED])
@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.file for e in EXERCISES])
def test_solution_full_marks_and_stub_none(exercise, seed):
    solved = grade_exercise(exercise, COURSE_ROOT / "solutions", seed)
    assert solved.score == solved.max_score == exercise.points, [t.output for t in solved.tests if not t.passed]
    assert solved.status == "done"
    stub = grade_exercise(exercise, COURSE_ROOT / "exercises", seed)
    assert stub.score == 0 and stub.status == "not started"
    assert all("not started" in t.output for t in stub.tests), [t.output for t in stub.tests]
