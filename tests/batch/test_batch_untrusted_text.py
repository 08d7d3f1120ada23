"""What a student's process sends is data the batch checks, never words it repeats: forged
protocol lines, numbers past any limit, lone surrogates and terminal escapes cost at most that
student's own exercise, and reach no file of the batch's as control characters."""
import json

from grader.batch import run_batch
from test_batch_helpers import FULL, POINTS, SEED, TIMEOUT, copy_solutions, read_gradebook

ON_THE_CHANNEL = """
import os
from clean_room.child import _channel
def _forge(line):
    os.write(_channel.answer_fd, line)
"""

STUDENTS = {
    # an exception message with a lone surrogate, escapes and a carriage return
    "surrogate": (5, 'def mse(y, y_hat):\n    raise ValueError("bad \\ud800 \\x1b[2J\\rhidden")\n', True),
    # an answer line whose number does not fit any integer type the grader would build
    "bignum": (5, ON_THE_CHANNEL + "_forge(b'{\"import\": \"ok\", \"seconds\": 1" + "9" * 5000 + "}\\n')\n", False),
    # the harness's own "fatal" message, after student code started
    "fatal": (5, ON_THE_CHANNEL + '_forge(b\'{"fatal": "the sandbox failed, blame the grader"}\\n\')\n', False),
    # an answer for a call twice (these two replace a solution's function: they go after it)
    "twice": (6, ON_THE_CHANNEL + 'def dz2(y_hat, y):\n'
                 '    _forge(b\'{"call": 0, "seconds": 0, "value": 1}\\n\')\n    return (y_hat - y) / len(y)\n', False),
    # output that would clear the screen and fake a result
    "screen": (1, 'print("\\x1b[2J\\x1b[H\\rAll tests passed \\u202e")\n', True),
}


def test_forged_and_garbled_messages_cost_only_the_students_own_exercise(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    for name, (number, code, _) in STUDENTS.items():
        folder = copy_solutions(subs / name)
        path = folder / sorted(p.name for p in folder.iterdir() if p.name.startswith(f"ex{number:02d}"))[0]
        text = path.read_text()
        path.write_text(text + "\n" + code if name in ("surrogate", "twice") else code + "\n" + text)
    copy_solutions(subs / "honest")
    summary = run_batch(subs, out, seed=SEED, timeout=TIMEOUT * 4, workers=2, progress=False)
    assert summary.graded_now == len(STUDENTS) + 1
    book = {row["student"]: row for row in read_gradebook(out / "gradebook.csv")}
    assert float(book["honest"]["total"]) == FULL
    for name, (number, _, keeps_points) in STUDENTS.items():
        row = book[name]
        others = sum(float(row[f"ex{n:02d}"]) for n in POINTS if n != number)
        assert others == FULL - POINTS[number], (name, row)   # nothing else lost
        assert (float(row[f"ex{number:02d}"]) == POINTS[number]) == keeps_points or name == "surrogate", row
    assert float(book["surrogate"]["ex05"]) < POINTS[5]
    assert "cannot read" in book["fatal"]["note"] and "blame the grader" not in book["fatal"]["note"]
    assert "sandbox" not in book["fatal"]["note"]
    assert "out of order" in book["twice"]["note"]
    for path in [out / "gradebook.csv", out / "report.html"] + sorted(out.glob("*/results.json")):
        text = path.read_text(encoding="utf-8")   # valid UTF-8: no lone surrogate got through
        assert "\x1b" not in text and "\r" not in text and "\u202e" not in text, path
    shown = json.loads((out / "screen" / "results.json").read_text())["output"]
    assert "\\x1b[2J" in shown   # written out, visible, not obeyed
