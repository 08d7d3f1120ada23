"""The progress line on stderr: graded/total, percent, rate and ETA.

On a terminal one line is redrawn in place (at most ten times a second); otherwise (CI logs,
pipes) a line is printed each time another tenth of the class is done, so logs stay short.
No thread: the batch's loop calls `update` as results arrive and on a timer.
"""
from __future__ import annotations

import sys
import time

BAR = 24


def clock(seconds):
    seconds = int(round(max(0.0, seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    def __init__(self, total, stream=None, enabled=True, tty=None):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        if tty is None:
            try:
                tty = self.stream.isatty()
            except (AttributeError, ValueError):
                tty = False
        self.tty = tty
        self.done = 0
        self.start = time.monotonic()
        self._drawn = 0.0
        self._tenths = 0
        self._width = 0

    def line(self, now=None):
        now = time.monotonic() if now is None else now
        elapsed = now - self.start
        fraction = self.done / self.total if self.total else 1.0
        filled = int(BAR * fraction)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if self.done >= self.total:
            eta = f"done in {clock(elapsed)}"
        elif self.done:
            eta = f"ETA {clock((self.total - self.done) / rate)}"
        else:
            eta = "ETA --:--"
        return (f"[{'#' * filled}{'.' * (BAR - filled)}] {self.done}/{self.total} "
                f"{fraction:4.0%}  {rate:.1f}/s  {eta}")

    def update(self, done=None, force=False):
        if done is not None:
            self.done = done
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            if force or now - self._drawn >= 0.1 or self.done >= self.total:
                text = self.line(now)
                pad = max(0, self._width - len(text))
                self.stream.write("\r" + text + " " * pad)
                self.stream.flush()
                self._width = len(text)
                self._drawn = now
        else:
            tenths = int(10 * self.done / self.total)
            if tenths > self._tenths:
                self._tenths = tenths
                self._drawn = now
                self.stream.write(self.line(now) + "\n")
                self.stream.flush()

    def finish(self):
        if self.enabled and self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0
