#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mail clients people use, against nfpostd's IMAP and POP3 over TLS.

    smtplib --smtp--> nfpostd --> $T/mail/alice/ (Maildir, dovecot-uidlist)
                        |
    mbsync (isync) -----+ imaps  <-->  $T/local/ (mbsync's own Maildir)
    fetchmail ----------+ pop3s  -->   $T/fetched/ (one file per message,
    mutt (batch, pty) --' imaps         through a tiny MDA)

Every client trusts only the test's self-signed certificate (or, where
it cannot be told which one, checks nothing: fetchmail's --sslcertck
wants a host name match). What is asserted is what each leaves behind:
files in its local store, flags and deletions in nfpostd's Maildir.
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtp  # noqa: E402
from smtp import PASSWORD, Skip, expect  # noqa: E402
from pop3 import deliver, stored  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def daemon(extra=""):
    """The daemon, restarted with a certificate named "127.0.0.1": mbsync
    checks the host name even for a certificate it was told to trust."""
    d = smtp.Daemon(listen=("imaps", "pop3s"), extra=extra)
    d.kill()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-subj", "/CN=127.0.0.1", "-days", "2",
                    "-keyout", d.key, "-out", d.cert],
                   check=True, capture_output=True)
    d.start()
    return d


def need(tool, package):
    if not shutil.which(tool):
        raise Skip("no %s (scripts/deps installs %s)" % (tool, package))


def run(cmd, env=None, ok=(0,), timeout=60):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=timeout)
    expect(r.returncode in ok, "%s: exit %d\n%s%s" %
           (cmd[0], r.returncode, r.stdout[-1500:], r.stderr[-1500:]))
    return r


def names(d, user="alice"):
    """Base name -> flag letters of every message in nfpostd's Maildir."""
    out = {}
    for sub in ("new", "cur"):
        for f in os.listdir(os.path.join(d.mail, user, sub)):
            base, _, flags = f.partition(":2,")
            out[base.split(":")[0]] = flags
    return out


def mbsync_conf(d, tmp):
    local = os.path.join(tmp, "local")
    os.mkdir(local)
    conf = os.path.join(tmp, "mbsyncrc")
    with open(conf, "w") as f:
        f.write(f"""IMAPAccount nfpostd
Host 127.0.0.1
Port {d.ports['imaps']}
User alice
Pass "{PASSWORD['alice']}"
SSLType IMAPS
CertificateFile {d.cert}

IMAPStore remote
Account nfpostd

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Sync All
Expunge Both
Create Near
SyncState *
""")
    return conf, os.path.join(local, "INBOX")


def local_files(box):
    out = {}
    for sub in ("new", "cur"):
        for f in os.listdir(os.path.join(box, sub)):
            out[os.path.join(box, sub, f)] = f.partition(":2,")[2]
    return out


@case
def mbsync_syncs_both_ways_flags_and_deletions(d):
    need("mbsync", "isync")
    paths = [deliver(d, "sync %d" % i, "Body %d.\r\n" % i) for i in range(3)]
    tmp = tempfile.mkdtemp(prefix="nfpostd-mbsync.")
    try:
        conf, box = mbsync_conf(d, tmp)
        run(["mbsync", "-c", conf, "-a"])
        got = local_files(box)
        expect(len(got) == 3, "mbsync fetched %r" % got)
        # mbsync stores with bare LFs, as Maildir readers expect, and
        # adds its own X-TUID: header (how it finds a message again).
        bodies = sorted(re.sub(rb"(?m)^X-TUID: .*\n", b"",
                               open(p, "rb").read()) for p in got)
        want = sorted(stored(p).replace(b"\r\n", b"\n") for p in paths)
        expect(bodies == want, "bodies differ from nfpostd's files:"
               " %r, want %r" % (bodies[0], want[0]))
        # Near side: one flagged, one deleted (mbsync reads Maildir flags).
        first, second = sorted(got)[:2]
        for p, flag in ((first, "F"), (second, "T")):
            base = os.path.basename(p).partition(":2,")[0]
            os.rename(p, os.path.join(box, "cur", base + ":2," +
                                      got[p] + flag))
        deliver(d, "sync later", "Later.\r\n")
        run(["mbsync", "-c", conf, "-a"])
        flags = sorted(names(d).values())
        expect(len(flags) == 3, "nfpostd's Maildir after sync: %r"
               % names(d))
        expect(sum("F" in f for f in flags) == 1,
               "the flag did not reach nfpostd: %r" % names(d))
        expect(len(local_files(box)) == 3,
               "local after sync: %r" % local_files(box))
    finally:
        shutil.rmtree(tmp)


