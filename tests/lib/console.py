"""Talk to a program's console: send it keys, wait for its output.

A Console runs a program with its standard input and output on pipes.
A thread reads the output as it comes, appends it to the test's log and
to a buffer that expect() searches.  Each expect() searches from where
the previous match ended, so old output is never matched twice.

Both the host build of Ferry (tests/host/) and QEMU, whose serial port
is its standard input and output (tests/lib/qemu.py), are driven this
way.
"""

import codecs
import os
import re
import subprocess
import threading
import time

#: Output kept in error messages when an expectation fails
TAIL_BYTES = 2000

#: Default pause between bytes sent, in seconds.  A bootloader polling a
#: UART with a 16-byte FIFO may miss bytes sent back to back.
DEFAULT_CHAR_DELAY_S = 0.005

#: What a terminal sends for each special key (xterm/VT100 sequences,
#: as core/keys.c decodes them)
KEYS = {
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "insert": "\x1b[2~",
    "delete": "\x1b[3~",
    "page-up": "\x1b[5~",
    "page-down": "\x1b[6~",
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "esc": "\x1b",
    "enter": "\r",
    "tab": "\t",
    "backspace": "\x7f",
    "ctrl-b": "\x02",
    "ctrl-c": "\x03",
    "ctrl-d": "\x04",
}

#: An ANSI escape sequence (CSI or a two-byte ESC sequence) in output
ANSI_ESCAPE = r"(?:\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_])"


def strip_ansi(text):
    """Remove ANSI escape sequences from console output."""
    return re.sub(ANSI_ESCAPE, "", text)


#: One token of console output: an escape sequence, or one character
_TERMINAL_TOKEN = re.compile(
    r"\x1b\[([0-9;?]*)[ -/]*([@-~])|\x1b[@-Z\\-_]|[\s\S]")


