"""A minimal client for QEMU's machine protocol (QMP) on a Unix socket."""

import json
import os
import socket
import time


class QMPError(Exception):
    """QEMU refused a command, or the connection failed."""


class QMP:
    """One QMP connection, after capability negotiation.

    Asynchronous events that arrive while waiting for a reply are kept in
    self.events.
    """

    def __init__(self, path, connect_timeout_s=10, reply_timeout_s=30):
        """Connect to QEMU's QMP socket, waiting for it to appear.

        @v path               Socket path given to -qmp unix:PATH,server=on
        @v connect_timeout_s  Seconds to wait for QEMU to listen
        @v reply_timeout_s    Seconds to wait for each reply
        """
        self.events = []
        deadline = time.monotonic() + connect_timeout_s
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError) as error:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise QMPError("no QMP socket at %s: %s"
                                   % (path, error)) from None
                time.sleep(0.05)
        self.sock.settimeout(reply_timeout_s)
        self.stream = self.sock.makefile("rwb")
        greeting = self._receive()
        if "QMP" not in greeting:
            raise QMPError("not a QMP greeting: %r" % greeting)
        self.command("qmp_capabilities")

    def _receive(self):
        """Read one JSON message."""
        try:
            line = self.stream.readline()
        except (socket.timeout, OSError) as error:
            raise QMPError("QMP read failed: %s" % error) from None
        if not line:
            raise QMPError("QMP connection closed")
        return json.loads(line)

    def command(self, name, **arguments):
        """Run a QMP command.

        @v name       Command name, e.g. "screendump"
        @v arguments  Its arguments (use "_" for "-" in names)
        @ret result   The "return" value
        @raise QMPError if QEMU answers with an error
        """
        request = {"execute": name}
        if arguments:
            request["arguments"] = {key.replace("_", "-"): value
                                    for key, value in arguments.items()}
        try:
            self.stream.write(json.dumps(request).encode() + b"\n")
            self.stream.flush()
        except OSError as error:
            raise QMPError("QMP write failed: %s" % error) from None
        while True:
            reply = self._receive()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise QMPError("%s: %s" % (name, reply["error"].get("desc")))
            return reply.get("return")

    def close(self):
        """Close the connection."""
        for thing in (self.stream, self.sock):
            try:
                thing.close()
            except OSError:
                pass

    @staticmethod
    def remove_socket(path):
        """Remove a socket file left behind."""
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
