"""The job line is built from calls encoded once per Call object (the batch sends the same calls
to every student): it must be the very line that encoding the whole job gives."""
import json

import numpy as np

from clean_room.plain_data import FunctionSpec
from clean_room.protocol import Call, job_to_plain
from grader.runner import run


def test_the_cached_job_line_is_the_encoded_job():
    calls = [Call("dz2", (np.arange(6.0).reshape(3, 2), np.ones((3, 1))), {"k": 1.5}, return_args=True),
             Call("numerical_gradient", (FunctionSpec("square", {}), np.array([0.5, np.nan]))),
             Call("dz2", (), float_errors=True)]
    args = ("ex06_output_layer", "ex06_output_layer.py", "/student", "/tmp")
    rest = ({"ex01_activations": ["sigmoid"]}, {"ex02": "def f():\n    pass\n"}, False, 5.0, 1024)
    whole = (json.dumps(job_to_plain(*args, calls, *rest), allow_nan=True, separators=(",", ":")) + "\n").encode()
    for _ in range(2):   # encoded, then from the cache
        assert run._job_line(job_to_plain(*args, [], *rest), calls) == whole
    assert run._job_line(job_to_plain(*args, [], *rest), calls[:1]) != whole


def test_a_new_call_object_is_encoded_afresh():
    first = Call("dz2", (np.zeros(2),))
    line = run._job_line(job_to_plain("m", "m.py", "/s", "/t", [], {}, {}, False, 1.0, 64), [first])
    second = Call("dz2", (np.ones(2),))
    other = run._job_line(job_to_plain("m", "m.py", "/s", "/t", [], {}, {}, False, 1.0, 64), [second])
    assert line != other and json.loads(other)["calls"][0]["args"] != json.loads(line)["calls"][0]["args"]
