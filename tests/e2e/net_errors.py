"""Bad input from the network on bin/ferry.lkrn under QEMU: each failure
ends with one clear error line, a fresh prompt, in bounded time, and no
half image left behind.

One VM (an e1000 on a tap device in a private namespace) gets a lease
from dnsmasq and then runs every download case in turn, against real
servers in the namespace:

  http-404         the test HTTP server's 404 for a missing file
  tftp-404         dnsmasq's TFTP answering "file not found"
  refused          a port nothing listens on (the kernel sends a RST)
  tftp-refused     a UDP port nothing listens on (the kernel answers
                   with ICMP "port unreachable"): at once, not after
                   every retry
  unknown-host     a name dnsmasq's DNS answers with NXDOMAIN
  stall-silent     a server that accepts, takes the request, and never
                   answers (tests/lib/stall_server.py)
  stall-body       headers and 1000 bytes of the body, then silence
  truncated        a Content-Length larger than what is sent before
                   the server closes
  tftp-stall       a TFTP server that sends the first block and then
                   nothing (tests/lib/stall_server.py --tftp): Ferry
                   must repeat its ACK, then give up, and the block it
                   has must not become an image

A second VM, on a tap with no DHCP server behind it, runs "dhcp" until
it gives up, with the default timeout and with "dhcp-timeout" set.

Each expected error line is built from docs/errors.md (code and message),
so a message changed in the sources without the page, or the other way
round, fails here too.
"""

import os
import re
import sys
import time

from lib.console import ExpectTimeout
from lib.registry import test, check, ROOT
from lib.ferry import boot_to_prompt, run_command
from lib.netns import Netns, dnsmasq

#: The servers' address in the namespace
SERVER = "192.0.2.1"
#: A name dnsmasq's DNS knows
GOOD_NAME = "boot.example.test"
#: A name in the same domain that it does not (answered NXDOMAIN)
UNKNOWN_NAME = "nosuch.example.test"
#: Port of the server that never answers
STALL_PORT = 8081
#: Port of the TFTP server that stops after one block
TFTP_STALL_PORT = 6969
#: Port nothing listens on
CLOSED_PORT = 9
#: Size of the file the good fetch gets
SMALL_SIZE = 300 << 10
#: Size of the file the truncated and stalled bodies come from
MEDIUM_SIZE = 1 << 20
#: Seconds a case that needs no timeout may take (TCG is slow)
QUICK_LIMIT_S = 30
#: Seconds a stall may take: Ferry's HTTP idle timeout is 30 s
STALL_LIMIT_S = 75
#: Seconds a TFTP stall may take: Ferry retries 7 times, backing off
#: from 1 s to 8 s, about 47 s in all
TFTP_STALL_LIMIT_S = 90
#: ACKs of the first block the stalled TFTP server must see at least
#: (the first, and Ferry's retransmissions)
TFTP_STALL_ACKS = 4
#: The MAC address QEMU gives the first NIC
MAC = "52:54:00:12:34:56"


class Case:
    """One download that must fail.

    @v name     Short name, reported when it fails
    @v uri      URI fetched
    @v error    (source file, error name) in docs/errors.md
    @v limit_s  Seconds the fetch may take at most
    @v least_s  Seconds it must take at least (a timeout that fires
                early is wrong too)
    """

    def __init__(self, name, uri, error, limit_s=QUICK_LIMIT_S, least_s=0):
        self.name = name
        self.uri = uri
        self.error = error
        self.limit_s = limit_s
        self.least_s = least_s


CASES = [
    Case("http-404", "http://%s/files/missing.bin" % SERVER,
         ("net/http.c", "ENOENT_HTTP_404")),
    Case("tftp-404", "tftp://%s/missing.bin" % SERVER,
         ("net/tftp.c", "ENOENT_TFTP")),
    Case("refused", "http://%s:%d/nothing" % (SERVER, CLOSED_PORT),
         ("net/tcp.c", "ECONNREFUSED_RST")),
    Case("tftp-refused", "tftp://%s:%d/nothing.bin" % (SERVER, CLOSED_PORT),
         ("net/icmp_unreachable.c", "ECONNREFUSED_PORT"), limit_s=10),
    Case("unknown-host", "http://%s/files/small.bin" % UNKNOWN_NAME,
         ("net/dns.c", "ENOENT_NAME")),
    Case("stall-silent", "http://%s:%d/files/small.bin"
         % (SERVER, STALL_PORT), ("net/http.c", "ETIMEDOUT_HTTP_IDLE"),
         limit_s=STALL_LIMIT_S, least_s=20),
    Case("stall-body", "http://%s/stall/medium.bin" % SERVER,
         ("net/http.c", "ETIMEDOUT_HTTP_IDLE"), limit_s=STALL_LIMIT_S,
         least_s=20),
    Case("truncated", "http://%s/truncate/medium.bin" % SERVER,
         ("net/http.c", "EIO_HTTP_TRUNCATED")),
    Case("tftp-stall", "tftp://%s:%d/stall.bin" % (SERVER, TFTP_STALL_PORT),
         ("net/tftp.c", "ETIMEDOUT_TFTP"), limit_s=TFTP_STALL_LIMIT_S,
         least_s=30),
]


