"""The command line: `quiz NAME` next to the subcommands, `quiz list`, and where quizzes are found."""
from pathlib import Path

from grader.quiz.locate import default_quizzes_dir

CHECKOUT_QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"


def test_help_lists_the_commands_and_explains_quiz_name(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("list", "grade", "export", "take"):
        assert f"  {command} " in result.stdout
    assert "quiz NAME --answers B,C,B,C,B" in result.stdout
    assert "Usage: quiz [OPTIONS] NAME [OPTIONS] | COMMAND [ARGS]..." in result.stdout


def test_no_arguments_shows_help_and_exits_2(run):
    result = run()
    assert result.exit_code == 2
    assert "Usage: quiz" in result.stderr and "Commands:" in result.stderr and result.stdout == ""


def test_take_help(run):
    result = run("take", "--help")
    assert result.exit_code == 0 and "--answers" in result.stdout and "--shuffle" in result.stdout


def test_list_the_course_quizzes(run):
    result = run("list", "--quizzes", CHECKOUT_QUIZZES)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "QUESTIONS", "TITLE"]
    assert lines[1].split()[:3] == ["day7", "5", "Day"] and lines[1].endswith("Day 7 recap")
    assert lines[2].split()[:2] == ["day7_training", "19"]


def test_list_of_an_empty_or_missing_folder(run, tmp_path):
    empty = run("list", "--quizzes", tmp_path)
    assert empty.exit_code == 0 and "No quizzes in" in empty.stdout
    result = run("list", "--quizzes", tmp_path / "nope")
    assert result.exit_code == 2 and "no such quizzes folder" in result.stderr


def test_default_folder_is_local_quizzes_then_the_checkout(monkeypatch, tmp_path, run):
    monkeypatch.chdir(tmp_path)
    assert default_quizzes_dir() == CHECKOUT_QUIZZES
    course = run("list")
    assert course.exit_code == 0 and "day7_training" in course.stdout
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "mine.yaml").write_text(
        "title: Mine\nquestions:\n  - {id: a, prompt: p, options: {A: x, B: y}, answer: A}\n")
    assert default_quizzes_dir() == tmp_path / "quizzes"
    result = run("list")
    assert result.exit_code == 0 and "mine" in result.stdout and "day7" not in result.stdout
    taken = run("mine", "--answers", "A")
    assert taken.exit_code == 0 and "Score: 1/1" in taken.stdout


def test_quiz_named_like_a_command_can_still_be_taken(run, write_quiz):
    path = write_quiz("title: Listing\nquestions:\n  - {id: a, prompt: p, options: {A: x, B: y}, answer: B}\n",
                      name="list")
    by_path = run(path, "--answers", "B")
    assert by_path.exit_code == 0 and "Score: 1/1" in by_path.stdout
    by_take = run("take", "list", "--quizzes", path.parent, "--answers", "B")
    assert by_take.exit_code == 0 and "Score: 1/1" in by_take.stdout
    listing = run("list", "--quizzes", path.parent)    # `quiz list` is still the command
    assert listing.exit_code == 0 and "NAME" in listing.stdout


def test_every_command_takes_quizzes(run, small_quiz, tmp_path):
    folder = small_quiz.parent
    responses = tmp_path / "r.csv"
    responses.write_text("name,one,two,three\nAda,B,AC,A\n")
    assert run("small", "--quizzes", folder, "--answers", "B,AC,A").exit_code == 0
    assert run("take", "small", "--quizzes", folder, "--answers", "B,AC,A").exit_code == 0
    assert run("grade", "small", responses, "--quizzes", folder).exit_code == 0
    assert run("export", "small", "--quizzes", folder).exit_code == 0
    assert run("list", "--quizzes", folder).exit_code == 0


def test_console_script_entry_point():
    from importlib.metadata import entry_points
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "quiz"]
    assert script.value == "grader.quiz.cli:main"
