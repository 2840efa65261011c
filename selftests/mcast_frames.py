#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""IGMP/MLD frames for selftests/mcast.sh, built once, sent many times.

    mcast_frames.py gen DIR            write every frame of FRAMES to DIR/NAME
    mcast_frames.py send IFACE DIR NAME...   send DIR/NAME out of IFACE
    mcast_frames.py queries IFACE SECONDS    print the IGMP/MLD queries IFACE
                                             receives, a JSON line each

"gen" imports scapy and was run once to make selftests/mcast_frames/ (run
it again after changing frames()); "send", what the selftest runs, writes
the raw bytes to a packet socket and starts in a blink.
"""
import json
import os
import socket
import sys
import time

HOSTS = {"h1": 1, "h2": 2, "h3": 3}
G1, G2, G3 = "239.1.1.1", "239.1.1.2", "239.3.3.3"
S1, S2 = "10.0.0.100", "10.0.0.101"
G6, S61, S69 = "ff0e::42", "2001:db8::100", "2001:db8::199"


def frames():
    # pylint: disable=import-outside-toplevel
    from scapy.all import IP, IPv6, Ether, raw
    from scapy.contrib.igmp import IGMP
    from scapy.contrib.igmpv3 import IGMPv3, IGMPv3gr, IGMPv3mr
    from scapy.layers.inet import IPOption_Router_Alert
    from scapy.layers.inet6 import (ICMPv6MLDMultAddrRec, ICMPv6MLQuery2,
                                    ICMPv6MLReport, ICMPv6MLReport2,
                                    ICMPv6MLDone, IPv6ExtHdrHopByHop,
                                    RouterAlert)

    out = {}
    for h, n in HOSTS.items():
        mac = "02:00:00:00:00:%02x" % n
        ip = "10.0.0.%d" % n
        ll = "fe80::%d" % n

        def v4(dst, payload, ip=ip, mac=mac):
            emac = "01:00:5e:%02x:%02x:%02x" % tuple(
                [int(x) & (0x7f if i == 0 else 0xff)
                 for i, x in enumerate(dst.split(".")[1:])])
            return raw(Ether(src=mac, dst=emac) /
                       IP(src=ip, dst=dst, ttl=1,
                          options=[IPOption_Router_Alert()]) / payload)

        def v3(*recs):
            return v4("224.0.0.22", IGMPv3(type=0x22) / IGMPv3mr(records=[
                IGMPv3gr(rtype=t, maddr=g, srcaddrs=list(s)) for t, g, s in recs]))

        def mld2(*recs):
            hbh = IPv6ExtHdrHopByHop(options=[RouterAlert()])
            return raw(Ether(src=mac, dst="33:33:00:00:00:16") /
                       IPv6(src=ll, dst="ff02::16", hlim=1) / hbh /
                       ICMPv6MLReport2(records=[
                           ICMPv6MLDMultAddrRec(rtype=t, dst=g, sources=list(s))
                           for t, g, s in recs]))

        def mld1(kind, dst, g):
            hbh = IPv6ExtHdrHopByHop(options=[RouterAlert()])
            return raw(Ether(src=mac, dst="33:33:00:00:00:%02x" % (0x42 if dst != "ff02::2" else 2)) /
                       IPv6(src=ll, dst=dst, hlim=1) / hbh / kind(mladdr=g))

        for g, tag in ((G1, "g1"), (G2, "g2"), (G3, "g3")):
            out[h + "_v2report_" + tag] = v4(g, IGMP(type=0x16, gaddr=g))
            out[h + "_v2leave_" + tag] = v4("224.0.0.2", IGMP(type=0x17, gaddr=g))
        out[h + "_isin_s1"] = v3((1, G1, [S1]))
        out[h + "_allow_s1"] = v3((5, G1, [S1]))
        out[h + "_allow_s2"] = v3((5, G1, [S2]))
        out[h + "_block_s1"] = v3((6, G1, [S1]))
        out[h + "_isex_s2"] = v3((2, G1, [S2]))
        out[h + "_isex_s1"] = v3((2, G1, [S1]))
        out[h + "_isin_s2"] = v3((1, G1, [S2]))
        out[h + "_toex_s2"] = v3((4, G1, [S2]))
        out[h + "_toin_none"] = v3((3, G1, []))
        out[h + "_toin_s1"] = v3((3, G1, [S1]))
        out[h + "_mld2_isin_s61"] = mld2((1, G6, [S61]))
        out[h + "_mld2_isin_s69"] = mld2((1, G6, [S69]))
        out[h + "_mld2_isex_s61"] = mld2((2, G6, [S61]))
        out[h + "_mld2_block_s61"] = mld2((6, G6, [S61]))
        out[h + "_mld2_allow_s61"] = mld2((5, G6, [S61]))
        out[h + "_mld2_toex_s61"] = mld2((4, G6, [S61]))
        out[h + "_mld1_report"] = mld1(ICMPv6MLReport, G6, G6)
        out[h + "_mld1_done"] = mld1(ICMPv6MLDone, "ff02::2", G6)
        out[h + "_query_low"] = v4("224.0.0.1", IGMP(type=0x11, mrcode=100,
                                                     gaddr="0.0.0.0"),
                                   ip="10.0.0.%d" % (10 + n))
        # an MLDv2 general query from fe80::1N, below any EUI-64 address
        out[h + "_mld_query_low"] = raw(
            Ether(src=mac, dst="33:33:00:00:00:01") /
            IPv6(src="fe80::%d" % (10 + n), dst="ff02::1", hlim=1) /
            IPv6ExtHdrHopByHop(options=[RouterAlert()]) /
            ICMPv6MLQuery2(mrd=1000, QRV=2, QQIC=125))
        # malformed: bad checksum, a record count past the end, no group
        bad = bytearray(out[h + "_v2report_g1"])
        bad[-1] ^= 0xff
        out[h + "_bad_csum"] = bytes(bad)
        trunc = bytearray(v3((5, G3, [S1])))
        trunc[14 + 24 + 7] = 2          # two records, one present
        c = trunc[14 + 24:]
        c[2] = c[3] = 0
        s = sum((c[i] << 8) + (c[i + 1] if i + 1 < len(c) else 0)
                for i in range(0, len(c), 2))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        s = ~s & 0xffff
        trunc[14 + 24 + 2], trunc[14 + 24 + 3] = s >> 8, s & 0xff
        out[h + "_bad_count"] = bytes(trunc)
        out[h + "_bad_group"] = v4(G3, IGMP(type=0x16, gaddr="10.9.9.9"))
    return out


def query(d):
    """The query in Ethernet frame d as a dict, or None if it is not one."""
    if d[12:14] == b"\x08\x00" and len(d) >= 34 and d[23] == 2:
        m = d[14 + (d[14] & 0x0f) * 4:]
        if len(m) < 8 or m[0] != 0x11:
            return None
        srcs = []
        if len(m) >= 12:
            n = int.from_bytes(m[10:12], "big")
            srcs = [socket.inet_ntoa(m[12 + 4 * i:16 + 4 * i]) for i in range(n)]
        return {"proto": "igmp", "v3": len(m) >= 12,
                "src": socket.inet_ntoa(d[26:30]),
                "group": socket.inet_ntoa(m[4:8]), "sources": srcs}
    if d[12:14] == b"\x86\xdd" and len(d) >= 62 and d[20] == 0:
        off = 54 + (d[55] + 1) * 8
        m = d[off:]
        if d[54] != 58 or len(m) < 24 or m[0] != 130:
            return None
        srcs = []
        if len(m) >= 28:
            n = int.from_bytes(m[26:28], "big")
            srcs = [socket.inet_ntop(socket.AF_INET6, m[28 + 16 * i:44 + 16 * i])
                    for i in range(n)]
        return {"proto": "mld", "v2": len(m) >= 28,
                "src": socket.inet_ntop(socket.AF_INET6, d[22:38]),
                "group": socket.inet_ntop(socket.AF_INET6, m[8:24]),
                "sources": srcs}
    return None


def queries(iface, secs):
    """Prints "ready", then each query received within secs seconds."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 0))
    print('{"ready": true}', flush=True)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            d, a = s.recvfrom(65535)
        except socket.timeout:
            break
        q = query(d) if a[2] != socket.PACKET_OUTGOING else None
        if q:
            q["t"] = round(time.monotonic(), 3)
            print(json.dumps(q), flush=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "queries":
        queries(sys.argv[2], float(sys.argv[3]))
        return
    if len(sys.argv) >= 3 and sys.argv[1] == "gen":
        for name, data in frames().items():
            with open(os.path.join(sys.argv[2], name), "wb") as f:
                f.write(data)
        return
    if len(sys.argv) < 5 or sys.argv[1] != "send":
        sys.exit(__doc__)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((sys.argv[2], 0))
    for name in sys.argv[4:]:
        with open(os.path.join(sys.argv[3], name), "rb") as f:
            s.send(f.read())


if __name__ == "__main__":
    main()
