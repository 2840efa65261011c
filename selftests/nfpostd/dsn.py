#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd's DSN extension (RFC 3461-3464), against real peers on loopback.

    smtplib (alice, submission)          a raw session (the syntax)
        |   RET= ENVID= / NOTIFY= ORCPT=
        v
    nfpostd A (lab.example) --transport--> NextHop (relay.py: records
        | alice, bob: Maildirs            |   commands, offers DSN or not)
        |                                 |-> nfpostd B (other.example,
        |                                 |   carol; offers DSN)
        |                                 '-> Postfix, a private instance
        '<---- B's and Postfix's notices to alice ---  (other.example)

Every notice is fetched back from alice's Maildir and read with Python's
email package: a multipart/report whose message/delivery-status part
carries the fields checked. Each case prints one TAP line; the last line
is the plan. Run by selftests/nfpostd/run.
"""
import email
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtp import (CAROL, PASSWORD, Daemon, Skip, expect,  # noqa: E402
                  free_port, greeted, insecure, listening, main, read)
from relay import NextHop, flush, started  # noqa: E402
import smtplib  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def send(d, rcpts, subject, mail_options=(), rcpt_options=()):
    """alice, authenticated on d's submission port, sends to @rcpts."""
    msg = ("From: alice@lab.example\r\nTo: someone\r\n"
           "Subject: %s\r\nMessage-ID: <%s@lab.example>\r\n\r\n"
           "the secret body line\r\n" % (subject, subject.replace(" ", "-")))
    with smtplib.SMTP("127.0.0.1", d.ports["submission"]) as s:
        s.starttls(context=insecure())
        s.login("alice", PASSWORD["alice"])
        s.ehlo()
        expect(s.has_extn("dsn"), "no DSN in EHLO after AUTH")
        s.mail("alice@lab.example", list(mail_options))
        for r in rcpts:
            code, text = s.rcpt(r, list(rcpt_options))
            expect(code == 250, "RCPT %s: %d %r" % (r, code, text))
        code, text = s.data(msg.encode())
        expect(code == 250, "DATA: %d %r" % (code, text))


def notices(d, n=1):
    """The first @n messages in alice's Maildir, parsed."""
    d.wait_for("%d notice(s) to alice" % n,
               lambda: len(d.maildir("alice")) >= n)
    return [email.message_from_bytes(read(p)) for p in d.maildir("alice")]


def report(msg):
    """(the per-message fields, [per-recipient fields]) of a DSN."""
    expect(msg.get_content_type() == "multipart/report" and
           msg.get_param("report-type") == "delivery-status",
           "not a delivery report: " + msg.get_content_type())
    parts = msg.get_payload()
    expect(len(parts) == 3, "%d parts" % len(parts))
    expect(parts[0].get_content_type() == "text/plain", "part 1")
    expect(parts[1].get_content_type() == "message/delivery-status",
           "part 2: " + parts[1].get_content_type())
    blocks = parts[1].get_payload()
    return blocks[0], blocks[1:]


