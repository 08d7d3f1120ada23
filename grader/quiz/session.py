"""Taking a quiz: one question at a time, an answer that is not valid is asked again, not scored."""
from __future__ import annotations

from typing import Callable, Sequence

from .answers import AnswerError, parse_choice
from .model import Quiz, letters_str
from .render import intro_text, prompt_label, question_text, review_text, summary_text
from .scoring import QuestionResult, QuizResult, score


def run_interactive(quiz: Quiz, ask: Callable[[str], str], say: Callable[[str], None]) -> QuizResult:
    """Asks every question through `ask` (prompt -> typed line), tells the verdict through `say`.

    The I/O is passed in so the CLI can use click's prompt and tests can script a student.
    """
    say(intro_text(quiz))
    total = len(quiz.questions)
    chosen = []
    for number, question in enumerate(quiz.questions, start=1):
        say(question_text(question, number, total))
        while True:
            try:
                given = parse_choice(ask(prompt_label(question)), question)
                break
            except AnswerError as e:
                say(f"  {e}. Please answer again.")
        say(review_text(QuestionResult(number, question, given)))
        chosen.append(given)
    result = score(quiz, chosen)
    say(summary_text(result))
    return result


def run_given(quiz: Quiz, chosen: Sequence[frozenset[str]], say: Callable[[str], None]) -> QuizResult:
    """The same review as the interactive session, for answers given all at once (`--answers`)."""
    result = score(quiz, chosen)
    say(intro_text(quiz))
    total = len(quiz.questions)
    for item in result.items:
        say(question_text(item.question, item.number, total))
        say(f"{prompt_label(item.question)}: {letters_str(item.given)}")
        say(review_text(item))
    say(summary_text(result))
    return result
