#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd's SPF, DKIM and DMARC checks of incoming mail, with a DNS server
of the test's own on loopback: never real DNS.

    Zone (dnslib, UDP 127.0.0.1:port)     TXT: SPF, DKIM keys, _dmarc
        ^  resolver = 127.0.0.1:port, dns_timeout = 1
        |
    smtplib --198.51.100.7 -> 127.0.0.1:smtp
                           nfpostd [authcheck] lab.example = reject
                              |                quiet.example = accept
                              |-- 550 5.7.1 at the end of DATA, or
                              '-- mail/bob/new/  or  mail/bob/.Junk/new/
                                  with Authentication-Results: on top,
                                  read back with Python's email parser
                                  and imaplib (Junk)

libspf2 passes every loopback client (127/8, ::1) without a lookup, so
the test runs in a network namespace of its own (root, unshare) where lo
also has 198.51.100.7 (TEST-NET-2), and the client comes from there; no
packet leaves that namespace. A second zone that never answers gives temperror after dns_timeout, and
the message is still delivered. DKIM signatures come from python3-dkim
with a key from `nfpost dkim keygen`. Each case prints one TAP line; the
last line is the plan. dnslib and dkim are Debian's (python3-dnslib,
python3-dkim), for /usr/bin/python3.
"""
import ctypes
import email
import email.policy
import glob
import imaplib
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time

try:
    import dkim
    import dnslib
except ImportError:
    if sys.executable != "/usr/bin/python3" and \
            os.access("/usr/bin/python3", os.X_OK):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..0 # SKIP python3-dnslib or python3-dkim is not installed "
          "(scripts/deps)")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtp import HOST, NFPOST, PASSWORD, Daemon, insecure  # noqa: E402
from relay import NextHop, unstuffed  # noqa: E402

CASES = []
CLIENT = "198.51.100.7"
TRUSTED = "192.0.2.25"          # in the tests' mynetworks, 192.0.2.0/24
ZONE = {
    ("pass.example", "TXT"): ["v=spf1 ip4:%s -all" % CLIENT],
    ("_dmarc.pass.example", "TXT"): ["v=DMARC1; p=reject"],
    ("fail.example", "TXT"): ["v=spf1 ip4:192.0.2.1 -all"],
    ("soft.example", "TXT"): ["v=spf1 ip4:192.0.2.1 ~all"],
    ("nothing.example", "A"): ["192.0.2.7"],
    ("bank.example", "A"): ["192.0.2.8"],
    ("_dmarc.bank.example", "TXT"): ["v=DMARC1; p=reject"],
    ("shop.example", "A"): ["192.0.2.9"],
    ("_dmarc.shop.example", "TXT"): ["v=DMARC1; p=quarantine"],
    ("shop.example", "TXT"): ["v=spf1 ip4:%s -all" % CLIENT],
    ("neutral.example", "TXT"): ["v=spf1 ?all"],
    ("broken.example", "TXT"): ["v=spf1 no-such-mechanism -all"],
    ("lax.example", "A"): ["192.0.2.10"],
    ("_dmarc.lax.example", "TXT"): ["v=DMARC1; p=none"],
    # A revoked key: the record is there, its key is empty (RFC 6376 3.6.1).
    ("revoked._domainkey.signed.example", "TXT"): ["v=DKIM1; k=rsa; p="],
    ("_dmarc.signed.example", "TXT"): ["v=DMARC1; p=reject"],
}


def case(fn):
    CASES.append(fn)
    return fn


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


class Zone:
    """A UDP DNS server on 127.0.0.1: @records {(name, type): [values]};
    with answer=False it reads queries and never replies."""

    def __init__(self, records, answer=True):
        self.records = {(n.lower(), t): v for (n, t), v in records.items()}
        self.answer = answer
        self.queries = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def rr(self, name, qtype, value):
        if qtype == "TXT":
            data = value.encode()
            rdata = dnslib.TXT([data[i:i + 255]
                                for i in range(0, len(data), 255)])
        else:
            rdata = getattr(dnslib, qtype)(value)
        return dnslib.RR(name, getattr(dnslib.QTYPE, qtype), rdata=rdata,
                         ttl=300)

    def reply(self, data):
        req = dnslib.DNSRecord.parse(data)
        name = str(req.q.qname).rstrip(".").lower()
        qtype = dnslib.QTYPE[req.q.qtype]
        self.queries.append((name, qtype))
        rep = req.reply()
        for value in self.records.get((name, qtype), []):
            rep.add_answer(self.rr(req.q.qname, qtype, value))
        if not any(n == name for n, _ in self.records):
            rep.header.rcode = dnslib.RCODE.NXDOMAIN
        return rep.pack()

    def serve(self):
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            if not self.answer:
                self.queries.append(data)
                continue
            self.sock.sendto(self.reply(data), peer)

    def close(self):
        self.sock.close()


def daemon(zone, extra=""):
    return Daemon(listen=("imap",), extra=f"""resolver = 127.0.0.1:{zone.port}
