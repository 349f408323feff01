"""Downloads on bin/ferry.lkrn under QEMU, from real servers in a network
namespace: TFTP from atftpd (with windowsize) and from dnsmasq, HTTP
from the test server (tests/host/http_server.py), names from dnsmasq's
DNS, and downloads over a lossy link (loss, delay, reordering,
duplicates).  This machine's kernel has no netem, so the lossy link is
tests/lib/impair.py, a relay that impairs frames as netem would.

Each test boots Ferry once with an e1000 on a tap device in the
namespace, gets a lease from dnsmasq, fetches, and compares the sha256
Ferry prints with the file's.
"""

import hashlib
import os
import re
import sys
import time

from lib.registry import test, check, ROOT
from lib.ferry import boot_to_prompt, run_command
from lib.netns import Netns, dnsmasq

#: The server's address in the namespace
SERVER = "192.0.2.1"
#: The name dnsmasq's DNS gives the server
SERVER_NAME = "boot.example.test"
#: The lossy link: 5% loss, 50 ms (+-10 ms) delay, 10% reordering, 1%
#: duplicates toward Ferry (tests/lib/impair.py, as netem would)
IMPAIRMENT = ["0.05", "50", "10", "0.10", "0.01"]


def make_file(ctx, folder, name, size):
    """Write a file of pseudo-random bytes; return its sha256 (hex)."""
    os.makedirs(folder, exist_ok=True)
    digest = hashlib.sha256()
    block = hashlib.sha256(name.encode()).digest() * 2048
    with open(os.path.join(folder, name), "wb") as out:
        written = 0
        counter = 0
        while written < size:
            # Vary each 64 KiB so that no block repeats the last one
            piece = counter.to_bytes(8, "little") + block[8:]
            piece = piece[:min(len(piece), size - written)]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
            counter += 1
    return digest.hexdigest()


def impaired_link(ns):
    """Make the server's side of a lossy link: QEMU's tap "fguest0"
    reaches the server's address on "ftap0" only through the relay."""
    ns.run("ip", "tuntap", "add", "dev", "fguest0", "mode", "tap")
    ns.run("sysctl", "-q", "-w", "net.ipv6.conf.fguest0.disable_ipv6=1")
    ns.run("ip", "link", "set", "fguest0", "up")
    relay = ns.start([sys.executable, os.path.join(ROOT, "tests", "lib",
                                                   "impair.py"),
                      ns.name, "fguest0", "ftap0"] + IMPAIRMENT,
                     "%s-relay.log" % ns.ctx.name, outside=True)
    for _ in range(50):
        time.sleep(0.1)
        if "relaying" in open(os.path.join(ns.ctx.log_dir, "%s-relay.log"
                                           % ns.ctx.name)).read():
            break
    ns.run("ip", "addr", "add", SERVER + "/24", "dev", "ftap0")
    ns.run("ip", "link", "set", "ftap0", "up")
    return relay


def start_ferry(ctx, ns, memory_mb=1024, tap="ftap0"):
    """Boot Ferry on a tap in the namespace, get a lease; return the VM."""
    vm = ctx.qemu("-kernel", ctx.image("bin/ferry.lkrn"),
                  "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no"
                  % tap,
                  "-device", "e1000,netdev=n0", memory_mb=memory_mb,
                  netns=ns.name)
    boot_to_prompt(vm, ctx.version)
    lines = run_command(vm, "dhcp net0", timeout=90)
    check(any("ok" in line for line in lines), "no lease: %r" % lines[-3:])
    return vm


def fetch_and_check(vm, uri, name, sha, timeout):
    """imgfetch a URI and compare the sha256 Ferry computes.

    @v uri      URI
    @v name     Image name to give it
    @v sha      Expected sha256
    @v timeout  Seconds the download may take
    """
    lines = run_command(vm, "imgfetch --name %s %s" % (name, uri),
                        timeout=timeout)
    errors = [line for line in lines if line.startswith("error")]
    check(not errors, "fetching %s failed: %s" % (uri, errors))
    lines = run_command(vm, "sha256sum %s" % name, timeout=60)
    check(lines and lines[-1].split()[0] == sha,
          "sha256 of %s is %r, expected %s" % (uri, lines, sha))
    run_command(vm, "imgfree %s" % name)


