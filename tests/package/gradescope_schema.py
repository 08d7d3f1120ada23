"""Checks a results.json against Gradescope's autograder format (its docs' "Output format" and
"Controlling Test Case Visibility"), and against what this project adds to it: test numbers
"<exercise>.<test>" that name a real hidden test, and scores that add up."""
import math
import re

from grader import engine
from grader.catalog import load_catalog

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
STATUS = {"passed", "failed"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
TOP = {"score", "max_score", "execution_time", "output", "output_format", "test_output_format",
       "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
        "tags", "visibility", "extra_data"}
NUMBER = re.compile(r"([1-9][0-9]*)\.([1-9][0-9]*)")


def number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_results(data):
    """Raises AssertionError naming the first thing wrong with `data`."""
    assert isinstance(data, dict), "results.json is not a JSON object"
    assert not set(data) - TOP, f"unknown top-level keys {set(data) - TOP}"
    tests = data.get("tests", [])
    assert "score" in data or (tests and all("score" in t for t in tests)), "no score anywhere"
    for key in ("score", "max_score", "execution_time"):
        if key in data:
            assert number(data[key]) and data[key] >= 0, f"{key} = {data[key]!r}"
    if "max_score" in data:
        assert data["score"] <= data["max_score"] + 1e-9, "score above max_score"
    for key in ("visibility", "stdout_visibility"):
        if key in data:
            assert data[key] in VISIBILITY, f"{key} = {data[key]!r}"
    for key in ("output_format", "test_output_format", "test_name_format"):
        if key in data:
            assert data[key] in FORMATS, f"{key} = {data[key]!r}"
    if "output" in data:
        assert isinstance(data["output"], str)
    if "extra_data" in data:
        assert isinstance(data["extra_data"], dict)
    assert isinstance(tests, list)
    counts = {e.number: len(engine.hidden_tests(e.number, 1)) for e in load_catalog()}
    seen = set()
    for t in tests:
        assert isinstance(t, dict) and not set(t) - TEST, f"unknown test keys {set(t) - TEST}"
        assert isinstance(t.get("name", ""), str) and isinstance(t.get("output", ""), str)
        assert t.get("status", "passed") in STATUS, t.get("status")
        assert t.get("visibility", "visible") in VISIBILITY, t.get("visibility")
        assert isinstance(t.get("extra_data", {}), dict)
        for key in ("score", "max_score"):
            if key in t:
                assert number(t[key]) and t[key] >= 0, f"test {t.get('number')}: {key} = {t[key]!r}"
        if "score" in t and "max_score" in t:
            assert t["score"] <= t["max_score"] + 1e-9, f"test {t.get('number')}: score above max_score"
        match = NUMBER.fullmatch(t.get("number", ""))
        assert match, f"test number {t.get('number')!r} is not <exercise>.<test>"
        exercise, k = int(match[1]), int(match[2])
        assert exercise in counts and k <= counts[exercise], f"test {t['number']} does not exist"
        key = (t["number"], "score" in t)
        assert key not in seen, f"test {t['number']} twice"
        seen.add(key)
    scored = [t for t in tests if "score" in t]
    if scored and "score" in data:
        assert abs(sum(t["score"] for t in scored) - data["score"]) < 1e-6, "the tests' scores do not add up"