dns_timeout = 1
domains = quiet.example
{extra}
[authcheck]
lab.example = reject
quiet.example = accept
""")


def msg(sender, subject="checked", body="Hello.\r\n", extra=""):
    return (f"From: {sender}\r\nTo: bob@lab.example\r\nSubject: {subject}"
            f"\r\nMessage-ID: <{subject.replace(' ', '.')}@test>\r\n{extra}"
            f"\r\n{body}").encode()


def send(d, mail_from, data, rcpt="bob@lab.example"):
    """(code, text) of the end of DATA."""
    with smtplib.SMTP("127.0.0.1", d.ports["smtp"], timeout=30,
                      source_address=(CLIENT, 0)) as s:
        s.ehlo("client.test")
        s.mail(mail_from)
        code, text = s.rcpt(rcpt)
        expect(code == 250, "RCPT: %d %s" % (code, text))
        code, text = s.data(data)
        return code, text.decode()


def delivered(d, folder="new"):
    d.wait_for("a message in " + folder,
               lambda: glob.glob(os.path.join(d.mail, "bob", folder, "*")))
    path = glob.glob(os.path.join(d.mail, "bob", folder, "*"))[0]
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    return data


def results(data):
    """The Authentication-Results: fields parsed back (RFC 8601 2.2):
    [(authserv-id, {method: (result, {property: value})})]."""
    m = email.message_from_bytes(data, policy=email.policy.compat32)
    out = []
    for field in m.get_all("Authentication-Results") or []:
        text = re.sub(r"\([^)]*\)", "", re.sub(r"\r?\n[ \t]", " ", field))
        parts = [p.strip() for p in text.split(";")]
        methods = {}
        for p in parts[1:]:
            words = p.split()
            if not words:
                continue
            method, result = words[0].split("=", 1)
            props = dict(w.split("=", 1) for w in words[1:] if "=" in w)
            methods[method] = (result, props)
        out.append((parts[0], methods))
    return out


def ours(data):
    """Our one field's methods; fails unless it comes first."""
    ar = results(data)
    expect(ar and ar[0][0] == HOST, "no field of %s first: %r" % (HOST, ar))
    return ar[0][1]


@case
def spf_pass_with_aligned_dmarc_is_delivered_with_its_verdicts(zone, d):
    code, _ = send(d, "alice@pass.example", msg("alice@pass.example"))
    expect(code == 250, code)
    data = delivered(d)
    m = ours(data)
    expect(m["spf"] == ("pass", {"smtp.mailfrom": "alice@pass.example"}),
           m)
    expect(m["dkim"][0] == "none", m)
    expect(m["dmarc"] == ("pass", {"header.from": "pass.example"}), m)
    expect(b"X-Spam-Flag" not in data, "tagged")
    expect(data.index(b"Authentication-Results:") <
           data.index(b"Received:"), "not on top of Received:")


@case
def spf_fail_without_dmarc_is_550_5_7_1_unless_the_domain_accepts(zone, d):
    code, text = send(d, "x@fail.example", msg("x@fail.example"))
    expect(code == 550 and text.startswith("5.7.1") and
           "fail.example" in text, "%d %s" % (code, text))
    expect(not glob.glob(os.path.join(d.mail, "*", "*", "*")) and
           not glob.glob(os.path.join(d.mail, "*", ".Junk", "*", "*")),
           "delivered anyway")
    expect("reject: from=<x@fail.example>" in d.logtext(), "no log line")
    # quiet.example = accept: the same message is delivered, marked.
    code, _ = send(d, "x@fail.example", msg("x@fail.example"),
                   rcpt="bob@quiet.example")
    expect(code == 250, code)
    data = delivered(d)
    expect(ours(data)["spf"][0] == "fail", ours(data))
    expect(b"X-Spam-Flag" not in data, "tagged under accept")