def serve_http(ns, root):
    """Start the test HTTP server on port 80 in the namespace."""
    return ns.start([sys.executable, os.path.join(ROOT, "tests", "host",
                                                  "http_server.py"),
                     "--root", root, "--bind", SERVER, "--port", "80",
                     "--log", os.path.join(ns.ctx.tmpdir, "http.log"),
                     "--user", "ferry", "--password", "secret"],
                    "%s-http.log" % ns.ctx.name)


def atftpd(ns, root):
    """Start atftpd on the namespace's address."""
    return ns.start(["atftpd", "--daemon", "--no-fork", "--logfile", "-",
                     "--verbose=7",
                     "--user", "root.root", "--bind-address", SERVER,
                     "--port", "69", root], "%s-atftpd.log" % ns.ctx.name)


def tftp_test(ctx, server, netem=False, windowsize=None):
    """A 16 MiB TFTP download with the right sha256.

    @v server     "atftpd" or "dnsmasq"
    @v netem      Run under netem
    @v windowsize Window to ask for (${tftp-windowsize}), or None for
                  Ferry's default
    """
    root = os.path.join(ctx.tmpdir, "tftp")
    sha = make_file(ctx, root, "big16m.bin", 16 << 20)
    with Netns(ctx) as ns:
        if netem:
            impaired_link(ns)
        else:
            ns.add_tap("ftap0", SERVER + "/24")
        if server == "atftpd":
            dnsmasq(ns, "ftap0")
            atftpd(ns, root)
        else:
            dnsmasq(ns, "ftap0", tftp_dir=root)
        time.sleep(0.5)
        vm = start_ferry(ctx, ns, tap=("fguest0" if netem else "ftap0"))
        if windowsize:
            run_command(vm, "set tftp-windowsize %d" % windowsize)
        fetch_and_check(vm, "tftp://%s/big16m.bin" % SERVER, "big", sha,
                        timeout=600)
        vm.send("poweroff\r")
        vm.wait_exit(timeout=20)


@test("tftp-16m-atftpd-windowsize", timeout_s=300)
def tftp_atftpd(ctx):
    """16 MiB by TFTP from atftpd, which grants windowsize 16 when asked."""
    tftp_test(ctx, "atftpd", windowsize=16)
    log = open(os.path.join(ctx.log_dir, ctx.name + "-atftpd.log")).read()
    check("windowsize option -> 16" in log,
          "atftpd did not grant Ferry a window of 16 blocks")
    check("blksize option -> 1468" in log,
          "atftpd did not grant Ferry 1468-byte blocks")


@test("tftp-16m-dnsmasq", timeout_s=300)
def tftp_dnsmasq(ctx):
    """16 MiB by TFTP from dnsmasq (blksize, no windowsize)."""
    tftp_test(ctx, "dnsmasq")


@test("tftp-16m-netem", timeout_s=700)
def tftp_netem(ctx):
    """16 MiB by TFTP from atftpd with 5% loss, 50 ms delay, reordering
    and duplicates (the relay standing in for netem), with Ferry's
    default window of 256 blocks."""
    tftp_test(ctx, "atftpd", netem=True)
    log = open(os.path.join(ctx.log_dir, ctx.name + "-atftpd.log")).read()
    check("windowsize option -> 256" in log,
          "atftpd did not grant Ferry its default window of 256 blocks")


