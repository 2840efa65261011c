#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd next to Dovecot on the same Maildir: the same client script
against both, the same answers.

    smtplib --smtp--> nfpostd --> $T/mail/alice/  <-- Dovecot 2.3 (Debian)
                        |          (Maildir++,          private config in
    imaplib, poplib ----+           dovecot-uidlist)    $D/dovecot.conf,
     (STARTTLS, STLS)   imap, pop3      ^               indexes in $D/index
                                        '-------------- imap, pop3
                                                        ports picked free

nfpostd delivers; then one script (select, UID FETCH of flags, sizes,
bodies, BODY and ENVELOPE, UID SEARCH, LIST, STATUS; POP3 STAT, LIST,
UIDL, RETR, TOP) runs against each server and the two transcripts must be
equal once parsed (Dovecot writes "text", nfpostd "TEXT"; the servers'
free text differs). Changes made through one (flags, APPEND, expunge,
POP3 DELE) are then read back through the other, by UID.

Dovecot runs unprivileged, as the Maildir's owner (nobody when the test
runs as root, since nfpostd then writes as nobody), from a configuration
in a temporary directory: neither /etc/dovecot nor the system's instance
is used, and every process is gone when a case ends. Its users are
nfpostd's users file, read as a passwd-file ("name:hash", crypt(3)).
"""
import imaplib
import os
import poplib
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtp  # noqa: E402
from smtp import PASSWORD, Skip, expect, free_port, insecure  # noqa: E402
from imap import MULTIPART  # noqa: E402
from pop3 import deliver, uidlist  # noqa: E402

DOVECOT = shutil.which("dovecot", path="/usr/sbin:/usr/bin:" +
                       os.environ.get("PATH", ""))
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def daemon(extra=""):
    return smtp.Daemon(listen=("imap", "pop3"), extra=extra)


class Dovecot:
    """A private Dovecot serving nfpostd's Maildirs and users."""

    def __init__(self, d, extra=""):
        """@extra: more configuration, at the end (a bench's limits)."""
        if not DOVECOT:
            raise Skip("no dovecot (scripts/deps installs dovecot-imapd "
                       "and dovecot-pop3d)")
        self.dir = tempfile.mkdtemp(prefix="nfpostd-dovecot.")
        os.chmod(self.dir, 0o755)
        self.ports = {"imap": free_port(), "pop3": free_port()}
        owner = pwd.getpwuid(os.stat(d.mail).st_uid)
        group = subprocess.run(["id", "-gn", owner.pw_name],
                               capture_output=True, text=True,
                               check=True).stdout.strip()
        self.conf = os.path.join(self.dir, "dovecot.conf")
        self.log = os.path.join(self.dir, "log")
        with open(self.conf, "w") as f:
            f.write(f"""# Written by selftests/nfpostd/dovecot.py
base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.log}
protocols = imap pop3
listen = 127.0.0.1
ssl = required
ssl_cert = <{d.cert}
ssl_key = <{d.key}
default_internal_user = {owner.pw_name}
default_internal_group = {group}
default_login_user = {owner.pw_name}
auth_mechanisms = plain
first_valid_uid = {owner.pw_uid}
mail_location = maildir:{d.mail}/%n:INDEX={self.dir}/index/%n
passdb {{
  driver = passwd-file
  args = scheme=CRYPT username_format=%n {d.users}
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={d.mail}/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.ports['imap']}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = {self.ports['pop3']}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
{extra}""")
        for sub in ("run", "state", "index"):
            os.mkdir(os.path.join(self.dir, sub))
        for root, dirs, _ in os.walk(self.dir):
            for p in [root] + [os.path.join(root, x) for x in dirs]:
                os.chown(p, owner.pw_uid, owner.pw_gid)
        cmd = [DOVECOT, "-F", "-c", self.conf]
        if os.geteuid() != owner.pw_uid:
            cmd = ["setpriv", "--reuid", str(owner.pw_uid), "--regid",
                   str(owner.pw_gid), "--clear-groups"] + cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        for _ in range(200):
            if all(smtp.listening(p) for p in self.ports.values()):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        text = self.logtext()
        self.close()
        raise RuntimeError("dovecot does not listen: " + text[-1500:])

    def logtext(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        """The master ends its children before it exits; its ports are
        then free, or something of it is still running."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)
        for _ in range(100):
            if not any(smtp.listening(p) for p in self.ports.values()):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("dovecot still listens after it exited")
        shutil.rmtree(self.dir, ignore_errors=True)


def both(fn):
    """A case gets nfpostd's daemon and a Dovecot on the same files."""
    def run(d):
        dv = Dovecot(d)
        try:
            fn(d, dv)
        except Exception as e:
            raise type(e)("%s\n# dovecot log:\n%s" %
                          (e, dv.logtext()[-1500:])) from e
        finally:
            dv.close()
    run.__name__ = fn.__name__
    CASES.append(run)
    return fn


# -------------------------------------------------------- parsing answers

TOKEN = re.compile(rb'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|'
                   rb'([^\s()"\[]+(?:\[[^\]]*\][^\s()"]*)?))')


def sexp(pieces):
    """An IMAP answer as nested lists: atoms and strings as bytes, NIL as
    None. @pieces: imaplib's data, tuples carrying a literal."""
    toks = []
    for p in pieces:
        head, lit = (p if isinstance(p, tuple) else (p, None))
        if lit is not None:
            head = re.sub(rb"\{\d+\}$", b"", head)
        pos = 0
        while pos < len(head):
            m = TOKEN.match(head, pos)
            if not m or m.end() == pos:
                break
            pos = m.end()
            if m.group(1):
                toks.append("(")
            elif m.group(2):
                toks.append(")")
            elif m.group(3) is not None:
                toks.append(re.sub(rb"\\(.)", rb"\1", m.group(3)))
            else:
                toks.append(None if m.group(4) == b"NIL" else m.group(4))
        if lit is not None:
            toks.append(lit)
    out = [[]]
    for t in toks:
        if t == "(":
            out.append([])
        elif t == ")":
            inner = out.pop()
            out[-1].append(inner)
        else:
            out[-1].append(t)
    return out[0]


def fetch(m, uids, items):
    """UID FETCH: {uid: {ITEM: value}}; item names upper-cased."""
    typ, data = m.uid("FETCH", uids, "(%s)" % items)
    expect(typ == "OK", "FETCH %s: %r" % (items, data))
    res = {}
    msgs, cur = [], []
    for p in data:
        cur.append(p)
        if not isinstance(p, tuple):
            msgs.append(cur)
            cur = []
    if cur:
        msgs.append(cur)
    for pieces in msgs:
        tree = sexp(pieces)
        if len(tree) < 2 or not isinstance(tree[1], list):
            continue
        kv = tree[1]
        attrs = {kv[i].upper(): kv[i + 1] for i in range(0, len(kv) - 1, 2)}
        res[int(attrs[b"UID"])] = attrs
    return res


def lower(x):
    """BODY's types, subtypes and parameter names are case-insensitive."""
    if isinstance(x, list):
        return [lower(y) for y in x]
    return x.lower() if isinstance(x, bytes) else x


def imap_login(port):
    m = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    m.starttls(insecure())
    m.login("alice", PASSWORD["alice"])
    return m


def ok(result):
    typ, data = result
    expect(typ == "OK", "%s %r" % (typ, data))
    return data


def imap_transcript(port):
    """What a client sees of alice's mailbox, in a comparable form."""
    t = {}
    m = imap_login(port)
    t["select"] = ok(m.select("INBOX", readonly=True))
    for k in ("UIDVALIDITY", "UIDNEXT", "EXISTS"):
        t[k] = m.untagged_responses.get(k)
    items = fetch(m, "1:*", "UID FLAGS RFC822.SIZE INTERNALDATE")
    # \Recent is per server: each tells the first session that sees a
    # message, and neither knows the other's sessions.
    t["flags"] = {u: sorted(set(a[b"FLAGS"]) - {b"\\Recent"})
                  for u, a in items.items()}
    t["size"] = {u: int(a[b"RFC822.SIZE"]) for u, a in items.items()}
    t["date"] = {u: imaplib.Internaldate2tuple(
        b'INTERNALDATE "%s"' % a[b"INTERNALDATE"]) for u, a in items.items()}
    # Sequence sets of every form (RFC 3501 9): ranges that overlap or
    # run backwards, '*' on either side, UIDs past the last; the messages
    # each names, by number and by UID, in the order they come.
    for form in ("2:3,1,3:4", "*:2", "1,1,*", "4:3", "*"):
        t["set", form] = [x.split()[0] for x in ok(m.fetch(form, "(UID)"))
                          if x]
    for form in ("2:3,1,3:4", "*:2", "100:*", "50:60", "3,1", "1:*"):
        t["uid set", form] = [x.split()[0] for x in
                              ok(m.uid("FETCH", form, "(UID)")) if x]
    for u in items:
        got = fetch(m, str(u), "BODY.PEEK[] BODY.PEEK[TEXT] "
                    "BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY ENVELOPE")
        a = got[u]
        t["body", u] = a[b"BODY[]"]
        t["text", u] = a[b"BODY[TEXT]"]
        t["fields", u] = a[b"BODY[HEADER.FIELDS (SUBJECT FROM)]"]
        t["structure", u] = lower(a[b"BODY"])
        t["envelope", u] = a[b"ENVELOPE"]
    for key in (("SUBJECT", "parts"), ("FLAGGED",), ("UNSEEN",),
                ("SEEN",), ("BODY", "inner"), ("LARGER", "200"),
                ("NOT", "DELETED"), ("HEADER", "Message-ID", "1@x")):
        t["search", key] = sorted(ok(m.uid("SEARCH", *key))[0].split())
    # ESEARCH (RFC 4731): the same data items, the tags apart.
    for ret, key in (("(MIN MAX COUNT ALL)", "NOT SEEN"), ("()", "ALL"),
                     ("(COUNT MIN)", "SUBJECT nothing-has-this")):
        for cmd in ("SEARCH", "UID SEARCH"):
            typ, data = m._simple_command(*(cmd.split() +
                                            ["RETURN", ret, key]))
            expect(typ == "OK", (cmd, ret, key, typ, data))
            got = m.untagged_responses.pop("ESEARCH", [])
            t["esearch", cmd, ret, key] = [
                re.sub(rb'^\(TAG "[^"]*"\) ', b"", x) for x in got]
    names = set()
    for line in ok(m.list()):
        flags, name = re.match(rb'\((.*?)\) "\." "?(.*?)"?$', line).groups()
        children = set(flags.split()) & {b"\\HasChildren",
                                         b"\\HasNoChildren"}
        names.add((name, tuple(children)))
    t["list"] = names
    typ, data = m.status("INBOX", "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
    t["status"] = sorted(sexp(ok((typ, data)))[1])
    m.logout()
    return t


def pop3_transcript(port):
    t = {}
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    p.stls(insecure())
    p.user("alice")
    p.pass_(PASSWORD["alice"])
    t["stat"] = p.stat()
    t["list"] = p.list()[1]
    t["uidl"] = p.uidl()[1]
    for i in range(1, t["stat"][0] + 1):
        t["retr", i] = p.retr(i)[1]
        t["top", i] = p.top(i, 1)[1]
    # No QUIT: a RETR would make the messages \Seen at UPDATE.
    p.rset()
    p.close()
    return t


def differences(a, b):
    return ["%r:\n#   nfpostd %r\n#   dovecot %r" % (k, a.get(k), b.get(k))
            for k in sorted(set(a) | set(b), key=repr)
            if a.get(k) != b.get(k)]


def agree(what, ours, theirs):
    diff = differences(ours, theirs)
    expect(not diff, "%s differ:\n# " % what + "\n# ".join(diff))


def fill(d):
    """Three deliveries and a MIME message, flags set through nfpostd."""
    deliver(d, "plain one", "first body\r\n")
    deliver(d, "dotted", "line\r\n.dot\r\n\r\nend\r\n")
    m = imap_login(d.ports["imap"])
    ok(m.append("INBOX", "(\\Flagged)", '"02-Mar-2021 11:12:13 +0000"',
                MULTIPART))
    ok(m.select("INBOX"))
    ok(m.uid("STORE", "1", "+FLAGS", "(\\Seen \\Answered)"))
    ok(m.create("Projects.2026"))
    m.logout()
    deliver(d, "last")


# -------------------------------------------------------------- the cases

@both
def imap_same_script_same_answers(d, dv):
    fill(d)
    ours = imap_transcript(d.ports["imap"])
    theirs = imap_transcript(dv.ports["imap"])
    expect(ours["EXISTS"] == [b"4"], ours["EXISTS"])
    agree("IMAP answers", ours, theirs)
    # And again, now that Dovecot has indexed and maybe rewritten the list.
    agree("IMAP answers after Dovecot", imap_transcript(d.ports["imap"]),
          theirs)


@both
def pop3_same_script_same_answers(d, dv):
    fill(d)
    ours = pop3_transcript(d.ports["pop3"])
    theirs = pop3_transcript(dv.ports["pop3"])
    expect(ours["stat"][0] == 4, ours["stat"])
    agree("POP3 answers", ours, theirs)
    validity = uidlist(d)[0]
    expect(ours["uidl"][0] == b"1 %08x%08x" % (1, validity), ours["uidl"])


@both
def changes_through_one_are_seen_by_the_other_by_uid(d, dv):
    fill(d)
    a = imap_login(dv.ports["imap"])
    ok(a.select("INBOX"))
    ok(a.uid("STORE", "2", "+FLAGS", "(\\Flagged \\Deleted)"))
    ok(a.uid("STORE", "1", "-FLAGS", "(\\Answered)"))
    ok(a.expunge())
    typ, data = a.append("INBOX", "(\\Draft)", None,
                         b"Subject: by dovecot\r\n\r\nhi\r\n")
    theirs_uid = int(re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1))
    a.logout()
    b = imap_login(d.ports["imap"])
    ok(b.select("INBOX"))
    got = fetch(b, "1:*", "UID FLAGS RFC822.SIZE BODY.PEEK[]")
    expect(sorted(got) == [1, 3, 4, theirs_uid] and theirs_uid == 5,
           "UIDs seen by nfpostd: %r" % sorted(got))
    expect(sorted(got[1][b"FLAGS"]) == [b"\\Seen"], got[1])
    expect(got[5][b"FLAGS"] == [b"\\Draft"] and
           got[5][b"BODY[]"] == b"Subject: by dovecot\r\n\r\nhi\r\n" and
           got[5][b"RFC822.SIZE"] == b"27", got[5])
    # Dovecot stored it with bare LFs (its ",W=" is the CRLF size).
    stored, = [f for f in d.maildir("alice", "cur") if ",W=27" in f]
    with open(stored, "rb") as f:
        expect(f.read() == b"Subject: by dovecot\n\nhi\n", stored)
    typ, data = b.append("INBOX", None, None,
                         b"Subject: by nfpostd\r\n\r\nho\r\n")
    ours_uid = int(re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1))
    ok(b.uid("STORE", "4", "+FLAGS", "(\\Seen)"))
    b.logout()
    c = imap_login(dv.ports["imap"])
    ok(c.select("INBOX"))
    got = fetch(c, "1:*", "UID FLAGS BODY.PEEK[]")
    expect(sorted(got) == [1, 3, 4, 5, ours_uid] and ours_uid == 6,
           "UIDs seen by Dovecot: %r" % sorted(got))
    expect(got[6][b"BODY[]"] == b"Subject: by nfpostd\r\n\r\nho\r\n" and
           got[4][b"FLAGS"] == [b"\\Seen"], got)
    c.logout()
    # POP3: a DELE through Dovecot, the rest seen by nfpostd's UIDL.
    p = poplib.POP3("127.0.0.1", dv.ports["pop3"], timeout=10)
    p.stls(insecure())
    p.user("alice")
    p.pass_(PASSWORD["alice"])
    before = p.uidl()[1]
    p.dele(1)
    p.quit()
    p = poplib.POP3("127.0.0.1", d.ports["pop3"], timeout=10)
    p.stls(insecure())
    p.user("alice")
    p.pass_(PASSWORD["alice"])
    after = p.uidl()[1]
    p.quit()
    expect([x.split()[1] for x in after] ==
           [x.split()[1] for x in before[1:]], (before, after))


