"""Grading a whole class from one responses CSV: every row is graded, every problem is reported.

A row with a missing or invalid answer scores that question 0 and is kept; a row with too few
or too many answers is graded on what is there. Nothing is dropped silently: the report names
the row (its line in the file, the header being row 1, as a spreadsheet numbers it) and the student.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .answers import AnswerError, parse_choice
from .model import Quiz, letters_str
from .scoring import QuizResult, score
from .words import plural


@dataclass
class StudentGrade:
    student: str
    result: QuizResult
    problems: list[str] = field(default_factory=list)


@dataclass
class ClassGrades:
    quiz: Quiz
    students: list[StudentGrade]
    header_note: str = ""

    @property
    def problems(self) -> list[str]:
        notes = [self.header_note] if self.header_note else []
        return notes + [p for s in self.students for p in s.problems]


def grade_responses(quiz: Quiz, header: list[str], rows: list[tuple[int, list[str]]]) -> ClassGrades:
    """Grades each row (name, then one answer per question in the quiz's order)."""
    expected = len(quiz.questions)
    header_note = ""
    columns = max(0, len(header) - 1)
    if columns != expected:
        header_note = (f"header: {plural(columns, 'answer column')} for {plural(expected, 'question')}; "
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
            problems.append(f"{label}: {plural(len(answers), 'answer')} for {plural(expected, 'question')}, "
                            f"the last {'one' if extra == 1 else extra} ignored")
        chosen = []
        for number, question in enumerate(quiz.questions, start=1):
            raw = answers[number - 1] if number <= len(answers) else ""
            try:
                chosen.append(parse_choice(raw, question))
            except AnswerError as e:
                reason = "no answer" if not raw.strip() else str(e)
                if number > len(answers):
                    reason = f"no answer (the row has {plural(len(answers), 'answer')})"
                chosen.append(None)
                problems.append(f"{label}: question {number} ({question.id}): {reason}, scored 0")
        grades.append(StudentGrade(student, score(quiz, chosen), problems))
    return ClassGrades(quiz, grades, header_note)


def question_stats(grades: ClassGrades) -> list[dict]:
    """Per question: how many got it fully right, the mean points (partial credit counted), and
    the answer without full marks given most, hardest first (lowest share fully right; ties in
    the quiz's order)."""
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
        mean = sum((item.points for item in items), Fraction(0)) / n if n else Fraction(0)
        stats.append({"number": index + 1, "id": question.id, "multi": question.multi,
                      "right": right, "mean_points": mean,
                      "percent": 100.0 * right / n if n else 0.0, "common_wrong": common})
    return sorted(stats, key=lambda s: (s["percent"], s["number"]))