def render_line(text):
    """Show one line of output as a terminal would.

    Characters overwrite the line at the cursor; carriage return,
    backspace, tab and the escape sequences readline uses to edit in
    place (cursor left "ESC [ n D", right "ESC [ n C", to column
    "ESC [ n G", erase "ESC [ K") move the cursor or erase.  Other
    escape sequences (colours) are dropped.

    @v text     Output between two line feeds
    @ret line   What the terminal shows on that line
    """
    cells = []
    cursor = 0
    for token in _TERMINAL_TOKEN.finditer(text):
        char = token.group(0)
        final = token.group(2)
        if final is not None:
            params = token.group(1)
            count = int(params) if params.isdigit() else None
            if final == "D":
                cursor = max(0, cursor - (count or 1))
            elif final == "C":
                cursor += count or 1
            elif final == "G":
                cursor = max(0, (count or 1) - 1)
            elif final == "K" and count in (None, 0):
                del cells[cursor:]
            elif final == "K" and count == 2:
                cells = []
            continue
        if char.startswith("\x1b"):
            continue
        if char == "\r":
            cursor = 0
        elif char == "\b":
            cursor = max(0, cursor - 1)
        elif char == "\t":
            cursor = (cursor // 8 + 1) * 8
        elif char >= " " and char != "\x7f":
            if cursor > len(cells):
                cells.extend(" " * (cursor - len(cells)))
            if cursor == len(cells):
                cells.append(char)
            else:
                cells[cursor] = char
            cursor += 1
    return "".join(cells)


def output_lines(text):
    """Split console output into lines as a terminal would show them.

    See render_line(): line editing is replayed, so a line edited with
    the arrow keys reads as it finally looked on the screen.
    """
    return [render_line(line) for line in text.split("\n")]


class ExpectTimeout(AssertionError):
    """Output did not show what was expected in time."""


class ConsoleClosed(AssertionError):
    """The program ended before showing what was expected."""


class Console:
    """A program whose console is its standard input and output.

    @v argv          Command line
    @v log           Open text file (the test's log) that output goes to
    @v hard_timeout_s  Seconds after which the program is killed, however
                     the test is doing
    @v stdin_data    Bytes to write to standard input and then close it,
                     or None to keep it open for send()
    @v cwd, env      As for subprocess.Popen
    """

    def __init__(self, argv, log, hard_timeout_s=60, stdin_data=None,
                 cwd=None, env=None, name=None):
        self.argv = list(argv)
        self.log = log
        self.name = name or os.path.basename(argv[0])
        self.output = ""
        self.position = 0
        self.stderr = ""
        self.killed_by_timeout = False
        self._lock = threading.Condition()
        self._eof = False
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.note("start: %s" % " ".join(self.argv))
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=cwd, env=env, bufsize=0)
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self._watchdog = threading.Timer(hard_timeout_s, self._hard_timeout)
        self._watchdog.daemon = True
        self._watchdog.start()
        self.hard_timeout_s = hard_timeout_s
        if stdin_data is not None:
            self._write_all(stdin_data)
            self.close_stdin()

    # ---- output --------------------------------------------------------

    def note(self, message):
        """Write a line of the harness's own to the log."""
        if self.log:
            self.log.write("\n[test %s] %s\n" % (time.strftime("%H:%M:%S"),
                                                 message))
            self.log.flush()

    def _read_stdout(self):
        """Reader thread: collect standard output until it closes."""
        stream = self.process.stdout
        while True:
            try:
                data = os.read(stream.fileno(), 65536)
            except OSError:
                data = b""
            text = self._decoder.decode(data, final=not data)
            with self._lock:
                self.output += text
                if self.log and text:
                    self.log.write(text)
                    self.log.flush()
                if not data:
                    self._eof = True
                self._lock.notify_all()
            if not data:
                return

    def _read_stderr(self):
        """Reader thread: keep standard error apart, and log it."""
        for raw in iter(self.process.stderr.readline, b""):
            line = raw.decode("utf-8", "replace")
            with self._lock:
                self.stderr += line
                if self.log:
                    self.log.write("\n[stderr] " + line.rstrip("\n") + "\n")
                    self.log.flush()

    def _hard_timeout(self):
        """Watchdog: kill the program when the test overstays."""
        if self.process.poll() is None:
            self.killed_by_timeout = True
            self.note("hard timeout (%d s): killing pid %d"
                      % (self.hard_timeout_s, self.process.pid))
            self.process.kill()

    def tail(self, size=TAIL_BYTES):
        """The last part of the output, for error messages."""
        with self._lock:
            return self.output[-size:]

    def expect(self, pattern, timeout=10, flags=0, anchored=False,
               what=None):
        """Wait until output not yet matched matches a regular expression.

        @v pattern  Regular expression (str or compiled)
        @v timeout  Seconds to wait
        @v flags    re flags when pattern is a string
        @v anchored The match must start right after the previous one
        @v what     What is awaited, for the error message (default: the
                    pattern)
        @ret match  The match object; later searches start after it
        @raise ExpectTimeout or ConsoleClosed, with the output's tail
        """
        regex = re.compile(pattern, flags) if isinstance(pattern, str) \
            else pattern
        find = regex.match if anchored else regex.search
        what = what or repr(regex.pattern)
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                match = find(self.output, self.position)
                if match:
                    self.position = match.end()
                    return match
                if self._eof:
                    self.process.wait()
                    raise ConsoleClosed(
                        "%s ended (%s) before showing %s; last output:\n%s"
                        % (self.name, self._exit_text(), what,
                           self.output[-TAIL_BYTES:]))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ExpectTimeout(
                        "no %s%s within %g s; last output:\n%s"
                        % (what, " right after the last match"
                           if anchored else "", timeout,
                           self.output[-TAIL_BYTES:]))
                self._lock.wait(min(remaining, 0.5))

    def expect_line(self, text, timeout=10):
        """Wait for a whole line of output equal to text.

        Escape sequences at either end of the line are allowed, and a
        line ends with CR LF or LF.

        @ret match
        """
        return self.expect(
            r"(?<![^\r\n])(?:%s)*%s(?:%s)*\r?\n"
            % (ANSI_ESCAPE, re.escape(text), ANSI_ESCAPE), timeout,
            what="line %r" % text)

    def expect_exact(self, text, timeout=10):
        """Wait for a literal string."""
        return self.expect(re.escape(text), timeout, what=repr(text))

    def skip_to_end(self):
        """Consider all output so far as matched."""
        with self._lock:
            self.position = len(self.output)

    def unmatched(self):
        """Output after the last match."""
        with self._lock:
            return self.output[self.position:]

    def settle(self, quiet_s=0.3, timeout=5):
        """Wait until no output has come for quiet_s seconds.

        @ret text   Output after the last match (not consumed)
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            length = len(self.output)
            last_change = time.monotonic()
            while time.monotonic() < deadline and not self._eof:
                self._lock.wait(0.05)
                if len(self.output) != length:
                    length = len(self.output)
                    last_change = time.monotonic()
                elif time.monotonic() - last_change >= quiet_s:
                    break
            return self.output[self.position:]

    # ---- input ---------------------------------------------------------

    def _write_all(self, data):
        """Write bytes to standard input."""
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError) as error:
            raise ConsoleClosed("%s no longer reads its input (%s); "
                                "last output:\n%s" % (self.name, error,
                                                      self.tail())) from None

    def send(self, text, char_delay=DEFAULT_CHAR_DELAY_S):
        """Type text, a byte at a time with a pause after each.

        @v text        str (sent as UTF-8) or bytes
        @v char_delay  Seconds between bytes (0 to send all at once)
        """
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.note("send %r" % data if len(data) <= 80
                  else "send %d bytes: %r..." % (len(data), data[:40]))
        if not char_delay:
            self._write_all(data)
            return
        for index in range(len(data)):
            self._write_all(data[index:index + 1])
            time.sleep(char_delay)

    def send_key(self, name, after_delay=0.05):
        """Press a special key (see KEYS): its sequence is sent at once.

        @v name         Key name, e.g. "left", "home", "ctrl-c"
        @v after_delay  Seconds to pause afterwards, so that the next key
                        is not read as part of this key's sequence
        """
        sequence = KEYS[name].encode()
        self.note("key %s %r" % (name, sequence))
        self._write_all(sequence)
        time.sleep(after_delay)

    def close_stdin(self):
        """Close standard input: the program reads end-of-file."""
        try:
            self.process.stdin.close()
        except OSError:
            pass

    # ---- ending --------------------------------------------------------

    def _exit_text(self):
        """Describe how the program ended."""
        status = self.process.returncode
        if self.killed_by_timeout:
            return "killed after the %d s hard timeout" % self.hard_timeout_s
        if status is None:
            return "still running"
        if status < 0:
            return "killed by signal %d" % -status
        return "exit status %d" % status

    def wait_exit(self, timeout=10):
        """Wait for the program to end by itself.

        @ret status  Exit status
        @raise ExpectTimeout if it is still running after timeout seconds
        """
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise ExpectTimeout("%s still running %g s later; last output:\n%s"
                                % (self.name, timeout, self.tail())) from None
        for reader in self._readers:
            reader.join(2)
        self.note("exited: %s" % self._exit_text())
        return status

    def kill(self):
        """End the program if it still runs, and stop the watchdog.

        Safe to call more than once; tests call it in a finally.
        """
        self._watchdog.cancel()
        if self.process.poll() is None:
            self.note("killing pid %d" % self.process.pid)
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.close_stdin()
        for reader in self._readers:
            reader.join(2)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
