"""Attacks on the sandbox's sessions (clean_room.server: one set of namespaces, one root and one
sandbox uid for all the runs of one student folder) by a student who has read the source.

Each test is one attack, and its docstring says why it fails ("HELD"). Three were holes when
written (a key in the uid's keyring read by a later run or a later student, and /tmp's inode
counter passed on); they are held since, and their docstrings say how.

What a session shares between its runs, and so what these attacks aim at: the sandbox uid
(200000 + the session's pid), the pid, mount, net, ipc and uts namespaces, and the root.
"""
import ctypes
import errno
import os

import pytest

from grader.runner import Call, one_student, run_student
from sandbox_students import children, in_a_child

ATTACKS = r"""
import array, ctypes, os, socket, time

os._runs_here = getattr(os, "_runs_here", 0) + 1   # this process's runs of this file (a kept process runs several)

def later_in_session():   # an earlier run of the session came first: a later pid, or this process again
    return os.getpid() > 2 or os._runs_here > 1

libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY, KEYCTL = 248, 250            # x86_64
USER_KEYRING, USER_SESSION_KEYRING = -4, -5
KEYCTL_DESCRIBE, KEYCTL_READ = 6, 11
CLONE_NEWUSER = 0x10000000

def err():
    return -ctypes.get_errno()

# ---------------------------------------------------------------- keys of the shared sandbox uid

def leave_key(text):
    made = libc.syscall(ADD_KEY, b"user", text.encode(), b"payload", 7, ctypes.c_int(USER_KEYRING))
    return [made if made >= 0 else err(), os.getuid()]

def keys_found():
    found = []
    for keyring in (USER_KEYRING, USER_SESSION_KEYRING):
        ids = (ctypes.c_int32 * 256)()
        n = libc.syscall(KEYCTL, KEYCTL_READ, ctypes.c_int(keyring), ids, ctypes.sizeof(ids))
        for key in ids[:max(n, 0) // 4]:
            text = ctypes.create_string_buffer(4096)
            if libc.syscall(KEYCTL, KEYCTL_DESCRIBE, key, text, 4096) >= 0:
                found.append(text.value.decode().rsplit(";", 1)[-1])
    return found

# ---------------------------------------------------------------- counters a session keeps

def burn_inodes(n):
    for _ in range(n):
        open("/tmp/x", "w").close()
        os.unlink("/tmp/x")
    os.utime("/tmp")                        # write permission on /tmp is enough to touch it
    return sorted(os.listdir("/tmp"))

def first_inode():
    with open("/tmp/probe", "w"):
        pass
    number = os.stat("/tmp/probe").st_ino
    os.unlink("/tmp/probe")
    return number

def burn_pids(n):
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    return os.getpid()

def pid():
    return os.getpid()

# ---------------------------------------------------------------- /tmp itself

def change_tmp():
    tried = {}
    for name, attempt in (("chmod", lambda: os.chmod("/tmp", 0o777)),
                          ("chown", lambda: os.chown("/tmp", os.getuid(), -1)),
                          ("xattr", lambda: os.setxattr("/tmp", "user.left", b"1")),
                          ("rename", lambda: os.rename("/tmp", "/tmp2")),
                          ("symlink", lambda: os.symlink("/student", "/tmp2")),
                          ("set_times", lambda: os.utime("/tmp", (1, 1)))):
        try:
            attempt()
            tried[name] = "done"
        except OSError as exc:
            tried[name] = exc.errno
    return tried

def tmp_state():
    st = os.stat("/tmp")
    return [oct(st.st_mode & 0o7777), st.st_uid, sorted(os.listdir("/tmp")), os.statvfs("/tmp").f_bfree]

def many_files(n):
    os.mkdir("/tmp/d")
    for i in range(n):
        open(f"/tmp/d/{i}", "w").close()
    return len(os.listdir("/tmp/d"))

# ---------------------------------------------------------------- in-flight descriptors

def in_flight():
    # a 15 MB file, unlinked, and a socket bound to an abstract name, both kept only by a
    # message in flight in that same socket's queue (a garbage cycle for the unix GC)
    fd = os.open("/tmp/big", os.O_CREAT | os.O_RDWR, 0o600)
    os.write(fd, b"x" * (15 << 20))
    os.unlink("/tmp/big")
    bound = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    bound.bind(b"\0left")
    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sender.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [bound.fileno(), fd]))],
                   0, b"\0left")
    return os.statvfs("/tmp").f_bfree

def name_taken():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.bind(b"\0left")
        return False
    except OSError:
        return True

# ---------------------------------------------------------------- processes

def hopping_processes():
    # chains of processes that fork and exit at once: the pid to kill keeps changing
    for _ in range(6):
        try:
            child = os.fork()
        except OSError:       # the chains fill the sandbox's process limit
            break
        if child == 0:
            os.setsid()
            while True:
                try:
                    if os.fork() != 0:
                        os._exit(0)
                except OSError:
                    pass
    time.sleep(0.2)
    return os.getpid()

def stopped_and_traced():
    # a stopped process, and one that is a tracee of another (both must still go)
    import signal
    a = os.fork()
    if a == 0:
        os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(0)
    b = os.fork()
    if b == 0:
        libc.ptrace(0, 0, None, None)            # PTRACE_TRACEME: the worker traces it
        time.sleep(600)
        os._exit(0)
    return [a, b]

def others():
    # every pid of the namespace that is there, but pid 1 (the session's init) and ours
    me, found = os.getpid(), []
    for p in range(2, me + 2000):
        if p == me:
            continue
        try:
            os.kill(p, 0)
            found.append(p)
        except ProcessLookupError:
            pass
        except PermissionError:
            found.append(p)
    return found

def user_namespace():
    return 0 if libc.unshare(CLONE_NEWUSER) == 0 else err()

def exit_with(code):
    os._exit(code)
"""


