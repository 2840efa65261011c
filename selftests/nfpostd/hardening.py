#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd against hostile or broken clients (issue 9), on loopback.

    a raw socket (smuggling, slow or greedy clients, odd AUTH and HELO)
        |  127.0.0.1
        v
    nfpostd  smtp  submission  smtps       (the Daemon of smtp.py)
        |-- lab.example users alice, bob -> $T/mail/<user>/new/
        '-- anything else                -> $T/spool/new/

Uses smtp.py's harness; each case prints one TAP line, the plan last.
"""
import base64
import hashlib
import os
import resource
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtp import (NFPOST, NFPOSTD, PASSWORD, Raw, Skip,  # noqa: E402
                  expect, greeted, insecure, main, read)

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def conf(extra):
    """The case's daemon gets these [server] keys."""
    def set_extra(fn):
        fn.extra = extra
        return fn
    return set_extra


def transaction(d, mail="MAIL FROM:<a@client.example>"):
    """A session greeted, with one local recipient accepted."""
    r = greeted(d)
    r.cmd("EHLO client.example")
    code, line, _ = r.cmd(mail)
    expect(code == 250, mail + ": " + line)
    code, line, _ = r.cmd("RCPT TO:<alice@lab.example>")
    expect(code == 250, line)
    return r


def bdat(r, chunk, last=True):
    r.send(b"BDAT %d%s\r\n" % (len(chunk), b" LAST" if last else b"") +
           chunk)
    return r.reply()


@case
def bdat_content_is_checked_as_data_is(d):
    head = b"Subject: chunked\r\n\r\n"
    refused = ((b"NUL \0 here\r\n", 550, "NUL"),
               (b"caf\xc3\xa9\r\n", 550, "8BITMIME"),
               (b"z" * 1200 + b"\r\n", 550, "1000"))
    for body, want, text in refused:
        r = transaction(d)
        code, line, _ = bdat(r, head + body)
        expect(code == want and text in line, "%r: %s" % (body[:20], line))
        # The session goes on: the same body over DATA gets the same.
        r.cmd("MAIL FROM:<a@client.example>")
        r.cmd("RCPT TO:<alice@lab.example>")
        r.cmd("DATA")
        code2, line2, _ = r.cmd((head + body).decode("latin-1") + ".")
        expect(code2 == code, "DATA %s, BDAT %s" % (line2, line))
    # A bare CR or LF, here the <CR>.<CR><LF> smuggling, in a chunk that
    # is not the last: 521 and the session ends, before any LAST.
    for body in (b"hello\r.\r\nMAIL FROM:<x@evil.example>\r\n",
                 b"hello\n.\nMAIL FROM:<x@evil.example>\r\n",
                 b"ends in a bare CR\r"):
        r = transaction(d)
        code, line, _ = bdat(r, head + body, last=body.endswith(b"\r"))
        expect(code == 521 and "5.5.2" in line, "%r: %s" % (body, line))
        expect(r.closed(), "session open after a bare CR or LF")
    expect(not d.maildir("alice"), "a refused BDAT message was stored")
    expect("bare <CR> or <LF> in BDAT" in d.logtext(), "no log line")


@case
def bdat_last_line_without_crlf_is_stored_with_one(d):
    r = transaction(d)
    code, line, _ = bdat(r, b"Subject: x\r\n\r\n.last line, no CRLF")
    expect(code == 250, line)
    data = read(d.maildir("alice")[0])
    expect(data.endswith(b"\r\n\r\n.last line, no CRLF\r\n"), data[-60:])