@case
def spf_softfail_is_tagged_and_none_is_not(zone, d):
    code, _ = send(d, "x@soft.example", msg("x@soft.example"))
    expect(code == 250, code)
    data = delivered(d)
    expect(ours(data)["spf"][0] == "softfail", ours(data))
    expect(b"\r\nX-Spam-Flag: YES\r\n" in data.split(b"\r\n\r\n")[0],
           "not tagged")
    code, _ = send(d, "x@nothing.example", msg("x@nothing.example"))
    expect(code == 250, code)
    data = delivered(d)
    m = ours(data)
    expect(m["spf"][0] == "none" and m["dmarc"][0] == "none", m)
    expect(b"X-Spam-Flag" not in data, "tagged")


@case
def a_silent_dns_server_gives_temperror_and_the_message_is_delivered(
        zone, d):
    silent = Zone({}, answer=False)
    q = None
    try:
        q = daemon(silent)
        t = time.monotonic()
        code, _ = send(q, "x@pass.example", msg("x@pass.example"))
        took = time.monotonic() - t
        expect(code == 250, code)
        # dns_timeout = 1: one second per lookup, SPF's and DMARC's.
        expect(1 <= took < 10, "took %.1f s" % took)
        m = ours(delivered(q))
        expect(m["spf"][0] == "temperror" and m["dmarc"][0] == "temperror",
               m)
        expect(silent.queries, "the silent server was never asked")
        q.stop_cleanly()
    finally:
        silent.close()
        if q:
            q.close()


def signed(key, data):
    return dkim.sign(data, b"sel1", b"signed.example", key,
                     include_headers=[b"from", b"to", b"subject"]) + data


@case
def a_dkim_signature_verifies_and_a_tampered_one_fails(zone, d):
    with open(os.path.join(d.dir, "sel1.private"), "rb") as f:
        key = f.read()
    good = signed(key, msg("ann@signed.example", "signed"))
    code, _ = send(d, "ann@signed.example", good)
    expect(code == 250, code)
    data = delivered(d)
    m = ours(data)
    expect(m["dkim"][0] == "pass" and
           m["dkim"][1]["header.d"] == "signed.example" and
           m["dkim"][1]["header.s"] == "sel1", m)
    expect(good.split(b"b=")[-1][:8].decode() in
           m["dkim"][1]["header.b"], m)
    # No SPF record, but the aligned signature passes DMARC.
    expect(m["spf"][0] == "none" and m["dmarc"][0] == "pass", m)
    bad = good.replace(b"Hello.", b"Hello!")
    code, text = send(d, "ann@signed.example", bad)
    expect(code == 550 and "signed.example" in text and "p=reject" in text,
           "%d %s" % (code, text))
    code, _ = send(d, "ann@signed.example", bad, rcpt="bob@quiet.example")
    expect(code == 250, code)
    m = ours(delivered(d))
    expect(m["dkim"][0] == "fail" and m["dmarc"][0] == "fail", m)


@case
def spf_neutral_and_permerror_are_delivered_untagged(zone, d):
    for sender, result in (("x@neutral.example", "neutral"),
                           ("x@broken.example", "permerror")):
        code, _ = send(d, sender, msg(sender))
        expect(code == 250, "%s: %d" % (sender, code))
        data = delivered(d)
        m = ours(data)
        expect(m["spf"] == (result, {"smtp.mailfrom": sender}), m)
        expect(b"X-Spam-Flag" not in data, "%s: tagged" % sender)


def signed_as(key, selector, data):
    return dkim.sign(data, selector, b"signed.example", key,
                     include_headers=[b"from", b"to", b"subject"]) + data


@case
def dkim_bad_header_missing_key_and_revoked_key_are_told_apart(zone, d):
    with open(os.path.join(d.dir, "sel1.private"), "rb") as f:
        key = f.read()
    good = signed_as(key, b"sel1", msg("ann@signed.example", "headers"))
    # A signed header changed: the signature fails (RFC 8601 2.7.1 fail).
    bad = good.replace(b"Subject: headers", b"Subject: Headers")
    # No key at the selector, and a revoked key: no verdict on the
    # message can be had from them (permerror), and DMARC fails.
    nokey = signed_as(key, b"gone", msg("ann@signed.example", "nokey"))
    revoked = signed_as(key, b"revoked", msg("ann@signed.example", "rev"))
    for data, result in ((bad, "fail"), (nokey, "permerror"),
                         (revoked, "permerror")):
        # signed.example asks p=reject: only quiet.example (accept) keeps it
        code, text = send(d, "ann@signed.example", data)
        expect(code == 550 and "p=reject" in text,
               "%s: %d %s" % (result, code, text))
        code, _ = send(d, "ann@signed.example", data,
                       rcpt="bob@quiet.example")
        expect(code == 250, code)
        m = ours(delivered(d))
        expect(m["dkim"][0] == result and
               m["dkim"][1].get("header.d") == "signed.example", m)
        expect(m["dmarc"] == ("fail", {"header.from": "signed.example"}), m)
    expect(("revoked._domainkey.signed.example", "TXT") in zone.queries and
           ("gone._domainkey.signed.example", "TXT") in zone.queries,
           "keys never asked for: %r" % zone.queries)


