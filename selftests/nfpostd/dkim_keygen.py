#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`nfpost dkim keygen`, checked by an outside DKIM implementation.

    nfpost dkim keygen DOMAIN SELECTOR
        |-- the private key (PEM, 0600) --> python3-dkim signs a message
        '-- the TXT record on stdout -----> python3-dkim's DNS lookup of
                                            SELECTOR._domainkey.DOMAIN.
                                            answers it: the signature
                                            verifies, and fails once the
                                            body or the key changes

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