needs_root_x86 = pytest.mark.skipif(os.geteuid() != 0 or os.uname().machine != "x86_64",
                                    reason="root (to act as the sandbox uid) and x86_64 (key system calls)")


def write_student(folder):
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    path = folder / "ex06_output_layer.py"
    path.write_text(ATTACKS)
    return path


def run(path, staged, function, *args, timeout=5):
    return run_student(path, "ex06_output_layer", [Call(function, args)], staged=staged, timeout=timeout)


def value(out):
    assert out.status == "ok", (out.status, out.reason)
    result = out.results[0]
    assert result.error is None, result.error
    return result.value


# ------------------------------------------------------------------- helpers that act as a uid

KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_READ = 250, 1, 11
USER_KEYRING = -4


def as_uid(uid, action):
    """action(libc) in a forked process that has become `uid` (no groups, a new session keyring:
    what a later sandbox run with that uid is); its JSON result."""
    def become():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall(KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, None)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        return action(libc)
    return in_a_child(become)


def _user_keys(libc):
    """How many keys the uid's user keyring holds (KEYCTL_READ with no buffer: their ids' size)."""
    return max(0, libc.syscall(KEYCTL, KEYCTL_READ, ctypes.c_int(USER_KEYRING), None, 0)) // 4


# ============================================================== 1. a later run of the same session

@needs_root_x86
def test_student_code_cannot_leave_a_key_for_a_later_run(tmp_path, walled):
    """HELD since the red team found it. Every run of a session has the same uid (200000 + the
    session's pid), and the uid's *user* keyring (@u, @us) is the kernel's, per uid: run 1 added
    a key to @u (add_key(..., KEY_SPEC_USER_KEYRING)) and run 2 read its description (KEYCTL_READ,
    KEYCTL_DESCRIBE), up to 4 KB of chosen text a key. Now the seccomp filter of every run
    refuses add_key, request_key and keyctl (isolation.refuse_syscalls): EPERM, nothing made."""
    path = write_student(tmp_path / "alice")
    with one_student(path.parent) as staged:
        made, uid = value(run(path, staged, "leave_key", "answer of run one"))
        found = value(run(path, staged, "keys_found"))
        assert value(run(path, staged, "later_in_session")), "the runs did not share a session"
    assert made == -errno.EPERM, made
    assert found == []
    assert as_uid(uid, _user_keys) == 0


