#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd's POP3 server, against real clients on loopback.

    smtplib --smtp--> nfpostd --> $T/mail/alice/  (Maildir, dovecot-uidlist)
                                      ^
    poplib / curl / a raw socket -----'  pop3 (110: STLS) and pop3s (995)
                                          ports picked free

Messages are delivered by the daemon's own SMTP side, then read back over
POP3 and compared byte for byte with the files. The harness (Daemon, Raw,
TAP output) is smtp.py's.
"""
import base64
import glob
import os
import poplib
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtp  # noqa: E402
from smtp import PASSWORD, Raw, expect, insecure  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def daemon(extra=""):
    return smtp.Daemon(listen=("pop3", "pop3s"), extra=extra)


def deliver(d, subject, body="Hello over POP3.\r\n", to="alice"):
    msg = (f"From: test <test@client.example>\r\nTo: {to}@lab.example\r\n"
           f"Subject: {subject}\r\n\r\n{body}")
    before = messages(d, to)
    with smtp.smtplib.SMTP("127.0.0.1", d.ports["smtp"]) as s:
        s.sendmail("test@client.example", [f"{to}@lab.example"], msg)
    now = messages(d, to)
    added = set(now) - set(before)
    expect(len(added) == 1, "not delivered: %r" % now)
    return now[added.pop()]


def messages(d, user):
    """{unique name: path} of @user's INBOX. An IMAP session may move a
    message to cur/ at once (\\Recent), even between the two listings:
    it is one message, by the name before ':'."""
    return {os.path.basename(p).split(":")[0]: p
            for p in d.maildir(user) + d.maildir(user, "cur")}


def stored(path):
    """A message's bytes, wherever a flag change has renamed it since."""
    if not os.path.exists(path):
        base = os.path.basename(path).split(":")[0]
        path, = glob.glob(os.path.join(os.path.dirname(path), "..", "*",
                                       base + "*"))
    with open(path, "rb") as f:
        return f.read()


def pop(d, user="alice"):
    """A logged-in poplib session over STLS."""
    p = poplib.POP3("127.0.0.1", d.ports["pop3"], timeout=10)
    p.stls(insecure())
    p.user(user)
    p.pass_(PASSWORD[user])
    return p


def raw(d, port="pop3"):
    r = Raw(d.ports[port], tls=port == "pop3s")
    expect(r.line().startswith("+OK"), "no greeting")
    return r


def multi(r):
    """The lines of a multi-line answer, up to the "." line."""
    lines = []
    while True:
        line = r.line()
        if line == ".":
            return lines
        lines.append(line)


def uidlist(d, user="alice"):
    with open(os.path.join(d.mail, user, "dovecot-uidlist")) as f:
        head, *lines = f.read().splitlines()
    validity = int(head.split()[1][1:])
    return validity, {l.split(" :")[1]: int(l.split()[0]) for l in lines}


