"""Auto-grader for the Day 7 neural-network course."""
import os

# Grading works on tiny matrices and forks a child per exercise: one BLAS thread is faster and fork-safe.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
