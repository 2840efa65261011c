#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd's relay client, against recording next hops on loopback.

    queue file written by the test, or smtplib on submission
        |
        v
    nfpostd (smtp.py's Daemon)  --transport map-->  NextHop: a Python SMTP
        spool/new/                                   server on 127.0.0.1
                                                     that records every byte

A NextHop reads lines the lenient way some servers do (a bare CR or LF ends
a line too), so anything the relay sends that is not canonical CRLF lines
with dot-stuffing shows up as a command after the data. Each case prints
one TAP line; the last line is the plan. Run by selftests/nfpostd/run.
"""
import os
import re
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtp import (NFPOST, PASSWORD, Daemon, expect,  # noqa: E402
                  insecure)


class NextHop:
    """A recording SMTP server. @ext: the EHLO keywords it offers;
    @tls: a (cert, key) pair to offer STARTTLS, @after_220 what it sends
    in clear right after STARTTLS's 220; @greeting its first reply;
    @hold: an Event the reply to the data's end waits for."""

    def __init__(self, ext=("8BITMIME", "SMTPUTF8"), tls=None,
                 after_220=b"", greeting=b"220 hop.example ESMTP",
                 hold=None, defer=()):
        self.ext = list(ext)
        self.defer = set(defer)
        self.tls = tls
        self.after_220 = after_220
        self.greeting = greeting
        self.hold = hold
        self.lock = threading.Lock()
        self.sessions = []      # per connection: list of (command, tls)
        self.messages = []      # the raw data of each, stuffing and all
        self.injected = []      # commands that came after a data's end
        self.changed = threading.Condition(self.lock)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.closing = False
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,),
                             daemon=True).start()

    def close(self):
        self.closing = True
        if self.hold:
            self.hold.set()
        self.sock.close()

    def wait(self, what, cond, secs=30):
        with self.changed:
            if not self.changed.wait_for(cond, timeout=secs):
                raise AssertionError("next hop: timed out waiting for " +
                                     what)

    # A line ends at CRLF, or at a bare CR or LF (the lenient reading).
    @staticmethod
    def split_line(buf):
        for i, b in enumerate(buf):
            if b == 13:
                if i + 1 == len(buf):
                    return None
                end = i + 2 if buf[i + 1] == 10 else i + 1
                return buf[:i], buf[end:]
            if b == 10:
                return buf[:i], buf[i + 1:]
        return None

    def session(self, conn):
        cmds = []
        with self.lock:
            self.sessions.append(cmds)
        buf = b""
        after_data = False
        tls = False
        try:
            conn.sendall(self.greeting + b"\r\n")
            if not self.greeting.startswith(b"220"):
                conn.recv(1000)
                return
            while True:
                got = self.split_line(buf)
                if got is None:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                    continue
                line, buf = got
                cmd = line.decode("latin-1")
                verb = cmd.split(" ")[0].upper()
                with self.changed:
                    cmds.append((cmd, tls))
                    if after_data and verb != "QUIT":
                        self.injected.append(cmd)
                    self.changed.notify_all()
                if verb == "EHLO":
                    offered = self.ext + (["STARTTLS"] if self.tls and
                                          not tls else [])
                    lines = ["hop.example"] + offered
                    conn.sendall("".join(
                        "250%s%s\r\n" % ("-" if i < len(lines) - 1 else " ",
                                         word)
                        for i, word in enumerate(lines)).encode())
                elif verb == "STARTTLS" and self.tls and not tls:
                    conn.sendall(b"220 go ahead\r\n" + self.after_220)
                    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    ctx.load_cert_chain(*self.tls)
                    conn = ctx.wrap_socket(conn, server_side=True)
                    tls = True
                    buf = b""
                elif verb == "DATA" and not after_data:
                    conn.sendall(b"354 go on\r\n")
                    data, buf = self.read_data(conn, buf)
                    after_data = True
                    with self.changed:
                        self.messages.append(data)
                        self.changed.notify_all()
                    if self.hold:
                        self.hold.wait()
                    if self.closing:
                        return
                    conn.sendall(b"250 2.0.0 taken\r\n")
                elif (verb == "RCPT" and
                      cmd[9:].split(">")[0] in self.defer):
                    conn.sendall(b"450 4.2.0 not now\r\n")
                elif verb == "QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                elif after_data:
                    conn.sendall(b"250 2.0.0 what you say\r\n")
                else:
                    conn.sendall(b"250 2.0.0 ok\r\n")
        except (OSError, ssl.SSLError):
            return
        finally:
            conn.close()

    def read_data(self, conn, buf):
        """Up to the first line that is a lone dot, by the lenient line
        ends: (the data as received, what follows)."""
        data = b""
        while True:
            got = self.split_line(buf)
            if got is None:
                chunk = conn.recv(65536)
                if not chunk:
                    raise EOFError("closed in the data")
                buf += chunk
                continue
            line, rest = got
            consumed = len(buf) - len(rest)
            data += buf[:consumed]
            buf = rest
            if line == b".":
                return data, buf


