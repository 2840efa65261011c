#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`nfpost dkim keygen` and nfpostd's signing, checked by an outside DKIM
implementation.

    nfpost dkim keygen DOMAIN SELECTOR
        |-- the private key (PEM, 0600) --> python3-dkim signs a message
        '-- the TXT record on stdout -----> python3-dkim's DNS lookup of
                                            SELECTOR._domainkey.DOMAIN.
                                            answers it: the signature
                                            verifies, and fails once the
                                            body or the key changes

    smtplib (alice, AUTH) -> nfpostd [dkim] lab.example = sel1 KEY
                               '-> NextHop (relay.py) records the data,
                                   which python3-dkim verifies

No DNS at all: the record is handed to the verifier as its lookup. Each
case prints one TAP line; the last line is the plan. python3-dkim is
Debian's, for /usr/bin/python3 (the python3 on PATH may be another).
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

try:
    import dkim
except ImportError:
    if sys.executable != "/usr/bin/python3" and \
            os.access("/usr/bin/python3", os.X_OK):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..0 # SKIP python3-dkim is not installed (scripts/deps)")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtp import PASSWORD, Daemon, insecure  # noqa: E402
from relay import NextHop, unstuffed  # noqa: E402
import smtplib  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
NFPOST = os.path.abspath(os.path.join(BUILD, "nfpost"))
MSG = (b"From: alice@lab.example\r\nTo: bob@other.example\r\n"
       b"Subject: signed\r\nMessage-ID: <k1@lab.example>\r\n\r\n"
       b"a body to sign\r\n")
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def keygen(d, *args):
    return subprocess.run([NFPOST, "dkim", "keygen"] + list(args), cwd=d,
                          capture_output=True, text=True)


def record(out):
    """The TXT strings of `keygen`'s record, joined, and the owner name."""
    owner = out.split(" ", 1)[0]
    return owner, "".join(re.findall(r'"([^"]*)"', out))


def verifies(signed, owner, txt):
    def dnsfunc(name, timeout=5):
        return txt.encode() if name.decode() == owner else None
    return dkim.verify(signed, dnsfunc=dnsfunc)


@case
def key_and_record_verify_with_python_dkim(d):
    out = keygen(d, "lab.example", "sel1")
    expect(out.returncode == 0 and not out.stderr, out.stderr)
    owner, txt = record(out.stdout)
    expect(owner == "sel1._domainkey.lab.example.", owner)
    expect(txt.startswith("v=DKIM1; k=rsa; p="), txt)
    key = os.path.join(d, "sel1.private")
    expect(stat.S_IMODE(os.stat(key).st_mode) == 0o600,
           oct(os.stat(key).st_mode))
    with open(key, "rb") as f:
        pem = f.read()
    signed = dkim.sign(MSG, b"sel1", b"lab.example", pem,
                       include_headers=[b"from", b"to", b"subject"])
    expect(verifies(signed + MSG, owner, txt), "signature does not verify")
    expect(not verifies(signed + MSG.replace(b"a body", b"A body"), owner,
                        txt), "a changed body still verifies")


@case
def another_key_does_not_verify(d):
    expect(keygen(d, "-k", "a.pem", "lab.example", "a").returncode == 0,
           "first keygen")
    out = keygen(d, "-k", "b.pem", "-b", "1024", "lab.example", "a")
    expect(out.returncode == 0, out.stderr)
    owner, txt_b = record(out.stdout)
    with open(os.path.join(d, "a.pem"), "rb") as f:
        signed = dkim.sign(MSG, b"a", b"lab.example", f.read())
    expect(not verifies(signed + MSG, owner, txt_b),
           "verified with another key's record")


@case
def existing_key_file_is_never_overwritten(d):
    path = os.path.join(d, "s.private")
    with open(path, "w") as f:
        f.write("keep me\n")
    out = keygen(d, "lab.example", "s")
    expect(out.returncode == 1 and "File exists" in out.stderr and
           not out.stdout, "exit %d: %s" % (out.returncode, out.stderr))
    with open(path) as f:
        expect(f.read() == "keep me\n", "the file changed")


@case
def bad_names_and_sizes_are_refused(d):
    for args, code in ((["lab example", "s"], 1), (["lab.example", "s_1"], 1),
                       (["lab.example.", "s"], 1), (["-b", "512", "x", "s"], 2),
                       (["lab.example"], 2)):
        out = keygen(d, *args)
        expect(out.returncode == code and out.stderr and not out.stdout,
               "%r: exit %d %r" % (args, out.returncode, out.stderr))
    expect(os.listdir(d) == [], "files left: %r" % os.listdir(d))


@case
def nfpostd_signs_what_alice_submits_and_python_dkim_verifies_it(d):
    out = keygen(d, "lab.example", "sel1")
    expect(out.returncode == 0, out.stderr)
    owner, txt = record(out.stdout)
    hop = NextHop()
    a = None
    try:
        a = Daemon(transport={"other.example": hop.port},
                   extra="[dkim]\nlab.example = sel1 %s\n" %
                   os.path.join(d, "sel1.private"))
        # A small message, and one of 90 kB that reaches the daemon in
        # many reads.
        big = MSG + b"".join(b"line %05d of a long body\r\n" % i
                             for i in range(3000))
        with smtplib.SMTP("127.0.0.1", a.ports["submission"]) as s:
            s.starttls(context=insecure())
            s.login("alice", PASSWORD["alice"])
            s.sendmail("alice@lab.example", ["carol@other.example"], MSG)
            s.sendmail("alice@lab.example", ["carol@other.example"], big)
        hop.wait("the messages", lambda: len(hop.messages) == 2)
        for raw in hop.messages:
            data = b"\r\n".join(unstuffed(raw)) + b"\r\n"
            head = data.split(b"\r\n\r\n")[0]
            expect(b"\r\nDKIM-Signature: " in head, head.decode())
            sig = re.search(rb"DKIM-Signature: (.*?)\r\n(?![ \t])", head,
                            re.S).group(1)
            expect(re.search(rb"\bd=lab\.example;", sig) and
                   re.search(rb"\bs=sel1;", sig), sig.decode())
            expect(verifies(data, owner, txt), "the relayed message of %d "
                   "octets does not verify" % len(data))
        # A stranger's mail to a local user is not signed.
        with smtplib.SMTP("127.0.0.1", a.ports["smtp"]) as s:
            s.sendmail("x@client.example", ["bob@lab.example"], MSG)
        a.wait_for("bob's message", lambda: a.maildir("bob"))
        with open(a.maildir("bob")[0], "rb") as f:
            expect(b"DKIM-Signature" not in f.read(), "a stranger's "
                   "mail was signed")
        a.stop_cleanly()
    finally:
        hop.close()
        if a:
            a.close()


def main():
    n = failed = 0
    for fn in CASES:
        n += 1
        d = tempfile.mkdtemp(prefix="nfpost-dkim-test.")
        try:
            fn(d)
            print("ok %d - nfpost: dkim: %s" % (n, fn.__name__.replace(
                "_", " ")))
        except Exception as e:  # every failure is a TAP line
            failed += 1
            print("not ok %d - nfpost: dkim: %s" % (n, fn.__name__.replace(
                "_", " ")))
            print("# %s: %s" % (type(e).__name__, e))
        finally:
            shutil.rmtree(d)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
