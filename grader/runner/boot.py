"""How the grader starts a clean-room process: the same interpreter, isolated mode (-I: no
environment variables, no user site, no current folder on sys.path), no site-packages (-S), and
a sys.path of just the clean room's folder and numpy's."""
import os
import sys

import clean_room
import numpy


def boot_command(module, *args):
    paths = [os.path.dirname(os.path.dirname(os.path.abspath(clean_room.__file__))),
             os.path.dirname(os.path.dirname(os.path.abspath(numpy.__file__)))]
    code = (f"import sys; sys.path[:0] = {paths!r}; import runpy; "
            f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)")
    return [sys.executable, "-I", "-S", "-c", code, *args]