# ---------------------------------------------------------------- helpers

def queue_file(d, body, rcpts=("carol@other.example",),
               sender="alice@lab.example", extra=""):
    """A message put into d's queue as store_queue() writes one."""
    d.wait_for("the spool", lambda: os.path.isdir(os.path.join(d.spool,
                                                               "new")))
    name = "%d.M1P%dQ%d.test" % (time.time(), os.getpid(),
                                  len(os.listdir(os.path.join(d.spool,
                                                              "new"))))
    env = ("nfpost-queue 1\nid T%s\narrival %d\nfrom %s\n" %
           (name[-6:].replace(".", "x"), time.time(), sender) + extra +
           "".join("rcpt %s\n" % r for r in rcpts) + "\n")
    tmp = os.path.join(d.spool, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(env.encode() + body)
    if os.geteuid() == 0:
        st = os.stat(d.spool)
        os.chown(tmp, st.st_uid, st.st_gid)
    os.rename(tmp, os.path.join(d.spool, "new", name))
    return name


def started(d, times=1):
    """Up to its loop: signals handled, pid file and spool written."""
    d.wait_for("daemon start %d" % times,
               lambda: d.logtext().count("daemon started") >= times)


def flush(d):
    started(d)
    out = subprocess.run([NFPOST, "mail", "queue", "-c", d.conf, "flush"],
                         capture_output=True, text=True)
    expect(out.returncode == 0, out.stderr)


def canonical(data):
    """CRLF lines only, none over 1000 octets with its CRLF."""
    lines = data.split(b"\r\n")
    expect(lines[-1] == b"", "data does not end with CRLF: %r" % data[-20:])
    for line in lines[:-1]:
        expect(b"\r" not in line and b"\n" not in line,
               "bare CR or LF sent: %r" % line[:80])
        expect(len(line) + 2 <= 1000, "line of %d octets" % len(line))
    return lines[:-1]


def unstuffed(data):
    return [ln[1:] if ln.startswith(b".") else ln
            for ln in canonical(data)[:-1]]


def submit(d, rcpts, msg, options=(), sender="alice@lab.example"):
    """alice, authenticated on d's submission port, sends @msg (bytes)."""
    with smtplib.SMTP("127.0.0.1", d.ports["submission"]) as s:
        s.starttls(context=insecure())
        s.login("alice", PASSWORD["alice"])
        s.sendmail(sender, list(rcpts), msg, mail_options=list(options))


def commands(hop, verb):
    with hop.lock:
        return [[c for c, _ in cmds if c.upper().startswith(verb)]
                for cmds in hop.sessions]


def bounce_of(d):
    d.wait_for("the bounce", lambda: len(d.maildir("alice")) == 1)
    with open(d.maildir("alice")[0], "rb") as f:
        return f.read()


def restart_and_send_to_dave(d):
    """The far hop answers again; d starts anew and its queue is flushed:
    dave@far.example's copy goes and the queue ends empty."""
    hold, d.far.hold = d.far.hold, None
    hold.set()
    d.start()
    started(d, 2)
    flush(d)
    d.wait_for("dave's status=sent", lambda: re.search(
        r"to=<dave@far.example>.*status=sent", d.logtext()))
    d.wait_for("an empty queue", lambda: not d.queued())


def pair():
    """A daemon routing other.example to one NextHop, far.example to
    another (d.far), taking up to 1000 recipients a message."""
    hop = NextHop()
    far = NextHop()
    try:
        d = Daemon(transport={"other.example": hop.port,
                              "far.example": far.port},
                   extra="max_recipients = 1000")
    except Exception:
        hop.close()
        far.close()
        raise
    d.far = far
    try:
        started(d)  # every listener bound, not only the smtp port
    except Exception:
        far.close()
        d.close()
        hop.close()
        raise
    return hop, d


# ---------------------------------------------------------------- the cases

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


SMUGGLE = (b"Subject: smuggle\r\n\r\nhello\r.\r\nMAIL FROM:<x@evil.example>"
           b"\r\nRCPT TO:<y@evil.example>\r\nDATA\r\nevil\r\n.\r\n"
           b"bare\n.\nRSET\n.line\r\n" + b"x" * 2500 + b"\r\nend")


@case
def stored_smuggling_reaches_the_next_hop_as_plain_lines(hop, d):
    queue_file(d, SMUGGLE)
    flush(d)
    hop.wait("the message", lambda: hop.messages)
    d.wait_for("status=sent", lambda: "status=sent" in d.logtext())
    expect(not hop.injected, "commands after the data: %r" %
           [c[:60] for c in hop.injected[:5]])
    expect(len(hop.messages) == 1, "%d messages" % len(hop.messages))
    body = unstuffed(hop.messages[0])
    for want in (b"hello", b".", b"MAIL FROM:<x@evil.example>", b"RSET",
                 b".line", b"bare", b"end"):
        expect(want in body, "%r not a line of %r" % (want, body[:12]))
    long = [ln.lstrip(b" ") for ln in body if ln.strip(b" x") == b""
            and b"x" in ln]
    expect(len(long) == 3 and b"".join(long) == b"x" * 2500,
           "long line not broken and kept: %r" % [len(x) for x in long])


@case
def pipelined_after_starttls_220_is_dropped(hop, d):
    hop.tls = (d.cert, d.key)
    hop.after_220 = b"250-hop.example\r\n250 8BITMIME\r\n"
    queue_file(d, b"Subject: tls\r\n\r\nover TLS\r\n")
    flush(d)
    d.wait_for("status=sent", lambda: "status=sent" in d.logtext())
    cmds = hop.sessions[0]
    expect([c for c, _ in cmds][:2] == ["EHLO mx.lab.example", "STARTTLS"],
           "session: %r" % cmds)
    expect(all(t for c, t in cmds[2:]), "in clear after STARTTLS: %r" %
           cmds)
    expect(cmds[2][0] == "EHLO mx.lab.example", "no EHLO after TLS: %r" %
           cmds)


EIGHT_BIT = ("From: alice@lab.example\r\nTo: carol@other.example\r\n"
             "Subject: caf\u00e9\r\n\r\nd\u00e9j\u00e0 vu\r\n").encode()


@case
def body_8bitmime_and_smtputf8_are_passed_on(hop, d):
    submit(d, ["carol@other.example"], EIGHT_BIT,
           ["BODY=8BITMIME", "SMTPUTF8"])
    d.wait_for("status=sent", lambda: "status=sent" in d.logtext())
    mail = commands(hop, "MAIL")[0]
    expect(len(mail) == 1 and "BODY=8BITMIME" in mail[0] and
           "SMTPUTF8" in mail[0], "MAIL: %r" % mail)
    expect("\u00e9".encode() in hop.messages[0], "8-bit data lost")


@case
def eight_bit_to_a_hop_without_8bitmime_bounces_5_6_3(hop, d):
    hop.ext = []
    submit(d, ["carol@other.example"], EIGHT_BIT, ["BODY=8BITMIME"])
    data = bounce_of(d)
    for want in (b"Final-Recipient: rfc822; carol@other.example",
                 b"Action: failed", b"Status: 5.6.3"):
        expect(want in data, "bounce lacks %r" % want)
    expect(not any(commands(hop, "MAIL")), "MAIL sent: %r" %
           commands(hop, "MAIL"))
    d.wait_for("an empty queue", lambda: not d.queued())


@case
def utf8_address_to_a_hop_without_smtputf8_bounces_5_6_7(hop, d):
    hop.ext = ["8BITMIME"]
    submit(d, ["c\u00e9line@other.example"], EIGHT_BIT,
           ["BODY=8BITMIME", "SMTPUTF8"])
    data = bounce_of(d)
    expect(b"Status: 5.6.7" in data and b"Action: failed" in data,
           "bounce: %r" % data[-1500:])
    expect(not any(commands(hop, "MAIL")), "MAIL sent")


@case
def seven_bit_mail_needs_no_extension(hop, d):
    hop.ext = []
    submit(d, ["carol@other.example"],
           b"Subject: plain\r\n\r\nplain ASCII\r\n", ["BODY=8BITMIME"])
    d.wait_for("status=sent", lambda: "status=sent" in d.logtext())
    expect(commands(hop, "MAIL")[0] == ["MAIL FROM:<alice@lab.example>"],
           "MAIL: %r" % commands(hop, "MAIL"))


LONG = "x" * 60


@case
def a_thousand_recipients_queue_and_only_the_deferred_is_retried(hop, d):
    rcpts = ["%s%04d@other.example" % (LONG, i) for i in range(1000)]
    hop.defer = {rcpts[500]}
    submit(d, rcpts, b"Subject: many\r\n\r\nto many\r\n")
    d.wait_for("the deferral", lambda: "status=deferred" in d.logtext())
    d.wait_for("the state", lambda: os.listdir(os.path.join(d.spool,
                                                             "state")))
    expect(len(commands(hop, "RCPT")[0]) == 1000, "first try")
    hop.defer = set()
    flush(d)
    d.wait_for("an empty queue", lambda: not d.queued(), secs=30)
    second = commands(hop, "RCPT")[1]
    expect(second == ["RCPT TO:<%s>" % rcpts[500]], "retried: %d, %r" %
           (len(second), second[:2]))


@case
def a_delivery_saved_before_a_crash_is_not_sent_again(hop, d):
    """Two next hops; the far one holds its answer to the data. Once the
    log says the near one's delivery is sent, kill -9: after the restart
    only the far one gets the message again."""
    far = d.far
    far.hold = threading.Event()
    queue_file(d, b"Subject: two hops\r\n\r\nbody\r\n",
               rcpts=("carol@other.example", "dave@far.example"))
    flush(d)
    far.wait("the held message", lambda: far.messages)
    d.wait_for("carol's status=sent", lambda: re.search(
        r"to=<carol@other.example>.*status=sent", d.logtext()))
    d.kill(signal.SIGKILL)
    restart_and_send_to_dave(d)
    expect(len(hop.messages) == 1, "near hop got %d copies" %
           len(hop.messages))
    expect(len(far.messages) == 2, "far hop got %d copies" %
           len(far.messages))


@case
def sigterm_with_a_delivery_under_way_keeps_the_message(hop, d):
    """The far hop holds its answer to the data; SIGTERM then must close
    the connection, free what it held (ASan checks at exit) and keep the
    message queued for the next start, which sends it."""
    far = d.far
    far.hold = threading.Event()
    queue_file(d, b"Subject: held\r\n\r\nbody\r\n",
               rcpts=("dave@far.example",))
    flush(d)
    far.wait("the held message", lambda: far.messages)
    d.stop_cleanly()
    expect(len(d.queued()) == 1, "queue after sigterm: %r" % d.queued())
    restart_and_send_to_dave(d)


def main():
    n = 0
    failed = 0
    for fn in CASES:
        n += 1
        name = fn.__name__.replace("_", " ")
        hop = d = None
        try:
            hop, d = pair()
            fn(hop, d)
            d.stop_cleanly()
            print("ok %d - nfpostd: relay: %s" % (n, name))
        except Exception as e:  # every failure is a TAP line, not a crash
            failed += 1
            print("not ok %d - nfpostd: relay: %s" % (n, name))
            print("# %s: %s" % (type(e).__name__, e))
            if d:
                for line in d.logtext().splitlines()[-15:]:
                    print("#   log: " + line)
        finally:
            if hop:
                hop.close()
            if d:
                d.far.close()
                d.close()
        sys.stdout.flush()
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
