"""What grading produces, and its Gradescope-schema JSON: the one format every front door writes."""
from dataclasses import dataclass, field


@dataclass
class TestResult:
    """One hidden test: its points count only when `passed`."""
    name: str
    number: str            # "<exercise>.<test>", e.g. "6.1"
    max_score: float
    passed: bool
    output: str = ""       # what was checked, expected and got; empty when passed quietly
    diagnosis: str = ""    # the classic mistake the wrong answer matches, if any

    @property
    def score(self):
        return self.max_score if self.passed else 0.0


@dataclass
class ExerciseResult:
    number: int
    title: str
    tests: list = field(default_factory=list)
    status: str = "failing"   # "done" (full marks) | "failing" | "not started" | "error"; set by the engine
    reason: str = ""          # why the exercise could not be graded normally (timeout, missing file, ...)
    output: str = ""          # what the student's code printed, already cut to a sane size
    seconds: float = 0.0
    notes: list = field(default_factory=list)   # the kit's word on earlier exercises this one calls
    sandbox_error: str = ""   # a run's sandbox failed (never the student's doing): the grader's failure
    stopped_at: int = None    # the call (its index in the first run) that run stopped in, if it stopped in one

    @property
    def score(self):
        return sum(t.score for t in self.tests)

    @property
    def max_score(self):
        return sum(t.max_score for t in self.tests)


def exercise_status(result):
    """The status the engine settled on (kept as a function for the readers of results)."""
    return result.status


def not_started_reason(ex):
    """Why an exercise is not started, in one line: `grade all` and results.json say the same."""
    return ex.reason or "its functions still raise NotImplementedError"


def said_once(ex):
    """True for an exercise not started whose every test failed: one entry says it all."""
    return exercise_status(ex) == "not started" and bool(ex.tests) and not any(t.passed for t in ex.tests)


def to_gradescope(results, execution_time, output=""):
    """The Gradescope autograder results.json for one or more graded exercises.

    An exercise not started (its file missing, or every function still raising
    NotImplementedError) is one entry, as it is one line in `grade all`: numbered after its first
    test, worth the exercise's points, the tests it stands for under `extra_data.not_started`.
    """
    tests = []
    for ex in results:
        if said_once(ex):
            tests.append({
                "name": f"Exercise {ex.number}: {ex.title}", "number": ex.tests[0].number,
                "score": 0.0, "max_score": round(ex.max_score, 4), "status": "failed",
                "output": f"not started: {not_started_reason(ex)}",
                "extra_data": {"exercise": ex.number, "diagnosis": "", "not_started": [
                    {"name": t.name, "number": t.number, "max_score": round(t.max_score, 4)} for t in ex.tests]},
            })
            continue
        for t in ex.tests:
            text = t.output
            if t.diagnosis:
                text = f"{text}\nLooks like: {t.diagnosis}" if text else f"Looks like: {t.diagnosis}"
            tests.append({
                "name": t.name, "number": t.number,
                "score": round(t.score, 4), "max_score": round(t.max_score, 4),
                "status": "passed" if t.passed else "failed",
                "output": text,
                "extra_data": {"exercise": ex.number, "diagnosis": t.diagnosis},
            })
    return {
        "score": round(sum(ex.score for ex in results), 4),
        "max_score": round(sum(ex.max_score for ex in results), 4),
        "execution_time": round(execution_time, 3),
        "output": output,
        "tests": tests,
        "extra_data": {"exercises": [
            {"number": ex.number, "title": ex.title, "status": exercise_status(ex), "reason": ex.reason,
             "score": round(ex.score, 4), "max_score": round(ex.max_score, 4), "output": ex.output}
            for ex in results
        ]},
    }