@both
def keywords_set_through_one_are_read_by_the_other(d, dv):
    fill(d)
    a = imap_login(d.ports["imap"])
    ok(a.select("INBOX"))
    ok(a.uid("STORE", "1", "+FLAGS", "($Forwarded)"))
    ok(a.uid("STORE", "3", "+FLAGS", "($Junk Project-X)"))
    a.logout()
    b = imap_login(dv.ports["imap"])
    ok(b.select("INBOX"))
    perm = b.untagged_responses["PERMANENTFLAGS"][-1]
    expect(b"$Forwarded" in perm and b"$Junk" in perm, perm)
    got = fetch(b, "1:*", "UID FLAGS")
    expect(sorted(got[1][b"FLAGS"]) == [b"$Forwarded", b"\\Answered",
                                        b"\\Seen"] and
           sorted(got[3][b"FLAGS"]) == [b"$Junk", b"Project-X",
                                        b"\\Flagged"], got)
    expect(ok(b.uid("SEARCH", "KEYWORD", "$Junk")) == [b"3"],
           "Dovecot's SEARCH KEYWORD")
    ok(b.uid("STORE", "2", "+FLAGS", "($Label1 $Junk)"))
    ok(b.uid("STORE", "3", "-FLAGS", "(Project-X)"))
    b.logout()
    c = imap_login(d.ports["imap"])
    ok(c.select("INBOX"))
    got = fetch(c, "1:*", "UID FLAGS")
    expect(sorted(got[2][b"FLAGS"]) == [b"$Junk", b"$Label1"] and
           sorted(got[3][b"FLAGS"]) == [b"$Junk", b"\\Flagged"], got)
    expect(ok(c.uid("SEARCH", "KEYWORD", "$junk")) == [b"2 3"],
           "nfpostd's SEARCH KEYWORD")
    c.logout()


