"""An HTTP/1.1 test server for Ferry's HTTP client (standard library only).

    python3 tests/host/http_server.py --root DIR --bind ADDR --port N \\
        --log FILE [--user NAME --password PASS]

It serves the files in DIR through paths that each exercise one part of
the client, and writes one line per request to the log:

    conn=<n> <method> <path> range=<Range or -> auth=<0|1> port=<client port>

so a test can see which requests shared a connection (keep-alive), which
asked for a range (resume), and which local ports the client chose.

  /files/NAME            the file: Content-Length, keep-alive, ETag,
                         Last-Modified, Accept-Ranges, Range and If-Range
  /chunked/NAME          the file in chunks of varied sizes, with chunk
                         extensions and a trailer
  /redirect/N/NAME       N redirects (301, 302, 303, 307, 308 in turn,
                         relative Locations, each with a small body),
                         then the file
  /loop                  redirects to itself forever
  /see-other/NAME        POST only: 303 to /files/NAME (a POST to /files
                         is refused with 405, so the method must change)
  /form                  POST only: the form body sent back as the body
  /basic/NAME            the file, for Basic credentials only
  /digest/NAME           the file, for Digest (MD5, qop=auth) only
  /digest-legacy/NAME    the file, for Digest without qop (RFC 2069)
  /digest-sha256/NAME    the file, for Digest with SHA-256 and qop=auth
  /reset/NAME            like /files, but the first two responses for a
                         file are cut by a TCP reset after 40% of what
                         they carry: two resumes are needed
  /reset-norange/NAME    a reset at 40%, with no Accept-Ranges, and Range
                         ignored
  /truncate/NAME         Content-Length of the file, half of it, then a
                         clean close
  /stall/NAME            headers and a little of the body, then silence
                         until the client goes away
  /status/CODE           an empty response with that status

Importing this module does nothing (the test runner imports every file
in tests/host/).
"""

