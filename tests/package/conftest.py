"""The session's Gradescope container (autograder_container.py) for the tests of this folder."""
from autograder_container import container  # noqa: F401 - a fixture
