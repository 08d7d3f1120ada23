"""Export round trips: GIFT and Moodle XML read back (GIFT with a small parser written here, Moodle
XML with ElementTree) give the same questions, options, answers, explanations and feedback,
including texts made of every character the formats treat specially; and their weights score
every answer as `quiz` and `quiz grade` do."""
import csv
import io
import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from grader.quiz import load_quiz

QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"
# The weights Moodle accepts for an answer (its grade options), as percentages.
MOODLE_WEIGHTS = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                  16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0}

SPECIAL = {
    "title": "Specials: ~ = # { } \\ all here",
    "questions": [
        {"id": "escapes",
         "prompt": "Escapes: ~ = # { } : \\ and a newline\nthen ::not a title::, {braces}, a#b, 50%,\n"
                   "<tag> & \"quotes\" 'single' ]]> -> done",
         "options": {"A": "=starts with equals", "B": "~starts with tilde",
                     "C": "%50% looks like a weight", "D": "back\\slash, \\n is not a newline, C:\\new"},
         "answer": "A",
         "explanation": "General #### feedback: with {all} ~ = # specials \\",
         "feedback": {"A": "#hash first", "B": "ends with a backslash \\",
                      "D": "a paragraph\n\n// then a line that looks like a GIFT comment"}},
        {"id": "multi.3",
         "prompt": "Pick the three: a:b, c=d, e~f",
         "options": {"A": "a:b", "B": "c=d", "C": "x{y}", "D": "e~f"},
         "answer": ["A", "B", "D"],
         "explanation": "Three of four.",
         "feedback": {"C": "{y} is # not = it"}},
        {"id": "multi-one",
         "prompt": "A multi-select with one right option",
         "options": {"A": "no", "B": "yes"},
         "answer": ["B"]},
    ],
}


# ---- a GIFT reader, following Moodle's qformat_gift, for the test only -------------------------

def lex(text):
    """[(char, escaped)] with GIFT's escapes undone; an unknown escape is a failure of the export."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            nxt = text[i + 1]
            assert nxt in "~=#{}:\\n", f"stray escape \\{nxt} in {text!r}"
            out.append(("\n" if nxt == "n" else nxt, True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def plain(tokens):
    return "".join(c for c, _ in tokens)


def split_on(tokens, marks):
    """Splits where an unescaped token starts with one of `marks`; each part keeps its mark."""
    parts, current = [], []
    for tok in tokens:
        if tok[0] in marks and not tok[1] and current is not None:
            parts.append(current)
            current = [tok]
        else:
            current.append(tok)
    parts.append(current)
    return parts


def find(tokens, char, start=0):
    for i in range(start, len(tokens)):
        if tokens[i] == (char, False):
            return i
    return -1


def parse_gift(text):
    questions = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line for line in block.split("\n") if not line.strip().startswith("//")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        tokens = lex(body)
        assert tokens[:2] == [(":", False), (":", False)], body
        end_name = next(i for i in range(2, len(tokens)) if tokens[i] == (":", False) == tokens[i + 1])
        name = plain(tokens[2:end_name])
        rest = tokens[end_name + 2:]
        assert (":", False) not in rest, "GIFT wants every ':' after the title escaped"
        open_at, close_at = find(rest, "{"), find(rest, "}")
        assert 0 <= open_at < close_at == len(rest) - 1, "one answer block, at the end"
        prompt = plain(rest[:open_at])
        assert prompt.startswith("[plain]")
        prompt = prompt[len("[plain]"):].strip()
        inside = rest[open_at + 1:close_at]
        explanation = ""
        hashes = [i for i in range(len(inside) - 3) if all(inside[i + k] == ("#", False) for k in range(4))]
        if hashes:
            explanation = plain(inside[hashes[-1] + 4:]).strip()
            inside = inside[:hashes[-1]]
        answers = [part for part in split_on(inside, "~=") if plain(part).strip()]
        options = []
        for part in answers:
            mark, body_tokens = part[0][0], part[1:]
            weight = "100" if mark == "=" else "0"
            raw = plain(body_tokens)
            m = re.match(r"%(-?[0-9.]+)%", raw) if mark == "~" else None
            if m and not body_tokens[0][1]:
                weight = m.group(1)
                body_tokens = body_tokens[len(m.group(0)):]
            hash_at = find(body_tokens, "#")
            feedback = plain(body_tokens[hash_at + 1:]).strip() if hash_at >= 0 else ""
            option = plain(body_tokens[:hash_at] if hash_at >= 0 else body_tokens).strip()
            options.append((mark, float(weight), option, feedback))
        questions.append({"name": name, "prompt": prompt, "explanation": explanation, "options": options})
    return questions


def check_multi_select_weights(weights):
    """The rule (docs/quiz.md): k right options at 100/k % each, w wrong ones at -100/w % each."""
    right = [w for w in weights if w > 0]
    wrong = [w for w in weights if w <= 0]
    assert all(w == pytest.approx(100 / len(right), abs=1e-4) for w in right), weights
    assert all(w == pytest.approx(-100 / len(wrong), abs=1e-4) for w in wrong), weights


def from_gift(parsed):
    """The parsed GIFT in the engine's terms: id, prompt, options, answer, multi, explanation, feedback."""
    out = []
    for q in parsed:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        multi = not any(mark == "=" for mark, *_ in q["options"])
        answer = {letters[i] for i, (_, weight, _, _) in enumerate(q["options"]) if weight > 0}
        weights = [weight for _, weight, _, _ in q["options"]]
        assert all(abs(weight) in MOODLE_WEIGHTS for weight in weights)
        if multi:
            check_multi_select_weights(weights)
        out.append({"id": q["name"], "prompt": q["prompt"], "multi": multi, "answer": answer,
                    "options": {letters[i]: o[2] for i, o in enumerate(q["options"])},
                    "explanation": q["explanation"],
                    "feedback": {letters[i]: o[3] for i, o in enumerate(q["options"]) if o[3]}})
    return out


