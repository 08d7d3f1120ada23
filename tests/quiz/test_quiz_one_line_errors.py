"""Issue 11, point 7: a bad `quiz` command line is one `error:` line and exit status 2, like every
other refusal of the command (the same mechanism as `grade`: grader/cli_errors.py)."""
import pytest
from click.testing import CliRunner

from grader.quiz.cli import cli


@pytest.mark.parametrize("args, words", [
    (["day7", "--seed", "3"], "--seed only makes sense with --shuffle"),
    (["day7", "--shuffle", "--seed", "abc"], "'abc' is not a valid integer"),
    (["day7", "--bogus"], "no such option"),
    (["export", "day7", "--format", "pdf"], "invalid value for '--format'"),
    (["grade", "day7"], "missing argument"),
])
def test_a_bad_command_line_is_one_error_line_exit_2(args, words):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], result.output


def test_quiz_grade_writes_the_csv_to_stdout(tmp_path):
    responses = tmp_path / "r.csv"
    responses.write_text("student,q1,q2,q3,q4,q5\nann,B,C,B,C,B\n")
    result = CliRunner().invoke(cli, ["grade", "day7", str(responses)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("student,score,max_score,")
