"""Grading a class's CSV: every row graded, a bad answer scores 0 and is reported, never dropped."""
import csv
import io

import pytest

from grader.quiz import QuizError, load_quiz
from grader.quiz.classgrade import grade_responses
from grader.quiz.responses import read_responses

RESPONSES = """\
name,one,two,three
Ada,B,"A,C",A
Ben,b, a+c ,a
Cy,A,BD,B
Eve,B,"A,C",Z
Fay,B
Gus,B,AC,A,B

Hal,,AC,A
Ada,B,AC,B
"""


@pytest.fixture
def responses(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES, encoding="utf-8")
    return path


def test_every_row_graded_with_problems_reported(small_quiz, responses):
    header, rows = read_responses(responses)
    grades = grade_responses(load_quiz(small_quiz), header, rows)
    assert [(s.student, s.result.score) for s in grades.students] == [
        ("Ada", 3), ("Ben", 3), ("Cy", 0), ("Eve", 2), ("Fay", 1), ("Gus", 3), ("Hal", 2), ("Ada", 2)]
    problems = grades.problems
    assert "row 5 (Eve): question 3 (three): 'Z' is not one of A, B, scored 0" in problems
    assert "row 6 (Fay): question 2 (two): no answer (the row has 1 answer), scored 0" in problems
    assert "row 6 (Fay): question 3 (three): no answer (the row has 1 answer), scored 0" in problems
    assert "row 7 (Gus): 4 answers for 3 questions, the last one ignored" in problems
    assert "row 9 (Hal): question 1 (one): no answer, scored 0" in problems   # the blank line 8 is skipped
    assert "row 10 (Ada): the name 'Ada' is also on row 2" in problems
    assert not any("Ben" in p or "Cy" in p for p in problems)


def test_cli_writes_the_grades_csv_and_reports_the_hardest_questions(run, small_quiz, responses, tmp_path):
    out = tmp_path / "grades.csv"
    result = run("grade", small_quiz, responses, "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(newline="")))
    assert rows[0] == ["student", "score", "max_score", "one", "two", "three"]
    assert rows[1] == ["Ada", "3", "3", "1", "1", "1"]
    assert rows[3] == ["Cy", "0", "3", "0", "0", "0"]                  # BD: only wrong ticks, floored at 0
    assert rows[4] == ["Eve", "2", "3", "1", "1", "0"]                 # the invalid answer
    assert rows[5] == ["Fay", "1", "3", "1", "0", "0"]                 # the short row
    assert len(rows) == 1 + 8
    report = result.stdout
    assert "Graded 8 students on small (Small quiz)." in report
    assert "row 5 (Eve): question 3 (three): 'Z' is not one of A, B, scored 0" in report
    assert "Class mean: 2.00/3 (67%)" in report
    hardest = [line.split()[1] for line in report.split("Questions, hardest first:\n")[1].splitlines()[:3]]
    assert hardest == ["three", "one", "two"]      # 4/8, then 6/8 and 6/8 tied, in the quiz's order
    assert "three                     50% right (4/8); most common wrong answer B (2)" in report
    # the multi-select question also gets its mean points: 7 students scored 1, Cy 0
    assert "two                       75% right (6/8), 0.75 points on average; most common wrong answer" in report


def test_partial_credit_in_the_grades_csv_and_the_mean(run, small_quiz, tmp_path):
    """The same rule as the terminal: A alone on question two (right A and C) earns 1/2,
    A with a wrong D earns 0, and the class mean counts the halves."""
    path = tmp_path / "r.csv"
    path.write_text("name,one,two,three\nAda,B,A,A\nBen,B,AD,A\nCy,B,ABC,B\n")
    result = run("grade", small_quiz, path)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1:] == [["Ada", "2.5", "3", "1", "0.5", "1"],
                        ["Ben", "2", "3", "1", "0", "1"],
                        ["Cy", "1.5", "3", "1", "0.5", "0"]]
    assert "Class mean: 2.00/3 (67%)" in result.stderr
    assert "0.33 points on average" in result.stderr


