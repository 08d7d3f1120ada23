"""The clean room: the only code of ours that runs beside student code.

It imports nothing of the grader's and nothing of the course's: no reference, no hidden tests,
no judges, no expected answers. The grader sends it a job as plain data and reads plain data
back (protocol.py); what the student's code can find in this process is its own inputs.

    protocol.py          the job and the answer lines (both sides import it)
    plain_data.py        the codec for values: arrays, numbers, dicts... never code
    scalar_functions.py  the f(x) of the numerical_gradient tests, rebuilt from a name
    child.py             runs one job: import the student's file, run the calls, answer
    isolation.py         Linux namespaces, the allow-list filesystem, dropping privileges
    server.py            the template that forks a child per run (Linux, macOS)
    __main__.py          one job on stdin/stdout: the portable runner (Windows, or forced)
"""
