"""Discovery and safe extraction: what becomes a student, where their files are found, and every
way a submission is refused (with the reason the instructor reads)."""
import os
import signal
import stat
import zipfile

import pytest

from grader.batch import submissions as sm
from test_batch_helpers import FILES, copy_solutions, solution, zip_folder


def staged(tmp_path, entry):
    subs, _ = sm.discover(entry.parent)
    [sub] = [s for s in subs if s.path == entry]
    root = tmp_path / "staging"
    root.mkdir(exist_ok=True)
    return sm.stage(sub, root / str(len(list(root.iterdir()))))


def make_zip(path, members):
    """members: {name: bytes or str}; a (bytes, external_attr) tuple sets the attributes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            attr = None
            if isinstance(data, tuple):
                data, attr = data
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if attr is not None:
                info.external_attr = attr
            z.writestr(info, data)
    return path


def all_solutions(prefix=""):
    return {f"{prefix}{name}": solution(n) for n, name in FILES.items()}


@pytest.fixture
def subs(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    return folder


def test_ids_are_entry_names_without_zip_and_hidden_entries_are_ignored(subs, tmp_path):
    (subs / "bob").mkdir()
    (subs / "Alice.ZIP").write_bytes(b"")
    (subs / ".DS_Store").write_bytes(b"")
    (subs / "__MACOSX").mkdir()
    out = subs / "results"
    out.mkdir()
    found, ignored = sm.discover(subs, exclude=[out])
    assert [(s.student, s.kind) for s in found] == [("Alice", "zip"), ("bob", "folder")]
    assert dict(ignored) == {".DS_Store": "hidden entry", "__MACOSX": "macOS metadata",
                             "results": "the output folder"}


def test_two_entries_with_one_id_are_both_kept_and_flagged(subs):
    (subs / "alice").mkdir()
    (subs / "alice.zip").write_bytes(b"")
    found, _ = sm.discover(subs)
    assert [s.student for s in found] == ["alice", "alice.zip"]
    assert all("two submissions for alice: alice/ and alice.zip" in s.note for s in found)
    assert len({s.out_name for s in found}) == 2


def test_an_id_renamed_for_a_clash_cannot_clash_in_turn(subs):
    (subs / "alice").mkdir()
    (subs / "alice.zip").write_bytes(b"")
    (subs / "alice.zip.zip").write_bytes(b"")   # its id is alice.zip: the name the clash above gives
    (subs / "Bob").mkdir()
    (subs / "bob.zip").write_bytes(b"")         # Bob/ and bob/ are one folder where case does not count
    found, _ = sm.discover(subs)
    assert sorted(s.out_name for s in found) == ["Bob", "alice", "alice.zip", "alice.zip.zip", "bob.zip"]
    assert all("two submissions" in s.note for s in found)


def test_names_alike_once_written_out_get_folders_of_their_own(subs):
    (subs / "a\nb").mkdir()          # a real newline...
    (subs / "a\\nb").mkdir()         # ...and a backslash and an n: both read a\nb
    (subs / "C.zip").write_bytes(b"")
    (subs / "c.zip").write_bytes(b"")   # alike where case does not count
    found, _ = sm.discover(subs)
    assert len({s.out_name.casefold() for s in found}) == len({s.student for s in found}) == 4
    assert sum("reads the same" in s.note for s in found) == 2


def test_a_student_named_like_an_output_file_gets_another_folder(subs):
    (subs / "gradebook.csv.zip").write_bytes(b"")
    [s], _ = sm.discover(subs)
    assert s.student == "gradebook.csv" and s.out_name == "gradebook.csv.student"


@pytest.mark.parametrize("inside", ["", "exercises", "Alice_123", "Alice_123/exercises"])
def test_zip_files_are_found_at_every_allowed_depth(subs, tmp_path, inside):
    prefix = f"{inside}/" if inside else ""
    zip_path = make_zip(subs / "alice.zip", {**all_solutions(prefix), "README.md": "hi",
                                              "__MACOSX/._x": "junk"})
    result = staged(tmp_path, zip_path)
    assert result.ok, result.reason
    assert result.found_in == inside
    assert result.files == sorted(FILES.values())
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(FILES.values())
    assert (result.folder / FILES[1]).read_text() == solution(1)
    assert stat.S_IMODE(result.folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("inside", ["", "exercises", "Bob_9", "Bob_9/exercises"])
def test_folder_files_are_found_at_every_allowed_depth(subs, tmp_path, inside):
    copy_solutions(subs / "bob" / inside)
    result = staged(tmp_path, subs / "bob")
    assert result.ok and result.found_in == inside and len(result.files) == len(FILES)


FORGING = "x\n\nScore: 62 of 62, regraded\x1b[2K\r\u202e"   # a name that would add lines, erase one, flip text


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_names_from_a_submission_cannot_add_lines_or_control_the_terminal(subs, tmp_path, kind):
    if kind == "folder":
        copy_solutions(subs / "bob" / FORGING)
        result = staged(tmp_path, subs / "bob")
    else:
        result = staged(tmp_path, make_zip(subs / "bob.zip", all_solutions(FORGING + "/")))
    assert result.ok, result.reason
    for text in (result.display, result.found_in):
        assert text.isprintable() and "\\n" in text and "\\x1b" in text and "\\u202e" in text, text


def test_many_folders_are_looked_at_once_each_and_too_many_are_refused(subs, tmp_path):
    many = subs / "many"
    copy_solutions(many / f"w{sm.MAX_ENTRIES - 20:04d}")   # the files, behind hundreds of folders
    for i in range(sm.MAX_ENTRIES - 20):
        (many / f"w{i:04d}").mkdir()
    result = staged(tmp_path, many)
    assert result.ok and len(result.files) == len(FILES)
    flood = subs / "flood"
    copy_solutions(flood)
    for i in range(25_000):
        (flood / f"d{i:05d}").mkdir()
    result = staged(tmp_path, flood)
    assert not result.ok and result.reason.startswith(f"more than {sm.MAX_ENTRIES} files and folders")


def test_two_levels_deeper_is_too_deep(subs, tmp_path):
    zip_path = make_zip(subs / "deep.zip", all_solutions("a/b/c/"))
    assert staged(tmp_path, zip_path).reason == sm.NO_FILES


def test_the_place_with_most_files_wins_and_the_other_is_mentioned(subs, tmp_path):
    copy_solutions(subs / "carol" / "exercises")
    (subs / "carol" / FILES[1]).write_text("old draft\n")
    result = staged(tmp_path, subs / "carol")
    assert result.found_in == "exercises"
    assert result.remarks and "the top folder" in result.remarks[0]


def test_the_same_files_give_the_same_digest_wherever_they_are(subs, tmp_path):
    a = staged(tmp_path, make_zip(subs / "a.zip", all_solutions("x/exercises/")))
    copy_solutions(subs / "b")
    b = staged(tmp_path, subs / "b")
    assert a.digest == b.digest
    (subs / "b" / FILES[2]).write_text(solution(2) + "\n# changed\n")
    assert staged(tmp_path, subs / "b").digest != a.digest


@pytest.mark.parametrize("member", ["../evil.py", "../../evil.py", "ok/../../evil.py", "/etc/evil.py",
                                    "C:/evil.py", "..\\evil.py"])
def test_a_member_pointing_outside_refuses_the_zip(subs, tmp_path, member):
    zip_path = make_zip(subs / "slip.zip", {**all_solutions(), member: "print('x')"})
    result = staged(tmp_path, zip_path)
    assert result.reason == f"zip member {member!r} points outside the submission"
    assert result.folder is None
    assert not list(tmp_path.rglob("evil.py"))


def test_a_symlinked_exercise_file_is_refused(subs, tmp_path):
    link = (0o120777 << 16)
    zip_path = make_zip(subs / "link.zip", {**all_solutions(), FILES[1]: (b"/etc/shadow", link)})
    assert "is a symbolic link" in staged(tmp_path, zip_path).reason
    copy_solutions(subs / "linker")
    os.unlink(subs / "linker" / FILES[2])
    os.symlink("/etc/passwd", subs / "linker" / FILES[2])
    assert "is a symbolic link" in staged(tmp_path, subs / "linker").reason


def test_a_symlinked_folder_is_not_followed(subs, tmp_path):
    target = copy_solutions(tmp_path / "someone_else")
    (subs / "dan").mkdir()
    os.symlink(target, subs / "dan" / "exercises")
    assert staged(tmp_path, subs / "dan").reason == sm.NO_FILES


def test_corrupt_empty_and_truncated_zips(subs, tmp_path):
    (subs / "noise.zip").write_bytes(os.urandom(2000))
    assert staged(tmp_path, subs / "noise.zip").reason.startswith("corrupt zip: ")
    make_zip(subs / "nothing.zip", {})
    assert staged(tmp_path, subs / "nothing.zip").reason == "empty zip"
    good = zip_folder(copy_solutions(tmp_path / "src"), tmp_path / "good.zip")
    data = good.read_bytes()
    (subs / "cut.zip").write_bytes(data[: len(data) // 2])
    assert staged(tmp_path, subs / "cut.zip").reason.startswith("corrupt zip")


def test_a_member_whose_bytes_do_not_match_is_corrupt(subs, tmp_path):
    data = bytearray(make_zip(tmp_path / "x.zip", all_solutions()).read_bytes())
    start = data.index(b"PK\x03\x04") + 30 + len(FILES[1])
    data[start + 5] ^= 0xFF   # inside the first member's compressed bytes
    (subs / "flip.zip").write_bytes(bytes(data))
    assert staged(tmp_path, subs / "flip.zip").reason.startswith("corrupt zip")


def test_zip_bombs_and_huge_zips_are_refused(subs, tmp_path, monkeypatch):
    monkeypatch.setattr(sm, "MAX_ZIP_BYTES", 1 << 20)
    monkeypatch.setattr(sm, "MAX_MEMBERS", 20)
    make_zip(subs / "big.zip", {**all_solutions(), "blob": bytes(2 << 20)})
    assert "would expand to 2.0 MB" in staged(tmp_path, subs / "big.zip").reason
    make_zip(subs / "bomb.zip", {**all_solutions(), FILES[3]: b"#" * (900 << 10)})
    assert "a zip bomb?" in staged(tmp_path, subs / "bomb.zip").reason
    make_zip(subs / "many.zip", {**all_solutions(), **{f"junk/{i}.txt": "x" for i in range(30)}})
    assert "declares 41 members" in staged(tmp_path, subs / "many.zip").reason   # before ZipFile reads them
    monkeypatch.setattr(sm, "CENTRAL_ENTRY_BYTES", 1)   # a directory far larger than its members need
    assert "more than 20 members are refused" in staged(tmp_path, subs / "bomb.zip").reason
    monkeypatch.setattr(sm, "_declared_size", lambda raw: None)   # where the end record cannot be read
    assert "the zip has 41 members; more than 20" in staged(tmp_path, subs / "many.zip").reason
    (subs / "fat.zip").write_bytes(os.urandom((1 << 20) + 1))
    assert "zips over" in staged(tmp_path, subs / "fat.zip").reason


def test_an_oversized_exercise_file_is_refused(subs, tmp_path):
    copy_solutions(subs / "erin")
    (subs / "erin" / FILES[4]).write_bytes(b"#" * (sm.MAX_FILE_BYTES + 1))
    assert "exercise files over" in staged(tmp_path, subs / "erin").reason


def test_folders_without_exercise_files(subs, tmp_path):
    (subs / "empty").mkdir()
    assert staged(tmp_path, subs / "empty").reason == "empty folder"
    (subs / "junk" / "src").mkdir(parents=True)
    (subs / "junk" / "src" / "main.py").write_text("x = 1")
    assert staged(tmp_path, subs / "junk").reason == sm.NO_FILES
    (subs / "paper.pdf").write_bytes(b"%PDF")
    assert "not a folder, a .zip or a notebook" in staged(tmp_path, subs / "paper.pdf").reason


def test_only_exercise_files_are_staged(subs, tmp_path):
    folder = copy_solutions(subs / "fay")
    (folder / "secret_data.csv").write_text("1,2,3")
    (folder / "helper.py").write_text("x = 1")
    result = staged(tmp_path, folder)
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(FILES.values())


def test_undecodable_entry_names_become_readable_ids(tmp_path):
    subs = os.fsencode(tmp_path / "subs")
    os.mkdir(subs)
    os.mkdir(os.path.join(subs, b"caf\xe9"))
    found, _ = sm.discover(os.fsdecode(subs))
    assert [s.student for s in found] == ["caf\\xe9"]
    assert found[0].student.encode("utf-8")   # writable into JSON, CSV and HTML


def test_a_fifo_named_like_a_zip_is_refused_without_hanging(subs, tmp_path):
    os.mkfifo(subs / "pipe.zip")   # nothing ever writes to it: opening it blocks, reading it too
    previous = signal.signal(signal.SIGALRM, lambda *a: pytest.fail("staging a FIFO hangs"))
    signal.alarm(10)
    try:
        result = staged(tmp_path, subs / "pipe.zip")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.submission.kind == "zip"
    assert result.reason.startswith("not a regular file")


def test_names_alike_in_unicode_get_numbers_and_invisible_characters_are_written_out(subs):
    (subs / "Jos\u00e9").mkdir()         # é as one character...
    (subs / "Jose\u0301").mkdir()        # ...and as e and a combining accent: they read the same
    (subs / "\uff41lice").mkdir()        # a fullwidth a
    (subs / "alice").mkdir()
    (subs / "bob").mkdir()
    (subs / "bob\u200b").mkdir()         # a zero-width space
    (subs / "carol\U000e0041.zip").write_bytes(b"")   # a tag character, invisible too
    found, _ = sm.discover(subs)
    students = [s.student for s in found]
    assert len(set(students)) == 7 and len({sm._alike(s) for s in students}) == 7, students
    assert "bob\\u200b" in students and "carol\\U000e0041" in students
    assert sum("reads the same" in s.note for s in found) == 2   # one José, one alice: numbered
    assert len({s.out_name for s in found}) == 7
