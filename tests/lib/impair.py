"""A lossy link for tests, where the kernel has no netem.

    python3 tests/lib/impair.py NETNS GUEST_IF SERVER_IF LOSS DELAY_MS \\
        JITTER_MS REORDER DUPLICATE

Run inside nothing (it enters NETNS itself).  GUEST_IF is the tap device
QEMU uses (no address); SERVER_IF is a tap device this program creates,
which carries the server's address.  Frames from the guest pass straight
to the server; frames from the server to the guest are impaired the way
"tc qdisc add dev GUEST_IF root netem delay DELAY_MS JITTER_MS loss LOSS
reorder REORDER duplicate DUPLICATE" would impair them: each is dropped
with probability LOSS, duplicated with probability DUPLICATE, sent at
once (overtaking the delayed ones) with probability REORDER, and
otherwise delayed by DELAY_MS plus or minus JITTER_MS.

It prints "relaying" once ready and runs until killed.
"""

import ctypes
import fcntl
import heapq
import os
import random
import select
import socket
import struct
import sys
import time

#: ioctl and flags for tap devices
TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
#: setns() flag for network namespaces
CLONE_NEWNET = 0x40000000
#: Packet socket constants
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def enter_netns(name):
    """Move this process into a network namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open("/var/run/netns/" + name) as ns:
        if libc.setns(ns.fileno(), CLONE_NEWNET) != 0:
            sys.exit("impair: setns failed")


def main():
    netns, guest_if, server_if = sys.argv[1:4]
    loss, delay_ms, jitter_ms, reorder, duplicate = (
        float(x) for x in sys.argv[4:9])
    random.seed(1)
    enter_netns(netns)

    guest = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
    guest.bind((guest_if, ETH_P_ALL))
    guest.setblocking(False)
    server = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(server, TUNSETIFF, struct.pack("16sH", server_if.encode(),
                                               IFF_TAP | IFF_NO_PI))
    print("relaying", flush=True)

    pending = []
    serial = 0
    while True:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            guest.send(heapq.heappop(pending)[2])
        timeout = (max(0.0, pending[0][0] - now) if pending else 1.0)
        readable, _, _ = select.select([guest, server], [], [], timeout)
        if guest in readable:
            while True:
                try:
                    frame, address = guest.recvfrom(65536)
                except BlockingIOError:
                    break
                if address[2] != PACKET_OUTGOING:
                    os.write(server, frame)
        if server in readable:
            while True:
                try:
                    frame = os.read(server, 65536)
                except BlockingIOError:
                    break
                if random.random() < loss:
                    continue
                copies = 2 if random.random() < duplicate else 1
                for _ in range(copies):
                    if random.random() < reorder:
                        guest.send(frame)
                        continue
                    delay = (delay_ms + random.uniform(-jitter_ms,
                                                       jitter_ms)) / 1000.0
                    serial += 1
                    heapq.heappush(pending, (time.monotonic() + delay,
                                             serial, frame))


if __name__ == "__main__":
    main()
