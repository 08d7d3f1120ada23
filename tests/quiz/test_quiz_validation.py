"""Every way a quiz file can be broken is refused before a question is asked: one line on stderr
naming the file and the question, exit status 2, no traceback."""
import textwrap

import pytest

from grader.quiz import QuizError, load_quiz


def q(body: str) -> str:
    """A quiz file with a valid first question and `body` as its second question."""
    return "title: Broken\nquestions:\n" + textwrap.indent(textwrap.dedent("""\
        - id: fine
          prompt: A fine question?
          options: {A: yes, B: no}
          answer: A
        """), "  ") + textwrap.indent(textwrap.dedent(body), "  ")


GOOD = """\
- id: bad
  prompt: Which?
  options: {A: a, B: b, C: c}
  answer: A
"""

# (case id, file text, substrings the one error line must contain)
CASES = [
    ("not_yaml", "title: [unclosed\nquestions:\n  - id: x\n", ["not valid YAML", "line"]),
    ("tab_indent", "title: x\nquestions:\n\t- id: x\n", ["not valid YAML"]),
    ("empty_file", "", ["the top level must be a mapping"]),
    ("top_level_list", "- id: a\n- id: b\n", ["the top level must be a mapping", "not a list"]),
    ("top_level_text", "just some text\n", ["the top level must be a mapping"]),
    ("unknown_top_key", "titel: x\nquestions: []\n", ["unknown key 'titel' at the top level",
                                                       "did you mean 'title'"]),
    ("no_questions_key", "title: Nothing here\n", ["the quiz has no questions"]),
    ("empty_questions", "title: x\nquestions: []\n", ["the quiz has no questions"]),
    ("null_questions", "title: x\nquestions:\n", ["the quiz has no questions"]),
    ("questions_not_list", "title: x\nquestions: {a: 1}\n", ["'questions' must be a list"]),
    ("question_not_mapping", q("- just text\n"), ["question #2", "must be a mapping"]),
    ("no_id", q("- prompt: Which?\n  options: {A: a, B: b}\n  answer: A\n"), ["question #2", "has no id"]),
    ("bad_id", q(GOOD.replace("id: bad", "id: two words")), ["question #2", "id 'two words' may only use"]),
    ("reserved_id", q(GOOD.replace("id: bad", "id: score")), ["question 'score' (#2)", "reserved"]),
    ("no_prompt", q("- id: bad\n  options: {A: a, B: b}\n  answer: A\n"), ["question 'bad' (#2)", "has no prompt"]),
    ("blank_prompt", q(GOOD.replace("prompt: Which?", "prompt: '   '")), ["question 'bad' (#2)", "has no prompt"]),
    ("no_options", q("- id: bad\n  prompt: Which?\n  answer: A\n"), ["question 'bad' (#2)", "has no options"]),
    ("options_list", q("- id: bad\n  prompt: Which?\n  options: [a, b]\n  answer: A\n"),
     ["question 'bad' (#2)", "'options' must be a mapping"]),
    ("one_option", q("- id: bad\n  prompt: Which?\n  options: {A: a}\n  answer: A\n"),
     ["question 'bad' (#2)", "only 1 option", "at least two"]),
    ("letters_skip", q("- id: bad\n  prompt: Which?\n  options: {A: a, C: c}\n  answer: A\n"),
     ["question 'bad' (#2)", "option letters must be A, B", "found A, C"]),
    ("letters_lowercase", q("- id: bad\n  prompt: Which?\n  options: {a: a, b: b}\n  answer: a\n"),
     ["question 'bad' (#2)", "option letters must be A, B"]),
    ("letters_unordered", q("- id: bad\n  prompt: Which?\n  options: {B: b, A: a}\n  answer: A\n"),
     ["question 'bad' (#2)", "found B, A"]),
    ("duplicate_option", q("- id: bad\n  prompt: Which?\n  options:\n    A: a\n    A: again\n  answer: A\n"),
     ["question 'bad' (#2)", "'A' is written twice in options", "line 11"]),
    ("duplicate_question_key", q(GOOD + "  answer: B\n"), ["question 'bad' (#2)", "'answer' is written twice (line 11)"]),
    ("duplicate_top_key", "title: a\ntitle: b\nquestions: []\n", ["key 'title' is written twice (line 2)"]),
    ("empty_option", q("- id: bad\n  prompt: Which?\n  options: {A: a, B: ''}\n  answer: A\n"),
     ["question 'bad' (#2)", "option B is empty"]),
    ("no_answer", q("- id: bad\n  prompt: Which?\n  options: {A: a, B: b}\n"), ["question 'bad' (#2)", "has no answer"]),
    ("answer_not_option", q(GOOD.replace("answer: A", "answer: E")),
     ["question 'bad' (#2)", "answer 'E' is not one of the options A, B, C"]),
    ("answer_lowercase", q(GOOD.replace("answer: A", "answer: a")),
     ["question 'bad' (#2)", "answer 'a' is not one of the options A, B, C"]),
    ("answer_letters_string", q(GOOD.replace("answer: A", "answer: AC")),
     ["question 'bad' (#2)", "answer 'AC' is not one of the options", "[A, C]"]),
    ("multi_answer_not_option", q(GOOD.replace("answer: A", "answer: [A, E]")),
     ["question 'bad' (#2)", "answer 'E' is not one of the options A, B, C"]),
    ("multi_answer_twice", q(GOOD.replace("answer: A", "answer: [A, A]")),
     ["question 'bad' (#2)", "answer lists 'A' twice"]),
    ("answer_mapping", q(GOOD.replace("answer: A", "answer: {A: 1}")),
     ["question 'bad' (#2)", "'answer' must be a letter or a list"]),
    ("duplicate_id", q(GOOD.replace("id: bad", "id: fine")),
     ["question 'fine' (#2)", "id 'fine' is already used by question #1"]),
    ("feedback_not_option", q(GOOD + "  feedback: {B: no, E: what}\n"),
     ["question 'bad' (#2)", "feedback for 'E'", "not one of the options A, B, C"]),
    ("feedback_list", q(GOOD + "  feedback: [no]\n"), ["question 'bad' (#2)", "'feedback' must be a mapping"]),
    ("explanation_list", q(GOOD + "  explanation: [a, b]\n"), ["question 'bad' (#2)", "'explanation' must be text"]),
    ("typo_key", q(GOOD.replace("answer: A", "anwser: A")),
     ["question 'bad' (#2)", "unknown key 'anwser'", "did you mean 'answer'"]),
    ("unknown_key", q(GOOD + "  difficulty: hard\n"), ["question 'bad' (#2)", "unknown key 'difficulty'"]),
    # `questions:` twice: YAML keeps the second list, so the question is named from the first's text
    ("duplicate_in_a_repeated_list", q(GOOD + "  answer: B\n") + "questions:\n  - id: other\n",
     ["question 'bad' (#2)", "'answer' is written twice (line 11)"]),
    ("duplicate_in_a_repeated_list_named_right",
     q(GOOD + "  answer: B\n") + "questions:\n  - id: one\n  - id: two\n  - id: three\n",
     ["question 'bad' (#2)", "'answer' is written twice (line 11)"]),
    ("nul_character", q(GOOD.replace("prompt: Which?", "prompt: Wh\x00ich?")),
     ["not valid YAML", "U+0000", "line 8, column 15"]),
    ("control_character", "title: Bell\x07\nquestions: []\n", ["not valid YAML", "U+0007", "line 1, column 12"]),
    ("escape_character", q(GOOD.replace("C: c", "C: \x1b[31mred")), ["not valid YAML", "U+001B", "line 9"]),
    ("deeply_nested_list", "title: " + "[" * 5000 + "\n", ["nested too deeply"]),
    ("deeply_nested_items", "questions:\n" + "- " * 3000 + "x\n", ["nested too deeply"]),
]


