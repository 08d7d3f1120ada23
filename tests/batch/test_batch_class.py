"""A messy class graded end to end through `grade batch`: the rows, the isolation, the report,
and the same scores as grading each student on their own."""
import html
import json
import os
import re
import stat
import xml.dom.minidom
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import engine
from grader.batch import store
from grader.cli import main
from test_batch_helpers import FULL, POINTS, SEED, TIMEOUT, build_messy_class, read_gradebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    out = root / "out"
    subs, expected = build_messy_class(root, out)
    result = CliRunner().invoke(main, ["batch", str(subs), "--out", str(out), "--workers", "2",
                                       "--seed", str(SEED), "--timeout", str(TIMEOUT)])
    assert result.exit_code == 0, result.output
    return root, subs, out, expected, result.output


def rows(out):
    return {row["student"]: row for row in read_gradebook(out / "gradebook.csv")}


def test_every_entry_has_its_row_with_the_expected_score_and_reason(graded):
    root, subs, out, expected, output = graded
    book = rows(out)
    assert set(book) == set(expected) | {"zz_hostile"}
    for student, (total, status, note) in expected.items():
        row = book[student]
        assert float(row["total"]) == total, (student, row)
        assert row["status"] == status, (student, row)
        assert note in row["note"], (student, row["note"])
        assert row["max"] == "62"
    assert list(book) == sorted(book, key=lambda s: (s.casefold(), s))


def test_a_broken_or_looping_exercise_costs_only_that_exercise(graded):
    _, _, out, _, _ = graded
    book = rows(out)
    broken = book["broken"]
    assert broken["ex03"] == "0" and broken["ex05"] == "0"
    assert all(broken[f"ex{n:02d}"] == f"{POINTS[n]:g}" for n in POINTS if n not in (3, 5))
    assert "ex05: ex05_losses.py raised RuntimeError" in broken["note"]
    looping = book["looping"]
    assert looping["ex01"] == "0" and float(looping["total"]) == FULL - POINTS[1]


def test_the_summary_counts_the_class(graded):
    _, _, _, expected, output = graded
    failed = sum(1 for _, status, _ in expected.values() if status == "failed to load")
    assert f"{len(expected) + 1} students: {len(expected) + 1 - failed} graded, {failed} failed to load" in output
    assert "timed out: 1 (looping)" in output
    assert "ignored: .DS_Store (hidden entry)" in output
    assert "Report:" in output and "Gradebook:" in output


def test_results_json_follows_the_gradescope_schema(graded):
    _, _, out, expected, _ = graded
    for student in list(expected) + ["zz_hostile"]:
        data = json.loads((out / student / "results.json").read_text())
        assert store.valid(data)
        assert data["extra_data"]["student"] == student
        assert {"score", "max_score", "execution_time", "output", "tests"} <= set(data)
        assert data["max_score"] == FULL
        for test in data["tests"]:
            assert re.fullmatch(r"\d+\.\d+", test["number"])
            assert test["status"] in ("passed", "failed")
        assert data["score"] == sum(t["score"] for t in data["tests"])
    wrapped = json.loads((out / "wrapped" / "results.json").read_text())
    assert wrapped["extra_data"]["batch"]["found_in"] == "Alice_123/exercises"
    corrupt = json.loads((out / "corrupt" / "results.json").read_text())
    assert corrupt["score"] == 0 and "corrupt zip" in corrupt["output"]


def test_zip_slip_writes_nothing_outside(graded):
    root, subs, out, _, _ = graded
    assert not list(Path(root).rglob("evil.py"))
    assert not (Path(root) / "abs_evil.py").exists()
    assert not Path(root).parent.joinpath("evil.py").exists()


def test_the_hostile_student_changes_nothing_but_its_own_grade(graded):
    root, subs, out, expected, _ = graded
    book = rows(out)
    for student, (total, status, _) in expected.items():   # every honest grade intact
        assert float(book[student]["total"]) == total
    assert not (out / "evil.txt").exists()
    assert stat.S_IMODE(os.stat(out).st_mode) != 0o777
    data = json.loads((out / "zz_hostile" / "results.json").read_text())
    assert store.valid(data) and data["extra_data"]["student"] == "zz_hostile"
    assert float(book["zz_hostile"]["total"]) >= FULL - POINTS[1]   # at most its own ex01 lost
    good = json.loads((out / "good" / "results.json").read_text())
    assert good["score"] == FULL
    first = data["extra_data"]["exercises"][0]["output"]
    assert len(first) < 100_000   # 10 MB printed, cut by the sandbox
    if os.geteuid() == 0:   # student code ran as an unprivileged user
        assert "staged files visible: 0" in first
        for what in ("gradebook", "other results", "own results", "new file", "chmod", "kill parent"):
            assert f"'{what}: done'" not in first, what


def test_the_report_names_every_student_and_escapes_their_text(graded):
    _, _, out, expected, _ = graded
    page = (out / "report.html").read_text()
    for student in list(expected) + ["zz_hostile"]:
        assert html.escape(student) in page, student
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page
    assert "http://" not in page and "https://" not in page and " src=" not in page
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S):   # each chart is well-formed SVG
        xml.dom.minidom.parseString(svg)
    assert page.count('<details class="student"') == len(expected) + 1   # one collapsible section a student
    assert "Most frequent mistakes" in page


def test_batch_and_grade_all_agree(graded, tmp_path):
    _, subs, out, _, _ = graded
    book = rows(out)
    for student, folder in [("good", subs / "good"), ("broken", subs / "broken"),
                            ("stubbed", subs / "stubbed" / "exercises"), ("looping", subs / "looping")]:
        results = engine.grade_folder(folder, seed=SEED, timeout=TIMEOUT)
        assert sum(r.score for r in results) == float(book[student]["total"]), student
        for r in results:
            assert float(book[student][f"ex{r.number:02d}"]) == r.score, (student, r.number)
    # and through the student's front door, on a copy (grade all records progress in its folder)
    copy = tmp_path / "broken"
    copy.mkdir()
    for path in (subs / "broken").iterdir():
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    result = CliRunner().invoke(main, ["all", "--path", str(copy), "--seed", str(SEED),
                                       "--timeout", str(TIMEOUT), "--json"])
    assert json.loads(result.output)["score"] == float(book["broken"]["total"])


def test_results_are_private_to_the_grader(graded):
    _, _, out, _, _ = graded
    mode = stat.S_IMODE(os.stat(out / "good" / "results.json").st_mode)
    assert mode & 0o077 == 0
    assert stat.S_IMODE(os.stat(out / "good").st_mode) & 0o077 == 0
