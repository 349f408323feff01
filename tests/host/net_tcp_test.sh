#!/bin/bash
# TCP over a real TAP interface against Linux's TCP: a clean link, then
# an impaired one (loss 5%, delay 50 ms, reordering 10%, duplication 1%,
# as "netem loss 5% delay 50ms reorder 10% duplicate 1%" does).
#
#   tests/host/net_tcp_test.sh [FERRY]      (as root; FERRY defaults to
#                                            bin/host/ferry)
#
# A network namespace ferry-tcp-<pid> holds the server: a small Python
# program at 192.0.2.1 (TEST-NET-1, RFC 5737: nothing outside the
# namespaces is ever addressed) that answers every connection carrying
# a request with a known pattern and closes.  Ferry (192.0.2.2) fetches
# it with "tcpget", which prints the byte count and the CRC-32; both
# must match what Python computes for the pattern.  Three checks:
#
#   net-tcp-clean            SIZE_MIB MiB over a clean link
#   net-tcp-impaired         IMPAIRED_SIZE_MIB MiB, what Linux sends to
#                            Ferry impaired
#   net-tcp-impaired-upload  Ferry sends UPLOAD_SIZE_MIB MiB of the
#                            pattern, which the server checks and sends
#                            back, impaired both ways (Ferry's sending:
#                            retransmission, SACK, congestion control)
#
# The clean run puts Ferry's TAP interface in the server's namespace.
# The impaired download uses "tc qdisc ... netem" on it when the kernel
# has netem.  Otherwise, and for the upload (netem on one interface
# impairs one direction), Ferry's TAP interface goes into a second
# namespace, ferry-tcp-<pid>-relay, and a Python relay (below) carries
# frames between it and a second TAP interface in the server's
# namespace, applying the impairment itself.
#
# Each check prints "PASS name" or "FAIL name: reason"; the exit status
# is 0 only if all passed, 77 if the test cannot run here (not root, no
# /dev/net/tun, no ip command, no python3).  Only the processes this
# script started are stopped, and the namespaces (with their interfaces)
# are deleted at the end, whatever happens.
#
# Environment: SIZE_MIB (default 64), IMPAIRED_SIZE_MIB (default 8:
# about 30 s at the 300 kB/s Linux manages to send through this
# impairment), UPLOAD_SIZE_MIB (default 1), IMPAIRED=0 to run the clean
# check only, RELAY=1 to use the relay even where netem exists.

set -u

FERRY=${1:-bin/host/ferry}
NS="ferry-tcp-$$"
NS_RELAY="ferry-tcp-$$-relay"
TAP=ftcp0
RELAY_TAP=ftcpr0
SERVER_ADDR=192.0.2.1
FERRY_ADDR=192.0.2.2
SIZE_MIB=${SIZE_MIB:-64}
IMPAIRED_SIZE_MIB=${IMPAIRED_SIZE_MIB:-8}
UPLOAD_SIZE_MIB=${UPLOAD_SIZE_MIB:-1}
IMPAIRED=${IMPAIRED:-1}
RELAY=${RELAY:-0}
NETEM="loss 5% delay 50ms reorder 10% duplicate 1%"
# Longest one Ferry run may take before it is killed
FERRY_TIMEOUT_S=600

WORK=""
PIDS=""
. "$(dirname "$0")/check_lib.sh"

# Stop what we started and delete the namespaces
cleanup() {
	local pid

	for pid in $PIDS; do
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		fi
	done
	exec 3>&- 2>/dev/null
	ip netns del "$NS_RELAY" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] ||
	! command -v ip >/dev/null || ! command -v python3 >/dev/null; then
	echo "SKIP net-tcp: needs root, /dev/net/tun, ip and python3"
	exit 77
fi
if [ ! -x "$FERRY" ]; then
	echo "FAIL net-tcp: $FERRY not built"
	exit 1
fi
FERRY=$(readlink -f "$FERRY")
trap cleanup EXIT
trap 'exit 1' INT TERM

WORK=$(mktemp -d /tmp/ferry-net-tcp.XXXXXX)

# The server: answers each request with the pattern, then closes.  A
# request "PUT /upload/N" is followed by N bytes of the pattern, which
# the server checks and then sends back (nothing, if they were wrong).
cat > "$WORK/server.py" <<'EOF'
import socket, sys

address, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pattern = bytes((i * 7 + (i >> 8)) & 0xff for i in range(65536))
doubled = pattern + pattern
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((address, port))
listener.listen(4)
print("listening", flush=True)

def receive_pattern(conn, data, length):
    """Read the rest of an upload; True if it is the pattern."""
    offset = 0
    while offset < length:
        if not data:
            data = conn.recv(65536)
            if not data:
                print("upload ended at %d of %d" % (offset, length),
                      flush=True)
                return False
        data = data[:length - offset]
        start = offset % len(pattern)
        if data != doubled[start:start + len(data)]:
            print("upload differs after %d bytes" % offset, flush=True)
            return False
        offset += len(data)
        data = b""
    return True

