#!/usr/bin/env python3
"""Servers that stall: a client must give up by itself.

    stall_server.py ADDRESS PORT [--tftp] [--lifetime SECONDS]

TCP (the default): each connection is accepted and read from (so the
client's request is taken and acknowledged), but nothing is ever sent
back and the server never closes it.

TFTP (--tftp): a read request is answered with the first 512-byte DATA
block, from a port of its own (RFC 1350's transfer ID), and then nothing
more; each ACK that comes back is logged as "ACK <block>", so a test can
count the client's retransmissions.

Prints "listening" once it is ready.  It exits after its lifetime (300 s
by default), so a forgotten server cannot outlive a test for long.
"""

import argparse
import select
import socket
import struct
import sys
import time


#: TFTP opcodes
TFTP_RRQ, TFTP_DATA, TFTP_ACK = 1, 3, 4
#: The one block the TFTP server sends
TFTP_BLOCK = b"ferry-stall-" * 42 + b"ferry..."


def serve_tftp(address, port, deadline):
    """Answer read requests with one DATA block, then stay silent."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind((address, port))
    print("listening on %s:%d (TFTP)" % (address, port), flush=True)
    transfers = []
    while time.monotonic() < deadline:
        readable, _, _ = select.select([listener] + transfers, [], [], 1)
        for sock in readable:
            packet, peer = sock.recvfrom(65536)
            opcode = int.from_bytes(packet[:2], "big")
            if sock is listener and opcode == TFTP_RRQ:
                print("RRQ from %s:%d" % peer, flush=True)
                transfer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                transfer.bind((address, 0))
                transfer.sendto(struct.pack(">HH", TFTP_DATA, 1) +
                                TFTP_BLOCK[:512], peer)
                transfers.append(transfer)
            elif opcode == TFTP_ACK and len(packet) >= 4:
                print("ACK %d" % int.from_bytes(packet[2:4], "big"),
                      flush=True)
            else:
                print("opcode %d, %d bytes" % (opcode, len(packet)),
                      flush=True)


def main():
    """Serve until the lifetime is over."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("address")
    parser.add_argument("port", type=int)
    parser.add_argument("--tftp", action="store_true")
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()

    deadline = time.monotonic() + args.lifetime
    if args.tftp:
        serve_tftp(args.address, args.port, deadline)
        return 0
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.address, args.port))
    listener.listen(8)
    print("listening on %s:%d" % (args.address, args.port), flush=True)
    connections = []
    while time.monotonic() < deadline:
        readable, _, _ = select.select([listener] + connections, [], [], 1)
        for sock in readable:
            if sock is listener:
                connection, peer = listener.accept()
                print("accepted %s:%d" % peer, flush=True)
                connections.append(connection)
                continue
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if data:
                print("took %d bytes, answering nothing" % len(data),
                      flush=True)
            else:
                print("client closed", flush=True)
                connections.remove(sock)
                sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
