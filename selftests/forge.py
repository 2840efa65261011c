#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made frames with scapy, for the selftests.

    forge.py IFACE FRAME [FRAME ...]

Each FRAME is a scapy expression, e.g. "Ether(dst=BC)/ARP(op=2, psrc='10.0.0.2')";
BC is the broadcast address and MAC the interface's own.  All frames go out
of IFACE from one process: scapy takes seconds to import under emulation.
"""
import sys

from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, conf, get_if_hwaddr, sendp  # noqa: F401


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    iface = sys.argv[1]
    conf.verb = 0
    env = {"BC": "ff:ff:ff:ff:ff:ff", "MAC": get_if_hwaddr(iface),
           "ARP": ARP, "ICMP": ICMP, "IP": IP, "UDP": UDP, "Ether": Ether, "Raw": Raw}
    frames = [eval(expr, env) for expr in sys.argv[2:]]  # test input, written by the tests
    sendp(frames, iface=iface, inter=0.01)


if __name__ == "__main__":
    main()
