#!/bin/bash
# IPv4 over a real TAP interface: ARP, ICMP echo both ways, routes from
# settings.
#
#   tests/host/net_ipv4_test.sh [FERRY]     (as root; FERRY defaults to
#                                            bin/host/ferry)
#
# A network namespace ferry-t-<pid> gets a TAP interface ftap0 holding
# 192.0.2.1/24 (TEST-NET-1, RFC 5737: nothing outside the namespace is
# ever addressed).  Ferry runs inside the namespace with --tap ftap0 and
# a script that sets net0/ip 192.0.2.10, shows the route, pings
# 192.0.2.1 and then waits while the namespace pings 192.0.2.10 (with a
# raw-socket ping written in Python below, so no ping package is
# needed).  Each check prints "PASS name" or "FAIL name: reason"; the
# exit status is 0 only if all passed, 77 if the test cannot run here
# (not root, no /dev/net/tun, no ip command).  Only the processes this
# script started are stopped, and the namespace (with its interface) is
# deleted at the end, whatever happens.

set -u

FERRY=${1:-bin/host/ferry}
NS="ferry-t-$$"
TAP=ftap0
FERRY_ADDR=192.0.2.10
PEER_ADDR=192.0.2.1
# Longest Ferry may run before it is killed
FERRY_TIMEOUT_S=60

WORK=""
FERRY_PID=""
. "$(dirname "$0")/check_lib.sh"

# Stop what we started and delete the namespace
cleanup() {
	if [ -n "$FERRY_PID" ] && kill -0 "$FERRY_PID" 2>/dev/null; then
		kill "$FERRY_PID" 2>/dev/null
		wait "$FERRY_PID" 2>/dev/null
	fi
	exec 3>&-
	ip netns del "$NS" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "SKIP net-ipv4: needs root, /dev/net/tun and the ip command"
	exit 77
fi
if [ ! -x "$FERRY" ]; then
	echo "FAIL net-ipv4: $FERRY not built"
	exit 1
fi
FERRY=$(readlink -f "$FERRY")
trap cleanup EXIT
trap 'exit 1' INT TERM

WORK=$(mktemp -d /tmp/ferry-net-ipv4.XXXXXX)

# The namespace and its end of the link
if ! ip netns add "$NS" ||
	! ip -n "$NS" link set lo up ||
	! ip -n "$NS" tuntap add dev "$TAP" mode tap ||
	! ip -n "$NS" addr add "$PEER_ADDR/24" dev "$TAP" ||
	! ip -n "$NS" link set "$TAP" up; then
	result FAIL net-ipv4-setup "could not create namespace $NS"
	exit 1
fi

cat > "$WORK/test.ipxe" <<EOF
#!ipxe
set net0/ip $FERRY_ADDR
set net0/netmask 255.255.255.0
ifopen net0
route
ping --count 3 $PEER_ADDR && echo FERRY-PING-OK || echo FERRY-PING-FAILED
echo FERRY-WAITING
sleep 8
echo FERRY-DONE
EOF

# Ferry reads its console from a FIFO we hold open: the end of its
# standard input would end it early.
mkfifo "$WORK/stdin"
exec 3<>"$WORK/stdin"
timeout -s KILL "$FERRY_TIMEOUT_S" ip netns exec "$NS" \
	"$FERRY" --tap "$TAP" "$WORK/test.ipxe" \
	< "$WORK/stdin" > "$WORK/ferry.log" 2>&1 &
FERRY_PID=$!

# Wait until Ferry has pinged and waits for us
for _ in $(seq 1 150); do
	grep -q FERRY-WAITING "$WORK/ferry.log" && break
	kill -0 "$FERRY_PID" 2>/dev/null || break
	sleep 0.1
done

# The namespace pings Ferry: three echo requests, each answered with
# the same identifier, sequence and data, and a valid checksum
ip netns exec "$NS" python3 - "$FERRY_ADDR" > "$WORK/ns-ping.log" 2>&1 <<'EOF'
import os, socket, struct, sys, time

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff

dest = sys.argv[1]
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident = os.getpid() & 0xffff
answered = 0
for seq in range(1, 4):
    payload = bytes((seq + i) & 0xff for i in range(56))
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    header = struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident,
                         seq)
    sent = time.time()
    sock.sendto(header + payload, (dest, 0))
    while time.time() - sent < 1.0:
        sock.settimeout(max(0.01, 1.0 - (time.time() - sent)))
        try:
            data, addr = sock.recvfrom(4096)
        except socket.timeout:
            break
        hlen = (data[0] & 0x0f) * 4
        icmp = data[hlen:]
        if len(icmp) < 8 or addr[0] != dest:
            continue
        kind, code, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
        if kind == 0 and rid == ident and rseq == seq:
            if icmp[8:] == payload and checksum(icmp) == 0:
                print("reply from %s: seq=%d time=%.1f ms" %
                      (dest, seq, (time.time() - sent) * 1000))
                answered += 1
            else:
                print("bad reply from %s: seq=%d" % (dest, seq))
            break
    time.sleep(0.2)
print("%d/3 answered" % answered)
sys.exit(0 if answered == 3 else 1)
EOF
NS_PING_STATUS=$?

# Let Ferry finish its script
for _ in $(seq 1 200); do
	kill -0 "$FERRY_PID" 2>/dev/null || break
	sleep 0.1
done
wait "$FERRY_PID" 2>/dev/null
FERRY_STATUS=$?
FERRY_PID=""
# The console ends lines with CR LF, as a serial line would
tr -d '\r' < "$WORK/ferry.log" > "$WORK/ferry.txt"

if grep -q "^net0: $FERRY_ADDR/255.255.255.0\$" "$WORK/ferry.txt"; then
	result PASS net-ipv4-route
else
	result FAIL net-ipv4-route "no route line for $FERRY_ADDR in Ferry's output"
fi
if grep -q FERRY-PING-OK "$WORK/ferry.txt" &&
	[ "$(grep -c "bytes from $PEER_ADDR: seq=" "$WORK/ferry.txt")" -ge 2 ]; then
	result PASS net-ipv4-ferry-pings-namespace
else
	result FAIL net-ipv4-ferry-pings-namespace "Ferry's ping of $PEER_ADDR failed"
fi
if [ "$NS_PING_STATUS" = 0 ]; then
	result PASS net-ipv4-namespace-pings-ferry
else
	result FAIL net-ipv4-namespace-pings-ferry "$(tail -n 1 "$WORK/ns-ping.log")"
fi
if [ "$FERRY_STATUS" = 0 ] && grep -q FERRY-DONE "$WORK/ferry.txt"; then
	result PASS net-ipv4-ferry-exit
else
	result FAIL net-ipv4-ferry-exit "Ferry ended with status $FERRY_STATUS"
fi

if [ "$FAILED" != 0 ]; then
	echo "--- Ferry's output:"
	cat "$WORK/ferry.txt"
	echo "--- the namespace's ping:"
	cat "$WORK/ns-ping.log"
	exit 1
fi
exit 0
