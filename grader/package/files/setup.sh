#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu 22.04).
# It installs the pinned packages of requirements.txt into a virtual environment, then takes
# the grader's files out of reach of other users: where Linux namespaces are refused,
# run_autograder grades as the user nobody, and the student code it runs must not be able to
# read the reference or the hidden tests.
#
# AUTOGRADER_ROOT (default /autograder) and AUTOGRADER_PYTHON (default python3) let it run
# outside a container; the project's tests do.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
PYTHON="${AUTOGRADER_PYTHON:-python3}"

if [ -n "${AUTOGRADER_PYTHON:-}" ]; then
    "$PYTHON" -m venv --clear "$ROOT/venv"     # a Python given by hand is not apt's to mend
elif ! "$PYTHON" -m venv --clear "$ROOT/venv" >/dev/null 2>&1; then
    # Ubuntu's python3 makes virtual environments only with python3-venv installed.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends python3 python3-venv
    "$PYTHON" -m venv --clear "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
    -r "$SOURCE/requirements.txt"
# Fail the build here, not at the first submission.
"$ROOT/venv/bin/python" -c 'import numpy, yaml, nbformat'
# Compile the grader into the image: every submission starts from a fresh copy of it, so what
# Python compiles at run time is lost, and each submission would compile some 60 modules again.
"$ROOT/venv/bin/python" -m compileall -q "$SOURCE" >/dev/null

# Only root reads the grader: the sandbox's own package (clean_room) and the virtual
# environment stay readable, as the sandbox's processes need them.
chmod -R go-rwx "$SOURCE"
chmod go+rx "$ROOT" "$SOURCE"
chmod -R go+rX "$SOURCE/clean_room" "$ROOT/venv"
