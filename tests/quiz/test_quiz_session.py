"""Taking a quiz: interactively through click's runner (typos are asked again, not scored),
or all at once with --answers, with --json for scripts."""
import json

from grader.quiz import load_quiz
from grader.quiz.session import run_interactive


def flat(text):
    """The text with every run of spaces and line breaks as one space (long lines are wrapped)."""
    return " ".join(text.split())


def test_interactive_flow_with_a_typo_asked_again(run, small_quiz):
    # Question 1: "x" is a typo, asked again, then "b" (right).
    # Question 2: "" and "AZ" are asked again, then "a,d" (wrong: the right set is A and C).
    # Question 3: "a" (right).
    result = run(small_quiz, input="x\nb\n\nAZ\na,d\na\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.count("Question 1/3") == 1 and "Question 3/3" in out
    assert "  A) a\n  B) b\n  C) c" in out                     # options are lettered
    assert "'x' is not one of A, B, C. Please answer again." in out
    assert "no answer given. Please answer again." in out
    assert "'Z' is not one of A, B, C, D. Please answer again." in out
    assert out.count("Your answer") == 2 + 1 + 3               # 1 typo re-ask, 2 re-asks on q2
    # after each answer: right or wrong, the right answer, the explanation, the chosen option's feedback
    assert "Right! The answer is B:\n  B) b\nWhy: Because b is b." in out
    assert ("Wrong. The right answers are AC: A) a C) e "
            "Points: 1 of the 2 right options ticked (+1/2 each), 1 wrong option ticked (-1/2 each): 0 of 1. "
            "Why: a and e are vowels.") in flat(out)
    assert "You chose D: d is a consonant." in out
    assert "You chose A:" not in out                           # A has no feedback: nothing to say
    assert "Score: 2/3" in out
    assert "Missed:\n  2. two: you answered AD, the right answer is AC" in out


def test_a_partly_right_multi_select_says_what_it_earned(run, small_quiz):
    result = run(small_quiz, input="B\na\nA\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "A select-all question gives partial credit" in out      # said before the first question
    assert ("Partly right: 0.5 of 1 point. The right answers are AC: A) a C) e "
            "Points: 1 of the 2 right options ticked (+1/2 each), 0 wrong options ticked (-1/2 each): 0.5 of 1.") in flat(out)
    assert "Score: 2.5/3" in out
    assert "Missed:\n  2. two: you answered A, the right answer is AC (0.5 of 1 point)" in out


def test_only_wrong_ticks_are_floored_at_0(run, small_quiz):
    result = run(small_quiz, "--answers", "B,BD,A")
    assert "(-1/2 each): 0 of 1, never below 0." in flat(result.stdout) and "Score: 2/3" in result.stdout


def test_typos_are_never_scored(small_quiz):
    """However many invalid lines come first, only the valid answer counts."""
    typed = iter(["", "E", "zz", "B", "AA", "A+C", "C", "A"])
    result = run_interactive(load_quiz(small_quiz), lambda label: next(typed), lambda text: None)
    assert result.score == 3
    assert list(typed) == []  # every line was read: "C" was refused for question 3, then "A" taken


def test_interactive_perfect_score_says_nothing_missed(run, small_quiz):
    result = run(small_quiz, input="B\nCA\nA\n")
    assert "Score: 3/3" in result.stdout and "nothing missed" in result.stdout


def test_stopping_early_scores_nothing_and_exits_1(run, small_quiz):
    result = run(small_quiz, input="B\n")  # input ends at question 2
    assert result.exit_code == 1
    assert "Score" not in result.stdout
    assert "nothing scored" in result.stderr


def test_answers_option(run, small_quiz):
    result = run(small_quiz, "--answers", "B,A+C,B")
    assert result.exit_code == 0          # a completed quiz exits 0 whatever the score
    assert "Score: 2/3" in result.stdout
    assert "Your answer: B\nRight!" in result.stdout
    assert "3. three: you answered B, the right answer is A" in result.stdout


def test_answers_option_exit_status_is_0_even_with_nothing_right(run, small_quiz):
    result = run(small_quiz, "--answers", "A,B,B")
    assert result.exit_code == 0 and "Score: 0/3" in result.stdout


def test_bad_answers_option_is_one_line_exit_2(run, small_quiz):
    for answers, message in [("B,AC", "--answers has 2 answers but quiz 'small' has 3 questions"),
                             ("B,AC,E", "--answers: question 3 (three): 'E' is not one of A, B"),
                             ("B,A,C,A", "--answers has 4 answers")]:
        result = run(small_quiz, "--answers", answers)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and message in result.stderr


def test_json_with_answers_prints_only_json(run, small_quiz):
    result = run(small_quiz, "--answers", "B,AC,B", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"quiz": "small", "score": 2, "max_score": 3}.items() <= data.items()
    assert [(q["id"], q["given"], q["answer"], q["right"], q["points"]) for q in data["questions"]] == [
        ("one", "B", "B", True, 1), ("two", "AC", "AC", True, 1), ("three", "B", "A", False, 0)]
    assert data["shuffle_seed"] is None


def test_json_interactive_keeps_stdout_for_the_json(run, small_quiz):
    result = run(small_quiz, "--json", input="q\nB\nAC\nA\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["score"] == 3
    assert "Question 1/3" in result.stderr and "'q' is not one of" in result.stderr


def test_day7_answer_key(run):
    result = run("day7", "--answers", "B,C,B,C,B", "--json")
    assert json.loads(result.stdout)["score"] == 5
    result = run("day7", "--answers", "B,C,B,C,A", "--json")
    data = json.loads(result.stdout)
    assert data["score"] == 4 and data["max_score"] == 5
    assert [q["id"] for q in data["questions"] if not q["right"]] == ["weights"]
    # the lecture's key for the training quiz too: every point, and a wrong answer costs one
    key = "B,C,A,D,C,D,B,C,A,B,B,C,D,ABD,C,B,ABD,D,B"
    assert json.loads(run("day7_training", "--answers", key, "--json").stdout)["score"] == 19
    data = json.loads(run("day7_training", "--answers", key.replace("ABD,D,B", "ABD,A,B"), "--json").stdout)
    assert data["score"] == 18 and [q["id"] for q in data["questions"] if not q["right"]] == ["standardize_why"]
