"""What the exercises call "Slide:" is on the slides; what is not is labelled "New today:".

The lecture's formulas are written out here from the lecture notes (LECTURE.md, kept outside
this repository), one formula a line, exactly as the slides give them: a student comparing a
docstring with the slide must find the same thing.
"""
import ast
import re

import pytest

from grader.catalog import COURSE_ROOT, load_catalog

LECTURE_FORMULAS = {
    # the recap, question 2
    "y = f(Σ wᵢxᵢ + b)",
    # the forward pass
    "z1 = x W1 + b1", "a1 = σ(z1)", "z2 = a1 W2 + b2", "ŷ = σ(z2)",
    # backpropagation's worked example, f(x, y, z) = (x + y) z
    "q = x + y", "∂q/∂x = 1, ∂q/∂y = 1", "f = q z", "∂f/∂q = z, ∂f/∂z = q",
    "∂f/∂x = ∂f/∂q · ∂q/∂x", "∂f/∂y = ∂f/∂q · ∂q/∂y", "∂L/∂x = ∂L/∂z · ∂z/∂x",
    # the loss functions
    "L(w, b) = (1/n) Σ (yᵢ − (w xᵢ + b))²", "L = −(1/n) Σ [y log(ŷ) + (1 − y) log(1 − ŷ)]",
    "L = −[y log(ŷ) + (1 − y) log(1 − ŷ)]",
    # the gradients of the 2-layer network, steps 1 to 7
    "∂L/∂z2 = ∂L/∂ŷ · ∂ŷ/∂z2", "∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ) = (ŷ − y) / (ŷ(1 − ŷ))", "∂ŷ/∂z2 = ŷ(1 − ŷ)",
    "dz2 = ŷ − y", "dW2 = a1ᵀ · dz2", "db2 = Σ dz2", "da1 = dz2 · W2ᵀ", "dz1 = da1 · a1 (1 − a1)",
    "σ'(z1) = σ(z1)(1 − σ(z1)) = a1(1 − a1)", "dW1 = xᵀ · dz1", "db1 = Σ dz1",
}
# formulas the slides do not show, each where the exercises need it: they must say "New today:"
NEW_TODAY = {"dz2": "dz2 = (ŷ − y) / n", "backward": "dz2 = (ŷ − y) / n", "sgd_step": "W ← W − lr · dL/dW",
             "standardize": "X_std = (X − mean) / std", "numerical_gradient": "( f(x + h·e_i) − f(x − h·e_i) ) / (2h)",
             "relative_error": "|a − b| / max(1e-8, |a| + |b|)"}

LABEL = re.compile(r"^(?P<indent> *)Slide\b[^:\n]*:(?P<rest>.*)$")


def slide_formulas(doc):
    """The formulas a docstring labels "Slide": the rest of the label's line, or else the lines
    indented below it. Several formulas on a line stand 2+ spaces apart; a chunk in parentheses
    is a remark, e.g. "(for one sample)"."""
    lines = doc.splitlines()
    found = []
    for i, line in enumerate(lines):
        label = LABEL.match(line)
        if not label:
            continue
        block = [label["rest"]]
        if not label["rest"].strip():
            block = []
            for below in lines[i + 1:]:
                if not below.strip() or len(below) - len(below.lstrip()) <= len(label["indent"]):
                    break
                block.append(below)
        for text in block:
            found += [c for c in re.split(r"\s{2,}", text.strip()) if not (c.startswith("(") and c.endswith(")"))]
    return found


def docstrings(folder):
    """{(file, function or None for the module): docstring} of every exercise file in folder."""
    out = {}
    for e in load_catalog():
        tree = ast.parse((COURSE_ROOT / folder / e.file).read_text())
        out[e.file, None] = ast.get_docstring(tree)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                out[e.file, node.name] = ast.get_docstring(node)
    return out


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
def test_every_formula_labelled_slide_is_the_lectures(folder):
    labelled = {(where, f) for where, doc in docstrings(folder).items() for f in slide_formulas(doc or "")}
    assert len(labelled) >= 25, "the extraction found too few formulas to mean anything"
    not_on_the_slides = sorted(f"{file} {function}: {formula}" for (file, function), formula in labelled
                               if formula not in LECTURE_FORMULAS)
    assert not not_on_the_slides, "\n".join(not_on_the_slides)


def test_formulas_that_are_not_on_the_slides_are_labelled_new_today():
    docs = {function: doc for (_, function), doc in docstrings("exercises").items() if function}
    for function, formula in NEW_TODAY.items():
        lines = [line for line in docs[function].splitlines() if formula in line]
        assert lines and all(line.startswith("New today:") for line in lines), f"{function}: {lines}"


def test_the_extraction_sees_one_line_and_block_labels_and_skips_remarks():
    doc = ("Slide: dz2 = ŷ − y   (for one sample)\n"
           "Slide, from there on:\n    dW2 = a1ᵀ · dz2    db2 = Σ dz2\n    dz2 = (ŷ − y) / n\n"
           "(a remark)\nthe slide's x is X\n")
    assert slide_formulas(doc) == ["dz2 = ŷ − y", "dW2 = a1ᵀ · dz2", "db2 = Σ dz2", "dz2 = (ŷ − y) / n"]
    assert [f for f in slide_formulas(doc) if f not in LECTURE_FORMULAS] == ["dz2 = (ŷ − y) / n"]


def test_solutions_carry_the_exercises_docstrings_word_for_word():
    assert docstrings("solutions") == docstrings("exercises")