import argparse
import base64
import email.utils
import hashlib
import os
import re
import secrets
import select
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: Longest a stalled response waits for the client to give up
STALL_MAX_S = 120
#: Bytes of the body sent before stalling
STALL_SENT = 1000
#: Responses of /reset/NAME cut short, per file
RESETS_PER_FILE = 2
#: Redirect statuses used in turn by /redirect
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class FerryTestServer(ThreadingHTTPServer):
    """The server: shared settings and the request log."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, root, log_path, user, password):
        super().__init__(address, FerryTestHandler)
        self.root = root
        self.log_file = open(log_path, "a", buffering=1)
        self.log_lock = threading.Lock()
        self.user = user
        self.password = password
        self.nonce = secrets.token_hex(16)
        self.connections = 0
        self.resets = {}

    def log_request_line(self, text):
        """Append one line to the request log."""
        with self.log_lock:
            self.log_file.write(text + "\n")


class FerryTestHandler(BaseHTTPRequestHandler):
    """One connection: requests until the client or a path closes it."""

    protocol_version = "HTTP/1.1"
    server_version = "FerryTest/1.0"

    def setup(self):
        super().setup()
        with self.server.log_lock:
            self.server.connections += 1
            self.conn_id = self.server.connections

    def log_message(self, format, *args):
        """Quiet: the request log is enough."""

    # ---- helpers -----------------------------------------------------------

    def file_path(self, name):
        """The file for NAME, or None if there is no such file."""
        if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
            return None
        path = os.path.join(self.server.root, name)
        return path if os.path.isfile(path) else None

    def log_this(self, authorized=False):
        self.server.log_request_line(
            "conn=%d %s %s range=%s auth=%d port=%d" %
            (self.conn_id, self.command, self.path,
             self.headers.get("Range", "-").replace(" ", ""),
             1 if authorized else 0, self.client_address[1]))

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def send_simple(self, status, body=b"", headers=()):
        """A whole response with a small body."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def reset(self):
        """Abort the connection with a TCP reset."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    @staticmethod
    def etag(path):
        st = os.stat(path)
        return '"%x-%x"' % (st.st_size, int(st.st_mtime))

    def parse_range(self, size):
        """The (first, last) asked for by Range, None, or "bad"."""
        value = self.headers.get("Range")
        if not value:
            return None
        match = re.fullmatch(r"\s*bytes=(\d+)-(\d*)\s*", value)
        if not match:
            return None
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else size - 1
        if first >= size or last < first:
            return "bad"
        return first, min(last, size - 1)

    def send_file_part(self, path, first, count):
        with open(path, "rb") as f:
            self.wfile.flush()
            self.connection.sendfile(f, first, count)

    def serve_file(self, path, ranges=True, cut=None):
        """The file, honouring Range; cut(first) may say where to reset."""
        size = os.path.getsize(path)
        etag = self.etag(path)
        wanted = self.parse_range(size) if ranges else None
        if_range = self.headers.get("If-Range")
        if wanted and if_range and if_range != etag:
            wanted = None
        if wanted == "bad":
            self.send_simple(416, headers=(
                ("Content-Range", "bytes */%d" % size),))
            return
        first, last = wanted if wanted else (0, size - 1)
        self.send_response(206 if wanted else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(last - first + 1))
        if ranges:
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", email.utils.formatdate(
                os.path.getmtime(path), usegmt=True))
        if wanted:
            self.send_header("Content-Range",
                             "bytes %d-%d/%d" % (first, last, size))
        self.end_headers()
        if size == 0:
            return
        stop = cut(first, size) if cut else None
        if stop is not None and first < stop <= last:
            self.send_file_part(path, first, stop - first)
            self.reset()
            return
        self.send_file_part(path, first, last - first + 1)

    def check_basic(self):
        value = self.headers.get("Authorization", "")
        expected = base64.b64encode(("%s:%s" % (
            self.server.user, self.server.password)).encode()).decode()
        return value == "Basic " + expected

    def check_digest(self, algorithm, qop):
        value = self.headers.get("Authorization", "")
        if not value.startswith("Digest "):
            return False
        params = dict((k, v1 if v1 else v2) for k, v1, v2 in re.findall(
            r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))', value[7:]))

        def h(text):
            return hashlib.new(algorithm, text.encode()).hexdigest()

        if params.get("username") != self.server.user or \
                params.get("nonce") != self.server.nonce or \
                params.get("uri") != self.path:
            return False
        ha1 = h("%s:%s:%s" % (self.server.user, params.get("realm", ""),
                              self.server.password))
        ha2 = h("%s:%s" % (self.command, self.path))
        if qop:
            if params.get("qop") != "auth":
                return False
            expected = h("%s:%s:%s:%s:auth:%s" % (
                ha1, self.server.nonce, params.get("nc", ""),
                params.get("cnonce", ""), ha2))
        else:
            expected = h("%s:%s:%s" % (ha1, self.server.nonce, ha2))
        return params.get("response") == expected

    def challenge(self, header):
        self.log_this()
        self.send_simple(401, b"authentication required\n",
                         (("WWW-Authenticate", header),))

    # ---- paths -------------------------------------------------------------

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def handle_request(self):
        parts = self.path.split("?", 1)[0].split("/")[1:]
        kind = parts[0] if parts else ""
        method = self.command
        name = parts[-1] if len(parts) > 1 else ""
        path = self.file_path(name) if name else None

        if kind == "status" and len(parts) == 2 and parts[1].isdigit():
            self.log_this()
            self.send_simple(int(parts[1]), b"status %s\n" % parts[1].encode())
            return
        if kind == "loop":
            self.log_this()
            self.send_simple(302, b"again\n", (("Location", "/loop"),))
            return
        if kind == "form" and method == "POST":
            body = self.read_body()
            self.log_this()
            self.send_simple(200, body)
            return
        if kind == "see-other" and path and method == "POST":
            self.read_body()
            self.log_this()
            self.send_simple(303, b"see other\n",
                             (("Location", "/files/" + name),))
            return
        if method != "GET":
            self.read_body()
            self.log_this()
            self.send_simple(405, b"method not allowed\n",
                             (("Allow", "GET"),))
            return
        if kind == "redirect" and len(parts) == 3 and parts[1].isdigit() \
                and path:
            self.log_this()
            count = int(parts[1])
            status = REDIRECT_STATUSES[count % len(REDIRECT_STATUSES)]
            target = ("../%d/%s" % (count - 1, name)) if count > 1 else \
                ("/files/" + name)
            self.send_simple(status, b"redirected\n",
                             (("Location", target),))
            return
        if not path:
            self.log_this()
            self.send_simple(404, b"not found\n")
            return

        if kind == "files":
            self.log_this()
            self.serve_file(path)
        elif kind == "chunked":
            self.log_this()
            self.serve_chunked(path)
        elif kind == "basic":
            if not self.check_basic():
                self.challenge('Basic realm="ferry"')
                return
            self.log_this(True)
            self.serve_file(path)
        elif kind in ("digest", "digest-legacy", "digest-sha256"):
            algorithm = "sha256" if kind == "digest-sha256" else "md5"
            qop = kind != "digest-legacy"
            if not self.check_digest(algorithm, qop):
                self.challenge(
                    'Digest realm="ferry", nonce="%s", opaque="xyz"%s%s' % (
                        self.server.nonce,
                        ', qop="auth"' if qop else "",
                        ", algorithm=SHA-256" if algorithm == "sha256"
                        else ""))
                return
            self.log_this(True)
            self.serve_file(path)
        elif kind == "reset":
            self.log_this()
            with self.server.log_lock:
                resets = self.server.resets.get(name, 0)
                self.server.resets[name] = resets + 1
            cut = None
            if resets < RESETS_PER_FILE:
                cut = lambda first, size: first + (size - first) * 4 // 10
            self.serve_file(path, cut=cut)
        elif kind == "reset-norange":
            self.log_this()
            self.serve_file(path, ranges=False,
                            cut=lambda first, size: size * 4 // 10)
        elif kind == "truncate":
            self.log_this()
            size = os.path.getsize(path)
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.send_file_part(path, 0, size // 2)
            self.close_connection = True
        elif kind == "stall":
            self.log_this()
            self.serve_stall(path)
        else:
            self.log_this()
            self.send_simple(404, b"not found\n")

    def serve_chunked(self, path):
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Trailer", "X-Checksum")
        self.end_headers()
        out = []
        offset = 0
        size = 1
        index = 0
        while offset < len(data):
            chunk = data[offset:offset + size]
            extension = ';n=%d;q="a;b"' % index if index % 3 == 0 else ""
            out.append(b"%x%s\r\n" % (len(chunk), extension.encode()))
            out.append(chunk)
            out.append(b"\r\n")
            offset += len(chunk)
            index += 1
            size = (size * 3 + 7) % 9000 + 1
        out.append(b"0\r\nX-Checksum: %s\r\n\r\n" %
                   hashlib.sha256(data).hexdigest().encode())
        self.wfile.write(b"".join(out))

    def serve_stall(self, path):
        size = os.path.getsize(path)
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.send_file_part(path, 0, min(STALL_SENT, size))
        # Wait for the client to close (readable with no data), bounded
        deadline = time.time() + STALL_MAX_S
        while time.time() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 1)
            if readable:
                try:
                    if not self.connection.recv(4096):
                        break
                except OSError:
                    break
        self.close_connection = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--log", required=True)
    parser.add_argument("--user", default="ferry")
    parser.add_argument("--password", default="s3cret")
    args = parser.parse_args()
    server = FerryTestServer((args.bind, args.port), args.root, args.log,
                             args.user, args.password)
    print("listening on %s:%d" % (args.bind, args.port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
