"""What class grading hands back: the grades CSV and the instructor's report."""
from __future__ import annotations

import csv
from typing import TextIO

from ..spreadsheet import safe_cell
from .classgrade import ClassGrades, question_stats
from .scoring import points_text
from .words import plural


def write_grades_csv(grades: ClassGrades, out: TextIO) -> None:
    """`student,score,max_score,<question ids...>`, with the points of each question, as the
    terminal shows them ('1', '0', '0.67'; a missing or invalid answer is 0, the report says
    which it was). A name a spreadsheet would run as a formula (`=...`) is written with a
    leading `'` (grader/spreadsheet.py)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "score", "max_score"] + [safe_cell(q.id) for q in grades.quiz.questions])
    for s in grades.students:
        writer.writerow([safe_cell(s.student), points_text(s.result.score), s.result.max_score]
                        + [points_text(item.points) for item in s.result.items])


def report_text(grades: ClassGrades) -> str:
    """The instructor's summary: problems by row, the class mean, the hardest questions first."""
    quiz, students = grades.quiz, grades.students
    lines = [f"Graded {plural(len(students), 'student')} on {quiz.name} ({quiz.title})."]
    if grades.problems:
        lines.append("Problems (every row is still graded; a missing or invalid answer scores 0):")
        lines += [f"  {p}" for p in grades.problems]
    if not students:
        return "\n".join(lines)
    max_score = len(quiz.questions)
    mean = float(sum(s.result.score for s in students)) / len(students)
    lines.append(f"Class mean: {mean:.2f}/{max_score} ({100 * mean / max_score:.0f}%)")
    lines.append("Questions, hardest first:")
    for stat in question_stats(grades):
        wrong = ""
        if stat["common_wrong"]:
            letters, count = stat["common_wrong"]
            wrong = f"; most common wrong answer {letters} ({count})"
        mean = f", {points_text(stat['mean_points'])} points on average" if stat["multi"] else ""
        lines.append(f"  {stat['number']:>2}. {stat['id']:<24} {stat['percent']:3.0f}% right "
                     f"({stat['right']}/{len(students)}){mean}{wrong}")
    return "\n".join(lines)
