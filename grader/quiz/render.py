"""The words a student reads: a question, the verdict after answering it, the final score."""
from __future__ import annotations

import textwrap

from .model import Question, Quiz, letters_str
from .scoring import QuestionResult, QuizResult, option_weights, points_text
from .words import plural


def intro_text(quiz: Quiz) -> str:
    lines = [quiz.title, "=" * len(quiz.title),
             f"{plural(len(quiz), 'question')}, one point each. Answer with the option's letter."]
    if any(question.multi for question in quiz.questions):
        lines.append("A select-all question gives partial credit: each right option you tick earns its "
                     "share of the point, each wrong one takes a share away (never below 0).")
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
    if item.right:
        verdict = f"Right! The {which}"
    elif item.partial:
        verdict = f"Partly right: {points_text(item.points)} of 1 point. The right {which}"
    else:
        verdict = f"Wrong. The right {which}"
    lines = [f"{verdict} {right}:"]
    lines += [f"  {letter}) {question.options[letter]}" for letter in sorted(question.answer)]
    if question.multi and not item.right and item.given:
        lines.append(_wrap(points_breakdown(item)))
    if question.explanation:
        lines.append(_wrap("Why: " + question.explanation))
    for letter in sorted(item.given or ()):
        if letter in question.feedback:
            lines.append(_wrap(f"You chose {letter}: {question.feedback[letter]}"))
    return "\n".join(lines)


def points_breakdown(item: QuestionResult) -> str:
    """How a multi-select answer earned its points, in the terms of the rule (scoring.py)."""
    question, given = item.question, item.given or frozenset()
    right, wrong = len(question.answer), len(question.options) - len(question.answer)
    hits, misses = len(given & question.answer), len(given - question.answer)
    if right == 1:
        text = f"Points: the right option {'ticked' if hits else 'not ticked'} (+1)"
    else:
        text = f"Points: {hits} of the {right} right options ticked (+1/{right} each)"
    if wrong:
        text += f", {plural(misses, 'wrong option')} ticked (-{_share(wrong)} each)"
    text += f": {points_text(item.points)} of 1"
    weights = option_weights(question)
    if sum(weights[letter] for letter in given) < 0:
        text += ", never below 0"
    return text + "."


def _share(count: int) -> str:
    return "1" if count == 1 else f"1/{count}"


def summary_text(result: QuizResult) -> str:
    lines = ["", f"Score: {points_text(result.score)}/{result.max_score}"]
    if not result.missed:
        lines.append("All right, nothing missed.")
        return "\n".join(lines)
    lines.append("Missed:")
    for item in result.missed:
        given = letters_str(item.given) if item.given else "nothing"
        earned = f" ({points_text(item.points)} of 1 point)" if item.partial else ""
        lines.append(f"  {item.number}. {item.question.id}: you answered {given}, "
                     f"the right answer is {letters_str(item.question.answer)}{earned}")
    return "\n".join(lines)


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, width=88, subsequent_indent="  ", break_on_hyphens=False)) or text
