"""A private network namespace for a test: tap devices and real servers.

    with Netns(ctx) as ns:
        ns.add_tap("ftap0", "192.0.2.1/24")
        ns.start(["dnsmasq", ...])            # runs inside the namespace
        vm = ctx.qemu(..., "-netdev", "tap,id=n0,ifname=ftap0,script=no,"
                      "downscript=no", netns=ns.name)

Only the documentation ranges 192.0.2.0/24 and 198.51.100.0/24 are used
inside.  Everything started is killed by pid, and the namespace is
deleted, when the block ends.
"""

import os
import signal
import subprocess
import time


class Netns:
    """A network namespace that lives as long as a with-block.

    @v ctx      The test's context (for the log and temporary files)
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.name = "ferry-e2e-%d" % os.getpid()
        self.processes = []

    def run(self, *argv):
        """Run a command inside the namespace and wait for it."""
        self.ctx.note("netns %s: %s" % (self.name, " ".join(argv)))
        subprocess.run(["ip", "netns", "exec", self.name] + list(argv),
                       check=True, capture_output=True)

    def __enter__(self):
        subprocess.run(["ip", "netns", "del", self.name],
                       capture_output=True)
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.run("ip", "link", "set", "lo", "up")
        return self

    def add_tap(self, name, address):
        """Create a tap device in the namespace with an address on it."""
        self.run("ip", "tuntap", "add", "dev", name, "mode", "tap")
        self.run("ip", "addr", "add", address, "dev", name)
        self.run("ip", "link", "set", name, "up")

    def start(self, argv, log_name, outside=False):
        """Start a server inside the namespace; its output goes to a log.

        @v argv      Command
        @v log_name  File name for its output, in the test's log folder
        @v outside   Start it in this namespace (it enters the test's
                     namespace itself, e.g. to reach both sides)
        @ret process The subprocess.Popen
        """
        log = open(os.path.join(self.ctx.log_dir, log_name), "w")
        prefix = [] if outside else ["ip", "netns", "exec", self.name]
        process = subprocess.Popen(prefix + list(argv), stdout=log,
                                   stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        self.processes.append(process)
        self.ctx.note("netns %s: started %s (pid %d)"
                      % (self.name, " ".join(argv), process.pid))
        return process

    def __exit__(self, *exc):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        subprocess.run(["ip", "netns", "del", self.name],
                       capture_output=True)
        return False


def dnsmasq(ns, interface, tftp_dir=None, boot_file=None, extra=()):
    """Start dnsmasq in a namespace serving DHCP (and optionally TFTP)
    on 192.0.2.0/24 from 192.0.2.1.

    @v interface  The tap device to serve
    @v tftp_dir   Folder to serve by TFTP, or None
    @v boot_file  DHCP boot file name (option 67), or None
    @v extra      Further dnsmasq options
    """
    argv = ["dnsmasq", "--no-daemon", "--conf-file=/dev/null",
            "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--interface=%s" % interface, "--except-interface=lo",
            "--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h",
            "--dhcp-option=option:router,192.0.2.1",
            "--dhcp-option=option:dns-server,192.0.2.1",
            "--log-dhcp", "--pid-file=",
            "--dhcp-leasefile=%s" % os.path.join(ns.ctx.tmpdir,
                                                 "leases")]
    if tftp_dir:
        argv += ["--enable-tftp", "--tftp-root=%s" % tftp_dir]
    if boot_file:
        argv += ["--dhcp-boot=%s" % boot_file]
    argv += list(extra)
    process = ns.start(argv, "%s-dnsmasq.log" % ns.ctx.name)
    time.sleep(0.5)
    return process
