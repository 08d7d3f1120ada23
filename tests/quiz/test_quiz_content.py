"""The course's quizzes say what the lecture says: the recap word for word with its key, and a
training quiz covering the day's new material, every wrong option explained."""
from pathlib import Path

import pytest

from grader.quiz import load_quiz

QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"

RECAP = [
    ("Which of the following best describes a perceptron?", [
        "A model that stores data like a database",
        "A model that assigns weights to inputs, sums them, and applies an activation function",
        "A statistical test for correlation",
        "A clustering algorithm"]),
    ("What is the purpose of an activation function in a neural network?", [
        "To initialize the weights randomly",
        "To store the training data",
        "To introduce non-linearity so the network can learn complex patterns",
        "To reduce the size of the dataset"]),
    ("What does a loss function measure?", [
        "The speed of training",
        "How far the model's predictions are from the true values",
        "The number of layers in the network",
        "The amount of memory used"]),
    ("What is backpropagation used for?", [
        "Collecting more training data",
        "Visualizing the network",
        "Computing the gradients of the loss with respect to every weight, using the chain rule",
        "Choosing the activation function"]),
    ("What does gradient descent do?", [
        "Increases the loss to explore the space",
        "Updates the weights in the direction that decreases the loss",
        "Randomly resets the weights each epoch",
        "Sorts the training data"]),
]


def test_recap_is_the_lecture_word_for_word_in_order():
    quiz = load_quiz(QUIZZES / "day7.yaml")
    assert [(q.prompt, list(q.options.values())) for q in quiz.questions] == RECAP
    assert [list(q.options) for q in quiz.questions] == [["A", "B", "C", "D"]] * 5


def test_recap_answer_key():
    quiz = load_quiz(QUIZZES / "day7.yaml")
    assert [set(q.answer) for q in quiz.questions] == [{"B"}, {"C"}, {"B"}, {"C"}, {"B"}]
    assert not any(q.multi for q in quiz.questions)


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
