"""Shared by every test folder: tests/ itself is importable (normal_user.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