@needs_root_x86
def test_no_key_outlives_a_session_for_a_later_student_with_the_same_uid(tmp_path, walled):
    """HELD since the red team found it (another student). A key outlives its uid's processes,
    and the sandbox uid is 200000 + the session's pid, which a later session (another student)
    can get again in a long batch: that student would have read the key. No run can make one
    now (the filter above); here the test plays the later student, a process of that uid after
    the session ended, and finds nothing."""
    path = write_student(tmp_path / "alice")
    with one_student(path.parent) as staged:
        made, uid = value(run(path, staged, "leave_key", "for whoever gets my uid"))
    assert children() == []
    assert made == -errno.EPERM, made
    assert as_uid(uid, _user_keys) == 0


def test_tmp_inode_numbers_do_not_tell_what_the_previous_run_did(tmp_path, walled):
    """HELD since the red team found it (a covert channel between one student's runs). A run
    that deleted what it made in /tmp left it empty, and fresh_tmp kept that tmpfs: its inode
    counter, and /tmp's times, passed a number on to the next run. Now every run gets a new
    tmpfs. (Where the grader's Python or numpy lives under /tmp, enter() binds it inside /tmp
    and fresh_tmp empties the old tmpfs instead: that channel stays there, within one
    student's runs.)"""
    if tmp_binds():
        pytest.skip("the grader's Python or numpy lives under /tmp: /tmp is emptied, not replaced")
    path = write_student(tmp_path / "bob")
    with one_student(path.parent) as staged:
        before = value(run(path, staged, "first_inode"))
        assert value(run(path, staged, "burn_inodes", 300)) == []
        after = value(run(path, staged, "first_inode"))
        assert value(run(path, staged, "later_in_session")), "the runs did not share a session"
    assert after - before < 100, (before, after)


def test_pids_tell_nothing_across_students(tmp_path, walled):
    """HELD across students; accepted within one. The session's pid namespace hands out pids
    from one counter, so run 2 of a student sees how many processes run 1 forked (~15 bits):
    information passed between one student's own runs, which hold nothing secret from each
    other (each has only its own inputs; answers never enter a run). Another student's session
    is a new pid namespace: its first run is pid 2 whatever the previous student did."""
    path = write_student(tmp_path / "carol")
    with one_student(path.parent) as staged:
        before = value(run(path, staged, "pid"))
        value(run(path, staged, "burn_pids", 200))
        after = value(run(path, staged, "pid"))
    # within one student: the counter runs on, or the same process took both runs (documented)
    assert after == before or after - before >= 200
    other = write_student(tmp_path / "dave")
    with one_student(other.parent) as staged:
        assert value(run(other, staged, "pid")) == 2


def tmp_binds():
    """What the sandbox binds at the top of /tmp itself (a Python or numpy under the host's /tmp)."""
    from clean_room import isolation
    return isolation.tmp_binds(isolation.Plan())


def test_student_code_cannot_change_tmp_itself(tmp_path, walled):
    """HELD. /tmp is root's and mode 1777 (sticky): the sandbox uid cannot chmod or chown it,
    set a user xattr on it (sticky directory of another owner), rename it (a mount point, in a
    read-only root) or put a symlink beside it (read-only root); setting chosen times fails too
    (only "now" is allowed, see the inode test). The next run finds /tmp as the first did."""
    path = write_student(tmp_path / "dave")
    with one_student(path.parent) as staged:
        tried = value(run(path, staged, "change_tmp"))
        state = value(run(path, staged, "tmp_state"))
    assert all(v != "done" for v in tried.values()), tried
    assert state[:2] == ["0o1777", 0] and set(state[2]) <= tmp_binds(), state


def test_many_files_in_tmp_are_gone_and_the_next_run_is_fine(tmp_path, walled):
    """HELD. Thousands of files in a folder of /tmp: the init does not list them one by one (the
    /tmp is not empty: unmounted and replaced), and the next run finds an empty /tmp."""
    path = write_student(tmp_path / "erin")
    with one_student(path.parent) as staged:
        assert value(run(path, staged, "many_files", 20000)) == 20000
        state = value(run(path, staged, "tmp_state"))
    assert state[:2] == ["0o1777", 0] and set(state[2]) <= tmp_binds(), state


