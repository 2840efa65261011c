#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd's SMTP receiver, against real clients on loopback.

    smtplib / swaks / curl / a raw socket (what telnet or `nc -C` types)
        |  127.0.0.1
        v
    nfpostd  smtp (25)  submission (587)  smtps (465)   ports picked free
        |-- lab.example users alice, bob  -> $T/mail/<user>/new/  (Maildir)
        '-- anything else                 -> $T/spool/new/        (queue)

mynetworks is 192.0.2.0/24, so loopback clients are strangers: they may
send to lab.example, and relay only after AUTH (which needs TLS).

Each case prints one TAP line; the last line is the plan. Run by
selftests/nfpostd/run with BUILD pointing at the binaries.
"""
import base64
import glob
import os
import pwd
import random
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("BUILD", "build")
NFPOSTD = os.path.abspath(os.path.join(BUILD, "nfpostd"))
NFPOST = os.path.abspath(os.path.join(BUILD, "nfpost"))
PASSWORD = {"alice": "wonder land", "bob": "b0b-secret"}
HOST = "mx.lab.example"


HANDED_OUT = set()


def free_port():
    """A port free now, below the ephemeral range (32768 and up): a port
    the kernel hands out for port 0 can be taken by any outgoing
    connection on the machine before the daemon binds it. Never one this
    process handed out before: a daemon's listeners are picked one after
    the other, each free when picked, and two alike would make it fail
    to bind the second (a one-in-a-few-thousand chance a daemon, about
    one run of the suite in ten)."""
    for _ in range(200):
        port = random.randint(10000, 32000)
        if port in HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        HANDED_OUT.add(port)
        return port
    raise RuntimeError("no free port below 32000")


CACHE = []


def cache(name):
    """A path in a directory for what is made once per run."""
    if not CACHE:
        CACHE.append(tempfile.mkdtemp(prefix="nfpostd-test-cache."))
    return os.path.join(CACHE[0], name)


def users_file(users):
    """A users file made once per set of users (yescrypt is slow)."""
    path = cache("users." + "_".join(sorted(users)))
    if not os.path.exists(path):
        for user, pw in users.items():
            subprocess.run([NFPOST, "user", "-f", path, "add", user],
                           input=pw + "\n", text=True, check=True,
                           capture_output=True)
    return path


def cert_and_key():
    """One self-signed certificate for every daemon of the run."""
    cert = cache("cert.pem")
    key = cache("key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-subj", "/CN=" + HOST, "-days", "2",
                        "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    return cert, key


def listening(port):
    """Whether something listens on 127.0.0.1:@port, or on every address
    of both families for a port alone (/proc/net/tcp and tcp6)."""
    want = ("0100007F:%04X" % port, "00000000:%04X" % port,
            "0" * 32 + ":%04X" % port)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            if any(l.split()[1] in want and l.split()[3] == "0A"
                   for l in f.readlines()[1:]):
                return True
    return False


class Daemon:
    """One nfpostd with its own directories, config, users and cert."""

    def __init__(self, domain="lab.example", users=None, transport=None,
                 extra="", smtp_port=None, listen=()):
        self.dir = tempfile.mkdtemp(prefix="nfpostd-test.")
        os.chmod(self.dir, 0o755)
        self.mail = os.path.join(self.dir, "mail")
        self.spool = os.path.join(self.dir, "spool")
        os.mkdir(self.mail)
        os.mkdir(self.spool)
        # @listen: more listener kinds (pop3, pop3s) for other tests.
        self.ports = {k: free_port() for k in
                      ("smtp", "submission", "smtps") + tuple(listen)}
        if smtp_port:
            self.ports["smtp"] = smtp_port
        self.users = os.path.join(self.dir, "users")
        self.cert = os.path.join(self.dir, "cert.pem")
        self.key = os.path.join(self.dir, "key.pem")
        shutil.copy(users_file(users or PASSWORD), self.users)
        for path, src in zip((self.cert, self.key), cert_and_key()):
            shutil.copy(src, path)
        run_as = ""
        if os.geteuid() == 0:
            # As root nfpostd binds, then becomes this user: give it
            # what it must write and read.
            run_as = "user = nobody"
            nobody = pwd.getpwnam("nobody")
            for p in (self.mail, self.spool, self.key, self.users):
                os.chown(p, nobody.pw_uid, nobody.pw_gid)
        # Mail for other domains goes to local ports only, never to DNS:
        # by default to a port where nothing listens, so it stays queued.
        transport = transport or {}
        transport.setdefault("elsewhere.example", free_port())
        routes = "".join("%s = 127.0.0.1:%d\n" % kv
                         for kv in transport.items())
        self.conf = os.path.join(self.dir, "nfpostd.conf")
        with open(self.conf, "w") as f:
            f.write(f"""[server]
