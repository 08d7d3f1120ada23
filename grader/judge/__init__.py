"""The judges: reference-free, so they ship in the student kit (see kinds.py).

The generators of the hidden tests (grader/hidden/) are the only code that asks the reference
for answers; what they produce is plain data that a `Judge` here reads.
"""
from .calls import (INPLACE, ROUND_OFF, Verdict, call_text, error_diagnosis, error_text, error_verdict,
                    first_failure, inputs_verdict, judge_call, params_problem, relative_error, same_data)
from .kinds import KINDS, Judge, trained_network_score

__all__ = ["INPLACE", "KINDS", "ROUND_OFF", "Judge", "Verdict", "call_text", "error_diagnosis", "error_text",
           "error_verdict", "first_failure", "inputs_verdict", "judge_call", "params_problem", "relative_error",
           "same_data", "trained_network_score"]
