#!/usr/bin/env python3
"""Summarise a benchmark's packet capture: what limits a download.

    tests/bench/pcapstat.py FILE.pcap...

Captures come from FERRY_BENCH_PCAP=DIR tests/bench.py (tcpdump on the
tap, first 128 bytes of each packet).  For the largest TCP flow it
prints the handshake's options (MSS, window scale, SACK, timestamps),
the data segments and their sizes, retransmissions, the ACKs the loader
sent (how many, how many bytes each acknowledged, duplicates, SACK
blocks), the receive window it advertised, the data in flight when each
ACK came, and pauses in the flow.  For TFTP: the block size, blocks per
ACK (the window), repeated blocks and ACKs, and pauses.

Standard library only.
"""

import statistics
import struct
import sys


def packets(path):
    """(time, IPv4 packet bytes) for each Ethernet/IPv4 frame."""
    with open(path, "rb") as capture:
        header = capture.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            endian = "<"
        else:
            endian = ">"
        nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
        linktype = struct.unpack(endian + "I", header[20:24])[0]
        if linktype != 1:
            raise SystemExit("%s: not an Ethernet capture" % path)
        while True:
            record = capture.read(16)
            if len(record) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", record)
            data = capture.read(incl)
            when = sec + frac / (1e9 if nano else 1e6)
            if len(data) >= 14 and data[12:14] == b"\x08\x00":
                yield when, data[14:]


def tcp_options(raw):
    """Parse TCP options into a dict."""
    options = {}
    index = 0
    while index < len(raw):
        kind = raw[index]
        if kind == 0:
            break
        if kind == 1:
            index += 1
            continue
        if index + 1 >= len(raw):
            break
        length = raw[index + 1]
        if length < 2:
            break
        body = raw[index + 2:index + length]
        if kind == 2 and len(body) == 2:
            options["mss"] = struct.unpack("!H", body)[0]
        elif kind == 3 and len(body) == 1:
            options["wscale"] = body[0]
        elif kind == 4:
            options["sack_ok"] = True
        elif kind == 5:
            options["sack"] = len(body) // 8
        elif kind == 8:
            options["ts"] = True
        index += length
    return options


def parse(path):
    """Split a capture into TCP segments and UDP datagrams."""
    tcp, udp = [], []
    for when, ip in packets(path):
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        proto = ip[9]
        src, dst = ip[12:16], ip[16:20]
        body = ip[ihl:]
        if proto == 6 and len(body) >= 20:
            sport, dport, seq, ack, off, flags, window = struct.unpack(
                "!HHIIBBH", body[:16])
            hlen = (off >> 4) * 4
            payload = total - ihl - hlen
            tcp.append(dict(t=when, src=(src, sport), dst=(dst, dport),
                            seq=seq, ack=ack, flags=flags, win=window,
                            len=payload,
                            opts=tcp_options(body[20:hlen])))
        elif proto == 17 and len(body) >= 8:
            sport, dport, length = struct.unpack("!HHH", body[:6])
            udp.append(dict(t=when, src=(src, sport), dst=(dst, dport),
                            len=length - 8, data=body[8:]))
    return tcp, udp


def describe_pauses(times, threshold=0.05):
    """The gaps between consecutive times longer than threshold."""
    gaps = [(b - a, a) for a, b in zip(times, times[1:]) if b - a > threshold]
    total = sum(gap for gap, _ in gaps)
    longest = sorted(gaps, reverse=True)[:5]
    return "%d pauses over %d ms, %.2f s in all%s" % (
        len(gaps), threshold * 1000, total,
        ("; longest " + ", ".join("%.0f ms at +%.2f s" % (gap * 1000,
                                                        at - times[0])
                                  for gap, at in longest))
        if longest else "")


def quantiles(values):
    """min / median / 90th percentile / max of a list."""
    if not values:
        return "-"
    ordered = sorted(values)
    return "min %d, median %d, p90 %d, max %d" % (
        ordered[0], statistics.median(ordered),
        ordered[int(len(ordered) * 0.9) - 1 if len(ordered) > 1 else 0],
        ordered[-1])


