"""Shuffling permutes questions and options reproducibly, relabels the letters shown, and never
changes what an answer scores: checked over many seeds, property-style."""
import json
import random
from pathlib import Path

import pytest

from grader.quiz import load_quiz, score
from grader.quiz.model import LETTERS
from grader.quiz.shuffle import shuffled
QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"
SEEDS = range(200)


@pytest.fixture(params=["day7", "day7_training", "small"])
def quiz(request, small_quiz):
    path = small_quiz if request.param == "small" else QUIZZES / f"{request.param}.yaml"
    return load_quiz(path)


def test_same_seed_same_order_different_seeds_differ(quiz):
    def layout(q):
        return [(x.id, tuple(x.options.values())) for x in q.questions]
    assert layout(shuffled(quiz, 7)) == layout(shuffled(quiz, 7))
    assert len({tuple(layout(shuffled(quiz, seed))) for seed in range(20)}) > 1


def test_shuffled_copy_is_the_same_quiz_relabelled(quiz):
    by_id = {q.id: q for q in quiz.questions}
    for seed in SEEDS:
        view = shuffled(quiz, seed)
        assert sorted(q.id for q in view.questions) == sorted(by_id)
        for shown in view.questions:
            original = by_id[shown.id]
            assert list(shown.options) == list(LETTERS[:len(original.options)])  # relabelled A, B, C...
            for letter, text in shown.options.items():
                assert original.options[shown.origin[letter]] == text
            assert {shown.origin[x] for x in shown.answer} == original.answer
            assert {shown.origin[x]: t for x, t in shown.feedback.items()} == original.feedback
            assert shown.multi == original.multi and shown.explanation == original.explanation


def test_scores_never_depend_on_the_permutation(quiz):
    """The same choices (as option texts) score the same, question by question, under any seed."""
    rng = random.Random(0)
    by_id = {q.id: q for q in quiz.questions}
    for seed in SEEDS:
        view = shuffled(quiz, seed)
        # random choices made on the original letters, some right, some wrong
        original_choice = {}
        for q in quiz.questions:
            if rng.random() < 0.4:
                original_choice[q.id] = q.answer
            else:
                k = rng.randint(1, len(q.options)) if q.multi else 1
                original_choice[q.id] = frozenset(rng.sample(list(q.options), k))
        expected = score(quiz, [original_choice[q.id] for q in quiz.questions])
        shown_choice = [frozenset(x for x in q.options if q.origin[x] in original_choice[q.id])
                        for q in view.questions]
        got = score(view, shown_choice)
        assert got.score == expected.score
        assert {i.question.id: i.right for i in got.items} == {i.question.id: i.right for i in expected.items}
        # and the right answer, in the letters shown, always earns every point
        assert score(view, [q.answer for q in view.questions]).score == len(by_id)


def test_cli_reads_answers_in_the_letters_shown(run):
    quiz = load_quiz(QUIZZES / "day7.yaml")
    key = "B,C,B,C,B"  # the key in the file's letters
    key_scores = []
    for seed in range(0, 60, 7):
        view = shuffled(quiz, seed)
        right = ",".join("".join(sorted(q.answer)) for q in view.questions)
        data = json.loads(run("day7", "--shuffle", "--seed", seed, "--answers", right, "--json").stdout)
        assert data["score"] == 5 and data["shuffle_seed"] == seed
        assert [q["id"] for q in data["questions"]] == [q.id for q in view.questions]
        # the file's key typed into a shuffled quiz is read in the shown letters, and scored so
        data = json.loads(run("day7", "--shuffle", "--seed", seed, "--answers", key, "--json").stdout)
        expected = sum(letter == "".join(sorted(q.answer)) for letter, q in zip(key.split(","), view.questions))
        assert data["score"] == expected
        key_scores.append(expected)
    assert min(key_scores) < 5


def test_interactive_shuffle_shows_relabelled_options_and_scores_them(run):
    quiz = load_quiz(QUIZZES / "day7.yaml")
    view = shuffled(quiz, 11)
    typed = "".join("".join(sorted(q.answer)).lower() + "\n" for q in view.questions)
    result = run("day7", "--shuffle", "--seed", "11", input=typed)
    assert result.exit_code == 0
    assert "shuffled (seed 11)" in result.stdout
    assert "Score: 5/5" in result.stdout
    first = view.questions[0]
    shown = "\n".join(f"  {letter}) {text}" for letter, text in first.options.items())
    assert f"Question 1/5\n{first.prompt}\n{shown}" in result.stdout


def test_shuffle_without_seed_reports_the_seed_it_used(run):
    data = json.loads(run("day7", "--shuffle", "--answers", "A,A,A,A,A", "--json").stdout)
    assert isinstance(data["shuffle_seed"], int)


def test_seed_without_shuffle_is_a_usage_error(run):
    result = run("day7", "--seed", "3", "--answers", "B,C,B,C,B")
    assert result.exit_code == 2 and "--seed only makes sense with --shuffle" in result.stderr
