"""The words a student reads: a question, the verdict after answering it, the final score."""
from __future__ import annotations

import textwrap

from .model import Question, Quiz, letters_str
from .scoring import QuestionResult, QuizResult
from .words import plural


def intro_text(quiz: Quiz) -> str:
    lines = [quiz.title, "=" * len(quiz.title),
             f"{plural(len(quiz), 'question')}, one point each. Answer with the option's letter."]
    if quiz.seed is not None:
        lines.append(f"Questions and options are shuffled (seed {quiz.seed}).")
    return "\n".join(lines)


def question_text(question: Question, number: int, total: int) -> str:
    lines = ["", f"Question {number}/{total}", question.prompt]
    lines += [f"  {letter}) {text}" for letter, text in question.options.items()]
    if question.multi:
        lines.append("Select all that apply: type the letters, like AC or A,C.")
    return "\n".join(lines)


def prompt_label(question: Question) -> str:
    return "Your answers" if question.multi else "Your answer"


def review_text(item: QuestionResult) -> str:
    """Right or wrong, the right answer, the explanation and the feedback of the options chosen."""
    question = item.question
    right = letters_str(question.answer)
    which = "answers are" if question.multi else "answer is"
    verdict = f"Right! The {which}" if item.right else f"Wrong. The right {which}"
    lines = [f"{verdict} {right}:"]
    lines += [f"  {letter}) {question.options[letter]}" for letter in sorted(question.answer)]
    if question.explanation:
        lines.append(_wrap("Why: " + question.explanation))
    for letter in sorted(item.given or ()):
        if letter in question.feedback:
            lines.append(_wrap(f"You chose {letter}: {question.feedback[letter]}"))
    return "\n".join(lines)


def summary_text(result: QuizResult) -> str:
    lines = ["", f"Score: {result.score}/{result.max_score}"]
    if not result.missed:
        lines.append("All right, nothing missed.")
        return "\n".join(lines)
    lines.append("Missed:")
    for item in result.missed:
        given = letters_str(item.given) if item.given else "nothing"
        lines.append(f"  {item.number}. {item.question.id}: you answered {given}, "
                     f"the right answer is {letters_str(item.question.answer)}")
    return "\n".join(lines)


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, width=88, subsequent_indent="  ", break_on_hyphens=False)) or text
