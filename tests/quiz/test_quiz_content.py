"""The course's quizzes say what the lecture says: the recap word for word with its key (checked
against the lecture's text written out below), and a training quiz covering the day's new
material, every wrong option explained."""
from pathlib import Path

import pytest

from grader.quiz import load_quiz

QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"

# The lecture's five recap questions as the lecture asks them, in its order: the prompt, options
# A-D, and the lecture's answer. Written out here from the lecture itself (the course's
# LECTURE.md, which a clone of this project does not have), not copied from quizzes/day7.yaml,
# which is checked against it: every prompt, every option text and its letter, and the key
# B, C, B, C, B. Question 2's formula, $y = f(\sum w_i x_i + b)$ on the slide, is in the plain
# text the lecture allows for a terminal; its words are the slide's. Question 1 is also SPEC.md's
# quiz example.
LECTURE_RECAP = [
    ("Which of the following best describes a perceptron?", [
        "A model that stores data like a database",
        "A model that assigns weights to inputs, sums them, and applies an activation function",
        "A statistical test for correlation",
        "A clustering algorithm"], "B"),
    ("In the equation y = f(Σ wᵢxᵢ + b), what is f?", [
        "Cost function",
        "Weight update function",
        "Activation function",
        "Bias adjustment function"], "C"),
    ("If all activation functions were linear, what would happen to a multi-layer perceptron?", [
        "It could approximate any nonlinear function",
        "It would collapse into a single linear model",
        "It would overfit",
        "It would require less training data"], "B"),
    ("Which statement about ReLU is TRUE?", [
        "Outputs values between 0 and 1",
        "Has vanishing gradients",
        "Returns 0 for negative inputs and x for positive",
        "Is only used for binary classification"], "C"),
    ("What do weights represent in a perceptron?", [
        "Random numbers",
        "Importance or strength of each input feature",
        "Bias for each neuron",
        "Learning rate"], "B"),
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
    """quizzes/day7.yaml with one text replaced, written to tmp_path and loaded."""
    text = (QUIZZES / "day7.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "day7.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_quiz(path)


@pytest.mark.parametrize("old, new, difference", [
    ("      B: Weight update function\n      C: Activation function",
     "      B: Activation function\n      C: Weight update function",
     "question 2: option B is 'Activation function'"),
    ("B: Has vanishing gradients", "B: Has vanishing gradient", "question 4: option B is 'Has vanishing gradient'"),
    ("C: It would overfit", "C: It would underfit", "question 3: option C is 'It would underfit'"),
    ("prompt: In the equation y = f(Σ wᵢxᵢ + b), what is f?", "prompt: In the equation y = f(Σ wᵢxᵢ), what is f?",
     "question 2: prompt 'In the equation y = f(Σ wᵢxᵢ), what is f?'"),
    ("prompt: Which statement about ReLU is TRUE?", "prompt: Which statement about ReLU is true?",
     "question 4: prompt 'Which statement about ReLU is true?'"),
    ("      D: Learning rate\n    answer: B", "      D: Learning rate\n    answer: A",
     "question 5: answer ['A'], the lecture's is B"),
    ("      D: Learning rate\n    answer: B", "      D: Learning rate\n    answer: [B]",
     "question 5: answer ['B'], the lecture's is B"),
    ("      D: Learning rate\n", "      D: Learning rate\n      E: Momentum\n",
     "question 5: options ['A', 'B', 'C', 'D', 'E']"),
], ids=["options_swapped", "option_reworded", "option_replaced", "formula_changed", "prompt_case_changed",
        "answer_changed", "answer_made_multi_select", "option_added"])
def test_the_comparison_fails_on_any_change(tmp_path, old, new, difference):
    found = differences_from_the_lecture(edited_recap(tmp_path, old, new))
    assert found and any(line.startswith(difference) for line in found), found


def test_the_comparison_fails_on_questions_reordered_or_dropped(tmp_path):
    text = (QUIZZES / "day7.yaml").read_text(encoding="utf-8")
    head, *blocks = text.split("\n  - id: ")
    reordered = tmp_path / "reordered.yaml"
    reordered.write_text("\n  - id: ".join([head, blocks[1], blocks[0]] + blocks[2:]), encoding="utf-8")
    found = differences_from_the_lecture(load_quiz(reordered))
    assert any(line.startswith("question 1: prompt 'In the equation") for line in found), found
    dropped = tmp_path / "dropped.yaml"
    dropped.write_text("\n  - id: ".join([head] + blocks[:-1]), encoding="utf-8")
    assert differences_from_the_lecture(load_quiz(dropped)) == ["4 questions, the lecture has 5"]


def test_relu_half_true_option_is_answered_honestly():
    """'Has vanishing gradients' is half true: the feedback must grant the dying ReLU (gradient 0
    for negative inputs) and say why it is still not the answer (gradient 1 for positive ones)."""
    relu = next(q for q in load_quiz(QUIZZES / "day7.yaml").questions if q.id == "relu")
    feedback = relu.feedback["B"]
    for needle in ("Half true", "negative inputs", "exactly 0", "dying ReLU", "positive inputs", "is 1"):
        assert needle in feedback, needle


def test_no_untrue_word_for_word_claim():
    """The day7 file, the docs and the README call the recap word for word, which the test above
    proves; the training quiz is the course's own, and nothing may call it the lecture's words."""
    checkout = QUIZZES.parent
    training = (QUIZZES / "day7_training.yaml").read_text(encoding="utf-8")
    assert "word for word" not in training
    for path in (checkout / "README.md", checkout / "docs" / "quiz.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "word for word" in line:
                assert "recap" in line or "day7`" in line, f"{path.name}: {line}"
                assert "day7_training" not in line, f"{path.name}: {line}"


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
    assert {"param_shapes", "forward_pass", "backpropagation", "chain_rule", "loss", "bce_table",
            "bce_vs_mse", "dz2_formula", "bce_mse_gradient", "sigmoid_derivative", "db_sum",
            "gradient_descent", "learning_rate", "standardize_why"} <= {q.id for q in quiz.questions}
    assert quiz.title == "Day 7: training a 2-2-1 network"


def test_no_question_is_asked_in_both_quizzes():
    """The training quiz took in the old recap's questions that add something; none repeats one."""
    recap, training = (load_quiz(QUIZZES / f"{name}.yaml") for name in ("day7", "day7_training"))
    assert not {q.prompt for q in recap.questions} & {q.prompt for q in training.questions}
    assert not {q.id for q in recap.questions} & {q.id for q in training.questions}


def test_right_answers_are_not_all_the_same_letter():
    quiz = load_quiz(QUIZZES / "day7_training.yaml")
    singles = [next(iter(q.answer)) for q in quiz.questions if not q.multi]
    assert len(set(singles)) == 4
