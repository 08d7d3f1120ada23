"""Shared pieces of the sandbox tests: a student file, and the processes a run leaves behind."""
import os
import textwrap

HONEST = """
import numpy as np

def dz2(y_hat, y):
    return (y_hat - y) / y.shape[0]
"""


def student(folder, text, name="ex06_output_layer.py"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def children():
    """Processes whose parent is this one (there should be none after a run)."""
    me = str(os.getpid())
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found.append(int(name))
    return found