hostname = {HOST if domain == "lab.example" else "mx." + domain}
{run_as}
domains = {domain}
mynetworks = 192.0.2.0/24
users = {self.users}
mail_root = {self.mail}
spool = {self.spool}
postmaster = {next(iter(users or PASSWORD))}
tls_cert = {self.cert}
tls_key = {self.key}
max_message_size = 100000
max_recipients = 3
timeout = 30
retry_min = 60
{extra}
[listen]
smtp = 127.0.0.1:{self.ports['smtp']}
submission = 127.0.0.1:{self.ports['submission']}
smtps = 127.0.0.1:{self.ports['smtps']}
{"".join(f"{k} = 127.0.0.1:{self.ports[k]}" + chr(10) for k in listen)}[transport]
{routes}""")
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.proc = None
        self.start()

    def spawn(self):
        """The daemon's process (a subclass may wrap it)."""
        return subprocess.Popen([NFPOSTD, "-v", "-c", self.conf],
                                stderr=self.log)

    def start(self):
        self.proc = self.spawn()
        # nfpostd listens only once whole (signals caught, users read,
        # pid file written), so a port that answers means ready. The smtp
        # port answers, and the others listen too (the daemon listens on
        # them one after the other; looked up in /proc, so that the probe
        # stays one session).
        # A daemon that exits half-way (a listener it cannot bind) may
        # have answered on smtp already: its exit is looked for all along.
        deadline = time.monotonic() + 30
        answered = False
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nfpostd exited: " + self.logtext())
            try:
                if not answered:
                    socket.create_connection(
                        ("127.0.0.1", self.ports["smtp"]), timeout=1).close()
                    answered = True
            except OSError:
                time.sleep(0.05)
                continue
            if all(listening(p) for p in self.ports.values()):
                return
            time.sleep(0.01)
        raise RuntimeError("nfpostd does not listen: " + self.logtext())

    def kill(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=10)

    def bytes_read(self):
        """What the daemon has read so far (files and sockets), from
        /proc: a test waits on it to know its bytes arrived."""
        with open("/proc/%d/io" % self.proc.pid) as f:
            for line in f:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
        raise RuntimeError("no rchar in /proc/%d/io" % self.proc.pid)

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def settled(self, what):
        """Waits until the daemon has read nothing more for a while: it
        stopped reading (or it read everything there was)."""
        last = [self.bytes_read(), 0]

        def still():
            now = self.bytes_read()
            last[1] = last[1] + 1 if now == last[0] else 0
            last[0] = now
            return last[1] >= 5
        self.wait_for(what, still, secs=60)

    def logtext(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def maildir(self, user, sub="new"):
        return sorted(glob.glob(os.path.join(self.mail, user, sub, "*")))

    def queued(self):
        return sorted(glob.glob(os.path.join(self.spool, "new", "*")))

    def wait_for(self, what, cond, secs=60):
        # A bound for when it never comes, generous for a loaded machine:
        # a case that passes waits no longer for it.
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if cond():
                return
            time.sleep(0.1)
        if cond():
            return
        raise AssertionError("timed out waiting for " + what +
                             "; log:\n" + self.logtext()[-1500:])

    def stop_cleanly(self):
        """SIGTERM must end it with status 0 and nothing on its stderr
        that a sanitizer or the C library would print."""
        self.kill()
        log = self.logtext()
        expect(self.proc.returncode == 0,
               "exit status %d; log:\n%s" % (self.proc.returncode,
                                              log[-2000:]))
        for bad in ("ERROR: AddressSanitizer", "runtime error:",
                    "LeakSanitizer", "double free", "corrupted"):
            expect(bad not in log, bad + " in the log:\n" + log[-3000:])

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.kill()
        self.log.close()
        shutil.rmtree(self.dir)


class Raw:
    """A hand-typed session: what telnet or `nc -C` sends and shows."""

    def __init__(self, port, tls=False, source=None, rcvbuf=None):
        # @source: another loopback address (127.0.0.2...) to come from;
        # @rcvbuf: a receive buffer that small, for a client slow to read.
        self.sock = socket.socket()
        self.sock.settimeout(10)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if source:
            self.sock.bind((source, 0))
        self.sock.connect(("127.0.0.1", port))
        if tls:
            self.sock = insecure().wrap_socket(self.sock)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("closed; unread: %r" % self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()

    def reply(self):
        """A whole reply, multi-line joined: (code, last line, all lines)."""
        lines = [self.line()]
        while lines[-1][3:4] == "-":
            lines.append(self.line())
        return int(lines[-1][:3]), lines[-1], lines

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.reply()

    def closed(self):
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, ssl.SSLError):
            return True

    def close(self):
        self.sock.close()


def insecure():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


# ---------------------------------------------------------------- the cases

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def greeted(d, port="smtp"):
    r = Raw(d.ports[port])
    code, line, _ = r.reply()
    expect(code == 220 and HOST in line, "greeting: " + line)
    return r


def message(subject, body="Hello from the test.\r\n"):
    return ("From: test <test@client.example>\r\nTo: alice@lab.example\r\n"
            f"Subject: {subject}\r\n\r\n{body}")


def delivered_body(path):
    """The message as stored, minus the Return-Path and Received we add."""
    with open(path, "rb") as f:
        data = f.read()
    expect(data.startswith(b"Return-Path: <"), "no Return-Path first")
    rest = data.split(b"\r\n", 1)[1]
    expect(rest.startswith(b"Received: from "), "no Received: second")
    # Received: is folded: its continuation lines start with a tab.
    lines = rest.split(b"\r\n")
    i = 1
    while lines[i].startswith(b"\t"):
        i += 1
    return data, b"\r\n".join(lines[i:])


@case
def ehlo_offers_extensions_and_no_auth_in_clear(d):
    r = greeted(d)
    code, _, lines = r.cmd("EHLO client.example")
    kw = {l[4:].split(" ")[0] for l in lines[1:]}
    for k in ("PIPELINING", "SIZE", "STARTTLS", "8BITMIME",
              "ENHANCEDSTATUSCODES", "CHUNKING", "SMTPUTF8"):
        expect(k in kw, "EHLO lacks " + k)
    expect("AUTH" not in kw, "AUTH offered before TLS")
    expect(lines[0] == "250-" + HOST, lines[0])


@case
def smtplib_message_lands_in_maildir_byte_for_byte(d):
    msg = message("maildir").encode()
    with smtplib.SMTP("127.0.0.1", d.ports["smtp"]) as s:
        s.ehlo("client.example")
        refused = s.sendmail("test@client.example", ["alice@lab.example"],
                             msg)
        expect(not refused, refused)
    files = d.maildir("alice")
    expect(len(files) == 1, "files in new/: %r" % files)
    data, body = delivered_body(files[0])
    expect(body == msg, "stored body differs: %r" % body[:200])
    expect(files[0].endswith(",S=%d" % len(data)), files[0])
    expect(b"Return-Path: <test@client.example>\r\n" in data, "Return-Path")
    expect(b"with ESMTP id " in data and b"for <alice@lab.example>" in data,
           "Received: " + data.split(b"\r\n\r\n")[0].decode())
    expect(not d.maildir("alice", "tmp"), "left in tmp/")


@case
def one_log_line_per_message_and_per_session(d):
    with smtplib.SMTP("127.0.0.1", d.ports["smtp"]) as s:
        s.ehlo("client.example")
        s.sendmail("log@client.example", ["alice@lab.example"],
                   message("logged"))
    d.wait_for("the session's line", lambda: "disconnect from client" in
               d.logtext())
    lines = [l for l in d.logtext().splitlines() if "log@client" in l]
    expect(len(lines) == 1, "message lines: %r" % lines)
    for want in ("client=unknown[127.0.0.1]", "helo=<client.example>",
                 "proto=ESMTP,", "from=<log@client.example>", "nrcpt=1",
                 "to=<alice@lab.example> local"):
        expect(want in lines[0], want + " not in " + lines[0])
    sessions = [l for l in d.logtext().splitlines()
                if "from client.example[127.0.0.1]" in l]
    expect(len(sessions) == 1 and "disconnect from" in sessions[0],
           "session lines: %r" % sessions)


@case
def utf8_addresses_need_smtputf8(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    code, line, _ = r.cmd("MAIL FROM:<j\u00e9r\u00f4me@client.example>")
    expect(code == 501 and "5.1.7" in line, "UTF-8 without SMTPUTF8: " + line)
    code, line, _ = r.cmd("MAIL FROM:<j\u00e9r\u00f4me@client.example> "
                          "SMTPUTF8")
    expect(code == 250, line)
    r.cmd("RCPT TO:<alice@lab.example>")
    r.cmd("DATA")
    code, line, _ = r.cmd("Subject: caf\u00e9\r\n\r\n\u00e9t\u00e9\r\n.")
    expect(code == 250, "8-bit body under SMTPUTF8: " + line)
    data = read(d.maildir("alice")[0])
    expect("Return-Path: <j\u00e9r\u00f4me@client.example>".encode() in data
           and b"with UTF8SMTP id" in data, data[:400])


@case
def vrfy_help_noop_rset_answer(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    code, line, _ = r.cmd("VRFY alice")
    expect(code == 252, "VRFY: " + line)
    code, line, lines = r.cmd("HELP")
    expect(code == 214 and len(lines) > 1, "HELP: %r" % lines)
    expect(r.cmd("NOOP")[0] == 250, "NOOP")
    r.cmd("MAIL FROM:<a@client.example>")
    expect(r.cmd("RSET")[0] == 250, "RSET")
    code, line, _ = r.cmd("RCPT TO:<alice@lab.example>")
    expect(code == 503, "RSET must end the transaction: " + line)


@case
def course_session_typed_by_hand(d):
    # The notes' session (001): HELO, MAIL FROM: without brackets, one
    # recipient, a body without headers, ".", QUIT.
    r = greeted(d)
    expect(r.cmd("HELO truc.caramel.vn")[0] == 250, "HELO")
    expect(r.cmd("MAIL FROM: cook@caramel.vn")[0] == 250, "MAIL FROM:")
    expect(r.cmd("RCPT TO: bob@lab.example")[0] == 250, "RCPT TO:")
    code, line, _ = r.cmd("DATA")
    expect(code == 354, line)
    code, line, _ = r.cmd("Viens boire une Guinness ce soir\r\n.")
    expect(code == 250 and "queued as" in line, line)
    code, line, _ = r.cmd("QUIT")
    expect(code == 221, line)
    files = d.maildir("bob")
    expect(len(files) == 1, "bob's new/: %r" % files)
    _, body = delivered_body(files[0])
    expect(body == b"Viens boire une Guinness ce soir\r\n", body)
    with open(files[0], "rb") as f:
        expect(b"from truc.caramel.vn ([127.0.0.1])" in f.read() and
               True, "HELO name and address in Received:")


@case
def mail_from_without_address_gets_syntax_error(d):
    # Lab sheet question 7: "MAIL FROM <CR>".
    r = greeted(d)
    r.cmd("EHLO client.example")
    code, line, _ = r.cmd("MAIL FROM")
    expect(code == 501 and "5.5.4" in line and "MAIL FROM:<address>" in line,
           line)


@case
def commands_out_of_sequence_get_503(d):
    r = greeted(d)
    code, line, _ = r.cmd("MAIL FROM:<a@client.example>")
    expect(code == 503 and "5.5.1" in line, "MAIL before HELO: " + line)
    r.cmd("EHLO client.example")
    for cmd, want in (("RCPT TO:<alice@lab.example>", "need MAIL"),
                      ("DATA", "need MAIL")):
        code, line, _ = r.cmd(cmd)
        expect(code == 503 and "5.5.1" in line and want in line, line)
    r.cmd("MAIL FROM:<a@client.example>")
    code, line, _ = r.cmd("DATA")
    expect(code == 503 and "need RCPT" in line, line)
    code, line, _ = r.cmd("MAIL FROM:<a@client.example>")
    expect(code == 503 and "nested" in line, line)
    code, line, _ = r.cmd("FROB")
    expect(code == 500 and "5.5.2" in line, line)


@case
def unknown_local_user_is_550_511(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    r.cmd("MAIL FROM:<a@client.example>")
    code, line, _ = r.cmd("RCPT TO:<nobody-here@lab.example>")
    expect(code == 550 and "5.1.1" in line, line)
    code, line, _ = r.cmd("RCPT TO:<Postmaster@LAB.example>")
    expect(code == 250, "postmaster must be accepted: " + line)


@case
def stranger_cannot_relay_and_tricks_do_not_help(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    r.cmd("MAIL FROM:<a@client.example>")
    code, line, _ = r.cmd("RCPT TO:<victim@elsewhere.example>")
    expect(code == 554 and "5.7.1" in line and "Relay access denied" in line,
           line)
    for trick in ("victim%elsewhere.example@lab.example",
                  "elsewhere.example!victim@lab.example",
                  '"victim@elsewhere.example"@lab.example'):
        code, line, _ = r.cmd("RCPT TO:<%s>" % trick)
        expect(code == 550 and "5.1.1" in line, trick + ": " + line)
    code, line, _ = r.cmd("RCPT TO:<@lab.example:victim@elsewhere.example>")
    expect(code == 554 and "5.7.1" in line, "source route: " + line)
    expect(not d.queued(), "something was queued")
    expect("NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 554 5.7.1 "
           "<victim@elsewhere.example>: Relay access denied;" in d.logtext(),
           "no fail2ban-shaped log line")


@case
def submission_needs_tls_then_auth(d):
    r = greeted(d, "submission")
    r.cmd("EHLO client.example")
    code, line, _ = r.cmd("MAIL FROM:<alice@lab.example>")
    expect(code == 530 and "STARTTLS" in line, line)
    code, line, _ = r.cmd("AUTH PLAIN " + base64.b64encode(
        b"\0alice\0" + PASSWORD["alice"].encode()).decode())
    expect(code == 538 and "5.7.11" in line, "AUTH in clear: " + line)
    with smtplib.SMTP("127.0.0.1", d.ports["submission"]) as s:
        s.starttls(context=insecure())
        s.ehlo("client.example")
        expect(s.has_extn("auth"), "no AUTH after STARTTLS")
        code, _ = s.docmd("MAIL FROM:<alice@lab.example>")
        expect(code == 530, "MAIL before AUTH: %d" % code)
        for user, pw in (("alice", "wrong"), ("nobody-here", "x")):
            try:
                s.login(user, pw)
                expect(False, "%s/%s accepted" % (user, pw))
            except smtplib.SMTPAuthenticationError as e:
                expect(e.smtp_code == 535, e)
        expect("SASL PLAIN authentication failed: authentication failure, "
               "sasl_username=nobody-here" in d.logtext(),
               "no fail2ban-shaped AUTH failure line")
        s.login("alice", PASSWORD["alice"])
        s.sendmail("alice@lab.example", ["friend@elsewhere.example"],
                   message("relayed after AUTH PLAIN"))
    q = d.queued()
    expect(len(q) == 1, "queue: %r" % q)
    with open(q[0], "rb") as f:
        data = f.read()
    expect(b"\nrcpt friend@elsewhere.example\n" in data, data[:300])
    expect(b"with ESMTPSA id" in data and b"(using TLSv1.3" in data,
           "Received: of a TLS + AUTH session")


@case
def smtps_with_auth_login(d):
    with smtplib.SMTP_SSL("127.0.0.1", d.ports["smtps"],
                          context=insecure()) as s:
        s.ehlo("client.example")
        s.user, s.password = "bob", PASSWORD["bob"]
        code, _ = s.auth("LOGIN", s.auth_login)
        expect(code == 235, code)
        s.sendmail("bob@lab.example", ["alice@lab.example"],
                   message("over SMTPS"))
    expect(len(d.maildir("alice")) == 1, "not delivered")


@case
def starttls_drops_what_was_pipelined_after_it(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    # An injection: plaintext commands after STARTTLS in one packet.
    r.send("STARTTLS\r\nRSET\r\n")
    code, line, _ = r.reply()
    expect(code == 220, line)
    expect(r.buf == b"", "replied after STARTTLS in clear: %r" % r.buf)
    r.sock = insecure().wrap_socket(r.sock)
    code, line, _ = r.cmd("NOOP")
    expect(code == 250, "first reply in TLS must be to NOOP: " + line)
    code, line, _ = r.cmd("MAIL FROM:<a@client.example>")
    expect(code == 503, "EHLO must be sent again after TLS: " + line)


@case
def pipelined_transaction_answers_in_order(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    r.send("MAIL FROM:<a@client.example>\r\nRCPT TO:<alice@lab.example>\r\n"
           "RCPT TO:<nobody-here@lab.example>\r\nRCPT TO:<bob@lab.example>\r\n"
           "DATA\r\n")
    codes = [r.reply()[0] for _ in range(5)]
    expect(codes == [250, 250, 550, 250, 354], codes)
    code, line, _ = r.cmd(message("pipelined") + ".")
    expect(code == 250, line)
    expect(len(d.maildir("alice")) == 1 and len(d.maildir("bob")) == 1,
           "each local recipient gets one copy")


@case
def bdat_chunks_are_stored_exactly(d):
    body = message("chunked", "line one\r\n.leading dot kept\r\n").encode()
    r = greeted(d)
    r.cmd("EHLO client.example")
    r.cmd("MAIL FROM:<a@client.example>")
    r.cmd("RCPT TO:<alice@lab.example>")
    r.send(b"BDAT 20\r\n" + body[:20])
    code, line, _ = r.reply()
    expect(code == 250 and "20 octets" in line, line)
    rest = body[20:]
    r.send(b"BDAT %d LAST\r\n" % len(rest) + rest)
    code, line, _ = r.reply()
    expect(code == 250 and "queued as" in line, line)
    _, stored = delivered_body(d.maildir("alice")[0])
    expect(stored == body, "BDAT body: %r" % stored)
    r.cmd("MAIL FROM:<a@client.example>")
    r.cmd("RCPT TO:<alice@lab.example>")
    r.send(b"BDAT 3\r\nabc")
    r.reply()
    code, line, _ = r.cmd("DATA")
    expect(code == 503, "DATA after BDAT: " + line)


@case
def bad_input_gets_the_right_codes_and_service_goes_on(d):
    r = greeted(d)
    r.cmd("EHLO client.example")
    code, line, _ = r.cmd("NOOP " + "x" * 600)
    expect(code == 500 and "5.5.0" in line and "too long" in line, line)
    code, line, _ = r.cmd("NOOP a\0b")
    expect(code == 500 and "NUL" in line, line)
    code, line, _ = r.cmd("MAIL FROM:<a@client.example> SIZE=999999999")
    expect(code == 552 and "5.3.4" in line, "over SIZE: " + line)
    code, line, _ = r.cmd("MAIL FROM:<a@client.example> FROB=1")
    expect(code == 555 and "5.5.4" in line, line)
    r.cmd("MAIL FROM:<a@client.example>")
    for rc in ("alice", "bob", "postmaster"):
        r.cmd("RCPT TO:<%s@lab.example>" % rc)
    code, line, _ = r.cmd("RCPT TO:<alice@lab.example>")
    expect(code == 452 and "4.5.3" in line, "4th recipient: " + line)
    r.cmd("DATA")
    code, line, _ = r.cmd("Subject: caf\xe9\r\n\r\n8-bit body \xe9\r\n.")
    expect(code == 550 and "8BITMIME" in line, "8-bit without it: " + line)
    r.cmd("MAIL FROM:<a@client.example>")
    r.cmd("RCPT TO:<alice@lab.example>")
    r.cmd("DATA")
    code, line, _ = r.cmd(("y" * 998 + "\r\n") * 101 + ".")
    expect(code == 552 and "5.3.4" in line, "over max size: " + line)
    r.cmd("MAIL FROM:<a@client.example>")
    r.cmd("RCPT TO:<alice@lab.example>")
    r.cmd("DATA")
    code, line, _ = r.cmd("z" * 1200 + "\r\n.")
    expect(code == 550 and "1000" in line, "long text line: " + line)
    expect(not d.maildir("alice"), "a rejected message was stored")
    # Bare LF in DATA, with a smuggled end and command behind it.
    r.cmd("MAIL FROM:<a@client.example>")
    r.cmd("RCPT TO:<alice@lab.example>")
    r.cmd("DATA")
    r.send("Subject: x\r\n\r\nbody\n.\nMAIL FROM:<evil@x>\r\n")
    code, line, _ = r.reply()
    expect(code == 521 and "5.5.2" in line, "bare LF: " + line)
    expect(r.closed(), "session not closed after bare LF")
    expect(not d.maildir("alice"), "smuggled message stored")
    r2 = greeted(d)
    expect(r2.cmd("EHLO client.example")[0] == 250, "service went on")


@case
def client_gone_before_its_250_leaves_the_daemon_serving(d):
    for _ in range(20):
        r = greeted(d)
        r.send("EHLO c\r\nMAIL FROM:<a@client.example>\r\n"
               "RCPT TO:<alice@lab.example>\r\nDATA\r\n")
        for _ in range(4):
            r.reply()
        r.send(message("gone") + ".\r\nQUIT\r\n")
        r.close()
    d.wait_for("20 stored", lambda: len(d.maildir("alice")) == 20)
    r = greeted(d)
    expect(r.cmd("EHLO client.example")[0] == 250, "daemon gone")
    expect(d.proc.poll() is None, "daemon exited")


@case
def connections_over_max_sessions_get_421(d):
    a = Daemon(extra="max_sessions = 2")
    try:
        held = [greeted(a), greeted(a)]
        r = Raw(a.ports["smtp"])
        code, line, _ = r.reply()
        expect(code == 421 and "4.7.0" in line, "third session: " + line)
        expect(r.closed(), "third session left open")
        held[0].cmd("QUIT")
        a.wait_for("a free slot", lambda: "disconnect from unknown"
                   in a.logtext().split("connection limit")[-1])
        expect(greeted(a).cmd("EHLO c")[0] == 250, "no slot after a QUIT")
        a.stop_cleanly()
    finally:
        a.close()


@case
def swaks_and_curl_deliver(d):
    if not shutil.which("swaks") or not shutil.which("curl"):
        raise Skip("swaks or curl missing")
    out = subprocess.run(["swaks", "--server", "127.0.0.1", "--port",
                          str(d.ports["submission"]), "--to",
                          "bob@lab.example", "--from", "alice@lab.example",
                          "--tls", "--auth", "PLAIN", "--auth-user", "alice",
                          "--auth-password", PASSWORD["alice"],
                          "--header", "Subject: from swaks"],
                         capture_output=True, text=True)
    expect(out.returncode == 0, out.stdout[-500:] + out.stderr[-500:])
    path = os.path.join(d.dir, "curl.eml")
    with open(path, "wb") as f:
        f.write(message("from curl").encode())
    out = subprocess.run(["curl", "-sS", "smtp://127.0.0.1:%d" %
                          d.ports["smtp"], "--mail-from",
                          "c@client.example", "--mail-rcpt",
                          "alice@lab.example", "--upload-file", path],
                         capture_output=True, text=True)
    expect(out.returncode == 0, out.stderr)
    expect(len(d.maildir("bob")) == 1 and len(d.maildir("alice")) == 1,
           "swaks to bob, curl to alice")


@case
def kill_9_in_data_leaves_nothing_and_loses_nothing(d):
    acked = 0
    with smtplib.SMTP("127.0.0.1", d.ports["smtp"]) as s:
        for i in range(5):
            s.sendmail("a@client.example", ["alice@lab.example"],
                       message("before the kill %d" % i))
            acked += 1
    r = greeted(d)
    r.cmd("EHLO client.example")
    r.cmd("MAIL FROM:<a@client.example>")
    r.cmd("RCPT TO:<alice@lab.example>")
    r.cmd("DATA")
    before = d.bytes_read()
    half = "Subject: half\r\n\r\n" + "half a message\r\n" * 100
    r.send(half)
    d.wait_for("the half message read",
               lambda: d.bytes_read() >= before + len(half))
    d.kill(signal.SIGKILL)
    d.start()
    files = d.maildir("alice")
    expect(len(files) == acked, "%d acked, %d in new/" % (acked, len(files)))
    for f in files:
        with open(f, "rb") as fh:
            expect(b"half a message" not in fh.read(), "partial in new/")
    expect(not d.maildir("alice", "tmp"), "leftovers in tmp/")


@case
def sigterm_as_soon_as_the_port_answers_stops_cleanly(d):
    # The port answers only once the daemon is whole: signals caught, pid
    # file written. A supervisor may send SIGTERM at that very moment.
    for _ in range(4):
        pid = read(os.path.join(d.spool, "nfpostd.pid")).decode().strip()
        expect(pid == str(d.proc.pid), "pid file %s, daemon %d" %
               (pid, d.proc.pid))
        d.stop_cleanly()
        d.start()


CAROL = {"carol": "c4rol pw"}


def submit(d, rcpt, subject):
    """alice, authenticated on d's submission port, sends to @rcpt."""
    with smtplib.SMTP("127.0.0.1", d.ports["submission"]) as s:
        s.starttls(context=insecure())
        s.login("alice", PASSWORD["alice"])
        s.sendmail("alice@lab.example", [rcpt], message(subject))


def read(path):
    with open(path, "rb") as f:
        return f.read()


@case
def relays_to_a_second_nfpostd_through_the_transport_map(d):
    b = Daemon(domain="other.example", users=CAROL)
    a = Daemon(transport={"other.example": b.ports["smtp"]})
    try:
        submit(a, "carol@other.example", "across two servers")
        b.wait_for("carol's message", lambda: len(b.maildir("carol")) == 1)
        a.wait_for("an empty queue on the first", lambda: not a.queued())
        data = read(b.maildir("carol")[0])
        head = data.split(b"\r\n\r\n")[0].decode()
        expect(head.count("Received: from ") == 2, head)
        first = head.index("by mx.other.example (nfpostd) with ESMTPS id")
        second = head.index("by mx.lab.example (nfpostd) with ESMTPSA id")
        expect(first < second, "newest hop first: " + head)
        expect(data.endswith(b"Hello from the test.\r\n"), data[-100:])
        expect("status=sent" in a.logtext(), "no status=sent in the log")
        out = subprocess.run([NFPOST, "mail", "trace", b.maildir("carol")[0]],
                             capture_output=True, text=True)
        # The chain meets, and the second server is the one to believe;
        # only the test's own From: (client.example, not the envelope's
        # lab.example) is suspect, which exits 1.
        expect(out.returncode == 1 and not out.stderr and
               "broken-chain" not in out.stdout and
               "trusted hop 2 from mx.lab.example ip 127.0.0.1 "
               "by mx.other.example\n" in out.stdout and
               "suspect return-path:" in out.stdout,
               "exit status %d\n%s%s" %
               (out.returncode, out.stdout, out.stderr))
    finally:
        a.close()
        b.close()


@case
def queue_survives_a_restart_and_flush_sends_it(d):
    port = free_port()
    a = Daemon(transport={"other.example": port})
    b = None
    try:
        submit(a, "carol@other.example", "queued across a restart")
        a.wait_for("a deferral", lambda: "status=deferred" in a.logtext())
        expect(len(a.queued()) == 1, "queue: %r" % a.queued())
        out = subprocess.run([NFPOST, "mail", "queue", "-c", a.conf],
                             capture_output=True, text=True)
        expect(out.returncode == 0 and "carol@other.example" in out.stdout
               and "alice@lab.example" in out.stdout, out.stdout +
               out.stderr)
        a.kill()
        b = Daemon(domain="other.example", users=CAROL, smtp_port=port)
        a.start()
        time.sleep(0.5)
        expect(len(a.queued()) == 1, "retried before its time")
        out = subprocess.run([NFPOST, "mail", "queue", "-c", a.conf,
                              "flush"], capture_output=True, text=True)
        expect(out.returncode == 0, out.stderr)
        b.wait_for("carol's message", lambda: len(b.maildir("carol")) == 1)
        a.wait_for("an empty queue", lambda: not a.queued())
    finally:
        a.close()
        if b:
            b.close()


@case
def message_past_its_lifetime_bounces_as_expired(d):
    a = Daemon(extra="queue_lifetime = 1")
    try:
        submit(a, "friend@elsewhere.example", "never delivered")
        a.wait_for("a deferral", lambda: "status=deferred" in a.logtext())
        time.sleep(2)
        out = subprocess.run([NFPOST, "mail", "queue", "-c", a.conf,
                              "flush"], capture_output=True, text=True)
        expect(out.returncode == 0, out.stderr)
        a.wait_for("the bounce", lambda: len(a.maildir("alice")) == 1)
        data = read(a.maildir("alice")[0])
        for want in (b"Final-Recipient: rfc822; friend@elsewhere.example",
                     b"Action: failed", b"Status: 4.4.7",
                     b"Subject: never delivered"):
            expect(want in data, "bounce lacks %r" % want)
        a.wait_for("an empty queue", lambda: not a.queued())
    finally:
        a.close()


@case
def refused_recipient_bounces_to_the_sender_with_a_dsn(d):
    b = Daemon(domain="other.example", users=CAROL)
    a = Daemon(transport={"other.example": b.ports["smtp"]})
    try:
        submit(a, "dave@other.example", "to nobody")
        a.wait_for("the bounce", lambda: len(a.maildir("alice")) == 1)
        data = read(a.maildir("alice")[0])
        for want in (b"Return-Path: <>\r\n",
                     b"From: Mail Delivery System <MAILER-DAEMON@",
                     b"Content-Type: multipart/report;",
                     b"report-type=delivery-status;",
                     b"Final-Recipient: rfc822; dave@other.example",
                     b"Action: failed", b"Status: 5.1.1",
                     b"Diagnostic-Code: smtp; 550 5.1.1",
                     b"Subject: to nobody"):
            expect(want in data, "bounce lacks %r" % want)
        a.wait_for("an empty queue", lambda: not a.queued())
        expect(not b.maildir("carol"), "delivered to the wrong user")
    finally:
        a.close()
        b.close()


class Skip(Exception):
    pass


def main(cases=None, daemon=Daemon, prefix="nfpostd"):
    """Runs @cases (default: this file's), each against a fresh daemon().
    Other files import this harness and pass their own list and daemon."""
    n = 0
    failed = 0
    for fn in CASES if cases is None else cases:
        n += 1
        name = fn.__name__.replace("_", " ")
        # A case may set its own [server] keys: @fn.extra.
        d = daemon(extra=getattr(fn, "extra", ""))
        try:
            fn(d)
            d.stop_cleanly()
            print("ok %d - %s: %s" % (n, prefix, name))
        except Skip as e:
            print("ok %d - %s: %s # SKIP %s" % (n, prefix, name, e))
        except Exception as e:  # every failure is a TAP line, not a crash
            failed += 1
            print("not ok %d - %s: %s" % (n, prefix, name))
            print("# %s: %s" % (type(e).__name__, e))
            for line in d.logtext().splitlines()[-15:]:
                print("#   log: " + line)
        finally:
            d.close()
        sys.stdout.flush()
    print("1..%d" % n)
    for path in CACHE:
        shutil.rmtree(path, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
