#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""watch_helper.py: the two sides of the static-binding race, for the selftests.

    watch_helper.py arp IFACE DSTMAC N SECONDS
        N stations (10.1.0.1 .. with MAC 02:00:00:02:xx:xx) each send an ARP
        request out of IFACE, round after round, for SECONDS. Prints
        "frames F".
    watch_helper.py bind IFNAME N SECONDS
        Adds the same N stations as static bindings of IFNAME with their own
        MAC, round after round, for SECONDS, through nfpost_watch's generic
        netlink family. Prints "adds A errors E" and the first error's
        extack message.
    watch_helper.py icmp IFACE DSTMAC SRC DST N
        Sends N ICMP echo requests (sequence 1..N, checksums right) out of
        IFACE. Prints "frames F".
    watch_helper.py request CMD [TYPE=HEX ...]
        Sends command CMD with the given attributes (type number, value in
        hex) and prints "error ERRNO: EXTACK" (0 for success): requests the
        nfpost CLI never makes.
    watch_helper.py subs
        Subscribes 64 sockets to the events of its namespace and prints one
        line per step: the 65th is refused, a socket that never subscribed
        cannot unsubscribe, a closed one makes room.

A raw socket and prebuilt frames, not scapy: these want many packets.
"""
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
NLM_F_CAPPED = 0x100
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
NFPW_CMD_ADD_BINDING = 2
NFPW_CMD_SUBSCRIBE, NFPW_CMD_UNSUBSCRIBE = 9, 10
NLM_F_ACK = 4
NFPW_A_IFINDEX, NFPW_A_ADDR, NFPW_A_LLADDR = 2, 4, 5


def station(i):
    # 10.1.0.1 .. 10.1.255.255, then 10.2.0.0 ..: up to 16,711,679 stations
    n = i + 1
    return (bytes([10, 1 + (n >> 16), (n >> 8) & 255, n & 255]),
            bytes([2, 0, n >> 16, 2, (n >> 8) & 255, n & 255]))


def align(n):
    return (n + 3) & ~3


def attr(atype, data):
    raw = struct.pack("=HH", 4 + len(data), atype) + data
    return raw + b"\0" * (align(len(raw)) - len(raw))


def attrs(buf):
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("=HH", buf)
        if alen < 4:
            return
        yield atype & 0x3fff, buf[4:alen]
        buf = buf[align(alen):]


def arp(iface, dst, count, seconds):
    dst = bytes.fromhex(dst.replace(":", ""))
    target = bytes([10, 1, 255, 253])
    frames = []
    for i in range(count):
        ip, mac = station(i)
        frames.append(dst + mac + b"\x08\x06" +
                      struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) +
                      mac + ip + b"\0" * 6 + target)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    sent = 0
    end = time.monotonic() + seconds
    # At least one round: on a loaded host the deadline may be past before
    # the first one starts.
    while True:
        for f in frames:
            try:
                sock.send(f)
                sent += 1
            except OSError:
                pass        # a full queue under emulation: go on
        if time.monotonic() >= end:
            break
    print("frames %d" % sent)


def family_id(sock, name):
    raw = name.encode() + b"\0"
    body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0)
    body += attr(CTRL_ATTR_FAMILY_NAME, raw)
    sock.send(struct.pack("=IHHII", 16 + len(body), GENL_ID_CTRL,
                          NLM_F_REQUEST, 1, 0) + body)
    msg = sock.recv(65536)
    if struct.unpack_from("=IH", msg)[1] == NLMSG_ERROR:
        sys.exit("watch_race: no family %s" % name)
    for atype, data in attrs(msg[20:]):
        if atype == CTRL_ATTR_FAMILY_ID:
            return struct.unpack("=H", data[:2])[0]
    sys.exit("watch_race: no family id")


def ack(msg):
    """The errno and extack text of one NLMSG_ERROR."""
    mlen, _, flags = struct.unpack_from("=IHH", msg)
    err = -struct.unpack_from("=i", msg, 16)[0]
    text = ""
    if err:
        orig_len = struct.unpack_from("=I", msg, 20)[0]
        off = 20 + (16 if flags & NLM_F_CAPPED else align(orig_len))
        for atype, data in attrs(msg[off:mlen]):
            if atype == NLMSGERR_ATTR_MSG:
                text = data.rstrip(b"\0").decode()
    return err, text


def bind(ifname, count, seconds):
    ifindex = socket.if_nametoindex(ifname)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    fam = family_id(sock, "nfpost_watch")
    reqs = []
    for i in range(count):
        ip, mac = station(i)
        body = struct.pack("=BBH", NFPW_CMD_ADD_BINDING, 1, 0)
        body += attr(NFPW_A_IFINDEX, struct.pack("=I", ifindex))
        body += attr(NFPW_A_ADDR, ip) + attr(NFPW_A_LLADDR, mac)
        # No ack asked: the kernel answers only a failure. The add is done
        # by the time send() returns (the doit runs in the sender's call).
        reqs.append(struct.pack("=IHHII", 16 + len(body), fam,
                                NLM_F_REQUEST, i + 2, 0) + body)
    sent = errors = 0
    first = ""
    end = time.monotonic() + seconds
    while True:         # at least one round, as above
        for r in reqs:
            sock.send(r)
        sent += count
        while True:
            try:
                msg = sock.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            err, text = ack(msg)
            errors += 1
            first = first or "error %d: %s" % (err, text)
        if time.monotonic() >= end:
            break
    print("adds %d errors %d %s" % (sent - errors, errors, first))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def icmp(iface, dst, src_ip, dst_ip, count):
    dst = bytes.fromhex(dst.replace(":", ""))
    src = bytes.fromhex(open("/sys/class/net/%s/address" % iface).read()
                        .strip().replace(":", ""))
    saddr, daddr = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    sent = 0
    for seq in range(1, count + 1):
        msg = struct.pack("!BBHHH", 8, 0, 0, 0x4711, seq) + b"nfpost!!"
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(msg), seq, 0,
                         64, 1, 0, saddr, daddr)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        try:
            sock.send(dst + src + b"\x08\x00" + ip + msg)
            sent += 1
        except OSError:
            pass
    print("frames %d" % sent)


def genl_sock():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    return sock


def command(sock, fam, cmd, payload=b""):
    """Sends CMD with an ack asked and returns (errno, extack text)."""
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("=IHHII", 16 + len(body), fam,
                          NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body)
    while True:
        msg = sock.recv(65536)
        if struct.unpack_from("=IH", msg)[1] == NLMSG_ERROR:
            return ack(msg)


def subs():
    # Every socket stays referenced: one closed by the collector leaves.
    socks = [genl_sock() for _ in range(68)]
    fam = family_id(socks[0], "nfpost_watch")
    results = [command(s, fam, NFPW_CMD_SUBSCRIBE) for s in socks[:64]]
    print("subscribed %d of 64" % sum(1 for e, _ in results if not e))
    print("65th: error %d: %s" % command(socks[64], fam, NFPW_CMD_SUBSCRIBE))
    print("again: error %d: %s" % command(socks[0], fam, NFPW_CMD_SUBSCRIBE))
    print("unsubscribe unsubscribed: error %d: %s" %
          command(socks[65], fam, NFPW_CMD_UNSUBSCRIBE))
    print("unsubscribe: error %d: %s" %
          command(socks[1], fam, NFPW_CMD_UNSUBSCRIBE))
    socks[2].close()
    print("after two left: error %d: %s" %
          command(socks[64], fam, NFPW_CMD_SUBSCRIBE))
    print("one more: error %d: %s" %
          command(socks[66], fam, NFPW_CMD_SUBSCRIBE))
    print("one too many: error %d: %s" %
          command(socks[67], fam, NFPW_CMD_SUBSCRIBE))


def request(cmd, args):
    sock = genl_sock()
    payload = b""
    for a in args:
        atype, value = a.split("=")
        payload += attr(int(atype), bytes.fromhex(value))
    print("error %d: %s" % command(sock, family_id(sock, "nfpost_watch"),
                                   int(cmd), payload))


def main():
    modes = {"arp": 6, "bind": 5, "icmp": 7, "subs": 2}
    if len(sys.argv) >= 3 and sys.argv[1] == "request":
        request(sys.argv[2], sys.argv[3:])
        return
    if len(sys.argv) < 2 or modes.get(sys.argv[1]) != len(sys.argv):
        sys.exit(__doc__)
    if sys.argv[1] == "arp":
        arp(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif sys.argv[1] == "bind":
        bind(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif sys.argv[1] == "icmp":
        icmp(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5],
             int(sys.argv[6]))
    else:
        subs()


if __name__ == "__main__":
    main()
