"""Finds the students in SUBMISSIONS and copies their exercise files, safely, into a private staging folder.

Every entry of SUBMISSIONS is one student: a folder, a .zip or a bare notebook (.ipynb). Its
exercise files (the catalog's `exNN_*.py` names) are looked for at the top, under `exercises/`,
and one folder deeper (`<wrapper>/` and `<wrapper>/exercises/`, as LMS downloads wrap them);
where there are none, one notebook in those places stands for them (grader/notebook.py turns its
definitions into exercise files). Only those files are ever copied or decompressed: nothing else
of a submission is written anywhere.

A submission that cannot be used still becomes a `Staged` with a `reason` (a corrupt zip, a
member pointing outside the submission, a zip bomb, an empty folder, no exercise files, ...), so
it gets its row with zero points: nothing is skipped silently. Entries whose names start with a
dot (.DS_Store, .git) are not students and are listed as ignored.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from clean_room.plain_data import printable

from ..catalog import load_catalog
from ..notebook import MAX_NOTEBOOK_BYTES, NotebookError, read_notebook

MAX_MEMBERS = 1000               # zip members (the central directory is read, nothing more)
CENTRAL_ENTRY_BYTES = 1024       # a member's directory entry: 46 bytes and its name (and extras)
MAX_ENTRIES = 1000               # entries at the top of a submission folder that are looked at
MAX_ZIP_BYTES = 50 << 20         # size of a .zip on disk, and its declared uncompressed total
MAX_FILE_BYTES = 1 << 20         # one exercise file, declared and actually read
MAX_RATIO = 200                  # uncompressed / compressed size of an exercise file in a zip
JUNK_PARTS = ("__MACOSX",)
RESERVED = ("gradebook.csv", "report.html")   # the batch's own files in the out dir
NO_FILES = "no exercise files found (looked at the top, exercises/ and one folder deeper)"


@dataclass
class Submission:
    """One entry of SUBMISSIONS."""
    student: str          # the id: the entry's name without .zip (the full name when two entries clash)
    path: Path            # the entry itself
    kind: str             # "folder", "zip" or "other"
    out_name: str = ""    # the folder under the out dir holding results.json (= student, unless reserved)
    note: str = ""        # something the instructor should know (a duplicate id, a renamed out folder)

    @property
    def entry(self):
        return _text(self.path.name) + ("/" if self.kind == "folder" else "")


@dataclass
class Staged:
    """A submission after extraction: the files found, or why there are none."""
    submission: Submission
    folder: Path | None = None                    # the staging folder holding the files found
    files: list = field(default_factory=list)     # the exercise file names found, sorted
    found_in: str = ""                            # where, inside the submission ("" = the top)
    reason: str = ""                              # why it cannot be graded; "" when it can
    digest: str = ""                              # sha256 over the files' names and bytes
    remarks: list = field(default_factory=list)   # e.g. other places holding exercise files

    @property
    def ok(self):
        return not self.reason

    @property
    def display(self):
        """Where the files are, for messages: alice.zip/Alice_123/exercises, bob/day7.ipynb."""
        base = _text(self.submission.path.name)
        if self.submission.kind == "notebook":
            return base   # a bare notebook: the files are in it, not below it
        return f"{base}/{self.found_in}" if self.found_in else base


class SubmissionError(Exception):
    """Why a submission cannot be used; its message is the reason the instructor reads."""


def exercise_files():
    return {e.file for e in load_catalog()}


# ------------------------------------------------------------------------------ discovery

def discover(submissions_dir, exclude=()):
    """(the students in SUBMISSIONS sorted by id, the entries ignored with why).

    `exclude`: paths that are not students even if they are in SUBMISSIONS (the out dir).
    """
    root = Path(submissions_dir)
    excluded = {os.path.realpath(p) for p in exclude}
    found, ignored = [], []
    with os.scandir(root) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = _text(entry.name)
        if name.startswith("."):
            ignored.append((name, "hidden entry"))
            continue
        if os.path.realpath(entry.path) in excluded:
            ignored.append((name, "the output folder"))
            continue
        if name in JUNK_PARTS:
            ignored.append((name, "macOS metadata"))
            continue
        try:
            is_dir = entry.is_dir()   # an entry the instructor linked in is followed
        except OSError:
            is_dir = False
        if is_dir:
            found.append(Submission(name, Path(entry.path), "folder"))
        elif name.lower().endswith(".zip") and len(name) > 4:
            found.append(Submission(name[:-4], Path(entry.path), "zip"))
        elif name.lower().endswith(".ipynb") and len(name) > 6:
            found.append(Submission(name[:-6], Path(entry.path), "notebook"))
        else:
            found.append(Submission(name, Path(entry.path), "other"))

    _unique_ids(found)
    taken = {_alike(s.student) for s in found}
    for s in found:
        s.out_name = s.student
        if s.student.lower() in RESERVED:
            s.out_name = s.student + ".student"
            while _alike(s.out_name) in taken:
                s.out_name += "_"
            taken.add(_alike(s.out_name))
            s.note = (s.note + "; " if s.note else "") + f"results in {s.out_name}/ (the name is one of the batch's own files)"
    found.sort(key=lambda s: sort_key(s.student))
    return found, ignored


def _unique_ids(found):
    """Students whose ids clash (alice/ and alice.zip, or Alice.zip and alice/ where case does not
    count) are named by their entries instead, until no two ids clash: an entry renamed so can
    clash with another's id in turn (alice.zip.zip's is alice.zip). Entries whose names are still
    alike get a number."""
    while True:
        by_id = {}
        for s in found:
            by_id.setdefault(_alike(s.student), []).append(s)
        clashes = [g for g in by_id.values() if len(g) > 1 and any(s.student != _text(s.path.name) for s in g)]
        if not clashes:
            break
        for group in clashes:
            names = " and ".join(s.entry for s in group)
            for s in group:
                s.note = f"two submissions for {group[0].student}: {names}; both graded, keep one"
            for s in group:
                s.student = _text(s.path.name)
    # Entry names still alike: they differ only in case, in how Unicode composes a letter, or
    # only once written out (a real newline and a backslash-n read the same). Numbered, in the
    # order of their bytes.
    seen = set()
    for s in sorted(found, key=lambda s: os.fsencode(s.path.name)):
        base, k = s.student, 1
        while _alike(s.student) in seen:
            k += 1
            s.student = f"{base}~{k}"
        if k > 1:
            s.note = (s.note + "; " if s.note else "") + f"another entry's name reads the same: graded as {s.student}"
        seen.add(_alike(s.student))


def _alike(name):
    """What a name reads as: two names alike here cannot be told apart in the gradebook (é
    composed or as e and an accent, a fullwidth letter, case) or share a folder on some disks."""
    return unicodedata.normalize("NFKC", name).casefold()


def _text(name):
    """A file name as text that can be written anywhere: undecodable bytes become \\xNN, and
    control and invisible characters (a newline, a carriage return, an ANSI escape, a bidi
    override, a zero-width space) are written out, so a folder's name cannot add a line to the
    feedback, colour a terminal, or pass for another student's name."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = printable(text).replace("\n", "\\n").replace("\t", "\\t")
    return "".join((f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
                   if unicodedata.category(c) == "Cf" else c for c in text)


def sort_key(student):
    return (student.casefold(), student)


# ------------------------------------------------------------------------------ extraction

def stage(submission, staging):
    """Copies the submission's exercise files into the new folder `staging` (created here)."""
    result = Staged(submission)
    try:
        if submission.kind == "folder":
            files, found_in, remarks = _from_folder(submission.path)
        elif submission.kind == "zip":
            files, found_in, remarks = _from_zip(submission.path)
        elif submission.kind == "notebook":
            name = submission.path.name
            files, found_in, remarks = _from_notebook(_read_regular(submission.path, name, MAX_NOTEBOOK_BYTES, "notebooks"), name)
        else:
            raise SubmissionError("not a folder, a .zip or a notebook (each student is one of those)")
    except SubmissionError as exc:
        result.reason = _text(str(exc))   # it may quote a name from inside the zip
        return result
    staging = Path(staging)
    staging.mkdir(mode=0o700)
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        (staging / name).write_bytes(data)
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    result.folder = staging
    result.files = sorted(files)
    result.found_in = _text(found_in)
    result.remarks = [_text(r) for r in remarks]
    result.digest = digest.hexdigest()
    return result


def _choose(candidates, where_order):
    """The candidate folder holding the most exercise files (ties: the order looked in)."""
    rank = {w: i for i, w in enumerate(where_order)}   # linear: a folder may hold thousands of folders
    best = max(where_order, key=lambda w: (len(candidates.get(w, ())), -rank[w]))
    if not candidates.get(best):
        raise SubmissionError(NO_FILES)
    others = [w for w in where_order if w != best and candidates.get(w)]
    remarks = [f"the exercise files in {_label(w)} were not graded: the {len(candidates[best])} "
               f"in {_label(best)} were" for w in others]
    return best, remarks


def _label(where):
    return f"{where}/" if where else "the top folder"


def _looked_at(top_dirs):
    """Where exercise files may be, in the order looked at: top, exercises/, <w>/, <w>/exercises/."""
    order = ["", "exercises"]
    for w in top_dirs:
        if w != "exercises":
            order += [w, f"{w}/exercises"]
    return order


def _from_folder(folder):
    wanted = exercise_files()
    try:
        with os.scandir(folder) as entries:
            top = []
            for entry in entries:
                top.append(entry)
                if len(top) > MAX_ENTRIES:
                    raise SubmissionError(f"more than {MAX_ENTRIES} files and folders at its top: "
                                          "hand in the exercise files, not a whole disk")
    except OSError as exc:
        raise SubmissionError(f"cannot read the folder: {exc.strerror}")
    if not [e for e in top if e.name not in (".DS_Store",)]:
        raise SubmissionError("empty folder")
    top_dirs = sorted(e.name for e in top if _is_real_dir(e) and not _junk(e.name))
    order = _looked_at(top_dirs)
    candidates, notebooks = {}, []
    for where in order:
        path = Path(folder, where) if where else Path(folder)
        if where and not _real_dirs(Path(folder), where):
            continue
        try:
            listed = [e.name for e in os.scandir(path)]
        except OSError:
            continue
        names = [n for n in listed if n in wanted]
        if names:
            candidates[where] = names
        notebooks += [f"{where}/{n}" if where else n for n in listed if n.lower().endswith(".ipynb")]
    if not candidates and notebooks:
        shown = _one_notebook(notebooks)
        return _from_notebook(_read_regular(Path(folder, shown), shown, MAX_NOTEBOOK_BYTES, "notebooks"), shown)
    best, remarks = _choose(candidates, order)
    base = Path(folder, best) if best else Path(folder)
    files = {}
    for name in candidates[best]:
        files[name] = _read_regular(base / name, f"{best}/{name}" if best else name)
    return files, best, remarks


def _one_notebook(found):
    if len(found) > 1:
        raise SubmissionError(f"{len(found)} notebooks ({', '.join(sorted(found)[:4])}) and no exercise files: "
                              "hand in one notebook")
    return found[0]


def _from_notebook(data, shown):
    try:
        notebook = read_notebook(data, shown)
    except NotebookError as exc:
        raise SubmissionError(str(exc))
    except Exception as exc:  # noqa: BLE001 - one student's file must not stop the class's batch
        raise SubmissionError(f"{shown}: the grader could not read this notebook ({type(exc).__name__}: "
                              f"{' '.join(str(exc).split())[:200]})") from None
    if not notebook.files:
        raise SubmissionError(f"{shown} defines none of the exercises' functions")
    files = {name: text.encode("utf-8") for name, text in notebook.files.items()}
    return files, shown, notebook.problems


def _real_dirs(folder, where):
    """True when every folder of `where` below `folder` is a real folder (no symlink followed)."""
    path = folder
    for part in where.split("/"):
        path = path / part
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return False
        except OSError:
            return False
    return True


def _is_real_dir(entry):
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _junk(name):
    return name.startswith(".") or name in JUNK_PARTS


def _read_regular(path, shown, limit=MAX_FILE_BYTES, what="exercise files"):
    """The bytes of a regular file, never following a symlink, at most `limit`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SubmissionError(f"{shown} is a symbolic link; submit the file itself")
        raise SubmissionError(f"cannot read {shown}: {exc.strerror}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SubmissionError(f"{shown} is not a regular file")
        if st.st_size > limit:
            raise SubmissionError(f"{shown} is {_mb(st.st_size)}; {what} over {_mb(limit)} are refused")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise SubmissionError(f"{shown} is over {_mb(limit)}; {what} that big are refused")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _mb(n):
    return f"{n / (1 << 20):.1f} MB" if n >= (1 << 20) else f"{n / 1024:.0f} KB"


_DRIVE = re.compile(r"^[A-Za-z]:")


def _member_parts(info):
    """The member's path as parts; SubmissionError if it points outside the submission."""
    name = info.filename.replace("\\", "/")
    parts = name.split("/")
    if name.startswith("/") or _DRIVE.match(name) or ".." in parts or "\0" in name:
        raise SubmissionError(f"zip member {info.filename!r} points outside the submission")
    return [p for p in parts if p not in ("", ".")]


def _open_zip(path):
    """The .zip opened for reading, refused unless it is a regular file of a sane size.

    Opened without blocking and checked on the open descriptor: a FIFO (or a device) named
    x.zip would otherwise hang the batch in open() or read().
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise SubmissionError(f"cannot read the zip: {exc.strerror}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SubmissionError("not a regular file (each student is one folder or one .zip file)")
        if st.st_size > MAX_ZIP_BYTES:
            raise SubmissionError(f"the zip is {_mb(st.st_size)}; zips over {_mb(MAX_ZIP_BYTES)} are refused")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _from_zip(path):
    wanted = exercise_files()
    with _open_zip(path) as raw:
        return _from_zip_file(raw, wanted)


def _declared_size(raw):
    """(members, central directory bytes) the zip's end record declares, or None if it has
    none (ZipFile then says why). zipfile's own reader of that record: a private function,
    present since Python 2, looked up so that its absence costs only this early check."""
    try:
        record = zipfile._EndRecData(raw)
        return (record[zipfile._ECD_ENTRIES_TOTAL], record[zipfile._ECD_SIZE]) if record else None
    except Exception:  # noqa: BLE001 - no such function, or a record it cannot read: ZipFile decides
        return None


def _from_zip_file(raw, wanted):
    declared = _declared_size(raw)   # before ZipFile reads a million entries into memory
    if declared and (declared[0] > MAX_MEMBERS or declared[1] > MAX_MEMBERS * CENTRAL_ENTRY_BYTES):
        raise SubmissionError(f"the zip declares {declared[0]} members in {_mb(declared[1])} of directory; more "
                              f"than {MAX_MEMBERS} members are refused")
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError) as exc:
        raise SubmissionError(f"corrupt zip: {exc or type(exc).__name__}")
    with archive:
        infos = archive.infolist()
        if not infos:
            raise SubmissionError("empty zip")
        if len(infos) > MAX_MEMBERS:
            raise SubmissionError(f"the zip has {len(infos)} members; more than {MAX_MEMBERS} members are refused")
        members = [(info, _member_parts(info)) for info in infos]
        total = sum(info.file_size for info in infos)
        if total > MAX_ZIP_BYTES:
            raise SubmissionError(f"the zip would expand to {_mb(total)}; more than {_mb(MAX_ZIP_BYTES)} is refused")

        top_dirs = sorted({parts[0] for info, parts in members
                           if len(parts) > 1 or (parts and info.is_dir())} - {""})
        top_dirs = [d for d in top_dirs if not _junk(d)]
        order = _looked_at(top_dirs)
        candidates, chosen_infos, notebooks = {}, {}, {}
        for info, parts in members:
            if info.is_dir() or not parts or any(_junk(p) for p in parts):
                continue
            where = "/".join(parts[:-1])
            if where not in order:
                continue
            if parts[-1].lower().endswith(".ipynb"):
                notebooks["/".join(parts)] = info
            if parts[-1] not in wanted:
                continue
            if parts[-1] in chosen_infos.get(where, {}):
                raise SubmissionError(f"the zip holds {info.filename!r} twice")
            candidates.setdefault(where, []).append(parts[-1])
            chosen_infos.setdefault(where, {})[parts[-1]] = info
        if not candidates and notebooks:
            shown = _one_notebook(list(notebooks))
            return _from_notebook(_read_member(archive, notebooks[shown], MAX_NOTEBOOK_BYTES, "notebooks"), shown)
        best, remarks = _choose(candidates, order)
        files = {}
        for name, info in chosen_infos[best].items():
            files[name] = _read_member(archive, info)
    return files, best, remarks


def _read_member(archive, info, limit=MAX_FILE_BYTES, what="exercise files"):
    shown = info.filename
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SubmissionError(f"zip member {shown!r} is a symbolic link; submit the file itself")
    if info.flag_bits & 0x1:
        raise SubmissionError(f"zip member {shown!r} is encrypted")
    if info.file_size > limit:
        raise SubmissionError(f"zip member {shown!r} is {_mb(info.file_size)}; {what} over {_mb(limit)} are refused")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > (64 << 10):
        raise SubmissionError(f"zip member {shown!r} compresses {info.file_size // info.compress_size}:1 (a zip bomb?)")
    try:
        with archive.open(info) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise SubmissionError(f"corrupt zip: cannot read {shown!r}: {exc or type(exc).__name__}")
    except Exception as exc:   # zlib.error and friends: still the zip's fault
        raise SubmissionError(f"corrupt zip: cannot read {shown!r}: {exc or type(exc).__name__}")
    if len(data) > limit:
        raise SubmissionError(f"zip member {shown!r} expands beyond {_mb(limit)} (its header says less)")
    return data