def flood_unread(d, port):
    """A client that pipelines NOOPs and reads no reply, through small
    socket buffers, until its writes block for a second or 24 MB went;
    returns its socket and how much it sent."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
    s.connect(("127.0.0.1", d.ports[port]))
    if port == "smtps":
        s = insecure().wrap_socket(s)
    s.settimeout(1)
    chunk = b"NOOP\r\n" * 2000     # within one TLS record
    sent = 0
    try:
        while sent < 24 << 20:
            sent += s.send(chunk)
    except (socket.timeout, ssl.SSLError, ConnectionResetError,
            BrokenPipeError):
        pass
    return s, sent


@case
@conf("timeout = 4")
def client_that_never_reads_is_not_read_then_closed(a):
    # 24 MB of pipelined NOOP, no reply read: without back-pressure the
    # daemon keeps every reply (56 MB). With it, it stops reading once
    # 64 KiB wait; the rest stays in the sockets. timeout = 4 then ends
    # the session.
    before = a.rss_kib()
    s, sent = flood_unread(a, "smtp")
    a.settled("the daemon to stop reading")
    grew = a.rss_kib() - before
    expect(grew < 12 << 10, "RSS grew by %d KiB after %d bytes "
           "sent" % (grew, sent))
    # Ended by the write timeout, or by the read timeout's 421 that
    # then never drains: either way it goes.
    a.wait_for("the session's end", lambda: a.logtext().count(
        "disconnect from") >= 2)
    s.close()
    expect(greeted(a).cmd("EHLO c")[0] == 250, "service went on")


@case
@conf("timeout = 4")
def tls_client_that_never_reads_is_not_read_then_closed(a):
    # The same over smtps. The TLS records wait on the socket's side up to
    # a bound (tls.c), the replies behind them where back-pressure sees
    # them: without that bound the daemon reads all 24 MB, and keeps the
    # replies. Judged on what the client could send, not on RSS: ASan's
    # quarantine keeps the records' freed buffers.
    ends = a.logtext().count("disconnect from")
    s, sent = flood_unread(a, "smtps")
    a.settled("the daemon to stop reading")
    expect(sent < 12 << 20, "the daemon read on: %d bytes sent" % sent)
    a.wait_for("the session's end", lambda: a.logtext().count(
        "disconnect from") > ends)
    s.close()
    expect(greeted(a).cmd("EHLO c")[0] == 250, "service went on")


def drip(r, data, pause, limit):
    """Sends @data a byte every @pause seconds (a slow client, paced on
    purpose) until the daemon answers or @limit seconds have passed;
    returns its reply, or None."""
    r.sock.settimeout(pause)
    end = time.monotonic() + limit
    for b in data:
        if time.monotonic() > end:
            return None
        try:
            r.send(bytes([b]))
            return r.reply()
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError):
            break
    r.sock.settimeout(10)
    return r.reply()


@case
@conf("timeout = 30\ncommand_deadline = 2\ndata_deadline = 3")
def slow_clients_meet_the_command_and_data_deadlines(a):
    # A byte every 0.3 s keeps the idle timeout (30 s) from ever firing;
    # the deadlines (set short here) end such sessions all the same.
    r = greeted(a)
    t = time.monotonic()
    got = drip(r, b"EHLO a-very-slow-client.example\r\n", 0.3, 10)
    expect(got and got[0] == 421 and "4.4.2" in got[1],
           "slow command: %r" % (got,))
    expect(time.monotonic() - t < 6, "command deadline too late")
    r = transaction(a)
    expect(r.cmd("DATA")[0] == 354, "DATA")
    t = time.monotonic()
    got = drip(r, b"Subject: slow\r\n" + b"line\r\n" * 100, 0.1, 12)
    expect(got and got[0] == 421, "slow message: %r" % (got,))
    expect(time.monotonic() - t < 8, "data deadline too late")
    expect("deadline exceeded after DATA" in a.logtext(), "no log")
    expect(not a.maildir("alice"), "a timed-out message was stored")


@case
@conf("max_sessions_per_ip = 2\nmax_connection_rate = 6")
def one_client_gets_neither_every_slot_nor_every_second(a):
    def disconnects(n):
        a.wait_for("%d sessions ended" % n, lambda: a.logtext().count(
            "disconnect from") >= n)
    disconnects(1)		# the start-up probe: connection 1
    held = [greeted(a), greeted(a)]			# 2, 3
    r = Raw(a.ports["smtp"])
    code, line, _ = r.reply()
    expect(code == 421 and "4.7.0" in line, "3rd at once: " + line)
    expect("Connection concurrency limit exceeded: 3 from "
           "unknown[127.0.0.1]" in a.logtext(), "no concurrency line")
    for i, q in enumerate(held):
        q.cmd("QUIT")
        disconnects(2 + i)
    for n in range(4, 7):				# 4, 5, 6
        expect(greeted(a).cmd("QUIT")[0] == 221, "connection %d" % n)
        disconnects(n)
    r = Raw(a.ports["smtp"])
    code, line, _ = r.reply()
    expect(code == 421, "7th in a minute: " + line)
    expect("Connection rate limit exceeded: 7 from unknown[127.0.0.1]"
           in a.logtext(), "no rate line")


@case
def accept_at_the_fd_limit_pauses_and_recovers(d):
    # Room for two more sockets: the third client waits in the backlog
    # while accept() fails with EMFILE. The daemon logs it once, does not
    # spin, and greets that client once a session has ended.
    d.wait_for("the probe's end", lambda: "disconnect from" in d.logtext())
    n = len(os.listdir("/proc/%d/fd" % d.proc.pid))
    with open("/proc/%d/limits" % d.proc.pid) as f:
        old = [tuple(int(v) for v in l.split()[3:5]) for l in f
               if l.startswith("Max open files")][0]
    prlimit_nofile(d, (n + 2, old[1]))
    try:
        held = [greeted(d), greeted(d)]
        waiting = Raw(d.ports["smtp"])
        d.wait_for("accept's failure", lambda: "warning: accept: Too many "
                   "open files" in d.logtext())
        cpu = cpu_seconds(d)
        expect(held[1].cmd("NOOP")[0] == 250, "a session held")
        held[0].cmd("QUIT")
        code, line, _ = waiting.reply()
        expect(code == 220, "the waiting client: " + line)
        expect(cpu_seconds(d) - cpu < 0.5, "the daemon spun")
    finally:
        prlimit_nofile(d, old)
    # Once per episode: the waiting client's session takes the last
    # descriptor again, and Linux fails the next accept() before it
    # looks at the (empty) backlog: a second episode, no more.
    log = d.logtext()
    n = log.count("warning: accept: ")
    expect(n <= 2 and "Error from accept" not in log,
           "accept's failure logged %d times" % n)
    expect("accepting connections again" in log, "no end of the episode")


def prlimit_nofile(d, limits):
    """prlimit(2) on the daemon, as its own user: root here may lack
    CAP_SYS_RESOURCE, and the daemon is no longer root."""
    with open("/proc/%d/status" % d.proc.pid) as f:
        ids = {l.split(":")[0]: int(l.split()[1]) for l in f
               if l.startswith(("Uid:", "Gid:"))}
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(ids["Gid"])
            os.setuid(ids["Uid"])
            resource.prlimit(d.proc.pid, resource.RLIMIT_NOFILE, limits)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    expect(status == 0, "cannot set the daemon's RLIMIT_NOFILE")


def cpu_seconds(d):
    with open("/proc/%d/stat" % d.proc.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@case
def max_sessions_fits_the_open_files_limit(d):
    d.kill()
    d.proc = subprocess.Popen(
        ["sh", "-c", "ulimit -n 200 && exec %s -v -c %s" % (NFPOSTD,
                                                           d.conf)],
        stderr=d.log)
    d.wait_for("the daemon's start", lambda: "daemon started" in
               d.logtext().split("terminating")[-1])
    # 16 store threads: 64 + 3 x 16 kept aside, 2 per session.
    expect("warning: max_sessions lowered from 100 to 44" in d.logtext(),
           "no warning:\n" + d.logtext())


@case
def a_refused_mail_leaves_no_parameter_behind(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    code, line, _ = r.cmd("MAIL FROM:<a@b.example> SMTPUTF8 SIZE=abc")
    expect(code == 501, "bad SIZE: " + line)
    code, line, _ = r.cmd("MAIL FROM:<\u00fc@b.example>")
    expect(code == 501 and "5.1.7" in line,
           "SMTPUTF8 of the refused MAIL still on: " + line)
    code, line, _ = r.cmd("MAIL FROM:<a@b.example> BODY=8BITMIME FROB=1")
    expect(code == 555, line)
    code, line, _ = r.cmd("MAIL FROM:<a@b.example>")
    expect(code == 250, line)
    r.cmd("RCPT TO:<alice@lab.example>")
    r.cmd("DATA")
    code, line, _ = r.cmd("Subject: x\r\n\r\ncaf\xe9\r\n.")
    expect(code == 550 and "8BITMIME" in line,
           "BODY=8BITMIME of the refused MAIL still on: " + line)


@case
def what_clients_send_cannot_forge_log_lines_or_headers(d):
    forged = ("unknown[192.0.2.66]: SASL LOGIN authentication failed: "
              "authentication failure, sasl_username=victim")
    with smtplib.SMTP("127.0.0.1", d.ports["submission"]) as s:
        s.starttls(context=insecure())
        s.ehlo("client.example")
        code, _ = s.docmd("AUTH", "PLAIN " + base64.b64encode(
            b"\0evil\n" + forged.encode() + b"\0pw").decode())
        expect(code == 535, "AUTH: %d" % code)
    d.wait_for("the failure's line", lambda: "sasl_username=evil"
               in d.logtext())
    lines = d.logtext().splitlines()
    expect(not any(l.startswith("unknown[192.0.2.66]")
                   for l in lines), "a forged log line:\n" + d.logtext())
    expect(any("sasl_username=evil\\012unknown[192.0.2.66]" in l
               for l in lines), "not escaped:\n" + d.logtext())
    r = greeted(d)
    for helo in ("EHLO evil\rRSET", "HELO a\tb", "EHLO a\x7f"):
        code, line, _ = r.cmd(helo)
        expect(code == 501, "%r: %s" % (helo, line))
    code, line, _ = r.cmd("MAIL FROM:<a@client.example>")
    expect(code == 503, "a refused HELO greeted: " + line)
    r.cmd("EHLO client.example")
    r.cmd("MAIL FROM:<a@client.example>")
    code, line, _ = r.cmd("RCPT TO:<x\x01y@elsewhere.example>")
    expect(code >= 500, line)
    expect("\x01" not in d.logtext(), "a control character logged")


def auth_plain(d, raw):
    with smtplib.SMTP("127.0.0.1", d.ports["submission"]) as s:
        s.starttls(context=insecure())
        s.ehlo("client.example")
        return s.docmd("AUTH", "PLAIN " + base64.b64encode(raw).decode())[0]


@case
def auth_plain_is_rfc_4616_exactly(d):
    pw = PASSWORD["alice"].encode()
    expect(auth_plain(d, b"\0alice\0" + pw) == 235, "the right one")
    for bad in (b"\0alice\0" + pw + b"\0extra",   # a third field
                b"\0Alice\0" + pw,                # names are not folded
                b"ALICE\0alice\0" + pw,           # authzid not the user
                b"\0alice\0",                     # empty password
                b"\0\0" + pw):                    # empty user
        expect(auth_plain(d, bad) == 535, "accepted: %r" % bad)


@case
def user_passwords_fit_auth_and_rewrites_do_not_lose_users(d):
    path = os.path.join(d.dir, "more-users")
    out = subprocess.run([NFPOST, "user", "-f", path, "add", "long"],
                         input="x" * 256 + "\n", text=True,
                         capture_output=True)
    expect(out.returncode != 0 and "255" in out.stderr,
           "a 256-octet password: " + out.stderr)
    # Four adds at once: each loads, hashes (slow) and saves; without a
    # lock the last rename wins and the others' users are lost.
    pwfile = os.path.join(d.dir, "pw")
    with open(pwfile, "w") as f:
        f.write("a password\n")
    procs = []
    for i in range(4):
        with open(pwfile) as f:
            procs.append(subprocess.Popen([NFPOST, "user", "-f", path,
                                           "add", "u%d" % i], stdin=f,
                                          stderr=subprocess.PIPE, text=True))
    for p in procs:
        _, err = p.communicate()
        expect(p.returncode == 0, err)
    out = subprocess.run([NFPOST, "user", "-f", path, "list"],
                         capture_output=True, text=True)
    names = out.stdout.split()
    expect(sorted(names) == ["u%d" % i for i in range(4)],
           "users after 4 concurrent adds: %r" % names)


def refuses_to_start(d, want):
    out = subprocess.run([NFPOSTD, "-v", "-c", d.conf], capture_output=True,
                         text=True, timeout=60)
    expect(out.returncode != 0 and want in out.stderr,
           "want %r, exit %d: %s" % (want, out.returncode, out.stderr))


@case
def startup_says_what_it_cannot_do_and_stops(d):
    d.kill()
    for path, mode, want in (
            (d.users, 0o000, "users %s: Permission denied" % d.users),
            (d.mail, 0o555, "mail_root %s: Permission denied" % d.mail),
            (d.spool, 0o555, "spool %s: Permission denied" % d.spool)):
        old = os.stat(path).st_mode & 0o777
        os.chmod(path, mode)
        try:
            refuses_to_start(d, want)
        finally:
            os.chmod(path, old)
    os.rename(d.users, d.users + ".away")
    d.start()
    d.wait_for("the warning", lambda: "users %s: no such file: no local user" %
               d.users in d.logtext())
    os.rename(d.users + ".away", d.users)


@case
def unreadable_users_file_gives_451_never_550(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    r.cmd("MAIL FROM:<a@client.example>")
    # Replaced by a copy no one may read (a new inode: it is re-read).
    tmp = d.users + ".new"
    shutil.copy(d.users, tmp)
    os.chmod(tmp, 0)
    os.rename(tmp, d.users)
    code, line, _ = r.cmd("RCPT TO:<nobody-here@lab.example>")
    expect(code == 451 and "4.3.0" in line, "unknown user: " + line)
    code, line, _ = r.cmd("RCPT TO:<alice@lab.example>")
    expect(code == 250, "a user known before: " + line)
    expect("%s: Permission denied, keeping the 2 users known" % d.users
           in d.logtext(), "no log line")
    os.chmod(d.users, 0o644)
    os.utime(d.users, (0, 0))
    code, line, _ = r.cmd("RCPT TO:<nobody-here@lab.example>")
    expect(code == 550, "readable again: " + line)


@case
def leftovers_in_tmp_are_cleaned_at_start(d):
    # What a daemon killed mid-message left (its pid is gone), and what
    # is older than 36 hours, goes; a young file of someone else stays.
    d.kill()
    dead = subprocess.Popen(["true"])
    dead.wait()
    own = "1700000000.M1P%dQ1.%s" % (dead.pid, socket.gethostname())
    alice_tmp = os.path.join(d.mail, "alice", "tmp")
    os.makedirs(alice_tmp)
    for sub in ("cur", "new"):
        os.makedirs(os.path.join(d.mail, "alice", sub))
    spool_tmp = os.path.join(d.spool, "tmp")
    old = os.path.join(alice_tmp, "1.other.mda")
    young = os.path.join(spool_tmp, "2.other.mda")
    for path in (os.path.join(alice_tmp, own), os.path.join(spool_tmp, own),
                 old, young):
        with open(path, "w") as f:
            f.write("half a message\r\n")
    os.utime(old, (time.time() - 37 * 3600,) * 2)
    owner = os.stat(d.mail)	# the daemon's user when run as root
    for top, dirs, files in os.walk(os.path.join(d.mail, "alice")):
        for name in [top] + [os.path.join(top, f) for f in files]:
            os.chown(name, owner.st_uid, owner.st_gid)
    d.start()
    expect(os.listdir(alice_tmp) == [], "alice's tmp/: %r" %
           os.listdir(alice_tmp))
    expect(os.listdir(spool_tmp) == ["2.other.mda"], "spool's tmp/: %r" %
           os.listdir(spool_tmp))
    expect("%s: removed 2 leftover files" % alice_tmp in d.logtext(),
           "no log line:\n" + d.logtext())


def served_cert(d):
    """The SHA-256 of the certificate a new SMTPS session is shown."""
    r = Raw(d.ports["smtps"], tls=True)
    der = r.sock.getpeercert(binary_form=True)
    r.sock.close()
    return hashlib.sha256(der).hexdigest()


def file_cert(path):
    der = ssl.PEM_cert_to_DER_cert(open(path).read())
    return hashlib.sha256(der).hexdigest()


def reloaded(d, line, count):
    """Sends SIGHUP and waits for the @count-th log @line."""
    d.proc.send_signal(signal.SIGHUP)
    d.wait_for(line, lambda: d.logtext().count(line) >= count)


@case
def sighup_reloads_config_cert_and_users_whole_or_not_at_all(d):
    before = served_cert(d)
    expect(before == file_cert(d.cert), "not the configured certificate")
    # A session in the middle of a transaction when the reload comes.
    held = transaction(d)
    # A new certificate and key (copied over the old files, so that
    # their owner, the daemon's user when run as root, stays), a lower
    # recipient limit and a new hostname, which only a restart takes.
    fresh = tempfile.mkdtemp(prefix="nfpostd-cert.")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-subj", "/CN=rotated.example", "-days", "2",
                    "-keyout", os.path.join(fresh, "key.pem"),
                    "-out", os.path.join(fresh, "cert.pem")],
                   check=True, capture_output=True)
    shutil.copyfile(os.path.join(fresh, "key.pem"), d.key)
    shutil.copyfile(os.path.join(fresh, "cert.pem"), d.cert)
    shutil.rmtree(fresh)
    with open(d.conf) as f:
        text = f.read()
    good = text.replace("max_recipients = 3", "max_recipients = 1")
    good = good.replace("hostname = ", "hostname = renamed.")
    with open(d.conf, "w") as f:
        f.write(good)
    reloaded(d, "reloaded ", 1)
    log = d.logtext()
    expect("reloaded %s: 2 users, TLS on" % d.conf in log, log)
    expect("hostname changed: it takes effect at restart" in log, log)
    after = served_cert(d)
    expect(after != before and after == file_cert(d.cert),
           "SMTPS still shows the old certificate")
    r = transaction(d)		# greeted with the old hostname still
    code, line, _ = r.cmd("RCPT TO:<bob@lab.example>")
    expect(code == 452, "second recipient after max_recipients = 1: " +
           line)
    # The held session loses nothing: its message is stored.
    expect(held.cmd("DATA")[0] == 354, "DATA in the held session")
    code, line, _ = held.cmd("Subject: across a reload\r\n\r\nhi\r\n.")
    expect(code == 250, line)
    expect(len(d.maildir("alice")) == 1, "the held message is not stored")
    # A broken file is refused whole: the limit and certificate stay.
    with open(d.conf, "w") as f:
        f.write(good.replace("max_recipients = 1", "max_recipients = many"))
    reloaded(d, "going on as before", 1)
    expect("max_recipients" in d.logtext(), d.logtext())
    r = transaction(d)
    expect(r.cmd("RCPT TO:<bob@lab.example>")[0] == 452, "limit lost")
    expect(served_cert(d) == after, "certificate changed by a bad reload")
    # So is a key that does not go with the certificate.
    with open(d.conf, "w") as f:
        f.write(text.replace("tls_key = " + d.key, "tls_key = " + d.cert))
    reloaded(d, "going on as before", 2)
    expect(served_cert(d) == after, "certificate changed by a bad key")
    expect(d.proc.poll() is None, "the daemon died on a reload")


def greeting_from(family, addr, port):
    with socket.socket(family) as s:
        s.settimeout(10)
        s.connect((addr, port))
        line = s.makefile("rb").readline()
        s.sendall(b"QUIT\r\n")
        s.recv(512)
    return line


@case
def a_port_alone_listens_on_ipv6_and_ipv4(d):
    # "smtp = PORT" is one socket for both families (the guard's ipv6
    # selftest relies on it); "127.0.0.1:PORT" stays IPv4 and loopback.
    if not socket.has_ipv6 or not os.path.exists("/proc/net/tcp6"):
        raise Skip("no IPv6 here")
    port = d.ports["smtp"]
    d.kill()
    with open(d.conf) as f:
        text = f.read()
    with open(d.conf, "w") as f:
        f.write(text.replace("smtp = 127.0.0.1:%d" % port, "smtp = %d" % port))
    d.start()
    for family, addr in ((socket.AF_INET6, "::1"),
                         (socket.AF_INET, "127.0.0.1")):
        line = greeting_from(family, addr, port)
        expect(line.startswith(b"220 "), "%s: %r" % (addr, line))
    try:
        greeting_from(socket.AF_INET6, "::1", d.ports["submission"])
        raise AssertionError("127.0.0.1:PORT answered on ::1")
    except ConnectionRefusedError:
        pass
    log = d.logtext()
    # An IPv4 client of the IPv6 socket is named as IPv4, not ::ffff:.
    expect("[::1]" in log and "[127.0.0.1]" in log and "::ffff:" not in log,
           "client addresses in the log:\n" + log[-2000:])



@case
def without_syslog_a_log_line_costs_no_socket(d):
    """With no syslog daemon (no /dev/log: CI, the lab VM, containers),
    glibc's syslog() makes and connects a socket for every line, and the
    line is lost anyway: the daemon tries syslog again only a minute after
    it found none. strace counts its connect() calls over three mails."""
    if os.path.exists("/dev/log"):
        raise Skip("a syslog daemon listens here")
    out = os.path.join(d.dir, "strace.out")
    st = subprocess.Popen(["strace", "-f", "-e", "trace=connect", "-o", out,
                           "-p", str(d.proc.pid)],
                          stderr=subprocess.PIPE, text=True)
    try:
        attached = st.stderr.readline()
        expect("attached" in attached, "strace: %r" % attached)
        for i in range(3):
            with smtplib.SMTP("127.0.0.1", d.ports["smtp"]) as s:
                s.sendmail("a@client.example", ["alice@lab.example"],
                           "Subject: quiet %d\r\n\r\nx\r\n" % i)
    finally:
        st.send_signal(signal.SIGINT)
        st.communicate(timeout=30)
    lines = d.logtext().count("to=<alice@lab.example>")
    expect(lines >= 3, "the mails' log lines: %d" % lines)
    with open(out) as f:
        tries = [l for l in f if "/dev/log" in l]
    expect(not tries, "%d connects to /dev/log, e.g. %r" %
           (len(tries), tries[:1]))

if __name__ == "__main__":
    sys.exit(main(CASES))
