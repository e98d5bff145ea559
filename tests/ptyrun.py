"""Run the CLI as a real subprocess under a pseudo-terminal and see what the terminal receives.

`run_pty(args)` runs `python -m crawler ARGS` with stdin, stdout and stderr on a pty (or stdout on a pipe,
`stdout_pipe=True`, as in `pressroom show DOC > file` typed on a terminal) and returns everything the
terminal got, as bytes. `PtyProcess` is the same, step by step, for tests that must act while the command
runs (wait for a line, then send a signal). `screen(data)` replays the bytes on a minimal terminal (carriage
return, line feed, erase-to-end-of-line, line wrap at the width; colours dropped) and returns the lines a
person would read, so a test can assert on the screen rather than on the byte stream.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

COLUMNS, ROWS = 100, 40


@dataclass(frozen=True)
class PtyResult:
    """What a finished command left: the terminal's bytes, stdout's bytes when piped, the exit status."""

    output: bytes  # everything written to the terminal (stderr, and stdout unless piped)
    stdout: bytes  # stdout's bytes when `stdout_pipe`, else b""
    returncode: int

    @property
    def text(self) -> str:
        """The terminal's bytes decoded, line ends as the terminal got them (\\r\\n)."""
        return self.output.decode("utf-8", errors="replace")

    @property
    def screen(self) -> list[str]:
        """The lines a person reads on the terminal."""
        return screen(self.output)


class PtyProcess:
    """`python -m crawler ARGS` on a pseudo-terminal; read what it writes, signal it, wait for it."""

    def __init__(
        self,
        args: list[str],
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stdout_pipe: bool = False,
        columns: int = COLUMNS,
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, columns, 0, 0))
        # What a person's shell would have: a terminal type and its size, no colour overrides.
        inherited = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")}
        full_env = {**inherited, "COLUMNS": str(columns), "LINES": str(ROWS), "TERM": "xterm", **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler", *args],
            stdin=slave,
            stdout=subprocess.PIPE if stdout_pipe else slave,
            stderr=slave,
            cwd=cwd,
            env=full_env,
            start_new_session=True,  # the pty becomes its controlling terminal, as in a real shell
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the terminal is closed (every writer gone)."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the last process holding the terminal closed it
            return False
        if not chunk:
            return False
        self.output += chunk
        return True

    def expect(self, pattern: str | bytes, timeout: float = 60.0) -> bytes:
        """Wait until the terminal has shown `pattern` (a regex); return the bytes up to the end of the match."""
        regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        while not (match := regex.search(self.output)):
            left = deadline - time.monotonic()
            if (left <= 0 or not self._read(min(left, 1.0))) and not (match := regex.search(self.output)):
                shown = self.output.decode(errors="replace")
                raise AssertionError(f"{pattern!r} never appeared on the terminal; it shows:\n{shown}")
        return bytes(self.output[: match.end()])

    def send_signal(self, sig: signal.Signals) -> None:
        """Signal the command's process (as a kill from another shell would)."""
        self.process.send_signal(sig)

    def wait(self, timeout: float = 120.0) -> PtyResult:
        """Read until the command ends and the terminal closes; return what it showed."""
        deadline = time.monotonic() + timeout
        stdout = b""
        try:
            while time.monotonic() < deadline and self._read(min(1.0, deadline - time.monotonic())):
                if self.process.poll() is not None and not select.select([self.master], [], [], 0.2)[0]:
                    break
            if self.process.stdout is not None:
                stdout = self.process.stdout.read()
            code = self.process.wait(max(0.1, deadline - time.monotonic()))
        finally:
            self.close()
        return PtyResult(bytes(self.output), stdout, code)

    def close(self) -> None:
        """Kill the command if it still runs and release the terminal."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        with contextlib.suppress(OSError):
            os.close(self.master)


def run_pty(
    args: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdout_pipe: bool = False,
    columns: int = COLUMNS,
    timeout: float = 120.0,
) -> PtyResult:
    """Run `python -m crawler ARGS` on a pseudo-terminal to its end; return what the terminal received."""
    return PtyProcess(args, env=env, cwd=cwd, stdout_pipe=stdout_pipe, columns=columns).wait(timeout)


_CONTROL = re.compile(rb"\x1b\[([0-9;?]*)([A-Za-z])|\x1b[()][A-Za-z0-9]|\x1b.|[\r\n\b]|[^\x1b\r\n\b]+", re.S)


def screen(data: bytes, columns: int = COLUMNS) -> list[str]:
    """Replay terminal output; return the lines as they stand at the end (scrolled-off ones included)."""
    lines: list[list[str]] = [[]]
    row = col = 0
    for match in _CONTROL.finditer(data):
        token = match.group(0)
        if token == b"\r":
            col = 0
        elif token == b"\n":
            row += 1
            col = 0  # the pty's ONLCR turns \n into \r\n
            if row == len(lines):
                lines.append([])
        elif token == b"\b":
            col = max(0, col - 1)
        elif match.group(2) == b"K":
            mode = match.group(1) or b"0"
            line = lines[row]
            if mode == b"0":
                del line[col:]
            elif mode == b"2":
                line[:] = []
            else:
                line[: col + 1] = [" "] * min(col + 1, len(line))
        elif token.startswith(b"\x1b"):
            continue  # colours and other sequences draw nothing
        else:
            for ch in token.decode("utf-8", errors="replace"):
                if col >= columns:  # wrap to the next row, as a terminal does
                    row, col = row + 1, 0
                    if row == len(lines):
                        lines.append([])
                line = lines[row]
                line.extend(" " * (col - len(line)))
                if col < len(line):
                    line[col] = ch
                else:
                    line.append(ch)
                col += 1
    out = ["".join(line).rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out
