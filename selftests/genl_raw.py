#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""genl_raw.py FAMILY CMD RESERVED: sends one generic netlink request with
the given command and genlmsghdr.reserved, no attributes, and prints the
kernel's answer: "ok", or "error ERRNO: EXTACK MESSAGE". What the nfpost CLI
never sends (it always zeroes the reserved field), for the selftests."""
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NLM_F_CAPPED = 0x100
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1


def align(n):
    return (n + 3) & ~3


def attrs(buf):
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("=HH", buf)
        if alen < 4:
            return
        yield atype & 0x3fff, buf[4:alen]
        buf = buf[align(alen):]


def request(sock, ftype, cmd, reserved, payload=b"", flags=NLM_F_ACK):
    body = struct.pack("=BBH", cmd, 1, reserved) + payload
    sock.send(struct.pack("=IHHII", 16 + len(body), ftype,
                          NLM_F_REQUEST | flags, 1, 0) + body)
    return sock.recv(65536)


def family_id(sock, name):
    raw = name.encode() + b"\0"
    attr = struct.pack("=HH", 4 + len(raw), CTRL_ATTR_FAMILY_NAME) + raw
    attr += b"\0" * (align(len(attr)) - len(attr))
    # No ack asked: the answer (or an error) is the only message.
    msg = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, attr, 0)
    _, mtype = struct.unpack_from("=IH", msg)
    if mtype == NLMSG_ERROR:
        sys.exit("genl_raw: no family %s" % name)
    for atype, data in attrs(msg[20:]):
        if atype == CTRL_ATTR_FAMILY_ID:
            return struct.unpack("=H", data[:2])[0]
    sys.exit("genl_raw: no family id in the answer")


def main():
    name, cmd, reserved = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
    msg = request(sock, family_id(sock, name), cmd, reserved)
    # A doit's answer, if any, comes before the ack.
    while struct.unpack_from("=IH", msg)[1] != NLMSG_ERROR:
        msg = sock.recv(65536)
    mlen, _, flags = struct.unpack_from("=IHH", msg)
    err = struct.unpack_from("=i", msg, 16)[0]
    if not err:
        print("ok")
        return
    # The request follows the error code, whole or (capped) its header only;
    # then the extack attributes.
    orig_len = struct.unpack_from("=I", msg, 20)[0]
    off = 20 + (16 if flags & NLM_F_CAPPED else align(orig_len))
    text = ""
    for atype, data in attrs(msg[off:mlen]):
        if atype == NLMSGERR_ATTR_MSG:
            text = data.rstrip(b"\0").decode()
    print("error %d: %s" % (-err, text))

main()
