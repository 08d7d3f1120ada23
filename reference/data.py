"""The lecture's table as arrays: X (4, 2) of weight (lb) and height (in), y (4, 1) with F = 1, M = 0."""
import csv
from pathlib import Path

import numpy as np

TABLE = Path(__file__).with_name("data") / "lecture_table.csv"
ENCODING = {"F": 1.0, "M": 0.0}


def load_lecture_table(path=TABLE):
    """Returns (X, y, names) read from the CSV shipped with the reference."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r["weight_lb"]), float(r["height_in"])] for r in rows])
    y = np.array([[ENCODING[r["gender"]]] for r in rows])
    return X, y, [r["name"] for r in rows]