def fetches(m, lines=None):
    """The untagged FETCHes since the last call (or @lines, those a UID
    command returned): {UID: {ITEM: value}}."""
    res = {}
    for line in m.untagged_responses.pop("FETCH", []) + (lines or []):
        if line is None:
            continue
        tree = sexp([line])
        if len(tree) < 2 or not isinstance(tree[1], list):
            continue
        kv = tree[1]
        attrs = {kv[i].upper(): kv[i + 1] for i in range(0, len(kv) - 1, 2)}
        res[int(attrs.get(b"UID", 0))] = attrs
    return res


def modseq(attrs):
    return int(attrs[b"MODSEQ"][0])


def condstore_transcript(port, folder):
    """A CONDSTORE session (RFC 7162) in a folder of its own, as facts
    that must hold in both servers: MODSEQ values differ, which messages
    are told, with what, and which order the values keep, must not."""
    t = {}
    m = imap_login(port)
    t["enabled"] = ok(m._simple_command("ENABLE", "CONDSTORE")) and \
        m.untagged_responses.pop("ENABLED", None)
    ok(m.create(folder))
    for i in range(3):
        ok(m.append(folder, None, None,
                    b"Subject: cs %d\r\n\r\nbody\r\n" % i))
    ok(m.select(folder))
    h0 = int(m.untagged_responses.pop("HIGHESTMODSEQ")[-1])
    first = fetch(m, "1:*", "UID MODSEQ")
    t["all below highest"] = sorted(modseq(a) <= h0 for a in first.values())
    fetches(m)
    got = fetches(m, ok(m.uid("STORE", "2", "+FLAGS", "(\\Flagged)")))
    x = modseq(got[2])
    t["store told"] = {u: sorted(a) for u, a in got.items()}
    t["store raised"] = x > h0
    typ, data = m._simple_command("UID", "STORE", "2",
                                  "(UNCHANGEDSINCE %d)" % h0, "+FLAGS",
                                  "(\\Seen)")
    t["conflict"] = (typ, re.match(rb"\[MODIFIED [0-9,:]+\]", data[0])
                     .group(0) if data[0].startswith(b"[") else data)
    t["conflict told"] = sorted(fetches(m))
    typ, data = m._simple_command("UID", "STORE", "1",
                                  "(UNCHANGEDSINCE %d)" % x,
                                  "+FLAGS.SILENT", "(\\Seen)")
    got = fetches(m)
    t["silent"] = (typ, {u: sorted(a) for u, a in got.items()})
    y = modseq(got[1]) if 1 in got else 0
    t["silent raised"] = y > x
    typ, data = m._simple_command("UID", "FETCH", "1:*", "(FLAGS)",
                                  "(CHANGEDSINCE %d)" % h0)
    got = fetches(m)
    t["changedsince"] = (typ, {u: (sorted(a), modseq(a)
                                   in (x, y)) for u, a in got.items()})
    for since in (x, y + 1):
        typ, data = m._simple_command("UID", "SEARCH", "MODSEQ",
                                      str(since))
        res = m.untagged_responses.pop("SEARCH", [b""])[-1]
        t["search", since == x] = re.sub(rb"MODSEQ %d" % y, b"MODSEQ y",
                                         res)
    typ, data = m._simple_command("UID", "SEARCH", "RETURN", "(ALL)",
                                  "MODSEQ", str(y))
    t["esearch"] = [re.sub(rb'^\(TAG "[^"]*"\) ', b"",
                           re.sub(rb"MODSEQ %d" % y, b"MODSEQ y", e))
                    for e in m.untagged_responses.pop("ESEARCH", [])]
    z = modseq(fetches(m, ok(m.uid("STORE", "3", "+FLAGS.SILENT",
                                   "(\\Deleted)")))[3])
    ok(m.expunge())
    m.untagged_responses.clear()
    ok(m.close())
    typ, data = m.status(folder, "(HIGHESTMODSEQ MESSAGES)")
    st = sexp(ok((typ, data)))[1]
    items = dict(zip(st[0::2], st[1::2]))
    # An EXPUNGE raises it in both (RFC 7162 needs that for QRESYNC).
    t["status"] = (items[b"MESSAGES"], int(items[b"HIGHESTMODSEQ"]) > z)
    m.logout()
    return t


@both
def condstore_same_session_same_meaning(d, dv):
    ours = condstore_transcript(d.ports["imap"], "CS-nfpostd")
    theirs = condstore_transcript(dv.ports["imap"], "CS-dovecot")
    expect(ours["store raised"] and ours["silent raised"], ours)
    agree("CONDSTORE answers", ours, theirs)


if __name__ == "__main__":
    sys.exit(smtp.main(CASES, daemon, prefix="nfpostd-dovecot"))
