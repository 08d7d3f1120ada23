"""Grading a whole class from one responses CSV: every row is graded, every problem is reported.

A row with a missing or invalid answer scores that question 0 and is kept; a row with too few
or too many answers is graded on what is there. Nothing is dropped silently: the report names
the row (its line in the file, the header being row 1, as a spreadsheet numbers it) and the student.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .answers import AnswerError, parse_choice
from .errors import QuizError
from .loader import display_path
from .model import Quiz, letters_str
from .scoring import QuizResult, score


@dataclass
class StudentGrade:
    row: int
    student: str
    result: QuizResult
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"row {self.row} ({self.student})" if self.student else f"row {self.row}"


@dataclass
class ClassGrades:
    quiz: Quiz
    students: list[StudentGrade]
    header_note: str = ""

    @property
    def problems(self) -> list[str]:
        notes = [self.header_note] if self.header_note else []
        return notes + [p for s in self.students for p in s.problems]


def read_responses(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells), ...]) from a CSV; blank lines are not students and are skipped.

    The delimiter is a comma, unless the header line plainly uses semicolons or tabs (as some
    spreadsheets export).
    """
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise QuizError(f"{where}: no such responses file") from None
    except IsADirectoryError:
        raise QuizError(f"{where}: is a folder, not a responses CSV") from None
    except UnicodeDecodeError:
        raise QuizError(f"{where}: not UTF-8 text (save the responses as UTF-8 CSV)") from None
    except OSError as e:
        raise QuizError(f"{where}: cannot read the file ({e.strerror})") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = next((d for d in ";\t" if d in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise QuizError(f"{where}: the responses file is empty "
                            "(expected a header row, then one row per student)")
        rows = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as e:
        raise QuizError(f"{where}: line {reader.line_num}: not valid CSV ({e})") from None
    return header, rows


def grade_responses(quiz: Quiz, header: list[str], rows: list[tuple[int, list[str]]]) -> ClassGrades:
    """Grades each row (name, then one answer per question in the quiz's order)."""
    expected = len(quiz.questions)
    header_note = ""
    if len(header) - 1 != expected:
        header_note = (f"header: {len(header) - 1} answer columns for {expected} questions; "
                       "answers are read in the quiz's question order")
    grades: list[StudentGrade] = []
    first_row_of: dict[str, int] = {}
    for row, cells in rows:
        student = cells[0].strip()
        answers = cells[1:]
        label = f"row {row} ({student})" if student else f"row {row}"
        problems = []
        if not student:
            problems.append(f"{label}: no student name")
        elif student in first_row_of:
            problems.append(f"{label}: the name '{student}' is also on row {first_row_of[student]}")
        else:
            first_row_of[student] = row
        if len(answers) > expected:
            extra = len(answers) - expected
            problems.append(f"{label}: {len(answers)} answers for {expected} questions, "
                            f"the last {extra} ignored")
        chosen, why = [], []
        for number, question in enumerate(quiz.questions, start=1):
            raw = answers[number - 1] if number <= len(answers) else ""
            try:
                chosen.append(parse_choice(raw, question))
                why.append("")
            except AnswerError as e:
                reason = "no answer" if not raw.strip() else str(e)
                if number > len(answers):
                    reason = f"no answer (the row has {len(answers)} answers)"
                chosen.append(None)
                why.append(reason)
                problems.append(f"{label}: question {number} ({question.id}): {reason}, scored 0")
        grades.append(StudentGrade(row, student, score(quiz, chosen, why), problems))
    return ClassGrades(quiz, grades, header_note)


def write_grades_csv(grades: ClassGrades, out: TextIO) -> None:
    """`student,score,max_score,<question ids...>`, with `right` or `wrong` per question
    (a missing or invalid answer is `wrong`; the report says which it was)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "score", "max_score"] + [q.id for q in grades.quiz.questions])
    for s in grades.students:
        writer.writerow([s.student, s.result.score, s.result.max_score]
                        + ["right" if item.right else "wrong" for item in s.result.items])


def report_text(grades: ClassGrades) -> str:
    """The instructor's summary: problems by row, the class mean, the hardest questions first."""
    quiz, students = grades.quiz, grades.students
    lines = [f"Graded {len(students)} student{'s' if len(students) != 1 else ''} "
             f"on {quiz.name} ({quiz.title})."]
    if grades.problems:
        lines.append("Problems (every row is still graded; a missing or invalid answer scores 0):")
        lines += [f"  {p}" for p in grades.problems]
    if not students:
        return "\n".join(lines)
    max_score = len(quiz.questions)
    mean = sum(s.result.score for s in students) / len(students)
    lines.append(f"Class mean: {mean:.2f}/{max_score} ({100 * mean / max_score:.0f}%)")
    lines.append("Questions, hardest first:")
    for stat in question_stats(grades):
        wrong = ""
        if stat["common_wrong"]:
            letters, count = stat["common_wrong"]
            wrong = f"; most common wrong answer {letters} ({count})"
        lines.append(f"  {stat['number']:>2}. {stat['id']:<24} {stat['percent']:3.0f}% right "
                     f"({stat['right']}/{len(students)}){wrong}")
    return "\n".join(lines)


def question_stats(grades: ClassGrades) -> list[dict]:
    """Per question: how many got it right, and the wrong answer given most, hardest first
    (lowest share right; ties in the quiz's order)."""
    stats = []
    n = len(grades.students)
    for index, question in enumerate(grades.quiz.questions):
        items = [s.result.items[index] for s in grades.students]
        right = sum(item.right for item in items)
        counts: dict[str, int] = {}
        for item in items:
            if item.given is not None and not item.right:
                key = letters_str(item.given)
                counts[key] = counts.get(key, 0) + 1
        common = min(counts.items(), key=lambda kv: (-kv[1], kv[0])) if counts else None
        stats.append({"number": index + 1, "id": question.id, "right": right,
                      "percent": 100.0 * right / n if n else 0.0, "common_wrong": common})
    return sorted(stats, key=lambda s: (s["percent"], s["number"]))
