"""Turning chosen letters into points: one point a question, all or nothing.

A multi-select question is right only when the set of letters chosen equals the set of right
letters exactly: a missing right letter or an extra wrong one loses the point.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .model import Question, Quiz, letters_str


@dataclass(frozen=True)
class QuestionResult:
    """One question as answered. `given` is None when there was no valid answer (class grading;
    the class report says why)."""

    number: int
    question: Question
    given: frozenset[str] | None

    @property
    def right(self) -> bool:
        return self.given is not None and self.given == self.question.answer

    @property
    def points(self) -> int:
        return 1 if self.right else 0


@dataclass(frozen=True)
class QuizResult:
    quiz: Quiz
    items: tuple[QuestionResult, ...]

    @property
    def score(self) -> int:
        return sum(item.points for item in self.items)

    @property
    def max_score(self) -> int:
        return len(self.items)

    @property
    def missed(self) -> list[QuestionResult]:
        return [item for item in self.items if not item.right]

    def to_json(self) -> dict:
        """The `--json` document: the SPEC's quiz fields, plus Gradescope's `tests`/`output`
        so the same file can be uploaded where the exercises' results go."""
        questions, tests = [], []
        for item in self.items:
            given = letters_str(item.given) if item.given is not None else None
            answer = letters_str(item.question.answer)
            questions.append({
                "number": item.number, "id": item.question.id, "multi": item.question.multi,
                "given": given, "answer": answer, "right": item.right,
                "points": item.points, "max_points": 1,
            })
            tests.append({
                "name": f"{item.question.id}: {item.question.prompt}",
                "number": str(item.number),
                "score": float(item.points), "max_score": 1.0,
                "status": "passed" if item.right else "failed",
                "output": f"given {given or 'nothing'}, right answer {answer}",
            })
        return {
            "quiz": self.quiz.name, "title": self.quiz.title,
            "score": self.score, "max_score": self.max_score,
            "shuffle_seed": self.quiz.seed,
            "questions": questions,
            "output": f"Score: {self.score}/{self.max_score}",
            "tests": tests,
        }


def score(quiz: Quiz, given: Sequence[frozenset[str] | None]) -> QuizResult:
    """Scores one answer (or None) per question of `quiz`, in the quiz's order."""
    if len(given) != len(quiz.questions):
        raise ValueError(f"{len(given)} answers for {len(quiz.questions)} questions")
    items = tuple(QuestionResult(number, question, choice)
                  for number, (question, choice) in enumerate(zip(quiz.questions, given), start=1))
    return QuizResult(quiz, items)