while True:
    conn, _ = listener.accept()
    conn.settimeout(600)
    try:
        request = b""
        while b"\r\n\r\n" not in request:
            data = conn.recv(4096)
            if not data:
                break
            request += data
        head, _, body = request.partition(b"\r\n\r\n")
        words = head.split()
        left = size
        if words[:1] == [b"PUT"]:
            left = int(words[1].rsplit(b"/", 1)[1])
            if not receive_pattern(conn, body, left):
                left = 0
        while left:
            count = min(left, len(pattern))
            conn.sendall(pattern[:count])
            left -= count
    except OSError as error:
        print("server:", error, flush=True)
    conn.close()
EOF

# The CRC-32 Ferry should report for a size in bytes
expected_crc() {
	python3 - "$1" <<'EOF'
import sys, zlib
pattern = bytes((i * 7 + (i >> 8)) & 0xff for i in range(65536))
left, crc = int(sys.argv[1]), 0
while left:
    count = min(left, len(pattern))
    crc = zlib.crc32(pattern[:count], crc)
    left -= count
print("%08x" % crc)
EOF
}

# The relay: frames between Ferry's TAP interface (read with a packet
# socket in the relay namespace) and the server's TAP interface.  Frames
# from the server are dropped, delayed, reordered (sent without the
# delay) and duplicated, as netem would on the interface toward Ferry;
# frames from Ferry likewise if the last argument is 1, else passed on
# as they are.
cat > "$WORK/relay.py" <<'EOF'
import ctypes, fcntl, heapq, os, random, select, socket, struct, sys, time

ferry_if, server_ns, server_if = sys.argv[1], sys.argv[2], sys.argv[3]
loss, delay, reorder, duplicate = (float(x) for x in sys.argv[4:8])
both = (sys.argv[8] == "1")
ETH_P_ALL, PACKET_OUTGOING = 0x0003, 4
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000
CLONE_NEWNET = 0x40000000

packet = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_ALL))
packet.bind((ferry_if, ETH_P_ALL))
packet.setblocking(False)
libc = ctypes.CDLL(None, use_errno=True)
with open("/var/run/netns/" + server_ns) as ns:
    if libc.setns(ns.fileno(), CLONE_NEWNET) != 0:
        sys.exit("relay: setns failed")
tap = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
fcntl.ioctl(tap, TUNSETIFF,
            struct.pack("16sH", server_if.encode(), IFF_TAP | IFF_NO_PI))
print("relaying", flush=True)

def to_ferry(frame):
    packet.send(frame)

def to_server(frame):
    os.write(tap, frame)

queue, serial = [], 0

def impair(frame, send):
    """Queue a frame as netem would treat it."""
    global serial
    if random.random() < loss:
        return
    copies = 2 if random.random() < duplicate else 1
    for _ in range(copies):
        wait = 0.0 if random.random() < reorder else delay
        serial += 1
        heapq.heappush(queue, (time.monotonic() + wait, serial, send, frame))

while True:
    timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 1.0
    readable, _, _ = select.select([packet, tap], [], [], timeout)
    if packet in readable:
        while True:
            try:
                frame, address = packet.recvfrom(65536)
            except BlockingIOError:
                break
            if address[2] == PACKET_OUTGOING:
                continue
            if both:
                impair(frame, to_server)
            else:
                to_server(frame)
    if tap in readable:
        while True:
            try:
                frame = os.read(tap, 65536)
            except BlockingIOError:
                break
            impair(frame, to_ferry)
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        _, _, send, frame = heapq.heappop(queue)
        try:
            send(frame)
        except OSError:
            pass
EOF

# Run Ferry's tcpget in a namespace and check what it fetched
#   $1: check name, $2: namespace, $3: port, $4: size in bytes of what
#   the server sends, $5: bytes to upload first (optional; the server
#   then sends back as many)
fetch() {
	local name=$1 ns=$2 port=$3 size=$4 upload=${5:-0} crc line pid
	local status request="GET /pattern HTTP/1.0" options=""
	local log="$WORK/$1.log"

	if [ "$upload" != 0 ]; then
		request="PUT /upload/$upload HTTP/1.0"
		options="--send $upload"
		size=$upload
	fi
	crc=$(expected_crc "$size")
	cat > "$WORK/$name.ipxe" <<EOF
#!ipxe
set net0/ip $FERRY_ADDR
set net0/netmask 255.255.255.0
ifopen net0
tcpget $options $SERVER_ADDR $port $request
EOF
	# Ferry's console is a FIFO we hold open (its end would end Ferry)
	timeout -s KILL "$FERRY_TIMEOUT_S" ip netns exec "$ns" \
		"$FERRY" --tap "$TAP" "$WORK/$name.ipxe" \
		< "$WORK/stdin" > "$log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	wait "$pid"
	status=$?
	sed 's/^/    /' "$log"
	line=$(tr -d '\r' < "$log" | grep '^tcpget: [0-9]* bytes')
	if [ "$status" != 0 ]; then
		result FAIL "$name" "Ferry exited with status $status"
	elif ! echo "$line" | grep -q "^tcpget: $size bytes .* crc32 $crc\$"; then
		result FAIL "$name" "expected $size bytes with crc32 $crc"
	else
		result PASS "$name"
	fi
}

