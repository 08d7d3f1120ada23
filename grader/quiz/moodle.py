"""Export to Moodle XML, Moodle's own question-bank format, built with ElementTree so every
text is XML-escaped."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .model import Question, Quiz
from .weights import quiz_weights


def to_moodle_xml(quiz: Quiz) -> str:
    """A `<quiz>` of `<question type="multichoice">`, one per question, in the quiz's order."""
    root = ET.Element("quiz")
    for question, weights in zip(quiz.questions, quiz_weights(quiz)):
        root.append(_question(question, weights))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _question(question: Question, weights: dict[str, str]) -> ET.Element:
    element = ET.Element("question", type="multichoice")
    _text(ET.SubElement(element, "name"), question.id)
    _text(ET.SubElement(element, "questiontext", format="plain_text"), question.prompt)
    _text(ET.SubElement(element, "generalfeedback", format="plain_text"), question.explanation)
    for tag, value in (("defaultgrade", "1"), ("penalty", "0"), ("hidden", "0"),
                       ("idnumber", question.id),
                       ("single", "false" if question.multi else "true"),
                       ("shuffleanswers", "false"), ("answernumbering", "ABCD")):
        ET.SubElement(element, tag).text = value
    for letter, text in question.options.items():
        answer = ET.SubElement(element, "answer", fraction=weights[letter], format="plain_text")
        _text(answer, text)
        _text(ET.SubElement(answer, "feedback", format="plain_text"), question.feedback.get(letter, ""))
    return element


def _text(parent: ET.Element, value: str) -> None:
    ET.SubElement(parent, "text").text = value
