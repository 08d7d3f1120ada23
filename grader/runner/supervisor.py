"""The grader's reading of one run: answer lines in, black-box replies out, an Outcome at the end.

It trusts nothing the child sends. A line that is not JSON, holds numbers past the limits, has
the wrong fields or types, answers a call twice or out of order, or speaks as the harness after
student code started, ends the run as the student's error ("sent back data the grader cannot
read"). Only what happened before the child said "ready" can make a run a sandbox error.
The transports (template.py, portable.py) move the bytes; this class decides what they mean.
"""
from __future__ import annotations

import json
import signal

import numpy as np

from clean_room.plain_data import DecodeError, decode, encode, one_line, parse
from clean_room.protocol import EXIT_CHANNEL_LOST, EXIT_HARNESS_FAILED, EXIT_SETUP_FAILED

from .outcome import CallResult, Outcome, StudentError, visible

_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")
_JSON = json.JSONEncoder(allow_nan=True, ensure_ascii=True, separators=(",", ":"))


class ProtocolError(ValueError):
    pass


class Supervisor:
    def __init__(self, calls, black_boxes, timeout, memory_mb, output_limit, answer_limit):
        self._args = (calls, black_boxes, timeout, memory_mb, output_limit, answer_limit)
        self.again = False
        self.calls = calls
        self.black_boxes = black_boxes or {}
        self.timeout = float(timeout)
        self.memory_mb = memory_mb
        self.output_limit = max(0, int(output_limit))
        self.answer_limit = answer_limit
        self.output = bytearray()
        self.output_cut = 0
        self.pending = bytearray()     # an answer line not finished yet
        self.to_child = bytearray()    # black-box replies waiting to be written
        self.answer_bytes = 0
        self.ready = False
        self.imported = False
        self.import_error = None
        self.import_memory = False
        self.results = []
        self.memory_stop = False
        self.done = False
        self.fatal = None
        self.broken = None             # why the answers could not be read
        self.timed_out = False
        self.grader_failed = None      # the grader's own failure (never the student's words)
        self.returncode = None

    def restart(self):
        """Forgets everything read: the job goes to another process."""
        self.__init__(*self._args)

    @property
    def finished(self):
        return bool(self.done or self.broken or self.fatal or self.grader_failed)

    # -- bytes in

    def output_bytes(self, data):
        room = self.output_limit - len(self.output)
        if room > 0:
            self.output += data[:room]
        self.output_cut += max(0, len(data) - max(room, 0))

    def answer_bytes_in(self, data):
        if self.finished:
            return
        self.answer_bytes += len(data)
        if self.answer_bytes > self.answer_limit:
            self.broken = f"sent back more than {self.answer_limit >> 20} MB"
            self.pending = bytearray()
            return
        start = len(self.pending)
        self.pending += data
        while not self.finished:
            end = self.pending.find(b"\n", start)
            if end < 0:
                return
            line = bytes(self.pending[:end])
            del self.pending[:end + 1]
            start = 0
            self._line(line)

    def _line(self, line):
        try:
            self._message(parse(line))
        except (DecodeError, ProtocolError) as exc:
            self.broken = f"sent back data the grader cannot read ({one_line(str(exc))[:300]})"

    # -- the protocol

    def _message(self, m):
        if type(m) is not dict:
            raise ProtocolError("an answer line is not a JSON object")
        keys = set(m)
        if not self.ready:
            # Nothing of the student's has run yet: the harness speaks.
            if m == {"ready": True}:
                self.ready = True
            elif keys == {"fatal"}:
                self.fatal = visible(str(m["fatal"]))[:2000]
            else:
                raise ProtocolError("an answer before the sandbox was ready")
        elif "ask" in m:
            self._answer_ask(m)
        elif "import" in m and not self.imported and self.import_error is None:
            if m["import"] == "ok" and keys == {"import", "seconds"}:
                self.imported = True
            elif m["import"] == "error" and keys == {"import", "seconds", "error", "memory"} \
                    and type(m["memory"]) is bool:
                self.import_error = _student_error(m["error"])
                self.import_memory = m["memory"]
            else:
                raise ProtocolError("a malformed import report")
        elif "call" in m and self.imported and not self.memory_stop:
            if type(m["call"]) is not int or m["call"] != len(self.results) \
                    or len(self.results) >= len(self.calls):
                raise ProtocolError(f"an answer for call {one_line(str(m['call'])[:20])} out of order")
            if not keys <= {"call", "seconds", "value", "error", "args_after", "memory"} or (
                    ("value" in m) == ("error" in m)) or m.get("memory", True) is not True:
                raise ProtocolError("a malformed answer")
            result = CallResult(seconds=_seconds(m.get("seconds")))
            if "error" in m:
                result.error = _student_error(m["error"])
            else:
                result.value = decode(m["value"])
            if "args_after" in m:
                after = decode(m["args_after"])
                if not (type(after) is tuple and len(after) == 2 and type(after[0]) is tuple
                        and type(after[1]) is dict):
                    raise ProtocolError("malformed arguments after the call")
                result.args_after = after
            self.results.append(result)
            if "memory" in m:
                self.memory_stop = True
        elif m in ({"done": True}, {"done": True, "again": True}) and (self.imported or self.import_error is not None):
            if self.imported and not self.memory_stop and len(self.results) != len(self.calls):
                raise ProtocolError("the run ended before every call was answered")
            self.done = True
            self.again = "again" in m   # the process waits for the student's next job
        else:
            raise ProtocolError(f"an unexpected message {one_line(str(sorted(map(str, keys)))[:60])}")

    def _answer_ask(self, m):
        """A call of an earlier exercise's function: the grader computes it and replies."""
        if set(m) != {"ask", "module", "function", "args", "kwargs"} or type(m["ask"]) is not int:
            raise ProtocolError("a malformed call of the course's functions")
        function = self.black_boxes.get(m["module"], {}).get(m["function"]) \
            if type(m["module"]) is str and type(m["function"]) is str else None
        if function is None:
            raise ProtocolError("a call of a course function this exercise does not import")
        args, kwargs = decode(m["args"]), decode(m["kwargs"])
        if type(args) is not tuple or type(kwargs) is not dict or not all(type(k) is str for k in kwargs):
            raise ProtocolError("malformed arguments for a course function")
        reply = {"reply": m["ask"]}
        try:
            _check_size((args, kwargs), m["function"])
            with np.errstate(all="ignore"):
                reply["value"] = encode(function(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - the student passed something the function refuses
            reply = {"reply": m["ask"], "error": {"type": type(exc).__name__, "message": str(exc)[:500]}}
        self.to_child += (_JSON.encode(reply) + "\n").encode("ascii")

    # -- the end

    def running(self):
        if not self.imported:
            return "import"
        if self.memory_stop:
            return self.calls[len(self.results) - 1].function
        if len(self.results) < len(self.calls):
            return self.calls[len(self.results)].function
        return None

    def _where(self):
        running = self.running()
        if running == "import":
            return "while the file was imported"
        if running is None:
            return "after the last call"
        return f"while running {running}(...)"

    def outcome(self, seconds, isolation):
        status, reason = self._verdict(self.returncode)
        output = visible(bytes(self.output).decode("utf-8", "replace"))
        if self.output_cut:
            output += f"\n[... {self.output_cut} bytes cut]"
        running = None if status == "ok" else self.running()
        if status == "import-error" or (status == "memory" and not self.imported):
            running = "import"
        return Outcome(status=status, results=self.results, import_error=self.import_error,
                       output=output, reason=reason, seconds=seconds, output_cut=self.output_cut,
                       running=running, returncode=self.returncode, isolation=isolation)

    def _verdict(self, returncode):
        where = self._where()
        if self.grader_failed:
            return "sandbox-error", f"the sandbox failed: {self.grader_failed}"
        if self.fatal is not None:
            return "sandbox-error", self.fatal
        if not self.ready and not self.timed_out and returncode == EXIT_SETUP_FAILED:
            return "sandbox-error", "the sandbox could not start (no reason given)"
        if self.broken:
            return "crashed", f"{self.broken} {where}"
        if self.import_error is not None:
            return self._import_verdict()
        if self.memory_stop:
            return "memory", f"ran out of memory (limit {self.memory_mb} MB) {where}"
        if self.done:
            return "ok", ""
        if self.timed_out:
            return "timeout", f"stopped after {self.timeout:.1f} s (an infinite loop?) {where}"
        if returncode is None:
            return "crashed", f"the process disappeared {where}"
        if returncode < 0:
            sig = -returncode
            if sig == signal.SIGXCPU:
                return "timeout", f"used more than {int(self.timeout) + 2} s of CPU time (an infinite loop?) {where}"
            if sig == signal.SIGKILL:
                return "crashed", f"was killed by SIGKILL (out of memory?) {where}"
            return "crashed", f"crashed with signal {_signal_name(sig)} {where}"
        if returncode == EXIT_CHANNEL_LOST:
            return "crashed", f"closed or replaced the grader's answer channel {where}"
        if returncode == EXIT_HARNESS_FAILED:
            return "crashed", f"broke the harness's code in its process {where}"
        return "exited", f"the process exited with os._exit({returncode}) {where}"

    def _import_verdict(self):
        err = self.import_error
        if self.import_memory or err.type == "MemoryError":
            return "memory", f"ran out of memory (limit {self.memory_mb} MB) while the file was imported"
        at = f" at line {err.line}" if err.line else ""
        if err.type in _SYNTAX_ERRORS:
            return "import-error", f"has a syntax error{at}: {err.message}"
        if err.type == "SystemExit":
            return "import-error", f"{err.message} while the file was imported"
        message = f": {err.message}" if err.message else ""
        return "import-error", f"raised {err.type}{at} while the file was imported{message}"


# What a course function computes on here, in the grader, at most. The tests use arrays of a
# few hundred numbers; these bounds keep any one call to milliseconds and megabytes, whatever
# the student passes: dw2 of two (1, 12000) arrays would otherwise be a 1.1 GB product, and
# two whole numbers can ask for as much (init_params(12000, 12000), train(..., epochs=10**12)).
MAX_SIDE = 1024
MAX_ELEMENTS = 1 << 16


def _check_size(value, function):
    """Raises ValueError (given back to the student's code) for arguments past the bounds."""
    total, todo = 0, [value]
    while todo:
        item = todo.pop()
        if isinstance(item, np.ndarray):
            if any(n > MAX_SIDE for n in item.shape):
                raise ValueError(f"the course's {function} takes arrays of at most {MAX_SIDE} per side here, "
                                 f"got shape {item.shape}")
            total += item.size
        elif isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            if abs(int(item)) > MAX_SIDE:   # a size, a count of epochs: the work it asks for
                raise ValueError(f"the course's {function} takes whole numbers of at most {MAX_SIDE} here, "
                                 f"got {int(item)}")
        elif isinstance(item, (list, tuple)):
            total += len(item)
            todo.extend(item)
        elif isinstance(item, dict):
            total += len(item)
            todo.extend(item.values())
        if total > MAX_ELEMENTS:
            raise ValueError(f"the course's {function} takes at most {MAX_ELEMENTS} numbers in all here")


def _seconds(value):
    return float(value) if type(value) in (int, float) and value == value and abs(value) < 1e9 else 0.0


def _student_error(d):
    expected = {"type": str, "message": str, "line": (int, type(None)),
                "source_line": (str, type(None)), "not_implemented": bool, "traceback": str}
    if type(d) is not dict or set(d) != set(expected):
        raise ProtocolError("a malformed error report")
    for key, types in expected.items():
        if not isinstance(d[key], types) or (key == "line" and type(d[key]) is bool):
            raise ProtocolError(f"a malformed error report ({key})")
    if d["line"] is not None and not 0 < d["line"] < 10**7:
        raise ProtocolError("a malformed error report (line)")
    # Shown inside the grader's lines: the type and the source line stay on one line, and a
    # message's further lines are marked as the message's, so none passes for a line of ours.
    message = "\n    | ".join(visible(d["message"][:2000]).splitlines())
    return StudentError(type=one_line(d["type"][:200]), message=message, line=d["line"],
                        source_line=None if d["source_line"] is None else one_line(d["source_line"][:500]),
                        not_implemented=d["not_implemented"], traceback=visible(d["traceback"][:10_000]))


def _signal_name(sig):
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


