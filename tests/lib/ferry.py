"""What Ferry's console looks like, for tests that talk to it.

The contract these helpers rely on (core/main.c, core/shell.c):

  - the banner: a line "Ferry <VERSION> -- ..." (the version may be set
    in bold), then a features line, then
    "Press Ctrl-B for the Ferry command line..." for a moment;
  - the prompt "ferry> ";
  - a command's output follows the echoed command line, and ends with
    the next prompt;
  - errors are one line "error 0x<8 hex digits>: <message> (<context>)".
"""

import re

from lib.console import ANSI_ESCAPE, output_lines

#: The command-line prompt
PROMPT = "ferry> "
#: The offer of the command line after the banner
CTRL_B_OFFER = "Press Ctrl-B for the Ferry command line..."
#: A prompt at the start of a line, possibly after colour sequences
PROMPT_PATTERN = r"(?<![^\r\n])(?:%s)*%s" % (ANSI_ESCAPE, re.escape(PROMPT))
#: An error line
ERROR_PATTERN = r"error 0x[0-9a-f]{8}: .+"


def banner_pattern(version):
    """Regular expression for the banner line's start, in raw output."""
    return r"Ferry(?:%s)* %s\b" % (ANSI_ESCAPE, re.escape(version))


def boot_to_prompt(console, version, timeout=30):
    """Wait for the banner, press Ctrl-B, and wait for the prompt.

    @v console  A Console (QEMU or the host program)
    @v version  The expected version (from VERSION)
    @v timeout  Seconds to wait for the banner
    @ret banner The banner line as shown (escape sequences removed)
    """
    match = console.expect(banner_pattern(version) + r"[^\r\n]*\r?\n",
                           timeout, what="banner line 'Ferry %s ...'"
                           % version)
    banner = output_lines(match.group(0))[0]
    console.expect_exact(CTRL_B_OFFER, timeout=10)
    console.send_key("ctrl-b")
    console.expect(PROMPT_PATTERN, timeout=10, what="prompt %r" % PROMPT)
    return banner


def run_command(console, command, timeout=10):
    """Type a command, wait for the next prompt, return what it printed.

    @v console  A Console at a fresh prompt
    @v command  Command line, without the Enter
    @ret lines  The lines printed between the command and the next
                prompt, as a terminal shows them
    """
    console.send(command + "\r")
    start = console.position
    prompt = console.expect(PROMPT_PATTERN, timeout,
                            what="prompt %r after %r" % (PROMPT, command))
    lines = output_lines(console.output[start:prompt.start()])
    # The first line is the rest of the echoed command line; the last is
    # the empty start of the prompt's own line
    return lines[1:-1] if len(lines) >= 2 else []