def fetchmail_rc(d, tmp):
    out = os.path.join(tmp, "fetched")
    os.mkdir(out)
    mda = os.path.join(tmp, "mda")
    with open(mda, "w") as f:
        f.write('#!/bin/sh\nexec cat > "%s/$(date +%%s%%N).$$"\n' % out)
    os.chmod(mda, 0o755)
    rc = os.path.join(tmp, "fetchmailrc")
    with open(rc, "w") as f:
        f.write(f"""set no syslog
poll 127.0.0.1 with proto POP3 port {d.ports['pop3s']} uidl
    user "alice" there with password "{PASSWORD['alice']}"
    options keep ssl no sslcertck mda "{mda}"
""")
    os.chmod(rc, stat.S_IRUSR | stat.S_IWUSR)
    env = dict(os.environ, FETCHMAILHOME=tmp, HOME=tmp)
    # Its lock too: as root, fetchmail's default is /var/run/fetchmail.pid,
    # shared with any other fetchmail run as root on this machine.
    return ["fetchmail", "-f", rc, "--idfile", os.path.join(tmp, "ids"),
            "--pidfile", os.path.join(tmp, "fetchmail.pid"),
            "--nodetach", "--nosyslog"], env, out


@case
def fetchmail_keeps_with_uidl_and_fetches_only_new(d):
    need("fetchmail", "fetchmail")
    paths = [deliver(d, "pop %d" % i, "Pop body %d.\r\n" % i)
             for i in range(3)]
    tmp = tempfile.mkdtemp(prefix="nfpostd-fetchmail.")
    try:
        cmd, env, out = fetchmail_rc(d, tmp)
        run(cmd, env)
        got = sorted(os.listdir(out))
        expect(len(got) == 3, "fetched %r" % got)
        for p in paths:
            body = stored(p).split(b"\r\n\r\n", 1)[1].replace(b"\r\n",
                                                              b"\n")
            expect(any(body in open(os.path.join(out, g), "rb").read()
                       for g in got), "a body is missing")
        # Kept on the server; the second run finds nothing new (exit 1).
        expect(len(names(d)) == 3, "not kept: %r" % names(d))
        run(cmd, env, ok=(1,))
        expect(len(os.listdir(out)) == 3, "fetched again")
        deliver(d, "pop new", "Only this one.\r\n")
        run(cmd, env)
        new = sorted(set(os.listdir(out)) - set(got))
        expect(len(new) == 1 and b"Only this one." in
               open(os.path.join(out, new[0]), "rb").read(),
               "the new one: %r" % new)
    finally:
        shutil.rmtree(tmp)


@case
def mutt_batch_reads_a_message_and_marks_it_seen(d):
    need("mutt", "mutt")
    need("script", "util-linux")
    deliver(d, "for mutt", "Read me with mutt.\r\n")
    tmp = tempfile.mkdtemp(prefix="nfpostd-mutt.")
    try:
        out = os.path.join(tmp, "out")
        rc = os.path.join(tmp, "muttrc")
        with open(rc, "w") as f:
            f.write(f"""set imap_user = "alice"
set folder = "{tmp}"
set record = ""
set mbox = "{tmp}/mbox"
set imap_pass = "{PASSWORD['alice']}"
set certificate_file = "{tmp}/certs"
set ssl_verify_host = no
set header_cache = ""
set message_cachedir = ""
set mail_check = 0
set timeout = 0
set wait_key = no
set confirmappend = no
set move = no
folder-hook . 'push "<display-message><exit><pipe-message>cat > {out}<enter><sync-mailbox><quit>"'
set quit = yes
set delete = yes
""")
        shutil.copy(d.cert, os.path.join(tmp, "certs"))
        url = "imaps://alice@127.0.0.1:%d/INBOX" % d.ports["imaps"]
        mutt = "mutt -n -F %s -f %s" % (rc, url)
        env = dict(os.environ, TERM="xterm", HOME=tmp, COLUMNS="80",
                   LINES="24")
        run(["script", "-qfec", mutt, os.path.join(tmp, "tty")], env,
            timeout=30)
        expect(os.path.exists(out) and b"Read me with mutt." in
               open(out, "rb").read(), "mutt piped nothing")
        flags = list(names(d).values())
        expect(flags == ["S"], "not marked seen by mutt: %r" % names(d))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(smtp.main(CASES, daemon, prefix="nfpostd clients"))