def documented_errors():
    """Read docs/errors.md's table of codes.

    @ret errors  {(file, name): (code, message)}
    """
    errors = {}
    row = re.compile(r"^\| (0x[0-9a-f]{8}) \| (\S+) \| (\w+) \| (.+) \|$")
    with open(os.path.join(ROOT, "docs", "errors.md")) as page:
        for line in page:
            match = row.match(line.rstrip("\n"))
            if match:
                code, source, name, message = match.groups()
                errors[(source, name)] = (code, message)
    return errors


def expected_line(errors, error, context):
    """The error line Ferry must print.

    @v errors   documented_errors()
    @v error    (source file, error name)
    @v context  What the error is about (the URI, a device name)
    @ret line   "error 0x...: message (context)"
    """
    check(error in errors, "docs/errors.md lists no %s in %s"
          % (error[1], error[0]))
    code, message = errors[error]
    return "error %s: %s (%s)" % (code, message, context)


def timed_command(vm, command, timeout):
    """Run a command at the prompt and time it.

    @ret lines, seconds  What it printed, and how long until the prompt
    """
    start = time.monotonic()
    lines = run_command(vm, command, timeout=timeout)
    return lines, time.monotonic() - start


def check_one_error(lines, expected, progress):
    """The lines a failed command printed are exactly one error line,
    plus lines matching progress.

    @v lines    What the command printed
    @v expected The error line
    @v progress Regular expression for the other lines allowed
    @ret problem A description of what is wrong, or None
    """
    errors = [line for line in lines if "error" in line]
    others = [line for line in lines
              if "error" not in line and not re.fullmatch(progress, line)]
    if len(errors) != 1:
        return "%d error lines: %r" % (len(errors), lines)
    if errors[0] != expected:
        return "error line %r, expected %r" % (errors[0], expected)
    if others:
        return "unexpected lines %r" % others
    return None


def write_file(path, size):
    """Write a file of size bytes (its content does not matter)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pattern = bytes(range(256)) * 4096
    with open(path, "wb") as out:
        written = 0
        while written < size:
            piece = pattern[:size - written]
            out.write(piece)
            written += len(piece)


def boot_on_tap(ctx, ns):
    """Boot Ferry with an e1000 on the namespace's tap "ftap0"."""
    vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                  "-netdev", "tap,id=n0,ifname=ftap0,script=no,downscript=no",
                  "-device", "e1000,netdev=n0", netns=ns.name)
    boot_to_prompt(vm, ctx.version)
    return vm


