"""Turning chosen letters into points: one point a question, partial credit on a multi-select.

The rule, the same in `quiz`, `quiz grade`, `--json` and both exports:

- A one-answer question earns 1 point for the right letter, 0 for any other.
- A multi-select question with k right options and w wrong ones: each right option ticked
  earns 1/k, each wrong option ticked costs 1/w, and the total is floored at 0. Exactly the
  right set earns 1; ticking every option earns 0 (the wrong ticks take back what the right
  ones earned), so ticking everything never pays, whatever the number of right options.

`option_weights` is the rule's one statement: the points below and the weights an LMS export
carries (weights.py) are both read from it, so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from .model import Question, Quiz, letters_str


def option_weights(question: Question) -> dict[str, Fraction]:
    """The points that ticking each option adds (or, negative, takes away)."""
    if not question.multi:
        return {letter: Fraction(letter in question.answer) for letter in question.options}
    right = len(question.answer)
    wrong = len(question.options) - right
    return {letter: Fraction(1, right) if letter in question.answer else Fraction(-1, wrong)
            for letter in question.options}


def question_points(question: Question, given: frozenset[str] | None) -> Fraction:
    """Points for one answer: the weights of the letters chosen, added, between 0 and 1."""
    if not given:
        return Fraction(0)
    weights = option_weights(question)
    return min(Fraction(1), max(Fraction(0), sum((weights[letter] for letter in given), Fraction(0))))


def points_text(points) -> str:
    """Points as every text output shows them: '1', '0.5', '0.67', '12.33' (two decimals at most)."""
    return f"{float(points):.2f}".rstrip("0").rstrip(".")


def points_json(points):
    """Points in the JSON: an int when whole (as the SPEC shows `"score": 4`), else 4 decimals."""
    points = Fraction(points)
    return int(points) if points.denominator == 1 else round(float(points), 4)


@dataclass(frozen=True)
class QuestionResult:
    """One question as answered. `given` is None when there was no valid answer (class grading;
    the class report says why)."""

    number: int
    question: Question
    given: frozenset[str] | None

    @property
    def points(self) -> Fraction:
        return question_points(self.question, self.given)

    @property
    def right(self) -> bool:
        """Full marks: exactly the right letter(s)."""
        return self.points == 1

    @property
    def partial(self) -> bool:
        return 0 < self.points < 1


@dataclass(frozen=True)
class QuizResult:
    quiz: Quiz
    items: tuple[QuestionResult, ...]

    @property
    def score(self) -> Fraction:
        return sum((item.points for item in self.items), Fraction(0))

    @property
    def max_score(self) -> int:
        return len(self.items)

    @property
    def missed(self) -> list[QuestionResult]:
        """The questions without full marks, partly right ones included."""
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
                "points": points_json(item.points), "max_points": 1,
            })
            tests.append({
                "name": f"{item.question.id}: {item.question.prompt}",
                "number": str(item.number),
                "score": float(points_json(item.points)), "max_score": 1.0,
                "status": "passed" if item.right else "failed",
                "output": f"given {given or 'nothing'}, right answer {answer}, "
                          f"{points_text(item.points)} of 1 point",
            })
        return {
            "quiz": self.quiz.name, "title": self.quiz.title,
            "score": points_json(self.score), "max_score": self.max_score,
            "shuffle_seed": self.quiz.seed,
            "questions": questions,
            "output": f"Score: {points_text(self.score)}/{self.max_score}",
            "tests": tests,
        }


def score(quiz: Quiz, given: Sequence[frozenset[str] | None]) -> QuizResult:
    """Scores one answer (or None) per question of `quiz`, in the quiz's order."""
    if len(given) != len(quiz.questions):
        raise ValueError(f"{len(given)} answers for {len(quiz.questions)} questions")
    items = tuple(QuestionResult(number, question, choice)
                  for number, (question, choice) in enumerate(zip(quiz.questions, given), start=1))
    return QuizResult(quiz, items)