def from_moodle_xml(text):
    root = ET.fromstring(text)
    assert root.tag == "quiz"
    out = []
    for q in root.findall("question"):
        assert q.get("type") == "multichoice"
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        answers = q.findall("answer")
        fractions = [float(a.get("fraction")) for a in answers]
        multi = q.findtext("single") == "false"
        assert q.findtext("single") in ("true", "false")
        if multi:
            check_multi_select_weights(fractions)
        else:
            assert sorted(fractions)[-1] == 100 and sorted(fractions)[:-1] == [0] * (len(fractions) - 1)
        assert all(abs(f) in MOODLE_WEIGHTS for f in fractions)
        out.append({"id": q.findtext("name/text"),
                    "prompt": q.findtext("questiontext/text") or "",
                    "multi": multi,
                    "answer": {letters[i] for i, f in enumerate(fractions) if f > 0},
                    "options": {letters[i]: a.findtext("text") for i, a in enumerate(answers)},
                    "explanation": q.findtext("generalfeedback/text") or "",
                    "feedback": {letters[i]: a.findtext("feedback/text")
                                 for i, a in enumerate(answers) if a.findtext("feedback/text")}})
        assert q.findtext("idnumber") == out[-1]["id"]
    return out


def engine_view(quiz):
    return [{"id": q.id, "prompt": q.prompt, "multi": q.multi, "answer": set(q.answer),
             "options": dict(q.options), "explanation": q.explanation, "feedback": dict(q.feedback)}
            for q in quiz.questions]


# ---- the tests ---------------------------------------------------------------------------------

@pytest.fixture
def special_quiz(write_quiz):
    return write_quiz(yaml.safe_dump(SPECIAL, allow_unicode=True, sort_keys=False), name="special")


def course_and_special(special_quiz):
    return [QUIZZES / "day7.yaml", QUIZZES / "day7_training.yaml", special_quiz]