@test("net-errors-downloads", timeout_s=600)
def net_errors_downloads(ctx):
    """A 404 (HTTP and TFTP), a refused connection, an unknown host, two
    HTTP stalls, a truncated body and a TFTP stall: one error line each,
    then a prompt, in bounded time, and no image left."""
    errors = documented_errors()
    www = os.path.join(ctx.tmpdir, "www")
    write_file(os.path.join(www, "small.bin"), SMALL_SIZE)
    write_file(os.path.join(www, "medium.bin"), MEDIUM_SIZE)
    tftp_root = os.path.join(ctx.tmpdir, "tftp")
    os.makedirs(tftp_root)
    failures = []
    hung = False
    with Netns(ctx) as ns:
        ns.add_tap("ftap0", SERVER + "/24")
        dnsmasq(ns, "ftap0", tftp_dir=tftp_root,
                extra=["--local=/example.test/",
                       "--host-record=%s,%s" % (GOOD_NAME, SERVER)])
        ns.start([sys.executable,
                  os.path.join(ROOT, "tests", "host", "http_server.py"),
                  "--root", www, "--bind", SERVER, "--port", "80",
                  "--log", os.path.join(ctx.tmpdir, "http.log")],
                 "%s-http.log" % ctx.name)
        ns.start([sys.executable,
                  os.path.join(ROOT, "tests", "lib", "stall_server.py"),
                  SERVER, str(STALL_PORT), "--lifetime", "500"],
                 "%s-stall.log" % ctx.name)
        ns.start([sys.executable,
                  os.path.join(ROOT, "tests", "lib", "stall_server.py"),
                  SERVER, str(TFTP_STALL_PORT), "--tftp", "--lifetime",
                  "500"], "%s-tftp-stall.log" % ctx.name)
        time.sleep(1)
        vm = boot_on_tap(ctx, ns)
        lines = run_command(vm, "dhcp net0", timeout=90)
        check(any(line.endswith(" ok") for line in lines),
              "no lease: %r" % lines[-3:])

        # A good fetch by name first: DNS and HTTP work, and imgstat
        # shows one image that every failure below must leave alone
        lines = run_command(vm, "imgfetch --name good http://%s/files/"
                            "small.bin" % GOOD_NAME, timeout=60)
        check(not [line for line in lines if "error" in line],
              "the good fetch failed: %r" % lines)
        good = run_command(vm, "imgstat")
        # (random bytes: whatever type they are taken for, e.g. an NBP)
        check(len(good) == 1 and re.fullmatch(
            r"good : %d bytes( \[[^]]+\])?" % SMALL_SIZE, good[0]),
              "imgstat after the good fetch: %r" % good)

        for case in CASES:
            expected = expected_line(errors, case.error, case.uri)
            progress = r"%s\.\.\. .*/s" % re.escape(case.uri)
            try:
                lines, seconds = timed_command(
                    vm, "imgfetch --name %s %s" % (case.name, case.uri),
                    case.limit_s + 30)
            except ExpectTimeout:
                failures.append("%s: no prompt within %d s"
                                % (case.name, case.limit_s + 30))
                hung = True
                break
            ctx.note("%s: %.1f s, %r" % (case.name, seconds, lines))
            problem = check_one_error(lines, expected, progress)
            if not problem and not case.least_s <= seconds <= case.limit_s:
                problem = "took %.1f s, expected %d..%d s" % (
                    seconds, case.least_s, case.limit_s)
            if not problem:
                images = run_command(vm, "imgstat")
                if images != good:
                    problem = "imgstat afterwards shows %r" % images
            if problem:
                failures.append("%s: %s" % (case.name, problem))

        # A hung Ferry is reported with the case it hung in
        check(not hung, "; ".join(failures))

        # The stalled TFTP transfer was retried before it was given up
        with open(os.path.join(ctx.log_dir, "%s-tftp-stall.log"
                               % ctx.name)) as log:
            acks = log.read().count("ACK 1\n")
        if acks < TFTP_STALL_ACKS:
            failures.append("tftp-stall: the server saw %d ACKs of block "
                            "1, expected at least %d"
                            % (acks, TFTP_STALL_ACKS))

        # Nothing printed late, after a prompt: the console is quiet
        lines = run_command(vm, "echo still-here")
        if lines != ["still-here"]:
            failures.append("output after the cases: %r" % lines)
        vm.send("poweroff\r")
        vm.wait_exit(timeout=20)
    check(not failures, "; ".join(failures))


@test("net-errors-dhcp-silent", timeout_s=300)
def net_errors_dhcp_silent(ctx):
    """dhcp with no DHCP server: one error line after its timeout (the
    default 60 s, and a "dhcp-timeout" of 5 s), a prompt, no address."""
    errors = documented_errors()
    expected = expected_line(errors, ("net/dhcp.c", "ETIMEDOUT_DISCOVER"),
                             "net0")
    configuring = r"Configuring \(net0 %s\)\.* " % re.escape(MAC)
    with Netns(ctx) as ns:
        ns.add_tap("ftap0", SERVER + "/24")
        vm = boot_on_tap(ctx, ns)
        for setting, least_s, limit_s in ((None, 55, 90), ("5", 4, 20)):
            if setting:
                check(run_command(vm, "set dhcp-timeout %s" % setting) == [],
                      "set dhcp-timeout printed something")
            lines, seconds = timed_command(vm, "dhcp net0", limit_s + 30)
            ctx.note("dhcp-timeout %s: %.1f s, %r" % (setting, seconds,
                                                      lines))
            check(len(lines) == 1 and re.fullmatch(
                configuring + re.escape(expected), lines[0]),
                "dhcp (timeout %s) printed %r, expected one line ending "
                "%r" % (setting or "default", lines, expected))
            check(least_s <= seconds <= limit_s,
                  "dhcp (timeout %s) took %.1f s, expected %d..%d s"
                  % (setting or "default", seconds, least_s, limit_s))
        check(run_command(vm, "echo ip=${net0/ip}") == ["ip="],
              "net0 has an address after DHCP failed")
        check(run_command(vm, "imgstat") == [], "imgstat shows images")
        vm.send("poweroff\r")
        vm.wait_exit(timeout=20)
