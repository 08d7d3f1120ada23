"""The messy class graded by a normal user: in a user namespace where the kernel allows one
(student code then reaches nothing of the grader's), else with the grader's own uid (the weaker
isolation), and either way every honest grade survives. Run from root by forking and dropping to a
throw-away uid, so it needs root (as CI has) and a world-writable /var/tmp or /dev/shm."""
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from normal_user import become_normal_user

from test_batch_helpers import FULL, POINTS, SEED, build_messy_class, read_gradebook

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become a throw-away user")


def world_writable_base():
    for candidate in ("/var/tmp", "/dev/shm"):
        if os.path.isdir(candidate) and os.stat(candidate).st_mode & 0o1777 == 0o1777:
            return candidate
    pytest.skip("no world-writable temp folder")


def warm_everything():
    """What the unprivileged user may not be able to import later (Python may sit under /root)."""
    import csv, glob, html, statistics  # noqa: F401,E401
    import encodings.unicode_escape  # noqa: F401
    import jinja2.debug  # noqa: F401
    import multiprocessing.connection, multiprocessing.popen_fork  # noqa: F401,E401
    from grader.batch import report, run
    run._warm(SEED)
    report.render([], seed=SEED, timeout=1.0)   # compiles and caches the template


def test_a_hostile_class_graded_as_a_normal_user(tmp_path):
    base = Path(tempfile.mkdtemp(prefix="batch-nonroot-", dir=world_writable_base()))
    uid = 310_000 + os.getpid() % 10_000
    try:
        out = base / "out"
        subs, expected = build_messy_class(base, out)
        for folder, dirs, files in os.walk(base):
            for name in [folder] + [os.path.join(folder, f) for f in dirs + files]:
                os.lchown(name, uid, uid)
        warm_everything()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:   # the grader, as a normal user
            code = 1
            try:
                os.close(read_end)
                become_normal_user(uid)
                tempfile.tempdir = str(base)
                from grader.batch import run_batch
                summary = run_batch(subs, out, seed=SEED, timeout=1.5, workers=2, progress=False)
                from grader.runner import isolation_level
                message = {"restored": summary.restored, "deaths": summary.worker_deaths,
                           "level": isolation_level()}
                code = 0
            except ModuleNotFoundError as exc:
                message = {"skip": str(exc)}
            except BaseException as exc:  # noqa: BLE001
                message = {"error": repr(exc)}
            finally:
                os.write(write_end, json.dumps(message).encode())
                os._exit(code)
        os.close(write_end)
        with os.fdopen(read_end) as f:
            message = json.loads(f.read() or "{}")
        os.waitpid(pid, 0)
        if "skip" in message:
            pytest.skip(f"this Python cannot be imported by a normal user: {message['skip']}")
        assert "error" not in message, message

        book = {r["student"]: r for r in read_gradebook(out / "gradebook.csv")}
        for student, (total, status, _) in expected.items():
            assert float(book[student]["total"]) == total, student
            assert book[student]["status"] == status
        good = json.loads((out / "good" / "results.json").read_text())
        assert good["score"] == FULL   # forged during the run, put back before the gradebook
        hostile = book["zz_hostile"]
        assert float(hostile["total"]) >= FULL - POINTS[1]   # it can only hurt its own ex01
        if message["level"] == "userns":   # the clean room holds without root: nothing reached
            assert message["deaths"] == 0 and float(hostile["total"]) == FULL
            assert message["restored"] == []
        else:   # no namespaces: the same uid as the grader (docs/grader.md says what that allows)
            assert message["deaths"] == 1 and "killed by SIGKILL" in hostile["note"]   # it killed its worker
            assert message["restored"] == ["good"]   # graded well before zz_hostile ran, then forged
    finally:
        shutil.rmtree(base, ignore_errors=True)