@case
def ehlo_offers_dsn_and_bad_parameters_get_501_or_555(d):
    r = greeted(d)
    _, _, lines = r.cmd("EHLO client.example")
    expect("250-DSN" in lines, "EHLO: %r" % lines)
    for bad in ("RET=FULLY", "RET=FULL RET=HDRS", "RET", "ENVID=a+",
                "ENVID=a+4", "ENVID=" + "x" * 101, "ENVID=a ENVID=b"):
        code, line, _ = r.cmd("MAIL FROM:<x@client.example> " + bad)
        expect(code == 501 and " 5.5.4 " in line, "%s: %s" % (bad, line))
    code, line, _ = r.cmd("MAIL FROM:<x@client.example> ret=hdrs "
                          "ENVID=QQ+2B314")
    expect(code == 250, "good MAIL: " + line)
    for bad in ("NOTIFY=NEVER,SUCCESS", "NOTIFY=SOMETIMES", "NOTIFY=",
                "NOTIFY=SUCCESS NOTIFY=DELAY", "ORCPT=bob@lab.example",
                "ORCPT=rfc822;bob+0A@lab.example", "ORCPT=rfc822;"):
        code, line, _ = r.cmd("RCPT TO:<bob@lab.example> " + bad)
        expect(code == 501 and " 5.5.4 " in line, "%s: %s" % (bad, line))
    code, line, _ = r.cmd("RCPT TO:<bob@lab.example> XFOO=1")
    expect(code == 555, "unknown RCPT parameter: " + line)
    code, line, _ = r.cmd("RCPT TO:<bob@lab.example> notify=success,delay "
                          "ORCPT=rfc822;Bob+2Bx@lab.example")
    expect(code == 250, "good RCPT: " + line)
    # RFC 3461 4: RCPT may be 500 octets longer than 512, MAIL 100.
    longest = "RCPT TO:<bob@lab.example> ORCPT=rfc822;" + "b" * 493
    expect(len(longest) == 532, len(longest))
    code, line, _ = r.cmd(longest)
    expect(code == 250, "RCPT with a 500-octet ORCPT: " + line)
    code, line, _ = r.cmd("RCPT TO:<bob@lab.example> NOTIFY=NEVER " +
                          "X" * 1000)
    expect(code == 500 and "too long" in line, "RCPT over 1012: " + line)
    code, line, _ = r.cmd("NOOP " + "x" * 600)
    expect(code == 500 and "too long" in line, "NOOP of 607: " + line)
    code, _, _ = r.cmd("QUIT")
    expect(code == 221, "QUIT")


@case
def local_delivery_with_notify_success_is_reported_delivered(d):
    send(d, ["bob@lab.example"], "for bob", ["RET=FULL", "ENVID=QQ+2B314"],
         ["NOTIFY=SUCCESS", "ORCPT=rfc822;Bob+2Bdsn@lab.example"])
    d.wait_for("bob's message", lambda: len(d.maildir("bob")) == 1)
    msg = notices(d)[0]
    expect(msg["Subject"] == "Successful Mail Delivery Report",
           "Subject: %s" % msg["Subject"])
    expect(msg["To"] == "<alice@lab.example>", "To: %s" % msg["To"])
    top, rcpts = report(msg)
    expect(top["Original-Envelope-Id"] == "QQ+314", str(top))
    expect(top["Reporting-MTA"] == "dns; mx.lab.example", str(top))
    expect(len(rcpts) == 1, "%d recipients" % len(rcpts))
    r = rcpts[0]
    expect(r["Action"] == "delivered" and r["Status"] == "2.0.0" and
           r["Final-Recipient"] == "rfc822; bob@lab.example" and
           r["Original-Recipient"] == "rfc822; Bob+dsn@lab.example", str(r))
    # A success returns the headers only, RET=FULL or not (RFC 3461 4.3).
    third = msg.get_payload()[2]
    expect(third.get_content_type() == "text/rfc822-headers",
           third.get_content_type())
    expect("Subject: for bob" in third.get_payload() and
           "secret body" not in third.get_payload(), third.get_payload())


@case
def no_notify_no_success_notice(d):
    send(d, ["bob@lab.example"], "quiet", [], [])
    send(d, ["bob@lab.example"], "asked", [], ["NOTIFY=SUCCESS"])
    d.wait_for("bob's messages", lambda: len(d.maildir("bob")) == 2)
    msgs = notices(d)
    expect(len(msgs) == 1, "%d notices" % len(msgs))
    third = msgs[0].get_payload()[2].get_payload()
    expect("Subject: asked" in third, third)


def pair_with_b():
    """A (lab.example) relays other.example to B, B sends lab.example
    back to A: B's notices reach alice."""
    pa = free_port()
    b = Daemon(domain="other.example", users=CAROL,
               transport={"lab.example": pa})
    try:
        a = Daemon(transport={"other.example": b.ports["smtp"]},
                   smtp_port=pa)
    except Exception:
        b.close()
        raise
    return a, b