def test_a_file_kept_in_flight_does_not_fill_the_next_runs_tmp(tmp_path, walled):
    """HELD (here). Run 1 writes 15 MB to a file in /tmp, unlinks it and keeps it, with a socket
    bound to an abstract name, only in a message in flight in that socket's own queue. The next
    run gets a new tmpfs (and where the sandbox binds a Python inside /tmp, the old one emptied,
    whose blocks the kernel frees with the cycle), and the kernel's unix garbage collector frees
    the cycle once the last process has closed its descriptors (asynchronously since 6.10,
    before the next run here): the next run finds all of /tmp free and the name unbound."""
    path = write_student(tmp_path / "frank")
    with one_student(path.parent) as staged:
        empty = value(run(path, staged, "tmp_state"))
        value(run(path, staged, "in_flight"))
        after = value(run(path, staged, "tmp_state"))
        taken = value(run(path, staged, "name_taken"))
    assert after == empty, (empty, after)
    assert taken is False


def test_processes_that_keep_forking_are_gone_for_the_next_run(tmp_path, walled):
    """HELD. Chains of processes that fork and exit in a loop (so no pid stays to be killed), a
    stopped process and a traced one: kill(-1, SIGKILL) from the init takes every process of the
    namespace at once (a fork racing with it fails), and _reap_all repeats it until the init has
    no child left. The next run finds no other pid in the namespace (scanning with kill(p, 0))."""
    path = write_student(tmp_path / "grace")
    with one_student(path.parent) as staged:
        value(run(path, staged, "hopping_processes"))
        value(run(path, staged, "stopped_and_traced"))
        found = value(run(path, staged, "others"))
    assert found == []
    assert children() == []


def test_student_code_cannot_make_a_user_namespace(tmp_path, walled):
    """HELD. In a user namespace of its own a run would have every capability there (to make a
    pid namespace the init cannot see into, mounts...). unshare(CLONE_NEWUSER) is refused to a
    chrooted process (EPERM): lock_in chroots rather than pivot_root-ing."""
    path = write_student(tmp_path / "heidi")
    with one_student(path.parent) as staged:
        got = value(run(path, staged, "user_namespace"))
    assert got == -errno.EPERM, got


# ============================================================== 2. the template, the grader, others

def test_an_exit_code_is_reported_for_its_own_run_only(tmp_path, walled):
    """HELD. A run that ends with a chosen exit code (or is killed by the session's timeout)
    cannot make another run's outcome: the init reports {"exited": run, "status"} for the run
    it was given, the template relays it only for the run in flight (else it ends the session),
    and the grader takes the status of its own run id only."""
    path = write_student(tmp_path / "ivan")
    with one_student(path.parent) as staged:
        first = run(path, staged, "exit_with", 77)
        second = run(path, staged, "pid")
        busy = run(path, staged, "hopping_processes", timeout=1)   # returns; its chains go
        third = run(path, staged, "pid")
    assert first.returncode == 77
    # None: the run's process was kept for the next job (it ended nothing, so no exit code)
    assert second.status == "ok" and second.returncode in (0, None), (second.reason, second.returncode)
    assert busy.status == "ok" and third.status == "ok" and third.returncode in (0, None)
    assert children() == []


def test_another_student_finds_nothing_of_the_previous_one(tmp_path, walled):
    """HELD (but see the keyring hole: a reused session pid gives the same uid). Student A leaves
    processes, a file and a key; student B, graded next, gets a new session (pid 2 again, a new
    /tmp, another uid) and finds no process, no file and (with another uid) no key."""
    alice, bob = write_student(tmp_path / "alice"), write_student(tmp_path / "bob")
    with one_student(alice.parent) as a:
        value(run(alice, a, "hopping_processes"))
        value(run(alice, a, "many_files", 10))
        value(run(alice, a, "leave_key", "from alice"))
    assert children() == []
    with one_student(bob.parent) as b:
        assert value(run(bob, b, "pid")) == 2
        assert value(run(bob, b, "others")) == []
        state = value(run(bob, b, "tmp_state"))
        assert state[:2] == ["0o1777", 0] and set(state[2]) <= tmp_binds()
        assert "from alice" not in value(run(bob, b, "keys_found"))
    assert children() == []