def tcp_report(segments):
    """Report on the largest TCP flow (server to loader)."""
    flows = {}
    for seg in segments:
        flows.setdefault((seg["src"], seg["dst"]), []).append(seg)
    if not flows:
        return
    data_key = max(flows, key=lambda k: sum(s["len"] for s in flows[k]))
    data = flows[data_key]
    acks = flows.get((data_key[1], data_key[0]), [])
    print("TCP flow port %d -> %d" % (data_key[0][1], data_key[1][1]))
    syn = [s for s in acks if s["flags"] & 0x02]
    synack = [s for s in data if s["flags"] & 0x02]
    client_scale = syn[0]["opts"].get("wscale", 0) if syn else 0
    if syn:
        print("  loader's SYN: window %d, options %s"
              % (syn[0]["win"], syn[0]["opts"]))
    if synack:
        print("  server's SYN-ACK: window %d, options %s"
              % (synack[0]["win"], synack[0]["opts"]))
    if not (syn and synack and "wscale" in synack[0]["opts"]):
        client_scale = 0
    payload = [s for s in data if s["len"] > 0]
    if not payload:
        return
    duration = payload[-1]["t"] - payload[0]["t"]
    total = sum(s["len"] for s in payload)
    highest = None
    retransmitted = 0
    for seg in payload:
        end = (seg["seq"] + seg["len"]) & 0xffffffff
        if highest is not None and \
                ((end - highest) & 0xffffffff) > 0x7fffffff:
            retransmitted += 1
        elif highest is None or ((end - highest) & 0xffffffff) < 0x80000000:
            highest = end
    print("  data: %d segments, %d bytes in %.2f s (%.1f MB/s on the "
          "wire); sizes %s" % (len(payload), total, duration,
                                total / duration / 1e6 if duration else 0,
                                quantiles([s["len"] for s in payload])))
    print("  segments at or below an old high-water mark "
          "(retransmissions): %d" % retransmitted)
    pure_acks = [a for a in acks if a["len"] == 0 and a["flags"] & 0x10
                 and not a["flags"] & 0x07]
    pure_acks = [a for a in pure_acks
                 if payload[0]["t"] <= a["t"] <= payload[-1]["t"] + 1]
    steps = []
    duplicates = 0
    sacks = 0
    last = None
    for ack in pure_acks:
        if last is not None:
            step = (ack["ack"] - last) & 0xffffffff
            if step == 0:
                duplicates += 1
            elif step < 0x80000000:
                steps.append(step)
        last = ack["ack"]
        if ack["opts"].get("sack"):
            sacks += 1
    windows = [a["win"] << client_scale for a in pure_acks]
    print("  ACKs from the loader: %d (%.1f data segments per ACK), "
          "%d duplicates, %d with SACK blocks"
          % (len(pure_acks), len(payload) / max(1, len(pure_acks)),
             duplicates, sacks))
    print("  bytes newly acknowledged per ACK: %s" % quantiles(steps))
    print("  advertised receive window (scale %d): %s"
          % (client_scale, quantiles(windows)))
    # Bytes in flight (sent, not yet acknowledged) seen at each ACK
    events = sorted([(s["t"], 0, s) for s in payload] +
                    [(a["t"], 1, a) for a in pure_acks],
                    key=lambda e: (e[0], e[1]))
    sent_max = None
    flight = []
    for _, kind, seg in events:
        if kind == 0:
            end = (seg["seq"] + seg["len"]) & 0xffffffff
            if sent_max is None or \
                    ((end - sent_max) & 0xffffffff) < 0x80000000:
                sent_max = end
        elif sent_max is not None:
            inflight = (sent_max - seg["ack"]) & 0xffffffff
            if inflight < 0x80000000:
                flight.append(inflight)
    print("  bytes in flight when an ACK arrives: %s" % quantiles(flight))
    print("  %s" % describe_pauses([s["t"] for s in payload]))


def tftp_report(datagrams):
    """Report on a TFTP transfer (the largest UDP flow)."""
    flows = {}
    for dgram in datagrams:
        flows.setdefault((dgram["src"], dgram["dst"]), []).append(dgram)
    data_flows = {k: v for k, v in flows.items()
                  if any(d["data"][:2] == b"\x00\x03" for d in v)}
    if not data_flows:
        return
    key = max(data_flows, key=lambda k: len(data_flows[k]))
    data = [d for d in data_flows[key] if d["data"][:2] == b"\x00\x03"]
    acks = [d for d in flows.get((key[1], key[0]), [])
            if d["data"][:2] == b"\x00\x04"]
    rrq = [d for d in datagrams if d["data"][:2] == b"\x00\x01"]
    oack = [d for d in datagrams if d["data"][:2] == b"\x00\x06"]
    print("TFTP flow port %d -> %d" % (key[0][1], key[1][1]))
    if rrq:
        print("  request: %r" % rrq[0]["data"][2:].split(b"\0")[:-1])
    if oack:
        print("  server's OACK: %r" % oack[0]["data"][2:].split(b"\0")[:-1])
    blocks = [struct.unpack("!H", d["data"][2:4])[0] for d in data]
    seen = set()
    repeats = 0
    expected = 1
    for block, dgram in zip(blocks, data):
        wrapped = block  # block numbers wrap at 65536
        if (wrapped, len(seen) // 65536) in seen:
            repeats += 1
        seen.add((wrapped, len(seen) // 65536))
        expected += 1
    total = sum(d["len"] - 4 for d in data)
    duration = data[-1]["t"] - data[0]["t"]
    print("  data: %d blocks, %d bytes in %.2f s (%.1f MB/s); block size "
          "%d; blocks sent again: %d" % (len(data), total, duration,
                                          total / duration / 1e6
                                          if duration else 0,
                                          max(d["len"] - 4 for d in data),
                                          repeats))
    ack_blocks = [struct.unpack("!H", a["data"][2:4])[0] for a in acks]
    steps = [(b - a) & 0xffff for a, b in zip(ack_blocks, ack_blocks[1:])]
    print("  ACKs: %d (%.1f blocks per ACK); blocks acknowledged per ACK: "
          "%s; repeated ACKs: %d" % (len(acks), len(data) / max(1, len(acks)),
                                      quantiles(steps),
                                      sum(1 for s in steps if s == 0)))
    rtts = []
    ack_index = 0
    for ack in acks:
        # time from an ACK to the next data block
        while ack_index < len(data) and data[ack_index]["t"] < ack["t"]:
            ack_index += 1
        if ack_index < len(data):
            rtts.append((data[ack_index]["t"] - ack["t"]) * 1e6)
    print("  server's reply time after an ACK (us): %s" % quantiles(rtts))
    print("  %s" % describe_pauses([d["t"] for d in data]))


def main(paths):
    for path in paths:
        print("== %s" % path)
        tcp, udp = parse(path)
        tcp_report(tcp)
        tftp_report(udp)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
