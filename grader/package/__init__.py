"""`grade autograder`: the zip that grades on Gradescope, and what runs inside it.

    autograder.py       builds the zip from the checkout, by allow-list (docs/gradescope.md)
    run_autograder.py   grades one submission in the container:
                        python3 -m grader.package.run_autograder
    files/              setup.sh, run_autograder and requirements.txt, as they go into the zip
"""
