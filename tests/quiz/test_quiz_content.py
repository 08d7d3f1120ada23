"""The course's quizzes say what the lecture says: the recap word for word with its key (checked
against the lecture's text written out below), and a training quiz covering the day's new
material, every wrong option explained."""
from pathlib import Path

import pytest

from grader.quiz import load_quiz

QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"

# The lecture's five recap questions as the lecture asks them (question 1 is also SPEC.md's quiz
# example, word for word): the prompt, options A-D in the lecture's order, and the lecture's answer.
# Written here by hand from the lecture, not copied from quizzes/day7.yaml, which is checked
# against it: every prompt, every option text and its letter, and the key B, C, B, C, B.
LECTURE_RECAP = [
    ("Which of the following best describes a perceptron?", [
        "A model that stores data like a database",
        "A model that assigns weights to inputs, sums them, and applies an activation function",
        "A statistical test for correlation",
        "A clustering algorithm"], "B"),
    ("What is the purpose of an activation function in a neural network?", [
        "To initialize the weights randomly",
        "To store the training data",
        "To introduce non-linearity so the network can learn complex patterns",
        "To reduce the size of the dataset"], "C"),
    ("What does a loss function measure?", [
        "The speed of training",
        "How far the model's predictions are from the true values",
        "The number of layers in the network",
        "The amount of memory used"], "B"),
    ("What is backpropagation used for?", [
        "Collecting more training data",
        "Visualizing the network",
        "Computing the gradients of the loss with respect to every weight, using the chain rule",
        "Choosing the activation function"], "C"),
    ("What does gradient descent do?", [
        "Increases the loss to explore the space",
        "Updates the weights in the direction that decreases the loss",
        "Randomly resets the weights each epoch",
        "Sorts the training data"], "B"),
]


def differences_from_the_lecture(quiz):
    """Every place where `quiz` is not the lecture's recap, one line each ([] when it is)."""
    found = []
    if len(quiz.questions) != len(LECTURE_RECAP):
        found.append(f"{len(quiz.questions)} questions, the lecture has {len(LECTURE_RECAP)}")
    for number, (question, (prompt, options, answer)) in enumerate(zip(quiz.questions, LECTURE_RECAP), start=1):
        if question.prompt != prompt:
            found.append(f"question {number}: prompt {question.prompt!r}, the lecture's is {prompt!r}")
        lecture = dict(zip("ABCDEFGH", options))
        if list(question.options) != list(lecture):
            found.append(f"question {number}: options {list(question.options)}, the lecture's are {list(lecture)}")
        for letter, text in lecture.items():
            if question.options.get(letter) != text:
                found.append(f"question {number}: option {letter} is {question.options.get(letter)!r}, "
                             f"the lecture's is {text!r}")
        if question.multi or set(question.answer) != {answer}:
            found.append(f"question {number}: answer {sorted(question.answer)}, the lecture's is {answer}")
    return found


def test_recap_is_the_lecture_word_for_word_in_order_with_its_key():
    quiz = load_quiz(QUIZZES / "day7.yaml")
    assert differences_from_the_lecture(quiz) == []
    assert ",".join(answer for _, _, answer in LECTURE_RECAP) == "B,C,B,C,B"


def edited_recap(tmp_path, old, new):
    text = (QUIZZES / "day7.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "day7.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_quiz(path)


@pytest.mark.parametrize("old, new, difference", [
    ("      B: To store the training data\n      C: To introduce non-linearity so the network can learn complex patterns",
     "      B: To introduce non-linearity so the network can learn complex patterns\n      C: To store the training data",
     "question 2: option B is 'To introduce non-linearity"),
    ("D: Sorts the training data", "D: Sorts the data", "question 5: option D is 'Sorts the data'"),
    ("prompt: What does a loss function measure?", "prompt: What does the loss function measure?",
     "question 3: prompt 'What does the loss function measure?'"),
    ("      D: Choosing the activation function\n    answer: C", "      D: Choosing the activation function\n    answer: D",
     "question 4: answer ['D'], the lecture's is C"),
], ids=["options_swapped", "option_reworded", "prompt_reworded", "answer_changed"])
def test_the_comparison_fails_on_any_change(tmp_path, old, new, difference):
    found = differences_from_the_lecture(edited_recap(tmp_path, old, new))
    assert found and any(line.startswith(difference) for line in found), found


@pytest.mark.parametrize("name", ["day7", "day7_training"])
def test_every_question_explained_and_every_wrong_option_has_feedback(name):
    for q in load_quiz(QUIZZES / f"{name}.yaml").questions:
        assert len(q.explanation) > 20, q.id
        wrong = set(q.options) - q.answer
        assert set(q.feedback) == wrong, f"{q.id}: feedback for {sorted(q.feedback)}, wrong {sorted(wrong)}"


def test_training_quiz_covers_the_day():
    quiz = load_quiz(QUIZZES / "day7_training.yaml")
    assert len(quiz.questions) >= 12
    assert sum(q.multi for q in quiz.questions) >= 2
    assert {"param_shapes", "forward_pass", "dz2_formula", "sigmoid_derivative", "chain_rule",
            "bce_table", "bce_vs_mse", "db_sum", "learning_rate", "standardize_why"} <= {q.id for q in quiz.questions}
    assert quiz.title == "Day 7: training a 2-2-1 network"


def test_right_answers_are_not_all_the_same_letter():
    quiz = load_quiz(QUIZZES / "day7_training.yaml")
    singles = [next(iter(q.answer)) for q in quiz.questions if not q.multi]
    assert len(set(singles)) == 4