@case
def dmarc_p_none_and_aligned_quarantine_deliver_to_the_inbox(zone, d):
    # p=none: unaligned and failing, but the domain asks for nothing.
    code, _ = send(d, "x@pass.example", msg("news@lax.example", "lax"))
    expect(code == 250, code)
    data = delivered(d)
    m = ours(data)
    expect(m["dmarc"] == ("fail", {"header.from": "lax.example"}), m)
    expect(b"X-Spam-Flag" not in data, "tagged under p=none")
    # p=quarantine, but SPF passes for the From: domain itself: aligned.
    code, _ = send(d, "sales@shop.example", msg("sales@shop.example", "ok"))
    expect(code == 250, code)
    data = delivered(d)
    m = ours(data)
    expect(m["spf"][0] == "pass" and
           m["dmarc"] == ("pass", {"header.from": "shop.example"}), m)
    expect(not glob.glob(os.path.join(d.mail, "bob", ".Junk", "new", "*")),
           "aligned mail quarantined")


@case
def dmarc_reject_with_an_unaligned_from_is_550_5_7_1(zone, d):
    # SPF passes for pass.example, which is not the From: domain.
    code, text = send(d, "x@pass.example", msg("ceo@bank.example"))
    expect(code == 550 and text.startswith("5.7.1") and
           "DMARC policy of bank.example (p=reject)" in text,
           "%d %s" % (code, text))


@case
def dmarc_quarantine_lands_in_junk_and_imap_fetches_it(zone, d):
    code, _ = send(d, "x@pass.example", msg("sales@shop.example", "promo"))
    expect(code == 250, code)
    d.wait_for("the Junk folder",
               lambda: glob.glob(os.path.join(d.mail, "bob", ".Junk", "new",
                                              "*")))
    expect(not glob.glob(os.path.join(d.mail, "bob", "new", "*")),
           "also in INBOX")
    m = imaplib.IMAP4("127.0.0.1", d.ports["imap"], timeout=10)
    m.starttls(insecure())
    m.login("bob", PASSWORD["bob"])
    typ, data = m.select("Junk")
    expect(typ == "OK" and data[0] == b"1", (typ, data))
    typ, data = m.fetch("1", "(BODY.PEEK[HEADER])")
    expect(typ == "OK", (typ, data))
    head = data[0][1]
    expect(b"Subject: promo" in head and b"X-Spam-Flag: YES" in head, head)
    r = ours(head)
    expect(r["dmarc"] == ("fail", {"header.from": "shop.example"}), r)
    expect(b"(p=quarantine)" in head, head)
    m.logout()


@case
def fields_forged_with_our_authserv_id_are_removed(zone, d):
    forged = (f"Authentication-Results: {HOST};\r\n\tspf=pass "
              "smtp.mailfrom=ceo@bank.example\r\n"
              f"Authentication-Results: (comment) {HOST.upper()}; "
              "dmarc=pass\r\n"
              "Authentication-Results: other.example; dkim=pass\r\n")
    code, _ = send(d, "x@nothing.example",
                   msg("x@nothing.example", extra=forged))
    expect(code == 250, code)
    data = delivered(d)
    ar = results(data)
    expect([a for a, _ in ar] == [HOST, "other.example"], ar)
    expect(ar[0][1]["spf"][0] == "none", ar)
    expect("removed 2 Authentication-Results:" in d.logtext(), "no log")


@case
def answers_are_cached_and_trusted_senders_are_not_checked(zone, d):
    for i in range(3):
        code, _ = send(d, "x@pass.example", msg("x@pass.example", "c%d" % i))
        expect(code == 250, code)
        delivered(d)
    asked = [q for q in zone.queries if q == ("pass.example", "TXT")]
    expect(len(asked) == 1, "asked %d times" % len(asked))
    # alice, authenticated, sends from a failing domain: no check at all.
    with smtplib.SMTP("127.0.0.1", d.ports["submission"]) as s:
        s.starttls(context=insecure())
        s.login("alice", PASSWORD["alice"])
        s.sendmail("alice@fail.example", ["bob@lab.example"],
                   msg("alice@fail.example"))
    data = delivered(d)
    expect(not results(data), "an authenticated message was checked")


