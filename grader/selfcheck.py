"""`grade selfcheck`: proves the course is sound before students see it.

Solutions earn full marks under several seeds, stubs earn nothing, and exercises/, solutions/
and the catalog define the same functions with the same parameters.
"""
import ast

from .catalog import COURSE_ROOT, load_catalog
from .engine import grade_folder


def defined_functions(path):
    """{name: [parameter names]} of the top-level functions of a Python file, read without running it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return {n.name: [a.arg for a in n.args.args] for n in tree.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_")}


def file_problems(root=COURSE_ROOT):
    problems = []
    for e in load_catalog():
        stub, solution = root / "exercises" / e.file, root / "solutions" / e.file
        missing = [str(p.relative_to(root)) for p in (stub, solution) if not p.exists()]
        if missing:
            problems.extend(f"{m}: missing" for m in missing)
            continue
        stub_functions, solution_functions = defined_functions(stub), defined_functions(solution)
        if set(stub_functions) != set(e.functions):
            problems.append(f"exercises/{e.file}: defines {sorted(stub_functions)}, the catalog says {list(e.functions)}")
        if stub_functions != solution_functions:
            problems.append(f"{e.file}: exercises/ defines {stub_functions}, solutions/ defines {solution_functions}")
    return problems


def run_selfcheck(seeds, echo=print, root=COURSE_ROOT):
    """Every problem found, as lines; echoes progress as it goes."""
    problems = file_problems(root)
    echo("files: exercises/, solutions/ and the catalog agree" if not problems else "\n".join(problems))
    first_grading_problem = len(problems)
    for seed in seeds:
        for folder, want_full in (("solutions", True), ("exercises", False)):
            for ex in grade_folder(root / folder, seed=seed):
                ok = ex.score == ex.max_score if want_full else ex.score == 0
                if not ok:
                    wrong = [t.number for t in ex.tests if t.passed != want_full]
                    problems.append(f"seed {seed}: {folder}/ exercise {ex.number} scored {ex.score:g}/{ex.max_score:g} "
                                    f"(tests {', '.join(wrong)}){': ' + ex.reason if ex.reason else ''}")
            echo(f"seed {seed}: {folder}/ " + ("full marks" if want_full else "no points") + " expected ... "
                 + ("ok" if not any(p.startswith(f"seed {seed}: {folder}/") for p in problems) else "FAILED"))
    for p in problems[first_grading_problem:]:
        echo("  " + p)
    return problems