@case
def notify_never_silences_a_bounce_and_others_still_get_theirs(d):
    a, b = pair_with_b()
    try:
        send(a, ["dave@other.example", "erin@other.example"], "to nobody",
             [], [])
        # Two messages: a second transaction, so that dave's NEVER and
        # erin's default are each alone in their message.
        send(a, ["dave@other.example"], "never told", [], ["NOTIFY=NEVER"])
        a.wait_for("an empty queue", lambda: not a.queued())
        a.wait_for("three bounced", lambda: a.logtext().count(
            "status=bounced") == 3)
        msgs = notices(a)
        expect(len(msgs) == 1, "%d notices" % len(msgs))
        _, rcpts = report(msgs[0])
        got = sorted(r["Final-Recipient"] for r in rcpts)
        expect(got == ["rfc822; dave@other.example",
                       "rfc822; erin@other.example"], str(got))
        expect("Subject: to nobody" in msgs[0].get_payload()[2]
               .get_payload(), "wrong message bounced")
    finally:
        a.close()
        b.close()


@case
def failure_with_ret_full_returns_the_whole_message(d):
    a, b = pair_with_b()
    try:
        send(a, ["dave@other.example"], "whole back",
             ["RET=FULL", "ENVID=E1"],
             ["NOTIFY=FAILURE", "ORCPT=rfc822;dave@other.example"])
        msg = notices(a)[0]
        expect(msg["Subject"] == "Undelivered Mail Returned to Sender",
               msg["Subject"])
        top, rcpts = report(msg)
        expect(top["Original-Envelope-Id"] == "E1", str(top))
        r = rcpts[0]
        expect(r["Action"] == "failed" and r["Status"] == "5.1.1" and
               r["Original-Recipient"] == "rfc822; dave@other.example" and
               r["Remote-MTA"].startswith("dns; "), str(r))
        third = msg.get_payload()[2]
        expect(third.get_content_type() == "message/rfc822",
               third.get_content_type())
        inner = third.get_payload()[0]
        expect(inner["Subject"] == "whole back" and
               "the secret body line" in inner.get_payload(),
               inner.as_string())
    finally:
        a.close()
        b.close()