def own_netns():
    """A network namespace of our own, before any thread: its lo up, with
    CLIENT on it too. An error text, or None."""
    if os.geteuid() != 0:
        return "needs root for a network namespace (unshare)"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000):            # CLONE_NEWNET
        return "unshare: " + os.strerror(ctypes.get_errno())
    for cmd in (["ip", "link", "set", "lo", "up"],
                ["ip", "addr", "add", CLIENT + "/32", "dev", "lo"],
                ["ip", "addr", "add", TRUSTED + "/32", "dev", "lo"]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            return " ".join(cmd) + ": " + r.stderr.strip()
    return None


@case
def mynetworks_mail_is_signed_with_the_key_of_its_from_domain(zone, d):
    """[dkim] has lab.example and signed.example: a mynetworks client's
    message with From: news.lab.example and a bounce address elsewhere is
    signed d=lab.example (aligned, relaxed); python3-dkim verifies it
    against the zone's record."""
    hop = NextHop()
    r = None
    try:
        keys = "".join("%s = %s %s\n" % (dom, sel, os.path.join(
            d.dir, sel + ".private")) for dom, sel in
            (("signed.example", "sel1"), ("lab.example", "sel2")))
        r = Daemon(transport={"other.example": hop.port},
                   extra="[dkim]\n" + keys)
        with smtplib.SMTP("127.0.0.1", r.ports["smtp"], timeout=30,
                          source_address=(TRUSTED, 0)) as s:
            s.sendmail("bounces@elsewhere.example", ["carol@other.example"],
                       msg("News <letter@news.lab.example>", "news"))
        hop.wait("the relayed message", lambda: len(hop.messages) == 1)
        data = b"\r\n".join(unstuffed(hop.messages[0])) + b"\r\n"
        sig = re.search(rb"DKIM-Signature: (.*?)\r\n(?![ \t])", data, re.S)
        expect(sig and re.search(rb"\bd=lab\.example;", sig.group(1)) and
               re.search(rb"\bs=sel2;", sig.group(1)), data[:600])

        def dnsfunc(name, timeout=5):
            txt = zone.records.get((name.decode().rstrip(".").lower(),
                                    "TXT"))
            return txt[0].encode() if txt else None
        expect(dkim.verify(data, dnsfunc=dnsfunc), "does not verify")
        expect(not dkim.verify(data.replace(b"Hello.", b"Hello?"),
                               dnsfunc=dnsfunc), "a changed body verifies")
        r.stop_cleanly()
    finally:
        hop.close()
        if r:
            r.close()


def main():
    why = own_netns()
    if why:
        print("1..0 # SKIP " + why)
        return 0
    d0 = tempfile.mkdtemp(prefix="nfpost-authcheck.")
    try:
        zone_records = dict(ZONE)
        for dom, sel in (("signed.example", "sel1"), ("lab.example", "sel2")):
            out = subprocess.run([NFPOST, "dkim", "keygen", "-k",
                                  os.path.join(d0, sel + ".private"),
                                  dom, sel],
                                 capture_output=True, text=True, check=True)
            zone_records[("%s._domainkey.%s" % (sel, dom), "TXT")] = [
                "".join(re.findall(r'"([^"]*)"', out.stdout))]
        n = failed = 0
        for fn in CASES:
            n += 1
            name = "nfpostd: authcheck: " + fn.__name__.replace("_", " ")
            zone = Zone(zone_records)
            d = None
            try:
                d = daemon(zone)
                for key in ("sel1.private", "sel2.private"):
                    shutil.copy(os.path.join(d0, key), d.dir)
                fn(zone, d)
                d.stop_cleanly()
                print("ok %d - %s" % (n, name))
            except Exception as e:  # every failure is a TAP line
                failed += 1
                print("not ok %d - %s" % (n, name))
                print("# %s: %s" % (type(e).__name__, e))
            finally:
                zone.close()
                if d:
                    d.close()
        print("1..%d" % n)
        return 1 if failed else 0
    finally:
        shutil.rmtree(d0)


if __name__ == "__main__":
    sys.exit(main())
