"""Host test suites written as programs of their own.

Each runs bin/host/ferry against real servers in a network namespace it
makes (so they need root), or runs a fuzz target for a fixed number of
inputs, and reports PASS/FAIL lines of its own; here each program is
one test, failing if any of its checks failed or it did not finish.
"""

import os
import re
import subprocess

from lib.registry import test, check, ROOT

#: Exit status of a suite program that cannot run here (e.g. not root)
SKIP_STATUS = 77


def run_program(ctx, argv, timeout_s):
    """Run a suite program, log its output, and check its verdict.

    @v argv       Program and arguments (relative to the repository)
    @v timeout_s  Seconds it may take
    """
    ctx.note("running %s" % " ".join(argv))
    try:
        result = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                timeout=timeout_s)
    except subprocess.TimeoutExpired as expired:
        ctx.log.write((expired.output or b"").decode(errors="replace"))
        raise AssertionError("%s did not finish within %d s"
                             % (argv[0], timeout_s))
    output = result.stdout.decode(errors="replace")
    ctx.log.write(output)
    check(result.returncode != SKIP_STATUS,
          "%s could not run here (not root?)" % argv[0])
    failures = re.findall(r"^FAIL\b.*$", output, re.MULTILINE)
    check(not failures, "; ".join(failures[:3]))
    check(result.returncode == 0,
          "%s exited with status %d" % (argv[0], result.returncode))
    check(re.search(r"^PASS\b", output, re.MULTILINE) or "Done" in output,
          "%s reported nothing" % argv[0])


@test("x86-string-ops", suite="host", quick=True, timeout_s=60)
def x86_string_ops(ctx):
    """arch/x86/string_ops.asm (memcpy, memmove, memset) and
    checksum_blocks.asm in a 32-bit program: every length to 200 at every
    alignment, overlaps both ways, checksum blocks up to the largest."""
    binary = "bin/host/x86-string-ops-test"
    check(os.path.exists(os.path.join(ROOT, binary)),
          "%s is not built (make %s, or make test)" % (binary, binary))
    run_program(ctx, [binary], 30)


@test("host-net-ipv4", suite="host", timeout_s=120)
def host_net_ipv4(ctx):
    """IPv4, ARP, ICMP and routes through a TAP device in a namespace."""
    run_program(ctx, ["bash", "tests/host/net_ipv4_test.sh",
                      ctx.image("bin/host/ferry")], 100)


@test("host-net-tcp", suite="host", timeout_s=240)
def host_net_tcp(ctx):
    """TCP against Linux through a TAP device: clean, impaired download,
    impaired upload (a relay stands in for netem where the kernel has
    none)."""
    run_program(ctx, ["bash", "tests/host/net_tcp_test.sh",
                      ctx.image("bin/host/ferry")], 220)


@test("host-net-dhcp", suite="host", timeout_s=150)
def host_net_dhcp(ctx):
    """DHCP, proxyDHCP and DNS against real dnsmasq through TAP devices."""
    run_program(ctx, ["bash", "tests/host/net_dhcp_test.sh",
                      ctx.image("bin/host/ferry")], 120)


@test("host-net-http", suite="host", timeout_s=150)
def host_net_http(ctx):
    """HTTP against real servers: keep-alive, chunked, redirects, auth,
    resume after a reset, stalls, truncation, 256 MiB."""
    run_program(ctx, ["bash", "tests/host/net_http_test.sh",
                      ctx.image("bin/host/ferry")], 140)


@test("host-net-tftp", suite="host", timeout_s=200)
def host_net_tftp(ctx):
    """TFTP from atftpd (windowsize 256 and 16) and dnsmasq: 16 MiB and a
    small file with the right sha256, a missing file's one error."""
    run_program(ctx, ["bash", "tests/host/net_tftp_test.sh",
                      ctx.image("bin/host/ferry")], 190)


def run_fuzzer(ctx, name, runs, extra=()):
    """Run a fuzz target for a fixed number of inputs, after the inputs
    that once found bugs in it (tests/fuzz/regress/<name>/, if any).

    @v name     Target name (bin/host/<name>-fuzz)
    @v runs     Number of inputs
    @v extra    Further libFuzzer options
    """
    binary = ctx.image("bin/host/%s-fuzz" % name)
    regress_dir = os.path.join(ROOT, "tests", "fuzz", "regress", name)
    if os.path.isdir(regress_dir):
        inputs = sorted(os.path.join(regress_dir, entry)
                        for entry in os.listdir(regress_dir))
        ctx.note("regression inputs: %s" % " ".join(inputs))
        result = subprocess.run([binary] + inputs, cwd=ctx.tmpdir,
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=60)
        ctx.log.write(result.stdout.decode(errors="replace"))
        check(result.returncode == 0,
              "%s failed on a regression input (exit status %d)"
              % (binary, result.returncode))
    run_program(ctx, [binary, "-runs=%d" % runs, "-seed=1", "-timeout=10"]
                + list(extra), 280)


@test("fuzz-script", suite="host", timeout_s=300)
def fuzz_script(ctx):
    """The script parser and expander under libFuzzer: no crash, no report."""
    run_fuzzer(ctx, "script", 20000, ["-max_len=4096",
                                      "-dict=tests/fuzz/script.dict"])


@test("fuzz-net-parse", suite="host", timeout_s=300)
def fuzz_net_parse(ctx):
    """The DHCP and DNS parsers under libFuzzer: no crash, no report."""
    run_fuzzer(ctx, "net-parse", 50000, ["-max_len=1500"])


@test("docs-errors-current", suite="host", quick=True, timeout_s=60)
def docs_errors_current(ctx):
    """docs/errors.md lists the codes of the current sources."""
    generated = subprocess.run(["python3", "util/errors.py"], cwd=ROOT,
                               capture_output=True, text=True,
                               check=True).stdout
    with open(os.path.join(ROOT, "docs", "errors.md")) as f:
        current = f.read()
    check(generated == current,
          "docs/errors.md is out of date: run make errors-doc")


@test("host-net-https", suite="host", timeout_s=300)
def host_net_https(ctx):
    """HTTPS against OpenSSL and Python servers: a TRUST= build; good,
    wrong-name, expired and untrusted certificates."""
    run_program(ctx, ["bash", "tests/host/net_https_test.sh",
                      ctx.image("bin/host/ferry")], 280)


@test("fuzz-tls-san", suite="host", timeout_s=300)
def fuzz_tls_san(ctx):
    """The TLS certificate-address parser under libFuzzer."""
    run_fuzzer(ctx, "tls-san", 100000, ["-max_len=4096"])


@test("fuzz-image-parse", suite="host", timeout_s=300)
def fuzz_image_parse(ctx):
    """The kernel, ELF, multiboot, gzip and cpio parsers under libFuzzer."""
    run_fuzzer(ctx, "image-parse", 50000, ["-max_len=65536"])


@test("fuzz-net-input", suite="host", timeout_s=300)
def fuzz_net_input(ctx):
    """Ethernet, ARP, IPv4, ICMP, UDP and TCP input, and HTTP response
    parsing (headers, chunked bodies, challenges) under libFuzzer."""
    run_fuzzer(ctx, "net-input", 50000, ["-max_len=4096"])


@test("fuzz-tftp", suite="host", timeout_s=300)
def fuzz_tftp(ctx):
    """The TFTP client in an open transfer under libFuzzer: OACKs, DATA
    with any block number and size, ERRORs, time passing, cancels."""
    run_fuzzer(ctx, "tftp", 60000, ["-max_len=4096"])