@test("http-real-server", timeout_s=400)
def http_real_server(ctx):
    """HTTP: 256 MiB, chunked, a redirect chain, Basic and Digest auth, a
    name from DNS, and a reset halfway that is resumed with Range."""
    root = os.path.join(ctx.tmpdir, "www")
    big = make_file(ctx, root, "big.bin", 256 << 20)
    small = make_file(ctx, root, "small.bin", 300 << 10)
    medium = make_file(ctx, root, "medium.bin", 8 << 20)
    with Netns(ctx) as ns:
        ns.add_tap("ftap0", SERVER + "/24")
        dnsmasq(ns, "ftap0", extra=["--host-record=%s,%s"
                                    % (SERVER_NAME, SERVER)])
        serve_http(ns, root)
        time.sleep(1)
        vm = start_ferry(ctx, ns, memory_mb=1024)
        base = "http://%s" % SERVER
        fetch_and_check(vm, base + "/files/big.bin", "big", big,
                        timeout=300)
        fetch_and_check(vm, base + "/chunked/small.bin", "chunked", small,
                        timeout=60)
        fetch_and_check(vm, base + "/redirect/5/small.bin", "redirected",
                        small, timeout=60)
        fetch_and_check(vm, "http://ferry:secret@%s/basic/small.bin"
                        % SERVER, "basic", small, timeout=60)
        fetch_and_check(vm, "http://ferry:secret@%s/digest/small.bin"
                        % SERVER, "digest", small, timeout=60)
        fetch_and_check(vm, "http://%s/files/small.bin" % SERVER_NAME,
                        "named", small, timeout=60)
        fetch_and_check(vm, base + "/reset/medium.bin", "resumed", medium,
                        timeout=120)
        vm.send("poweroff\r")
        vm.wait_exit(timeout=20)
    requests = open(os.path.join(ctx.tmpdir, "http.log")).read()
    ranges = re.findall(r"GET /reset/medium\.bin range=bytes=\d+-", requests)
    check(len(ranges) == 2, "expected two resumed requests, saw %r" % ranges)


@test("http-64m-netem", timeout_s=900)
def http_netem(ctx):
    """64 MiB by HTTP with 5% loss, 50 ms delay, reordering and
    duplicates."""
    root = os.path.join(ctx.tmpdir, "www")
    sha = make_file(ctx, root, "big.bin", 64 << 20)
    with Netns(ctx) as ns:
        impaired_link(ns)
        dnsmasq(ns, "ftap0")
        serve_http(ns, root)
        time.sleep(1)
        vm = start_ferry(ctx, ns, tap="fguest0")
        start = time.monotonic()
        fetch_and_check(vm, "http://%s/files/big.bin" % SERVER, "big", sha,
                        timeout=800)
        ctx.note("64 MiB under netem took %.0f s" % (time.monotonic() -
                                                      start))
        vm.send("poweroff\r")
        vm.wait_exit(timeout=20)


@test("http-reboot-new-port", timeout_s=240)
def http_reboot_new_port(ctx):
    """Three boots of the same machine fetch the same file the same way:
    each connection must come from a new local port.  A Ferry that chose
    its port and initial sequence number from a millisecond clock
    repeated the previous boot's, and the server, still holding that
    connection in TIME_WAIT, ignored the new SYN for a second (that
    Ferry failed this test about one run in three)."""
    root = os.path.join(ctx.tmpdir, "www")
    small = make_file(ctx, root, "small.bin", 64 << 10)
    log_path = os.path.join(ctx.tmpdir, "http.log")
    ports = []
    with Netns(ctx) as ns:
        ns.add_tap("ftap0", SERVER + "/24")
        dnsmasq(ns, "ftap0")
        serve_http(ns, root)
        time.sleep(1)
        for boot in range(3):
            vm = start_ferry(ctx, ns, memory_mb=256)
            fetch_and_check(vm, "http://%s/files/small.bin" % SERVER,
                            "small", small, timeout=60)
            vm.kill()
            found = re.findall(r"GET /files/small\.bin .* port=(\d+)",
                               open(log_path).read())
            check(len(found) == boot + 1,
                  "boot %d: expected %d requests in the server's log, "
                  "saw %r" % (boot, boot + 1, found))
            ports.append(int(found[-1]))
    ctx.note("local ports of the three boots: %r" % ports)
    check(len(set(ports)) == len(ports),
          "a reboot connected from the same local port: %r" % ports)