def test_gift_round_trip(run, special_quiz):
    for path in course_and_special(special_quiz):
        result = run("export", path, "--format", "gift")
        assert result.exit_code == 0, result.output
        assert from_gift(parse_gift(result.stdout)) == engine_view(load_quiz(path)), path.name


def test_moodle_xml_round_trip(run, special_quiz):
    for path in course_and_special(special_quiz):
        result = run("export", path, "--format", "moodle-xml")
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
        assert from_moodle_xml(result.stdout) == engine_view(load_quiz(path)), path.name


def moodle_points(weights, ticked):
    """What Moodle gives a multichoice answer: the weights of the options ticked, added, as a
    fraction between 0 and 1 (qtype_multichoice_multi_question::grade_response)."""
    return min(max(0.0, sum(weights[i] for i in ticked) / 100), 1.0)


def gift_weights(text):
    return [[weight for _, weight, _, _ in q["options"]] for q in parse_gift(text)]


def moodle_xml_weights(text):
    return [[float(a.get("fraction")) for a in q.findall("answer")] for q in ET.fromstring(text).findall("question")]


def test_the_same_answer_scores_the_same_in_the_terminal_quiz_grade_and_the_exports(run, tmp_path):
    """One rule everywhere: each class member's answers to day7_training, taken with `quiz`
    (the text and --json), graded with `quiz grade`, and scored by Moodle from the GIFT and the
    Moodle XML weights, earn the same points, question by question."""
    quiz = load_quiz(QUIZZES / "day7_training.yaml")
    letters = "ABCDEFGH"
    rng = random.Random(13)
    key = ["".join(sorted(q.answer)) for q in quiz.questions]
    lr = [q.id for q in quiz.questions].index("learning_rate")
    students = {"key": key, "issue": key[:lr] + ["AB"] + key[lr + 1:]}   # the issue's AB on learning_rate
    for n in range(12):
        answers = []
        for q, right in zip(quiz.questions, key):
            options = letters[:len(q.options)]
            if rng.random() < 0.4:
                answers.append(right)
            elif q.multi:
                answers.append("".join(sorted(rng.sample(options, rng.randint(1, len(options))))))
            else:
                answers.append(rng.choice(options))
        students[f"s{n}"] = answers
    exports = {"gift": gift_weights(run("export", "day7_training", "--format", "gift").stdout),
               "moodle-xml": moodle_xml_weights(run("export", "day7_training", "--format", "moodle-xml").stdout)}
    responses = tmp_path / "responses.csv"
    responses.write_text("name," + ",".join(q.id for q in quiz.questions) + "\n"
                         + "".join(f"{name},{','.join(a)}\n" for name, a in students.items()))
    graded = run("grade", "day7_training", responses)
    assert graded.exit_code == 0, graded.output
    rows = {row[0]: row for row in list(csv.reader(io.StringIO(graded.stdout)))[1:]}
    partial_seen = 0
    for name, answers in students.items():
        typed = ",".join(answers)
        data = json.loads(run("day7_training", "--answers", typed, "--json").stdout)
        terminal = run("day7_training", "--answers", typed).stdout
        shown = re.search(r"Score: (\S+)/19", terminal).group(1)
        assert rows[name][1] == shown == data["output"].split()[1].split("/")[0], name
        assert float(shown) == pytest.approx(data["score"], abs=0.005)
        for number, (question, answer) in enumerate(zip(data["questions"], answers)):
            ticked = [letters.index(letter) for letter in answer]
            for fmt, weights in exports.items():
                assert moodle_points(weights[number], ticked) == pytest.approx(question["points"], abs=1e-4), \
                    (name, question["id"], answer, fmt)
            assert float(rows[name][3 + number]) == pytest.approx(question["points"], abs=0.005)
            partial_seen += 0 < question["points"] < 1
        total = sum(moodle_points(exports["moodle-xml"][i], [letters.index(x) for x in a]) for i, a in enumerate(answers))
        assert total == pytest.approx(data["score"], abs=1e-3), name
    assert partial_seen >= 5, "the class must include partly right answers"
    # the issue's case, spelt out: AB on learning_rate (right A, B and D) is 2/3 of a point everywhere
    issue = json.loads(run("day7_training", "--answers", ",".join(students["issue"]), "--json").stdout)
    assert issue["questions"][lr]["points"] == 0.6667 and issue["score"] == 18.6667
    assert rows["issue"][1] == "18.67" and rows["issue"][3 + lr] == "0.67"
    assert moodle_points(exports["gift"][lr], [0, 1]) == pytest.approx(2 / 3, abs=1e-6)
    assert moodle_points(exports["gift"][lr], [0, 1, 2, 3]) == 0          # ticking everything earns nothing