@case
def pop3_capa_before_tls_offers_stls_and_no_login(d):
    r = raw(d)
    r.send("CAPA\r\n")
    expect(r.line().startswith("+OK"), "CAPA")
    caps = multi(r)
    for want in ("STLS", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE"):
        expect(want in caps, "CAPA lacks " + want + ": %r" % caps)
    expect("USER" not in caps and not any(c.startswith("SASL")
                                          for c in caps), caps)
    r.send("USER alice\r\n")
    line = r.line()
    expect(line.startswith("-ERR [AUTH]"), "USER in clear: " + line)
    r.send("STAT\r\n")
    expect(r.line().startswith("-ERR"), "STAT before login")


@case
def pop3_poplib_over_stls_reads_what_smtp_delivered(d):
    files = [deliver(d, "first"), deliver(d, "second", "two\r\nlines\r\n")]
    p = pop(d)
    count, size = p.stat()
    expect(count == 2 and size == sum(len(stored(f)) for f in files),
           "STAT %d %d" % (count, size))
    for i, f in enumerate(files, 1):
        _, lines, octets = p.retr(i)
        data = stored(f)
        expect(b"\r\n".join(lines) + b"\r\n" == data,
               "RETR %d differs: %r" % (i, lines[:5]))
        expect(octets >= len(data), "octets %d" % octets)
    _, listing, _ = p.list()
    expect(listing == [b"%d %d" % (i, len(stored(f)))
                       for i, f in enumerate(files, 1)], listing)
    p.quit()
    # RETR marked them \Seen, as Dovecot does: renamed into cur/.
    expect(len(d.maildir("alice", "cur")) == 2 and
           all(f.endswith(":2,S") for f in d.maildir("alice", "cur")),
           d.maildir("alice", "cur"))


@case
def pop3_uidl_is_dovecots_and_stable_across_restarts(d):
    for i in range(3):
        deliver(d, "uidl %d" % i)
    p = pop(d)
    _, first, _ = p.uidl()
    p.dele(2)
    p.quit()
    validity, uids = uidlist(d)
    expect(sorted(uids.values()) == [1, 2, 3], uids)
    want = [b"%d %08x%08x" % (n, u, validity)
            for n, u in ((1, 1), (2, 2), (3, 3))]
    expect(first == want, "UIDL %r, want %r" % (first, want))
    d.kill()
    d.start()
    deliver(d, "after restart")
    p = pop(d)
    _, again, _ = p.uidl()
    p.quit()
    expect(again == [b"1 %08x%08x" % (1, validity),
                     b"2 %08x%08x" % (3, validity),
                     b"3 %08x%08x" % (4, validity)], again)


@case
def pop3_deletions_only_after_quit(d):
    keep = deliver(d, "keep me")
    gone = deliver(d, "delete me", "a longer body\r\n" * 3)
    p = pop(d)
    both = (2, len(stored(keep)) + len(stored(gone)))
    expect(p.stat() == both, "STAT %r" % (p.stat(),))
    p.dele(2)
    expect(p.stat() == (1, len(stored(keep))),
           "STAT counts a deleted message: %r" % (p.stat(),))
    try:
        p.retr(2)
        expect(False, "RETR of a deleted message")
    except poplib.error_proto as e:
        expect(b"deleted" in str(e).encode(), e)
    expect(len(d.maildir("alice")) == 2, "removed before QUIT")
    # A dropped connection is no QUIT: nothing is deleted.
    p.sock.shutdown(socket.SHUT_RDWR)
    p.sock.close()
    d.wait_for("the session's end", lambda: "Disconnected" in d.logtext())
    p = pop(d)
    p.dele(2)
    p.rset()
    expect(p.stat() == both, "RSET undeletes: %r" % (p.stat(),))
    p.dele(2)
    p.quit()
    files = d.maildir("alice") + d.maildir("alice", "cur")
    expect(len(files) == 1, "after QUIT: %r" % files)
    expect(b"keep me" in stored(files[0]), "the wrong one went")


def ended(d, n):
    """Waits for the @n-th session's end in the log (its view is kept
    then, for the next login)."""
    d.wait_for("session %d's end" % n,
               lambda: d.logtext().count("pop3-login: Disconnected") >= n)


@case
def pop3_next_login_sees_what_changed_since_the_last(d):
    """A login reads its maildrop from the last session's view, rescanning
    what changed since: a delivery, its own deletions, a file another
    program removed, each right after the session before (same second)."""
    deliver(d, "first")
    deliver(d, "second")
    p = pop(d)
    uidls = p.uidl()[1]
    expect(len(uidls) == 2, uidls)
    p.quit()
    ended(d, 1)
    deliver(d, "third")
    p = pop(d)
    expect(p.stat()[0] == 3, "the delivery is not seen")
    now = p.uidl()[1]
    expect(now[:2] == uidls, (now, uidls))
    expect(b"first" in b"\r\n".join(p.retr(1)[1]), "RETR 1")
    p.dele(1)
    p.quit()
    ended(d, 2)
    p = pop(d)
    expect([u.split()[1] for u in p.uidl()[1]] ==
           [u.split()[1] for u in now[1:]], "the deletion is not seen")
    p.quit()
    ended(d, 3)
    # Another program removes "second" (an IMAP client's EXPUNGE, a user).
    path, = [f for f in d.maildir("alice") + d.maildir("alice", "cur")
             if b"second" in stored(f)]
    os.remove(path)
    p = pop(d)
    expect(p.stat()[0] == 1, "the removal is not seen")
    expect(b"third" in b"\r\n".join(p.retr(1)[1]), "RETR 1")
    last = p.uidl()[1]
    p.quit()
    ended(d, 4)
    # Nothing changed since (but RETR's \Seen): the same maildrop.
    for n in (5, 6):
        p = pop(d)
        expect(p.uidl()[1] == last, "another maildrop: %r" % last)
        expect(b"third" in b"\r\n".join(p.retr(1)[1]), "RETR 1")
        p.quit()
        ended(d, n)


@case
def pop3_view_a_session_changed_is_read_again_in_the_background(d):
    """QUIT's \\Seen renames leave the kept view unlike cur/, which the
    next login would read whole. A worker reads it again once the mtimes
    are old enough, and the next login trusts cur/'s mtime: shown by a
    removal made by hand with cur/'s mtime put back, which that login does
    not see (were cur/ read, STAT would count 1), until cur/ changes."""
    for i in range(2):
        deliver(d, "settle %d" % i)
    p = pop(d)
    p.retr(1)
    p.retr(2)
    p.quit()
    ended(d, 1)
    d.wait_for("the background read", lambda: re.search(
        r"pop3: \S+/alice read in the background: settled", d.logtext()))
    cur = os.path.join(d.mail, "alice", "cur")
    st = os.stat(cur)
    second, = [f for f in d.maildir("alice", "cur")
               if b"settle 1" in stored(f)]
    kept = stored(second)
    os.remove(second)
    os.utime(cur, ns=(st.st_atime_ns, st.st_mtime_ns))
    p = pop(d)
    expect(p.stat()[0] == 2, "cur/ was read: %r" % (p.stat(),))
    p.quit()
    ended(d, 2)
    with open(second, "wb") as f:
        f.write(kept)
    p = pop(d)
    expect(p.stat()[0] == 2, "the file put back: %r" % (p.stat(),))
    expect(b"settle 1" in b"\r\n".join(p.retr(2)[1]), "RETR 2")
    p.quit()


@case
def pop3_second_session_is_refused_in_use(d):
    deliver(d, "locked")
    a = pop(d)
    b = poplib.POP3("127.0.0.1", d.ports["pop3"], timeout=10)
    b.stls(insecure())
    b.user("alice")
    try:
        b.pass_(PASSWORD["alice"])
        expect(False, "two sessions on one maildrop")
    except poplib.error_proto as e:
        expect("[IN-USE]" in str(e), e)
    a.quit()
    b.pass_(PASSWORD["alice"])
    expect(b.stat()[0] == 1, "after the first left")
    b.quit()


@case
def pop3s_with_sasl_plain_and_top(d):
    deliver(d, "top", "line 1\r\n.dotted\r\nline 3\r\n")
    r = raw(d, "pop3s")
    token = base64.b64encode(b"\0alice\0" + PASSWORD["alice"].encode())
    r.send("AUTH PLAIN\r\n")
    expect(r.line() == "+ ", "no continuation")
    r.send(token.decode() + "\r\n")
    line = r.line()
    expect(line.startswith("+OK"), "AUTH PLAIN: " + line)
    r.send("TOP 1 2\r\n")
    expect(r.line() == "+OK", "TOP")
    lines = multi(r)
    i = lines.index("")
    expect(lines[i + 1:] == ["line 1", "..dotted"], lines[i:])
    expect("Subject: top" in lines[:i], lines[:i])
    r.send("QUIT\r\n")
    expect(r.line().startswith("+OK"), "QUIT")


@case
def pop3s_answers_behind_a_slow_reader_arrive_whole_quit_last(d):
    """RETR of a 2 MB message and QUIT in one write over pop3s, read 4 KiB
    at a time through a small receive buffer: the session ends once its
    answers are made, while TLS records of them may still wait for the
    socket (tls.c); every byte arrives, QUIT's +OK last, then the close."""
    # Past the test daemon's size limit: put in the Maildir directly.
    first = deliver(d, "small")
    data = ("Subject: big\r\n\r\n" + "".join(
        "%06d %s\r\n" % (i, "z" * 70) for i in range(26000))).encode()
    cur = os.path.join(d.mail, "alice", "cur")
    path = os.path.join(cur, "1.M1P1.big,S=%d:2," % len(data))
    with open(path, "wb") as f:
        f.write(data)
    st = os.stat(first)
    os.chown(path, st.st_uid, st.st_gid)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", d.ports["pop3s"]))
    s = insecure().wrap_socket(sock)
    s.settimeout(20)
    s.sendall(b"USER alice\r\nPASS %s\r\n" % PASSWORD["alice"].encode())
    got = b""
    while got.count(b"\r\n") < 3:
        got += s.recv(4096)
    expect(got.startswith(b"+OK") and got.split(b"\r\n")[2][:3] == b"+OK",
           "login: %r" % got)
    s.sendall(b"LIST\r\n")
    while not got.endswith(b"\r\n.\r\n"):
        got += s.recv(4096)
    n, = [int(line.split()[0]) for line in got.split(b"\r\n")
          if line.endswith(b" %d" % len(data))]
    s.sendall(b"RETR %d\r\nQUIT\r\n" % n)
    got = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    head, rest = got.split(b"\r\n", 1)
    expect(head.startswith(b"+OK"), "RETR: %r" % head)
    text, _, last = rest.rpartition(b"\r\n.\r\n")
    expect(last.startswith(b"+OK") and last.endswith(b"\r\n"),
           "QUIT's answer: %r" % last[-80:])
    expect(text + b"\r\n" == data.replace(b"\r\n.", b"\r\n.."),
           "%d bytes of %d arrived" % (len(text) + 2, len(data)))


@case
def pop3_course_netcat_dialogue(d):
    # The lab sheet types USER/PASS in clear on 110, with nc (bare LF).
    d.close()
    d.__dict__.update(daemon("plaintext_auth = yes").__dict__)
    path = deliver(d, "test simple", "coucou\r\n")
    r = raw(d)
    for cmd in ("USER alice", "PASS " + PASSWORD["alice"]):
        r.send(cmd + "\n")
        line = r.line()
        expect(line.startswith("+OK"), cmd + ": " + line)
    r.send("STAT\n")
    expect(r.line() == "+OK 1 %d" % len(stored(path)), "STAT")
    r.send("LIST\n")
    expect(r.line().startswith("+OK") and
           multi(r) == ["1 %d" % len(stored(path))], "LIST")
    r.send("TOP 1 0\n")
    expect(r.line().startswith("+OK"), "TOP")
    head = multi(r)
    expect("Subject: test simple" in head and head[-1] == "", head)
    r.send("RETR 1\n")
    expect(r.line().startswith("+OK"), "RETR")
    expect(multi(r)[-1] == "coucou", "body")
    r.send("QUIT\n")
    expect(r.line().startswith("+OK"), "QUIT")
    expect(os.path.exists(path) or d.maildir("alice", "cur"),
           "not deleted without DELE")


@case
def pop3_curl_lists_and_retrieves(d):
    path = deliver(d, "for curl")
    url = "pop3://127.0.0.1:%d/" % d.ports["pop3"]
    out = subprocess.run(["curl", "-sS", "--ssl-reqd", "-k", "-u",
                          "alice:" + PASSWORD["alice"], url + "1"],
                         capture_output=True, timeout=30)
    expect(out.returncode == 0, out.stderr)
    expect(out.stdout == stored(path), "curl RETR: %r" % out.stdout[:200])
    url = "pop3s://127.0.0.1:%d/" % d.ports["pop3s"]
    out = subprocess.run(["curl", "-sS", "-k", "-u",
                          "alice:" + PASSWORD["alice"], url],
                         capture_output=True, timeout=30, text=True)
    expect(out.returncode == 0 and out.stdout.strip() ==
           "1 %d" % len(stored(path)), out.stdout + out.stderr)


@case
def pop3_bad_password_is_delayed_and_counted(d):
    r = raw(d, "pop3s")
    r.send("USER alice\r\n")
    r.line()
    r.send("PASS wrong\r\n")
    line = r.line()
    expect(line == "-ERR [AUTH] Authentication failed.", line)
    r.send("USER nobody-here\r\n")
    r.line()
    r.send("PASS " + PASSWORD["alice"] + "\r\n")
    expect(r.line().startswith("-ERR [AUTH]"), "unknown user")
    expect("auth failed, 2 attempts" in d.logtext(), "not logged")


@case
def pop3_bad_input_gets_errors_then_the_door(d):
    r = raw(d)
    r.send("X" * 600 + "\r\n")
    expect(r.line() == "-ERR Input line too long.", "long line")
    r.send("NOOP\0\r\n")
    expect(r.line() == "-ERR NUL character in command.", "NUL")
    r.send("RETR\r\n")
    expect(r.line().startswith("-ERR"), "RETR in AUTHORIZATION")
    # One at a time: what is sent after the close would reset the socket.
    lines = []
    for _ in range(20):
        r.send("BOGUS\r\n")
        lines.append(r.line())
        if lines[-1] != "-ERR Unknown command.":
            break
    expect(r.closed(), "still open")
    expect(lines and lines[-1] == "-ERR Too many bad commands.", lines[-3:])


@case
def pop3_stls_drops_what_was_pipelined_after_it(d):
    r = raw(d)
    r.send("STLS\r\nUSER injected\r\n")
    expect(r.line().startswith("+OK"), "STLS")
    r.sock = insecure().wrap_socket(r.sock)
    r.buf = b""
    r.send("CAPA\r\n")
    expect(r.line() == "+OK", "the injected USER was answered")
    caps = multi(r)
    expect("STLS" not in caps and "USER" in caps, caps)
    r.send("PASS " + PASSWORD["alice"] + "\r\n")
    expect(r.line() == "-ERR No username given.", "USER survived STLS")


if __name__ == "__main__":
    sys.exit(smtp.main(CASES, daemon))
