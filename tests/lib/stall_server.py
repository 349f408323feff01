#!/usr/bin/env python3
"""A TCP server that accepts connections and never answers.

    stall_server.py ADDRESS PORT [--lifetime SECONDS]

Each connection is accepted and read from (so the client's request is
taken and acknowledged), but nothing is ever sent back and the server
never closes it: a client must give up by itself.  Prints "listening"
once it is ready.  It exits after its lifetime (300 s by default), so a
forgotten server cannot outlive a test for long.
"""

import argparse
import select
import socket
import sys
import time


def main():
    """Serve until the lifetime is over."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("address")
    parser.add_argument("port", type=int)
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.address, args.port))
    listener.listen(8)
    print("listening on %s:%d" % (args.address, args.port), flush=True)
    connections = []
    deadline = time.monotonic() + args.lifetime
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