def test_two_right_options_of_four_weigh_50_and_minus_50(run, small_quiz):
    gift = run("export", small_quiz).stdout
    assert "\t~%50%a\n\t~%-50%b#b is a consonant.\n\t~%50%e\n\t~%-50%d#d is a consonant." in gift
    xml = run("export", small_quiz, "--format", "moodle-xml").stdout
    assert moodle_xml_weights(xml)[1] == [50, -50, 50, -50]
    assert moodle_points([50, -50, 50, -50], [0, 1, 2]) == 0.5 and moodle_points([50, -50, 50, -50], [1]) == 0


def test_a_multi_select_moodle_cannot_weight_is_one_line_naming_the_file(run, write_quiz):
    options = ", ".join(f"{letter}: o{letter}" for letter in "ABCDEFGHIJKL")
    path = write_quiz(f"questions:\n  - id: many\n    prompt: p\n    options: {{{options}}}\n"
                      "    answer: [A]\n", name="many")
    for fmt in ("gift", "moodle-xml"):
        result = run("export", path, "--format", fmt)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "many.yaml: question 'many' (#1): 11 wrong options" in result.stderr


def test_special_quiz_really_is_special(special_quiz):
    """Guard for the round trips above: the texts do contain what GIFT and XML must escape."""
    everything = "".join(str(v) for q in SPECIAL["questions"] for v in q.values())
    for char in "~=#{}:\\\n<>&\"'%":
        assert char in everything
    assert load_quiz(special_quiz).questions[0].prompt == SPECIAL["questions"][0]["prompt"]


def test_gift_escapes_and_weights(run, special_quiz):
    result = run("export", special_quiz)   # gift is the default format
    assert result.exit_code == 0
    text = result.stdout
    assert "::escapes::[plain]Escapes\\: \\~ \\= \\# \\{ \\} \\: \\\\ and a newline\\nthen" in text
    assert "\t~%0%%50% looks like a weight" in text            # the text's own %50% is not a weight
    assert "\t=\\=starts with equals" in text and "\t~\\~starts with tilde" in text
    assert "\t~%33.33333%a\\:b" in text and "\t~%-100%x\\{y\\}#\\{y\\} is \\# not \\= it" in text
    assert "\t~%100%yes" in text and "\t~%-100%no" in text
    assert "\t####General \\#\\#\\#\\# feedback" in text
    assert "// [id:multi.3]" in text
    # no blank line inside a question: each question is exactly one paragraph
    assert len(parse_gift(text)) == 3


def test_moodle_xml_is_escaped_xml(run, special_quiz):
    result = run("export", special_quiz, "--format", "moodle-xml")
    assert result.exit_code == 0
    text = result.stdout
    assert "&lt;tag&gt; &amp;" in text and "]]&gt;" in text
    ET.fromstring(text)


def test_export_to_a_file(run, tmp_path):
    out = tmp_path / "day7.gift.txt"
    result = run("export", "day7", "--out", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert len(parse_gift(out.read_text(encoding="utf-8"))) == 5


def test_unknown_format_is_a_usage_error(run):
    result = run("export", "day7", "--format", "qti")
    assert result.exit_code == 2 and "'qti' is not one of" in result.stderr