def test_without_out_the_csv_goes_to_stdout_and_the_report_to_stderr(run, small_quiz, responses):
    result = run("grade", small_quiz, responses)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:3] == ["student", "score", "max_score"] and len(rows) == 9
    assert "Class mean" in result.stderr and "Class mean" not in result.stdout


def test_semicolon_csv_from_a_spreadsheet(small_quiz, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("name;one;two;three\nAda;B;A,C;A\n", encoding="utf-8-sig")
    header, rows = read_responses(path)
    assert grade_responses(load_quiz(small_quiz), header, rows).students[0].result.score == 3


def test_header_of_the_wrong_width_is_noted(small_quiz, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("name,q1\nAda,B,AC,A\n")
    header, rows = read_responses(path)
    grades = grade_responses(load_quiz(small_quiz), header, rows)
    assert grades.students[0].result.score == 3
    assert grades.problems[0].startswith("header: 1 answer column for 3 questions")


def test_header_only_grades_nobody(run, small_quiz, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("name,one,two,three\n")
    result = run("grade", small_quiz, path)
    assert result.exit_code == 0
    assert result.stdout == "student,score,max_score,one,two,three\n"
    assert "Graded 0 students" in result.stderr


@pytest.mark.parametrize("content, message", [
    (None, "no such responses file"),
    ("", "the responses file is empty"),
    ("\n \n,,\n", "the responses file is empty"),
    ('name,one\nAda,"B"x\n', "row 2: not valid CSV (',' expected after '\"')"),
    ('name,one\n\nAda,"B\nC\n', "row 3: not valid CSV (unexpected end of data)"),
    (b"name,one\n\xff\xfe,A\n", "not UTF-8 text"),
])
def test_unreadable_responses_are_one_line_exit_2(run, small_quiz, tmp_path, content, message):
    path = tmp_path / "responses.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = run("grade", small_quiz, path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "responses.csv" in result.stderr and message in result.stderr
    with pytest.raises(QuizError):
        read_responses(path)


def test_unwritable_out_is_one_line_exit_2(run, small_quiz, responses, tmp_path):
    result = run("grade", small_quiz, responses, "--out", tmp_path / "no" / "such" / "dir.csv")
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and "cannot write" in result.stderr


def test_blank_lines_before_the_header_are_skipped(small_quiz, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\n  \n;;\nname;one;two;three\nAda;B;A,C;A\n\nBen;B;AC;B\n", encoding="utf-8")
    header, rows = read_responses(path)
    assert header == ["name", "one", "two", "three"]
    assert [(row, cells[0]) for row, cells in rows] == [(5, "Ada"), (7, "Ben")]   # rows as a spreadsheet shows them
    grades = grade_responses(load_quiz(small_quiz), header, rows)
    assert [s.result.score for s in grades.students] == [3, 2] and grades.problems == []


def test_counts_in_the_report_agree_with_their_nouns(small_quiz, tmp_path):
    one = small_quiz.with_name("one.yaml")
    one.write_text("questions:\n  - {id: q, prompt: p, options: {A: x, B: y}, answer: A}\n")
    path = tmp_path / "r.csv"
    path.write_text("name\nAda\nBen,A,B\n")
    grades = grade_responses(load_quiz(one), *read_responses(path))
    assert grades.problems == [
        "header: 0 answer columns for 1 question; answers are read in the quiz's question order",
        "row 2 (Ada): question 1 (q): no answer (the row has 0 answers), scored 0",
        "row 3 (Ben): 2 answers for 1 question, the last one ignored",
    ]


def test_names_a_spreadsheet_would_run_as_formulas_are_written_as_text(run, small_quiz, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('name,one,two,three\n"=HYPERLINK(""http://x"",""y"")",B,AC,A\n+1,B,AC,A\n'
                    '-Eve,B,AC,A\n@SUM(A1),B,AC,A\nO\'Neil,B,AC,A\n')
    result = run("grade", small_quiz, path)
    assert result.exit_code == 0, result.output
    names = [row[0] for row in csv.reader(io.StringIO(result.stdout))][1:]
    assert names == ['\'=HYPERLINK("http://x","y")', "'+1", "'-Eve", "'@SUM(A1)", "O'Neil"]