# Start a server in the server's namespace
#   $1: port, $2: size in bytes of what it sends
start_server() {
	local log="$WORK/server-$1.log"

	ip netns exec "$NS" python3 "$WORK/server.py" "$SERVER_ADDR" "$1" \
		"$2" > "$log" 2>&1 &
	PIDS="$PIDS $!"
	for _ in $(seq 1 100); do
		grep -q listening "$log" && break
		sleep 0.1
	done
	grep -q listening "$log"
}

# Start the relay (see relay.py), stopping the one before
#   $1: 1 to impair frames from Ferry too
RELAY_PID=""
start_relay() {
	if [ -n "$RELAY_PID" ]; then
		kill "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
	fi
	: > "$WORK/relay.log"
	ip netns exec "$NS_RELAY" python3 "$WORK/relay.py" "$TAP" "$NS" \
		"$RELAY_TAP" 0.05 0.05 0.10 0.01 "$1" > "$WORK/relay.log" 2>&1 &
	RELAY_PID=$!
	PIDS="$PIDS $RELAY_PID"
	for _ in $(seq 1 100); do
		grep -q relaying "$WORK/relay.log" && break
		sleep 0.1
	done
	grep -q relaying "$WORK/relay.log"
}

mkfifo "$WORK/stdin"
exec 3<>"$WORK/stdin"

# The server's namespace, and Ferry's interface in it
if ! ip netns add "$NS" ||
	! ip -n "$NS" link set lo up ||
	! ip -n "$NS" tuntap add dev "$TAP" mode tap ||
	! ip -n "$NS" addr add "$SERVER_ADDR/24" dev "$TAP" ||
	! ip -n "$NS" link set "$TAP" up; then
	result FAIL net-tcp-setup "could not create namespace $NS"
	exit 1
fi
if ! start_server 8000 "$((SIZE_MIB * 1024 * 1024))" ||
	! start_server 8001 "$((IMPAIRED_SIZE_MIB * 1024 * 1024))"; then
	result FAIL net-tcp-setup "server did not start: $(cat "$WORK"/server-*.log)"
	exit 1
fi

fetch net-tcp-clean "$NS" 8000 "$((SIZE_MIB * 1024 * 1024))"
[ "$IMPAIRED" = 1 ] || exit "$FAILED"

# The download again, through the impairment
NETEM_DONE=0
if [ "$RELAY" != 1 ] &&
	ip netns exec "$NS" tc qdisc add dev "$TAP" root netem $NETEM \
		2>/dev/null; then
	echo "impairment: netem $NETEM"
	fetch net-tcp-impaired "$NS" 8001 "$((IMPAIRED_SIZE_MIB * 1024 * 1024))"
	NETEM_DONE=1
else
	echo "impairment: netem unavailable here, relay with $NETEM"
fi

# Ferry's interface moves to the relay namespace; the server gets a
# second interface, held by the relay
if ! ip -n "$NS" link del "$TAP" ||
	! ip netns add "$NS_RELAY" ||
	! ip -n "$NS_RELAY" link set lo up ||
	! ip -n "$NS_RELAY" tuntap add dev "$TAP" mode tap ||
	! ip -n "$NS_RELAY" link set "$TAP" up ||
	! ip netns exec "$NS_RELAY" sysctl -qw \
		net.ipv6.conf.all.disable_ipv6=1 ||
	! ip -n "$NS" tuntap add dev "$RELAY_TAP" mode tap ||
	! ip -n "$NS" addr add "$SERVER_ADDR/24" dev "$RELAY_TAP" ||
	! ip -n "$NS" link set "$RELAY_TAP" up; then
	result FAIL net-tcp-relay "could not set up the relay"
	exit 1
fi
if [ "$NETEM_DONE" = 0 ]; then
	if start_relay 0; then
		fetch net-tcp-impaired "$NS_RELAY" 8001 \
			"$((IMPAIRED_SIZE_MIB * 1024 * 1024))"
	else
		result FAIL net-tcp-impaired "relay did not start: $(cat "$WORK/relay.log")"
	fi
fi

# Ferry sending through the impairment, both ways: the server checks
# the upload and sends it back only if it was right
echo "impairment both ways: relay with $NETEM"
if start_relay 1; then
	fetch net-tcp-impaired-upload "$NS_RELAY" 8001 0 \
		"$((UPLOAD_SIZE_MIB * 1024 * 1024))"
else
	result FAIL net-tcp-impaired-upload "relay did not start: $(cat "$WORK/relay.log")"
fi

exit "$FAILED"
