"""The installed kit grades like the checkout, under both runners: solutions earn full marks,
stubs nothing, every wrong solution of the mistakes suite loses points in its own exercise with
the checkout's diagnosis, an endless loop costs only its exercise; a later exercise that calls a
failing earlier function of the student's says which one to fix first."""
import json
import shutil

import pytest

from grader.catalog import COURSE_ROOT, load_catalog
from grader.engine import grade_folder

from grading.students import edit
from grading.test_grader_mistakes import MUTANTS
from .conftest import ROOT_PORTABLE_BUG, RUNNERS, grade_many, xfail_if_root_portable_bug

E = {e.number: e for e in load_catalog()}
TOTAL = sum(e.points for e in load_catalog())
# which later exercises import an exercise's functions (their stubs' imports)
DEPENDENTS = {1: [2, 3], 2: [10], 3: [10], 5: [10], 6: [8], 7: [8], 8: [10], 9: [10]}


@pytest.mark.parametrize("runner", RUNNERS)
def test_solutions_earn_full_marks_and_the_same_results_as_the_checkout(kit, runner):
    folder = kit.student(f"solved-{runner}")
    done = kit.run("all", "--json", runner=runner, cwd=folder)     # run inside exercises/, no --path
    xfail_if_root_portable_bug(runner, done.stdout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    data = json.loads(done.stdout)
    assert data["score"] == data["max_score"] == TOTAL
    checkout = {t.number: t for ex in grade_folder(COURSE_ROOT / "solutions", seed=1) for t in ex.tests}
    assert [t["number"] for t in data["tests"]] == list(checkout)
    assert [t["name"] for t in data["tests"]] == [t.name for t in checkout.values()]


@pytest.mark.parametrize("runner", RUNNERS)
def test_stubs_earn_nothing(kit, runner):
    done = kit.run("all", "--json", runner=runner, cwd=kit.student(f"stubs-{runner}", COURSE_ROOT / "exercises"))
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["score"] == 0 and data["max_score"] == TOTAL
    assert all(e["status"] == "not started" for e in data["extra_data"]["exercises"])


def _mutant_folders(kit, runner):
    folders = []
    for k, (number, old, new, _) in enumerate(MUTANTS):
        folder = kit.student(f"mutant-{runner}-{k}")
        edit(folder, E[number].file, old, new)
        folders.append(folder)
    return folders


@pytest.mark.parametrize("runner", RUNNERS)
def test_every_wrong_solution_loses_points_in_its_exercise_named_as_in_the_checkout(kit, runner):
    folders = _mutant_folders(kit, runner)
    graded = grade_many(kit, [(f, [m[0]]) for f, m in zip(folders, MUTANTS)], runner)
    problems, hit_by_sandbox_bug = [], []
    for folder, (number, _, _, words), results in zip(folders, MUTANTS, graded):
        got = results[number]
        if runner == "subprocess" and ROOT_PORTABLE_BUG in json.dumps(got):
            hit_by_sandbox_bug.append(words)
            continue
        [want] = grade_folder(folder, seed=1, numbers={number})
        mine = [(t["number"], t["passed"], t["diagnosis"]) for t in got["tests"]]
        theirs = [(t.number, t.passed, t.diagnosis) for t in want.tests]
        if got["score"] >= got["max_score"]:
            problems.append(f"exercise {number} ({words}): kept full marks in the kit")
        elif not any(words in t["diagnosis"] for t in got["tests"] if not t["passed"]):
            problems.append(f"exercise {number}: no diagnosis with {words!r}")
        elif got["score"] != want.score or mine != theirs:
            problems.append(f"exercise {number} ({words}): kit {mine} != checkout {theirs}")
        failed_outputs = [t["output"] for t in got["tests"] if not t["passed"]]
        if failed_outputs != [t.output for t in want.tests if not t.passed]:
            problems.append(f"exercise {number} ({words}): the feedback differs from the checkout's")
    assert not problems, "\n".join(problems)
    if hit_by_sandbox_bug:
        xfail_if_root_portable_bug(runner, ROOT_PORTABLE_BUG)


def test_a_wrong_earlier_function_is_named_in_the_later_exercises_that_call_it(kit):
    """Under the default runner: every exercise calling a mutant's exercise either keeps full
    marks or says which earlier function of the student's to fix first."""
    folders = _mutant_folders(kit, "dependents")
    jobs = [(f, DEPENDENTS.get(m[0], [])) for f, m in zip(folders, MUTANTS)]
    problems = []
    for (number, _, _, words), results in zip(MUTANTS, grade_many(kit, jobs)):
        for later in DEPENDENTS.get(number, []):
            r = results[later]
            if r["score"] < r["max_score"] and not any(f"which fail" in n and f"exercise {number}:" in n
                                                       for n in r["notes"]):
                problems.append(f"exercise {later} lost points for the mistake in {number} ({words}) "
                                f"without saying so: {r['notes']}")
    assert not problems, "\n".join(problems)


def test_exercise_8_says_to_fix_dz2_first(kit):
    folder = kit.student("wrong-dz2")
    edit(folder, E[6].file, "return (y_hat - y) / n", "return y_hat - y")
    done = kit.run("exercise", 8, cwd=folder.parent)     # from the kit's root: grade finds exercises/
    assert done.returncode == 1
    assert "exercise 8 calls your dz2, which fails exercise 6: fix it first" in done.stdout
    assert kit.run("exercise", 6, "--path", folder).returncode == 1


@pytest.mark.parametrize("runner", RUNNERS)
def test_an_endless_loop_costs_only_its_exercise(kit, runner):
    folder = kit.student(f"loop-{runner}")
    edit(folder, E[4].file, "    q = x + y\n", "    while True:\n        pass\n    q = x + y\n")
    done = kit.run("all", "--json", runner=runner, cwd=folder)
    data = json.loads(done.stdout)
    exercises = {e["number"]: e for e in data["extra_data"]["exercises"]}
    assert exercises[4]["status"] == "error" and exercises[4]["score"] == 0
    assert "infinite loop" in exercises[4]["reason"]
    xfail_if_root_portable_bug(runner, done.stdout)
    assert data["score"] == TOTAL - E[4].points


def test_list_and_quiz_work_from_inside_the_kit(kit):
    folder = kit.student("lister")
    shutil.copytree(kit.root / "quizzes", folder.parent / "quizzes")
    assert kit.run("exercise", 1, cwd=folder).returncode == 0
    listed = kit.run("list", cwd=folder.parent)
    assert "Progress: 1/11 exercises done" in listed.stdout
    quiz = kit.run("day7", "--answers", "B,C,B,C,B", "--json", cwd=folder, command="quiz")
    assert quiz.returncode == 0 and json.loads(quiz.stdout)["quiz"] == "day7"
