# SPDX-License-Identifier: GPL-2.0
"""What bench/imap and bench/pop3 share: a big Maildir made by a script,
nfpostd and a private Dovecot each serving its own copy of it, a raw
client that only counts bytes (so that the client's own parsing is not
what is timed), RSS of a process tree, medians and spread.

The harness (nfpostd's Daemon, the private Dovecot) is the selftests'
(selftests/nfpostd/smtp.py, dovecot.py): nothing of the system's
/etc/dovecot or its running instance is used.
"""
import os
import random
import resource
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import time
import types

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "selftests", "nfpostd"))
os.environ.setdefault("BUILD", os.path.join(TOP, "build"))
import smtp  # noqa: E402
import dovecot  # noqa: E402
import imap  # noqa: E402

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
         "eiusmod tempor incididunt ut labore et dolore magna aliqua "
         "network filter bridge multicast packet kernel module").split()


def make_maildir(path, n, seed=1):
    """@n messages of 1-2 KiB in cur/, named as Dovecot names them
    (",S=" size), some seen, some flagged, a few deleted; new/ empty."""
    rnd = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    t0 = 1700000000
    for i in range(n):
        subj = " ".join(rnd.choice(WORDS) for _ in range(5))
        if i % 997 == 0:
            subj += " needle"
        body_len = rnd.randint(700, 1700)
        body = []
        while sum(len(x) + 2 for x in body) < body_len:
            body.append(" ".join(rnd.choice(WORDS) for _ in range(10)))
        msg = ("Return-Path: <sender%d@client.example>\r\n"
               "From: Sender %d <sender%d@client.example>\r\n"
               "To: alice@lab.example\r\n"
               "Subject: %s\r\n"
               "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
               "Message-ID: <%d.bench@client.example>\r\n\r\n%s\r\n" %
               (i % 50, i % 50, i % 50, subj, i, "\r\n".join(body)))
        data = msg.encode()
        flags = "S" if rnd.random() < 0.8 else ""
        if rnd.random() < 0.05:
            flags = "F" + flags
        name = "%d.M%dP%d.bench,S=%d:2,%s" % (t0 + i, i, 4242, len(data),
                                              flags)
        with open(os.path.join(path, "cur", name), "wb") as f:
            f.write(data)
        os.utime(os.path.join(path, "cur", name), (t0 + i, t0 + i))


def chown_tree(path, uid, gid):
    subprocess.run(["chown", "-R", "%d:%d" % (uid, gid), path], check=True)


class Servers:
    """nfpostd and Dovecot, each on its own copy of the users' Maildirs."""

    def __init__(self, listen, extra="", dovecot_extra=""):
        """@extra, @dovecot_extra: more of each one's configuration."""
        self.d = smtp.Daemon(listen=listen, extra=extra)
        st = os.stat(self.d.mail)
        self.dv_mail = os.path.join(self.d.dir, "dovecot-mail")
        os.mkdir(self.dv_mail)
        os.chown(self.dv_mail, st.st_uid, st.st_gid)
        self.owner = (st.st_uid, st.st_gid)
        fake = types.SimpleNamespace(mail=self.dv_mail, cert=self.d.cert,
                                     key=self.d.key, users=self.d.users)
        try:
            self.dv = dovecot.Dovecot(fake, dovecot_extra)
        except BaseException:
            self.d.close()
            raise

    def add_mailbox(self, user, src):
        for root in (self.d.mail, self.dv_mail):
            dst = os.path.join(root, user)
            subprocess.run(["cp", "-a", src, dst], check=True)
            chown_tree(dst, *self.owner)

    def cheap_hash(self, user):
        """@user's hash made cheap in the users file both servers read
        (imap.cheap_hash): for a measure that logs in by the thousand,
        where yescrypt's CPU would be all that is timed."""
        imap.cheap_hash(self.d, user)

    def maildir(self, who, user):
        """@user's Maildir as server @who serves it."""
        return os.path.join(self.d.mail if who == "nfpostd" else
                            self.dv_mail, user)

    def ports(self, kind):
        return {"nfpostd": self.d.ports[kind], "dovecot": self.dv.ports[kind]}

    def pids(self, name):
        if name == "nfpostd":
            return [self.d.proc.pid]
        return tree(self.dv.proc.pid)

    def close(self):
        try:
            self.dv.close()
        finally:
            self.d.close()