@case
def dsn_goes_on_to_a_next_hop_that_offers_it(d):
    """B offers DSN: A passes NOTIFY, ORCPT, RET and ENVID on and says
    nothing itself; B's "delivered" notice comes back to alice."""
    a, b = pair_with_b()
    try:
        send(a, ["carol@other.example"], "via b", ["RET=HDRS", "ENVID=QQ7"],
             ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;C+2Bx@other.example"])
        b.wait_for("carol's message", lambda: len(b.maildir("carol")) == 1)
        msg = notices(a)[0]
        top, rcpts = report(msg)
        expect(top["Reporting-MTA"] == "dns; mx.other.example" and
               top["Original-Envelope-Id"] == "QQ7", str(top))
        r = rcpts[0]
        expect(r["Action"] == "delivered" and
               r["Original-Recipient"] == "rfc822; C+x@other.example",
               str(r))
        a.wait_for("an empty queue", lambda: not a.queued())
        expect("delivery status notification" not in a.logtext(),
               "A sent a notice of its own")
        expect(len(a.maildir("alice")) == 1, "more than one notice")
    finally:
        a.close()
        b.close()


def hop_pair(ext, extra=""):
    hop = NextHop(ext=ext)
    try:
        a = Daemon(transport={"other.example": hop.port}, extra=extra)
    except Exception:
        hop.close()
        raise
    return hop, a


@case
def relay_to_a_hop_without_dsn_is_reported_relayed(d):
    hop, a = hop_pair(("8BITMIME",))
    try:
        send(a, ["carol@other.example"], "relayed", ["ENVID=R1"],
             ["NOTIFY=SUCCESS"])
        hop.wait("the message", lambda: hop.messages)
        msg = notices(a)[0]
        expect(msg["Subject"] == "Successful Mail Delivery Report",
               msg["Subject"])
        top, rcpts = report(msg)
        r = rcpts[0]
        expect(r["Action"] == "relayed" and r["Status"] == "2.0.0" and
               r["Remote-MTA"].startswith("dns; 127.0.0.1["), str(r))
        with hop.lock:
            cmds = [c for s in hop.sessions for c, _ in s]
        expect(any(c == "RCPT TO:<carol@other.example>" for c in cmds) and
               not any("NOTIFY" in c or "ENVID" in c for c in cmds),
               "DSN parameters to a hop without DSN: %r" % cmds)
    finally:
        hop.close()
        a.close()


@case
def dsn_parameters_survive_a_restart_in_the_queue(d):
    hop, a = hop_pair(("8BITMIME", "DSN"))
    try:
        hop.defer = {"carol@other.example"}
        send(a, ["carol@other.example"], "kept", ["RET=HDRS", "ENVID=K+2B1"],
             ["NOTIFY=DELAY,FAILURE", "ORCPT=rfc822;carol+20c@other.example"])
        a.wait_for("a deferral", lambda: "status=deferred" in a.logtext())
        a.kill()
        hop.defer = set()
        a.start()
        started(a, 2)
        flush(a)
        hop.wait("the message", lambda: hop.messages)
        with hop.lock:
            cmds = [c for c, _ in hop.sessions[-1]]
        expect("MAIL FROM:<alice@lab.example> RET=HDRS ENVID=K+2B1" in cmds,
               "MAIL: %r" % cmds)
        expect("RCPT TO:<carol@other.example> NOTIFY=FAILURE,DELAY "
               "ORCPT=rfc822;carol+20c@other.example" in cmds,
               "RCPT: %r" % cmds)
        a.wait_for("an empty queue", lambda: not a.queued())
        expect(not a.maildir("alice"), "a notice for a hop with DSN")
    finally:
        hop.close()
        a.close()


@case
def delay_notice_once_after_delay_warning(d):
    hop, a = hop_pair(("8BITMIME",), "delay_warning = 1")
    try:
        hop.defer = {"carol@other.example", "dave@other.example"}
        send(a, ["carol@other.example"], "slow", [], [])
        send(a, ["dave@other.example"], "slow but quiet", [],
             ["NOTIFY=FAILURE"])
        a.wait_for("two deferrals", lambda: a.logtext().count(
            "status=deferred") >= 2)

        def flushed_until_notice():
            flush(a)
            return len(a.maildir("alice")) >= 1
        a.wait_for("the delay notice", flushed_until_notice)
        msg = notices(a)[0]
        expect(msg["Subject"] == "Delayed Mail (still being retried)",
               msg["Subject"])
        _, rcpts = report(msg)
        expect(len(rcpts) == 1 and rcpts[0]["Action"] == "delayed" and
               rcpts[0]["Status"] == "4.2.0" and
               rcpts[0]["Final-Recipient"] == "rfc822; carol@other.example",
               str(rcpts))
        n = a.logtext().count("status=deferred")
        flush(a)
        a.wait_for("another try", lambda: a.logtext().count(
            "status=deferred") >= n + 2)
        expect(len(a.maildir("alice")) == 1, "a second delay notice")
        expect(len(a.queued()) == 2, "queue: %r" % a.queued())
    finally:
        hop.close()
        a.close()


POSTFIX_MASTER = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""


class Postfix:
    """A private Postfix instance (as bench/smtp makes one): carol of
    other.example in a virtual Maildir, lab.example sent to @back_port."""

    def __init__(self, back_port):
        self.tool = shutil.which("postfix") or "/usr/sbin/postfix"
        if os.geteuid() != 0 or not os.access(self.tool, os.X_OK):
            raise Skip("Postfix needs root and the postfix package")
        try:
            pwd.getpwnam("postfix")
        except KeyError:
            raise Skip("no postfix user: run scripts/deps")
        self.dir = tempfile.mkdtemp(prefix="nfpostd-test-postfix.")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.started = False
        p = self.dir
        for sub in ("etc", "queue", "data", "vmail"):
            os.mkdir(os.path.join(p, sub))
        nobody = pwd.getpwnam("nobody")
        os.chown(os.path.join(p, "data"), pwd.getpwnam("postfix").pw_uid, -1)
        os.chown(os.path.join(p, "vmail"), nobody.pw_uid, nobody.pw_gid)
        self.maildir = os.path.join(p, "vmail", "other.example", "carol",
                                    "new")
        with open(os.path.join(p, "vmailbox"), "w") as f:
            f.write("carol@other.example other.example/carol/\n")
        with open(os.path.join(p, "transport"), "w") as f:
            f.write("lab.example smtp:[127.0.0.1]:%d\n" % back_port)
        with open(os.path.join(p, "etc", "main.cf"), "w") as f:
            f.write(f"""compatibility_level = 3.6
myhostname = postfix.other.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
queue_directory = {p}/queue
data_directory = {p}/data
maillog_file = {p}/maillog
maillog_file_prefixes = {p}
alias_maps =
alias_database =
biff = no
smtpd_recipient_restrictions = permit_mynetworks, reject
virtual_mailbox_domains = other.example
virtual_mailbox_base = {p}/vmail
virtual_mailbox_maps = texthash:{p}/vmailbox
virtual_uid_maps = static:{nobody.pw_uid}
virtual_gid_maps = static:{nobody.pw_gid}
transport_maps = texthash:{p}/transport
smtp_host_lookup = native
""")
        with open(os.path.join(p, "etc", "master.cf"), "w") as f:
            f.write(POSTFIX_MASTER.format(port=self.port))
        self.run("check")
        self.run("start")
        self.started = True
        for _ in range(100):
            if listening(self.port):
                return
            time.sleep(0.1)
        raise RuntimeError("Postfix does not listen: " + self.log())

    def run(self, verb):
        out = subprocess.run([self.tool, "-c", os.path.join(self.dir, "etc"),
                              verb], capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError("postfix %s: %s%s" % (verb, out.stderr,
                                                     self.log()[-1500:]))

    def log(self):
        try:
            with open(os.path.join(self.dir, "maillog")) as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        """`postfix stop` returns before the master exits: wait for it."""
        if self.started:
            pid_file = os.path.join(self.dir, "queue", "pid", "master.pid")
            try:
                with open(pid_file) as f:
                    pid = int(f.read())
            except (OSError, ValueError):
                pid = None
            subprocess.run([self.tool, "-c", os.path.join(self.dir, "etc"),
                            "stop"], capture_output=True)
            try:
                for _ in range(100 if pid else 0):
                    os.kill(pid, 0)
                    time.sleep(0.1)
            except OSError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


@case
def postfix_as_next_hop_takes_our_dsn_parameters_and_answers(d):
    """Postfix reads NOTIFY, ORCPT, RET and ENVID as we pass them on and
    sends its own "delivered" report back, which alice gets and Python
    reads."""
    pa = free_port()
    pf = Postfix(pa)
    a = None
    try:
        a = Daemon(transport={"other.example": pf.port}, smtp_port=pa)
        send(a, ["carol@other.example"], "via postfix",
             ["RET=HDRS", "ENVID=PF+2B1"],
             ["NOTIFY=SUCCESS", "ORCPT=rfc822;Carol+2Bpf@other.example"])
        a.wait_for("carol's message in Postfix's Maildir",
                   lambda: os.path.isdir(pf.maildir) and
                   os.listdir(pf.maildir), secs=30)
        msg = notices(a)[0]
        top, rcpts = report(msg)
        expect("postfix.other.example" in top["Reporting-MTA"] and
               top["Original-Envelope-Id"] == "PF+1", str(top))
        r = rcpts[0]
        expect(r["Action"] == "delivered" and
               r["Original-Recipient"].replace(" ", "") ==
               "rfc822;Carol+pf@other.example", str(r))
        expect("delivery status notification" not in a.logtext(),
               "A sent a notice of its own")
    finally:
        if a:
            a.close()
        pf.close()


if __name__ == "__main__":
    sys.exit(main(CASES, prefix="nfpostd: dsn"))