@pytest.mark.parametrize("text, needles", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_load_quiz_refuses_with_a_precise_message(write_quiz, text, needles):
    path = write_quiz(text, name="broken")
    with pytest.raises(QuizError) as info:
        load_quiz(path)
    message = str(info.value)
    assert "\n" not in message
    assert "broken.yaml" in message
    for needle in needles:
        assert needle in message


@pytest.mark.parametrize("text, needles", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_refuses_before_the_first_question(run, write_quiz, text, needles):
    path = write_quiz(text, name="broken")
    result = run(path, input="A\n" * 5)
    assert result.exit_code == 2
    assert result.stdout == "", "nothing may be asked from a broken quiz"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "broken.yaml" in lines[0]
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output


def test_a_problem_late_in_the_file_is_found_before_asking_anything(run, write_quiz):
    text = q(GOOD) + textwrap.indent("- id: last\n  prompt: Last?\n  options: {A: a, B: b}\n  answer: Z\n", "  ")
    result = run(write_quiz(text, name="late"), input="A\nA\nA\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "question 'last' (#3): answer 'Z'" in result.stderr


def test_missing_file_is_one_line(run, tmp_path):
    result = run(tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nowhere.yaml'}: no such quiz file"


def test_unknown_quiz_name_lists_the_known_ones(run, small_quiz):
    result = run("nosuch", "--quizzes", small_quiz.parent)
    assert result.exit_code == 2
    assert "no quiz named 'nosuch'" in result.stderr and "(quizzes: small)" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_every_command_refuses_a_broken_quiz_the_same_way(run, write_quiz, tmp_path):
    path = write_quiz(q(GOOD.replace("answer: A", "answer: E")), name="broken")
    responses = tmp_path / "responses.csv"
    responses.write_text("name,q1,q2\nAda,A,A\n")
    for args in ([path, "--answers", "A,A"], ["grade", path, responses], ["export", path],
                 ["export", path, "--format", "moodle-xml"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and "answer 'E' is not one of" in result.stderr, args
        assert "Traceback" not in result.output


def test_list_flags_a_broken_quiz_and_still_lists_the_others(run, small_quiz, write_quiz):
    write_quiz("title: x\nquestions: []\n", name="broken")
    result = run("list", "--quizzes", small_quiz.parent)
    assert result.exit_code == 2
    assert "small" in result.stdout and "Small quiz" in result.stdout
    assert "broken" in result.stdout
    assert result.stderr.strip().endswith("broken.yaml: the quiz has no questions")


def test_scalars_stay_text(small_quiz):
    """`A: Yes` is the text Yes (not True), `id: 3` is the id '3', `A: 0.50` keeps its zero."""
    quiz = load_quiz(small_quiz)
    assert quiz.questions[2].options == {"A": "Yes", "B": "No"}
    other = small_quiz.with_name("numbers.yaml")
    other.write_text("questions:\n  - id: 3\n    prompt: p\n    options: {A: 0.50, B: 1e3}\n    answer: A\n")
    quiz = load_quiz(other)
    assert quiz.title == "numbers"  # no title: the name stands in
    assert quiz.questions[0].id == "3"
    assert quiz.questions[0].options == {"A": "0.50", "B": "1e3"}