def tree(pid):
    """@pid and all its descendants."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="],
                         capture_output=True, text=True).stdout
    kids = {}
    for line in out.splitlines():
        p, pp = map(int, line.split())
        kids.setdefault(pp, []).append(p)
    stack, seen = [pid], []
    while stack:
        p = stack.pop()
        seen.append(p)
        stack += kids.get(p, [])
    return seen


def mem_kib(pids):
    """(RSS, PSS) summed over @pids, from smaps_rollup."""
    rss = pss = 0
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def want_fds(n):
    """At least @n open files for this process (its sockets to the
    servers, which inherit the limit too): the soft limit raised, and the
    hard one if that is not enough and we may (root)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= n:
        return
    if hard != resource.RLIM_INFINITY and hard < n:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
            return
        except (ValueError, OSError):
            raise SystemExit("need %d open files, the hard limit is %d"
                             % (n, hard))
    resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))


def ctx():
    c = ssl.create_default_context()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


class Conn:
    """A line-and-bytes client: sends a command, reads up to its end."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=600)
        self.buf = b""

    def tls(self):
        self.s = ctx().wrap_socket(self.s)

    def send(self, text):
        self.s.sendall(text.encode() + b"\r\n")

    def line(self):
        while b"\r\n" not in self.buf:
            self.more()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def more(self):
        data = self.s.recv(1 << 20)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def until(self, end):
        """Everything up to and including the line starting with @end
        (bytes); returns its length and the last line."""
        end = b"\r\n" + end
        total = 0
        while True:
            # As if a line had ended just before the buffer.
            data = b"\r\n" + self.buf
            i = data.find(end)
            if i >= 0:
                j = data.find(b"\r\n", i + 2)
                if j >= 0:
                    total += j
                    self.buf = data[j + 2:]
                    return total, data[i + 2:j]
            keep = len(end) + 4096
            if len(self.buf) > keep:
                total += len(self.buf) - keep
                self.buf = self.buf[-keep:]
            self.more()

    def close(self):
        self.s.close()


def build_client(tmp, name):
    """bench/@name.c, a C client for round trips (bench/pop3rt,
    bench/imaprt), with what they share (bench/rtconn.c), into @tmp."""
    path = os.path.join(tmp, name)
    subprocess.run(["cc", "-O2", "-Wall", "-Werror", "-o", path,
                    os.path.join(TOP, "bench", name + ".c"),
                    os.path.join(TOP, "bench", "rtconn.c"),
                    "-lssl", "-lcrypto"], check=True)
    return path


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def timed_median(fn, k):
    """The median time of @k calls of @fn: one round's value of a measure
    so short (a NOOP, a STAT: a fraction of a millisecond) that a single
    call reads the scheduler's noise more than the server."""
    return statistics.median(timed(fn)[0] for _ in range(k))


def spread(values):
    """How far the rounds spread: (max - min) / median, in per cent."""
    med = statistics.median(values)
    return 100.0 * (max(values) - min(values)) / med if med else 0.0


def report(results, goals):
    """@results: {measure: {server: [values by round]}}; @goals:
    {measure: (max ratio nfpostd/dovecot, "lower"|"higher")}. Per
    measure: each server's median and spread (max - min over the median,
    in per cent), the median of the rounds' ratios nfpostd/dovecot, each
    round's ratio, and the goal met or NOT met by that median ratio."""
    print("%-34s %12s %12s %8s %6s %6s  %s" %
          ("measure (median)", "nfpostd", "dovecot", "ratio", "nf+-%",
           "dv+-%", "per-round ratios [goal]"))
    for name, by in results.items():
        a, b = by["nfpostd"], by["dovecot"]
        ratios = [x / y if y else float("inf") for x, y in zip(a, b)]
        goal = goals.get(name)
        ok = ""
        if goal:
            lim, way = goal
            med = statistics.median(ratios)
            ok = " [%s %.2f: %s]" % ("<=" if way == "lower" else ">=", lim,
                                     "met" if (med <= lim if way == "lower"
                                               else med >= lim) else
                                     "NOT met")
        unit = name.split("(")[-1].rstrip(")") if "(" in name else ""
        fmt = "%12.1f" if unit in ("KiB", "msg/s") else "%12.4f"
        print(("%-34s " + fmt + " " + fmt + " %8.3f %6.0f %6.0f  %s%s") %
              (name, statistics.median(a), statistics.median(b),
               statistics.median(ratios), spread(a), spread(b),
               " ".join("%.3f" % r for r in ratios), ok))
    sys.stdout.flush()
