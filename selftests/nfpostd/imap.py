#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfpostd's IMAP server, against real clients on loopback.

    smtplib --smtp--> nfpostd --> $T/mail/alice/   (Maildir++, dovecot-uidlist)
                                      ^       .Sent/ .Drafts/ .Trash/ .Junk/
    imaplib / curl / a raw socket ----'  imap (143: STARTTLS) and imaps (993)
                                          ports picked free

Messages come in by the daemon's own SMTP side and are read back over
IMAP, compared byte for byte with the files; an IDLE client is told of a
delivery as it lands. The harness (Daemon, Raw, TAP output) is smtp.py's.
"""
import base64
import glob
import imaplib
import json
import os
import poplib
import re
import select
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtp  # noqa: E402
from smtp import PASSWORD, Raw, expect, insecure  # noqa: E402
from pop3 import deliver, stored, uidlist  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def daemon(extra=""):
    return smtp.Daemon(listen=("imap", "imaps"), extra=extra)


def client(d, user="alice"):
    """A logged-in imaplib session over STARTTLS."""
    m = imaplib.IMAP4("127.0.0.1", d.ports["imap"], timeout=10)
    m.starttls(insecure())
    m.login(user, PASSWORD[user])
    return m


def ok(result):
    typ, data = result
    expect(typ == "OK", "%s %r" % (typ, data))
    return data


class Tagged(Raw):
    """A hand-typed IMAP session: untagged lines, then the tagged one."""

    def __init__(self, port, tls=False, source=None):
        super().__init__(port, tls, source)
        self.greeting = self.line()
        expect(self.greeting.startswith("* OK"), self.greeting)

    def cmd(self, tag, text):
        self.send("%s %s\r\n" % (tag, text))
        return self.until(tag)

    def until(self, tag):
        lines = []
        while True:
            line = self.line()
            lines.append(line)
            m = re.match(r"\* \d+ FETCH .*\{(\d+)\}$", line) or \
                re.match(r".*\{(\d+)\}$", line)
            if m and not line.startswith(tag + " "):
                n = int(m.group(1))
                while len(self.buf) < n:
                    self.buf += self.sock.recv(65536)
                lines.append(self.buf[:n].decode("utf-8", "replace"))
                self.buf = self.buf[n:]
                continue
            if line.startswith(tag + " "):
                return lines


@case
def imap_greeting_before_tls_says_logindisabled(d):
    r = Tagged(d.ports["imap"])
    for want in ("IMAP4rev1", "STARTTLS", "LOGINDISABLED", "IDLE",
                 "UIDPLUS", "MOVE", "SPECIAL-USE", "LITERAL+"):
        expect(want in r.greeting, "greeting lacks %s: %s" % (want,
                                                             r.greeting))
    lines = r.cmd("a1", "LOGIN alice \"%s\"" % PASSWORD["alice"])
    expect(lines[-1].startswith("a1 NO [PRIVACYREQUIRED]"), lines)
    lines = r.cmd("a2", "SELECT INBOX")
    expect(lines[-1].startswith("a2 BAD"), lines)


@case
def imap_imaplib_reads_what_smtp_delivered(d):
    files = [deliver(d, "one"), deliver(d, "two", "deux\r\n.point\r\n")]
    m = client(d)
    data = ok(m.select("INBOX"))
    expect(data == [b"2"], data)
    for i, f in enumerate(files, 1):
        data = ok(m.fetch(str(i), "(FLAGS BODY.PEEK[])"))
        expect(data[0][1] == stored(f), "BODY.PEEK[] %d differs" % i)
        expect(b"FLAGS (\\Recent)" in data[0][0] + data[1], data)
    data = ok(m.fetch("2", "(RFC822.SIZE BODY[TEXT])"))
    expect(data[0][1] == b"deux\r\n.point\r\n", data)
    expect(b"RFC822.SIZE %d" % len(stored(files[1])) in data[0][0], data)
    expect(b"\\Seen" in data[1], "BODY[TEXT] did not set \\Seen: %r" % data)
    m.logout()
    # Both in cur/ (SELECT took them as \Recent), the one read \Seen.
    expect(sorted(f.rsplit(":", 1)[1] for f in d.maildir("alice", "cur"))
           == ["2,", "2,S"],
           "\\Seen not in the file name: %r" % d.maildir("alice", "cur"))
    validity, uids = uidlist(d)
    m = client(d)
    data = ok(m.select("INBOX", readonly=True))
    data = ok(m.uid("FETCH", "1:*", "(UID)"))
    expect(len(data) == 2 and b"UID %d" % sorted(uids.values())[1]
           in data[1], data)
    m.logout()


@case
def imap_course_dialogue_typed_raw(d):
    # The lab sheet logs in with LOGIN on 143 and fetches by hand.
    d.close()
    d.__dict__.update(daemon("plaintext_auth = yes").__dict__)
    path = deliver(d, "test simple", "coucou\r\n")
    r = Tagged(d.ports["imap"])
    lines = r.cmd("001", "login alice \"%s\"" % PASSWORD["alice"])
    expect(lines[-1].startswith("001 OK [CAPABILITY IMAP4rev1"), lines)
    lines = r.cmd("002", "select INBOX")
    for want in ("* 1 EXISTS", "* 1 RECENT", "* OK [UIDVALIDITY ",
                 "* OK [UIDNEXT 2]", "* FLAGS (", "* OK [PERMANENTFLAGS ("):
        expect(any(l.startswith(want) for l in lines), want + ": %r" % lines)
    expect(lines[-1] == "002 OK [READ-WRITE] SELECT completed.", lines)
    lines = r.cmd("003", "fetch 1 BODY[HEADER]")
    header = stored(path).split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    expect(lines[0].startswith("* 1 FETCH (BODY[HEADER] {%d}" % len(header))
           and lines[1] == header.decode(), lines[:2])
    lines = r.cmd("004", "fetch 1 BODY[TEXT]")
    expect(lines[0] == "* 1 FETCH (BODY[TEXT] {8}" and
           lines[1] == "coucou\r\n", lines)
    expect(lines[-1] == "004 OK Fetch completed.", lines)
    lines = r.cmd("005", "logout")
    expect(lines[0].startswith("* BYE ") and
           lines[-1] == "005 OK LOGOUT completed.", lines)
    expect(r.closed(), "not closed after LOGOUT")


@case
def imap_idle_client_is_told_of_a_delivery(d):
    r = Tagged(d.ports["imaps"], tls=True)
    token = base64.b64encode(b"\0alice\0" + PASSWORD["alice"].encode())
    lines = r.cmd("a", "AUTHENTICATE PLAIN " + token.decode())
    expect(lines[-1].startswith("a OK"), lines)
    r.cmd("b", "SELECT INBOX")
    r.send("c IDLE\r\n")
    expect(r.line().startswith("+ "), "no IDLE continuation")
    start = time.monotonic()
    deliver(d, "while idling")
    line = r.line()
    took = time.monotonic() - start
    expect(line == "* 1 EXISTS", line)
    # smtplib's whole session is in it: the notice itself is immediate.
    expect(took < 2, "told after %.3f s" % took)
    r.send("DONE\r\n")
    lines = r.until("c")
    expect(lines[-1] == "c OK Idle completed.", lines)


@case
def imap_idle_is_told_what_came_before_and_a_burst(d):
    """IDLE's rescans are a worker's: a change made before IDLE is told,
    and files renamed into new/ in a burst (as an outside
    MDA does, no UID list line), some while a rescan runs, are all told."""
    deliver(d, "before idle")
    r = Tagged(d.ports["imaps"], tls=True)
    r.cmd("a", 'LOGIN alice "%s"' % PASSWORD["alice"])
    r.cmd("b", "SELECT INBOX")
    other = client(d)
    ok(other.select("INBOX"))
    ok(other.store("1", "+FLAGS", "(\\Flagged)"))
    other.logout()
    r.send("c IDLE\r\n")
    # The flags told before or after the "+": both are IDLE as RFC 2177.
    seen = [r.line(), r.line()]
    expect(any(x.startswith("+ ") for x in seen), seen)
    expect(any(x.startswith("* 1 FETCH (FLAGS (") and "\\Flagged" in x
               for x in seen), seen)
    root = os.path.join(d.mail, "alice")
    for i in range(8):
        tmp = os.path.join(root, "tmp", "burst%d.host" % i)
        with open(tmp, "wb") as f:
            f.write(b"Subject: burst %d\r\n\r\nx\r\n" % i)
        os.rename(tmp, os.path.join(root, "new", "burst%d.host" % i))
    seen = []
    while "* 9 EXISTS" not in seen:
        seen.append(r.line())
        expect(not re.match(r"\* \d+ EXPUNGE", seen[-1]), seen)
    r.send("DONE\r\n")
    lines = r.until("c")
    expect(lines[-1] == "c OK Idle completed.", lines)
    lines = r.cmd("e", "UID FETCH 1:* (UID)")
    uids = [int(x.split("UID ")[1].rstrip(")")) for x in lines[:-1]]
    expect(uids == list(range(1, 10)), lines)


@case
def imap_sessions_see_each_others_changes(d):
    deliver(d, "shared 1")
    deliver(d, "shared 2")
    a, b = client(d), client(d)
    ok(a.select("INBOX"))
    ok(b.select("INBOX"))
    ok(a.store("1", "+FLAGS", "(\\Deleted \\Flagged)"))
    ok(a.expunge())
    typ, data = b.noop()
    resp = b.untagged_responses
    expect("EXPUNGE" in resp and resp["EXPUNGE"] == [b"1"],
           "b was not told the EXPUNGE: %r" % resp)
    ok(a.store("1", "+FLAGS", "(\\Answered)"))
    b.noop()
    expect(b"\\Answered" in b" ".join(b.untagged_responses.get("FETCH",
                                                               [b""])),
           "b was not told the flags: %r" % b.untagged_responses)
    a.logout()
    b.logout()
    files = d.maildir("alice") + d.maildir("alice", "cur")
    expect(len(files) == 1 and files[0].endswith(":2,R"), files)


@case
def imap_folders_special_use_and_subscriptions(d):
    m = client(d)
    data = ok(m.list())
    for want in (b'(\\HasNoChildren \\Sent) "." "Sent"',
                 b'(\\HasNoChildren \\Trash) "." "Trash"',
                 b'(\\HasNoChildren \\Drafts) "." "Drafts"',
                 b'(\\HasNoChildren \\Junk) "." "Junk"'):
        expect(want in data, "LIST lacks %r: %r" % (want, data))
    ok(m.create("Projects.2026"))
    expect(os.path.isfile(os.path.join(d.mail, "alice", ".Projects.2026",
                                       "maildirfolder")), "not Maildir++")
    data = ok(m.list('""', "Projects*"))
    expect(data == [b'(\\HasChildren) "." "Projects"',
                    b'(\\HasNoChildren) "." "Projects.2026"'], data)
    expect(m.create("Projects")[0] == "NO", "created twice")
    ok(m.rename("Projects", "Archive"))
    data = ok(m.list('""', "%"))
    expect(b'(\\HasChildren) "." "Archive"' in data and
           not any(b"Projects" in x for x in data), data)
    expect(m.delete("Archive")[0] == "NO", "deleted a parent")
    ok(m.delete("Archive.2026"))
    ok(m.subscribe("Archive"))
    data = ok(m.lsub())
    expect(any(x.endswith(b'"Archive"') for x in data) and
           any(x.endswith(b'"Sent"') for x in data), data)
    ok(m.unsubscribe("Archive"))
    expect(not any(x.endswith(b'"Archive"') for x in ok(m.lsub())), "lsub")
    expect(m.select("Nowhere")[0] == "NO", "selected a missing folder")
    expect(m.delete("INBOX")[0] == "NO", "deleted INBOX")
    m.logout()


@case
def imap_append_copy_move_answer_with_uids(d):
    m = client(d)
    msg = b"Subject: appended\r\nFrom: a@b\r\n\r\nhello\r\n"
    typ, data = m.append("INBOX", "(\\Seen \\Draft)",
                         '"01-Feb-2020 10:00:00 +0100"', msg)
    expect(typ == "OK" and b"[APPENDUID " in data[0], data)
    validity, uid = map(int, re.search(rb"APPENDUID (\d+) (\d+)",
                                       data[0]).groups())
    expect((validity, {uid}) == (uidlist(d)[0], set(uidlist(d)[1].values())),
           "APPENDUID %d %d, list %r" % (validity, uid, uidlist(d)))
    ok(m.select("INBOX"))
    data = ok(m.fetch("1", "(FLAGS INTERNALDATE BODY.PEEK[])"))
    expect(data[0][1] == msg, data)
    expect(b'INTERNALDATE "01-Feb-2020 09:00:00 +0000"' in data[0][0] and
           b"\\Seen" in data[1] and b"\\Draft" in data[1], data)
    typ, data = m.copy("1", "Trash")
    expect(typ == "OK" and b"[COPYUID " in data[0], data)
    typ, data = m._simple_command("MOVE", "1", "Sent")
    expect(typ == "OK" and "EXPUNGE" in m.untagged_responses, (typ, data))
    ok(m.select("Sent"))
    data = ok(m.fetch("1", "(FLAGS BODY.PEEK[])"))
    expect(data[0][1] == msg and b"\\Draft" in data[1], data)
    expect(ok(m.select("INBOX")) == [b"0"], "MOVE left the original")
    m.logout()


MULTIPART = (b"From: \"Doe, John\" <john@example.org>\r\n"
             b"To: alice@lab.example\r\nSubject: parts\r\n"
             b"Message-ID: <1@x>\r\n"
             b"Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
             b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
             b"hello\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\n"
             b"Subject: inner\r\n\r\ninner body\r\n--XX--\r\n")


@case
def imap_envelope_bodystructure_and_parts(d):
    m = client(d)
    ok(m.append("INBOX", None, None, MULTIPART))
    ok(m.select("INBOX"))
    data = ok(m.fetch("1", "(ENVELOPE BODYSTRUCTURE)"))
    text = data[0].decode()
    expect('ENVELOPE (NIL "parts" (("Doe, John" NIL "john" "example.org"))'
           in text, text)
    expect('"<1@x>")' in text, text)
    expect('BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL '
           '"7BIT" 5 0)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 28 '
           '(NIL "inner" ' in text and text.endswith('2) "MIXED"))'), text)
    data = ok(m.fetch("1", "(BODY.PEEK[1] BODY.PEEK[2.HEADER] "
                      "BODY.PEEK[2.TEXT] BODY.PEEK[1.MIME] "
                      "BODY.PEEK[3])"))
    parts = [x[1] for x in data if isinstance(x, tuple)]
    expect(parts[:4] == [b"hello", b"Subject: inner\r\n\r\n",
                         b"inner body",
                         b"Content-Type: text/plain; charset=utf-8\r\n"
                         b"\r\n"], parts)
    # RFC 3501 6.4.5: a part that is not there is empty.
    expect(data[4] == (b" BODY[3] {0}", b""), data[4])
    data = ok(m.fetch("1", "ALL"))
    expect(b"ENVELOPE (" in data[0] and b"RFC822.SIZE %d" % len(MULTIPART)
           in data[0], data)
    m.logout()


@case
def imap_bodystructure_decodes_rfc2231_file_names(d):
    import email.header
    msg = (b"Subject: attachment\r\n"
           b"Content-Type: multipart/mixed; boundary*0=\"b\"; "
           b"boundary*1*=%31\r\n\r\n"
           b"--b1\r\nContent-Type: application/pdf;\r\n"
           b" name*0*=utf-8''%E2%82%AC%20r%C3%A9sum%C3%A9%20of%20the;\r\n"
           b" name*1=\" year 2026, a rather long name\";\r\n"
           b" name*2=\".pdf\"\r\n\r\n%PDF\r\n"
           b"--b1\r\nContent-Type: text/plain; name*0=a; name*1=.txt\r\n"
           b"\r\nplain\r\n--b1--\r\n")
    m = client(d)
    ok(m.append("INBOX", None, None, msg))
    ok(m.select("INBOX"))
    data = ok(m.fetch("1", "(BODYSTRUCTURE BODY.PEEK[2])"))
    text = data[0][0].decode()
    # The boundary was "b" "1" in two pieces: the parts were found.
    expect(data[0][1] == b"plain", data)
    names = re.findall(r'"NAME" "([^"]*)"', text)
    expect(len(names) == 2, text)
    decoded = "".join(
        x.decode(cs) if isinstance(x, bytes) else x
        for x, cs in email.header.decode_header(names[0]))
    expect(decoded == "\u20ac r\u00e9sum\u00e9 of the year 2026, a rather "
           "long name.pdf", (names[0], decoded))
    expect(all(len(w) <= 75 for w in names[0].split()), names[0])
    expect(names[1] == "a.txt", text)
    m.logout()


@case
def nfpost_mail_ls_and_show_read_the_same_uids(d):
    first = deliver(d, "for the teacher")
    deliver(d, "second one")
    m = client(d)
    ok(m.select("INBOX"))
    ok(m.store("1", "+FLAGS", "(\\Flagged)"))
    ok(m.create("Old"))
    ok(m.move("2", "Old")) if hasattr(m, "move") else \
        m._simple_command("MOVE", "2", "Old")
    m.logout()
    out = subprocess.run([smtp.NFPOST, "mail", "ls", "alice", "-c", d.conf,
                          "-j"], capture_output=True, text=True)
    expect(out.returncode == 0, out.stderr)
    rows = json.loads(out.stdout)
    expect(len(rows) == 1 and rows[0]["uid"] == 1 and rows[0]["flagged"]
           and rows[0]["subject"] == "for the teacher" and
           rows[0]["size"] == len(stored(first)), rows)
    out = subprocess.run([smtp.NFPOST, "mail", "ls", "alice", "Old", "-c",
                          d.conf], capture_output=True, text=True)
    expect(out.returncode == 0 and "second one" in out.stdout, out.stdout +
           out.stderr)
    out = subprocess.run([smtp.NFPOST, "mail", "show", "alice", "1", "-c",
                          d.conf], capture_output=True)
    expect(out.returncode == 0 and out.stdout == stored(first), out.stderr)
    out = subprocess.run([smtp.NFPOST, "mail", "show", "alice", "7", "-c",
                          d.conf], capture_output=True, text=True)
    expect(out.returncode == 1 and "no message with UID 7" in out.stderr,
           out.stderr)


@case
def imap_search_keys(d):
    deliver(d, "apples", "red fruit\r\n")
    deliver(d, "pears", "green fruit, and longer than the other one\r\n")
    m = client(d)
    ok(m.select("INBOX"))
    ok(m.store("2", "+FLAGS", "(\\Flagged)"))
    for query, want in ((("SUBJECT", "APPLES"), b"1"),
                        (("BODY", "green"), b"2"),
                        (("TEXT", '"subject: pears"'), b"2"),
                        (("FROM", "client.example"), b"1 2"),
                        (("HEADER", "To", "alice"), b"1 2"),
                        (("FLAGGED",), b"2"),
                        (("NOT", "FLAGGED"), b"1"),
                        (("OR", "SUBJECT", "apples", "BODY", "green"),
                         b"1 2"),
                        (("UNSEEN", "LARGER", "300"), b"2"),
                        (("SINCE", "1-Jan-2000", "SMALLER", "100000"),
                         b"1 2"),
                        (("BEFORE", "1-Jan-2000"), b""),
                        (("2:*",), b"2"),
                        (("(SUBJECT pears FLAGGED)",), b"2")):
        data = ok(m.search("UTF-8", *query))
        expect(data == [want], "%r: %r, want %r" % (query, data, want))
    data = ok(m.uid("SEARCH", "UID", "2"))
    expect(data == [b"2"], data)
    typ, data = m.search("KOI8-R", "ALL")
    expect(typ == "NO" and b"BADCHARSET" in data[0], (typ, data))
    try:
        m.search(None, "BOGUS")
        expect(False, "a bad key was taken")
    except imaplib.IMAP4.error as e:
        expect("Unknown search key" in str(e), e)
    m.logout()


@case
def imap_search_header_cache_follows_changes(d):
    """SEARCH on header fields is answered from the daemon's header cache
    once a search has read them: a message added, expunged, renamed by a
    flag change, or a folder made anew with the same UIDs for other
    messages between two searches must show in the second answer."""
    def search(m, *query):
        return ok(m.uid("SEARCH", *query))[0].split()

    deliver(d, "alpha one")
    deliver(d, "beta two")
    deliver(d, "alpha three")
    m = client(d)
    ok(m.select("INBOX"))
    for _ in range(2):
        expect(search(m, "SUBJECT", "alpha") == [b"1", b"3"], "first")
        expect(search(m, "FROM", "test@client") == [b"1", b"2", b"3"],
               "from")
    # Added: by SMTP, seen at the NOOP.
    deliver(d, "alpha four")
    ok(m.noop())
    expect(search(m, "SUBJECT", "alpha") == [b"1", b"3", b"4"], "added")
    # Expunged by another session; a flag change renames another file.
    other = client(d)
    ok(other.select("INBOX"))
    ok(other.uid("STORE", "1", "+FLAGS", "(\\Deleted)"))
    ok(other.expunge())
    ok(other.uid("STORE", "3", "+FLAGS", "(\\Seen)"))
    other.logout()
    ok(m.noop())
    expect(search(m, "SUBJECT", "alpha") == [b"3", b"4"], "expunged")
    expect(search(m, "HEADER", "Subject", "three") == [b"3"], "renamed")
    m.logout()
    # A folder deleted and made again: UIDs from 1 again, for other
    # messages (its UIDVALIDITY may well be the same, in the same second).
    m = client(d)
    ok(m.create("Box"))
    for subj in ("alpha", "beta"):
        ok(m.append("Box", None, None,
                    b"Subject: %s\r\nFrom: a@b\r\n\r\nx\r\n" % subj.encode()))
    ok(m.select("Box"))
    expect(search(m, "SUBJECT", "alpha") == [b"1"], "before")
    ok(m.close())
    ok(m.delete("Box"))
    ok(m.create("Box"))
    for subj in ("beta", "alpha"):
        ok(m.append("Box", None, None,
                    b"Subject: %s\r\nFrom: a@b\r\n\r\nx\r\n" % subj.encode()))
    ok(m.select("Box"))
    expect(search(m, "SUBJECT", "alpha") == [b"2"], "made anew")
    expect(search(m, "SUBJECT", "beta") == [b"1"], "made anew")
    m.logout()


def keywords_file(d, folder=""):
    path = os.path.join(d.mail, "alice", folder, "dovecot-keywords")
    with open(path) as f:
        return f.read()


def flag_letters(d, folder=""):
    """{subject: the letters after ":2,"} of the folder's cur/ files."""
    out = {}
    for path in glob.glob(os.path.join(d.mail, "alice", folder, "cur",
                                       "*")):
        with open(path, "rb") as f:
            subject = re.search(rb"Subject: (.*)\r\n", f.read()).group(1)
        out[subject.decode()] = path.rsplit(":2,", 1)[1]
    return out


@case
def imap_keywords_kept_as_dovecot_letters(d):
    deliver(d, "one")
    deliver(d, "two")
    m, other = client(d), client(d)
    ok(m.select("INBOX"))
    expect(b"\\*" in m.untagged_responses["PERMANENTFLAGS"][-1],
           m.untagged_responses["PERMANENTFLAGS"])
    ok(other.select("INBOX"))
    data = ok(m.store("1", "+FLAGS", "($Forwarded Work \\Seen)"))
    expect(b"\\Seen $Forwarded Work)" in data[0], data)
    flags = m.untagged_responses["FLAGS"][-1]
    expect(b"$Forwarded Work" in flags, "FLAGS not told again: %r" % flags)
    ok(m.store("2", "+FLAGS", "($junk)"))
    expect(keywords_file(d) == "0 $Forwarded\n1 Work\n2 $junk\n",
           keywords_file(d))
    expect(flag_letters(d) == {"one": "Sab", "two": "c"}, flag_letters(d))
    # Keyword names are case-insensitive: "$Junk" is "$junk"'s letter.
    ok(m.store("2", "+FLAGS", "($Junk)"))
    expect(flag_letters(d)["two"] == "c", flag_letters(d))
    for query, want in ((("KEYWORD", "$JUNK"), b"2"),
                        (("KEYWORD", "work"), b"1"),
                        (("UNKEYWORD", "Work"), b"2"),
                        (("KEYWORD", "Undefined"), b""),
                        (("UNKEYWORD", "Undefined"), b"1 2")):
        data = ok(m.search(None, *query))
        expect(data == [want], "%r: %r, want %r" % (query, data, want))
    ok(m.store("1", "-FLAGS", "(Work)"))
    ok(m.store("2", "FLAGS", "(\\Flagged Later)"))
    expect(flag_letters(d) == {"one": "Sa", "two": "Fd"}, flag_letters(d))
    data = ok(m.fetch("1:2", "(FLAGS)"))
    expect(b"\\Seen $Forwarded)" in data[0] and
           b"\\Flagged Later)" in data[1], data)
    # The other session is told the new keyword list, then the flags.
    other.noop()
    expect(b"Later" in other.untagged_responses["FLAGS"][-1] and
           any(b"\\Flagged Later)" in x
               for x in other.untagged_responses["FETCH"]),
           other.untagged_responses)
    other.logout()
    # A copy carries the names: its letters are the target's own.
    ok(m.copy("2", "Junk"))
    expect(keywords_file(d, ".Junk") == "0 Later\n", keywords_file(d, ".Junk"))
    expect(flag_letters(d, ".Junk") == {"two": "Fa"},
           flag_letters(d, ".Junk"))
    ok(m.append("Junk", "(\\Seen $Forwarded)", None,
                b"Subject: three\r\n\r\nhi\r\n"))
    expect(flag_letters(d, ".Junk")["three"] == "Sb",
           flag_letters(d, ".Junk"))
    for bad in ("(\\Recent)", "(a%b)", "(\\Custom)"):
        try:
            m.store("1", "+FLAGS", bad)
            expect(False, "STORE %s was taken" % bad)
        except imaplib.IMAP4.error as e:
            expect("BAD" in str(e), e)
    # 26 letters at most, and a refused STORE changes nothing.
    for i in range(22):
        ok(m.store("1", "+FLAGS", "(k%d)" % i))
    before = flag_letters(d)
    typ, data = m.store("2", "+FLAGS", "(\\Answered onetoomany)")
    expect(typ == "NO" and b"[LIMIT]" in data[0], (typ, data))
    expect(flag_letters(d) == before and "onetoomany" not in
           keywords_file(d), flag_letters(d))
    m.logout()


@case
def imap_esearch_return_options_with_the_tag(d):
    for subject in ("a", "b", "c", "d"):
        deliver(d, subject)
    r = Tagged(d.ports["imaps"], tls=True)
    r.cmd("a1", "LOGIN alice \"%s\"" % PASSWORD["alice"])
    r.cmd("a2", "SELECT INBOX")
    r.cmd("a3", "STORE 2 +FLAGS (\\Seen)")
    expect("ESEARCH" in r.cmd("a4", "CAPABILITY")[0], "not advertised")
    # UIDs 1..4 as sequence numbers; expunging 1 makes them differ.
    r.cmd("a5", "STORE 1 +FLAGS (\\Deleted)")
    r.cmd("a6", "EXPUNGE")
    for tag, cmd, want in (
            ("b1", "SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN",
             '* ESEARCH (TAG "b1") MIN 2 MAX 3 ALL 2:3 COUNT 2'),
            ("b2", "UID SEARCH RETURN (ALL COUNT) ALL",
             '* ESEARCH (TAG "b2") UID ALL 2:4 COUNT 3'),
            ("b3", "UID SEARCH RETURN () NOT SUBJECT c",
             '* ESEARCH (TAG "b3") UID ALL 2,4'),
            ("b4", "SEARCH RETURN (count min max) SUBJECT nothing",
             '* ESEARCH (TAG "b4") COUNT 0'),
            ("b5", "SEARCH RETURN (MAX) CHARSET UTF-8 SEEN",
             '* ESEARCH (TAG "b5") MAX 1'),
            ("b6", "SEARCH SEEN", "* SEARCH 1")):
        lines = r.cmd(tag, cmd)
        expect(lines == [want, tag + " OK Search completed."],
               "%s: %r" % (cmd, lines))
    for tag, cmd in (("c1", "SEARCH RETURN (SAVE) ALL"),
                     ("c2", "SEARCH RETURN ALL"),
                     ("c3", "SEARCH RETURN (MIN)")):
        lines = r.cmd(tag, cmd)
        expect(len(lines) == 1 and lines[0].startswith(tag + " BAD"),
               "%s: %r" % (cmd, lines))


@case
def imap_curl_fetches_by_uid(d):
    path = deliver(d, "for curl")
    out = subprocess.run(["curl", "-sS", "--ssl-reqd", "-k", "-u",
                          "alice:" + PASSWORD["alice"],
                          "imap://127.0.0.1:%d/INBOX;UID=1" %
                          d.ports["imap"]], capture_output=True, timeout=30)
    expect(out.returncode == 0, out.stderr)
    expect(out.stdout == stored(path), "curl: %r" % out.stdout[:200])
    out = subprocess.run(["curl", "-sS", "-k", "-u",
                          "alice:" + PASSWORD["alice"],
                          "imaps://127.0.0.1:%d/" % d.ports["imaps"]],
                         capture_output=True, timeout=30, text=True)
    expect(out.returncode == 0 and '"INBOX"' in out.stdout and
           '"Sent"' in out.stdout, out.stdout + out.stderr)


@case
def imap_literals_limits_and_bad_input(d):
    r = Tagged(d.ports["imaps"], tls=True)
    r.send("a LOGIN {5}\r\n")
    expect(r.line() == "+ OK", "no continuation for a literal")
    r.send("alice {%d+}\r\n%s\r\n" % (len(PASSWORD["alice"]),
                                      PASSWORD["alice"]))
    lines = r.until("a")
    expect(lines[-1].startswith("a OK"), lines)
    lines = r.cmd("b", "APPEND INBOX {999999999}")
    expect(lines[-1].startswith("b NO [TOOBIG]"), lines)
    lines = r.cmd("c", "NOOP " + "x" * 9000)
    expect(lines[-1].startswith("c BAD [TOOBIG]"), lines)
    r.send("d NO\0OP\r\n")
    expect(r.line().startswith("d BAD NUL"), "NUL")
    lines = r.cmd("e", "FETCH 1 (FLAGS)")
    expect(lines[-1].startswith("e BAD"), "FETCH before SELECT")
    lines = r.cmd("f", "SELECT INBOX")
    lines = r.cmd("g", "FETCH 5 (FLAGS)")
    expect(lines[-1] == "g BAD Invalid messageset.", lines)
    # One at a time: what is sent after the close would reset the socket.
    lines = []
    for i in range(20):
        r.send("h%d BOGUS\r\n" % i)
        lines.append(r.line())
        if lines[-1].startswith("* BYE"):
            break
        expect(lines[-1] == "h%d BAD Unknown command." % i, lines[-1])
    expect(r.closed(), "still open after BYE")
    expect(lines[-1] == "* BYE Too many invalid IMAP commands.", lines[-2:])


@case
def imap_starttls_drops_pipelined_and_bad_password_waits(d):
    r = Tagged(d.ports["imap"])
    r.send("a STARTTLS\r\nb LOGIN alice x\r\n")
    expect(r.line() == "a OK Begin TLS negotiation now.", "STARTTLS")
    r.sock = insecure().wrap_socket(r.sock)
    r.buf = b""
    lines = r.cmd("c", "CAPABILITY")
    expect(lines[0].startswith("* CAPABILITY") and
           "AUTH=PLAIN" in lines[0] and "STARTTLS" not in lines[0], lines)
    start = time.monotonic()
    lines = r.cmd("d", "LOGIN alice wrong")
    expect(lines[-1] == "d NO [AUTHENTICATIONFAILED] Authentication "
           "failed.", lines)
    expect(time.monotonic() - start >= 0.25, "no delay")
    expect("auth failed, 1 attempts" in d.logtext(),
           "the injected LOGIN was run")


@case
def imap_recent_goes_to_the_first_session_only(d):
    deliver(d, "fresh one")
    m = client(d)
    typ, data = m.status("INBOX", "(MESSAGES RECENT)")
    expect(data == [b'"INBOX" (MESSAGES 1 RECENT 1)'], data)
    ok(m.select("INBOX"))
    expect(m.untagged_responses.get("RECENT") == [b"1"],
           m.untagged_responses)
    data = ok(m.fetch("1", "(FLAGS)"))
    expect(data == [b"1 (FLAGS (\\Recent))"], data)
    # Claimed: moved from new/ to cur/, as Maildir says a seen one is.
    expect(not d.maildir("alice") and
           d.maildir("alice", "cur")[0].endswith(":2,"),
           d.maildir("alice", "cur"))
    other = client(d)
    ok(other.select("INBOX"))
    expect(other.untagged_responses.get("RECENT") == [b"0"],
           other.untagged_responses)
    deliver(d, "second")
    typ, data = m.noop()
    # imaplib keeps every untagged answer since SELECT: the last counts.
    expect(m.untagged_responses.get("EXISTS")[-1] == b"2" and
           m.untagged_responses.get("RECENT")[-1] == b"2",
           m.untagged_responses)
    ok(m.store("1", "+FLAGS", "(\\Seen)"))
    for query, want in ((("RECENT",), b"1 2"), (("NEW",), b"2"),
                        (("OLD",), b""), (("UNSEEN",), b"2")):
        data = ok(m.search(None, *query))
        expect(data == [want], "%r: %r, want %r" % (query, data, want))
    typ, data = other.noop()
    data = ok(other.search(None, "RECENT"))
    expect(data == [b""], "the other session got \\Recent: %r" % data)
    data = ok(other.search(None, "OLD"))
    expect(data == [b"1 2"], data)
    m.logout()
    other.logout()


@case
def imap_search_and_mail_ls_decode_encoded_words(d):
    # The blank between two words is dropped (RFC 2047 6.2): "_" is kept.
    deliver(d, "=?utf-8?Q?caf=C3=A9_cr=C3=A8me?= =?ISO-8859-1?Q?_=E0?= la")
    deliver(d, "plain creme")
    m = client(d)
    ok(m.select("INBOX"))
    m.literal = "cr\u00e8me \u00e0".encode()
    data = ok(m.search("UTF-8", "SUBJECT"))
    expect(data == [b"1"], data)
    data = ok(m.search(None, "SUBJECT", "creme"))
    expect(data == [b"2"], data)
    # ENVELOPE gives the words as they are: clients decode (RFC 3501).
    data = ok(m.fetch("1", "(ENVELOPE)"))
    expect(b'"=?utf-8?Q?caf=C3=A9_cr=C3=A8me?= =?ISO-8859-1?Q?_=E0?= la"'
           in data[0], data)
    m.logout()
    out = subprocess.run([smtp.NFPOST, "mail", "ls", "alice", "-c", d.conf,
                          "-j"], capture_output=True, text=True)
    expect(out.returncode == 0, out.stderr)
    rows = json.loads(out.stdout)
    expect(rows[0]["subject"] == "caf\u00e9 cr\u00e8me \u00e0 la", rows)


@case
def imap_other_sessions_are_served_while_a_folder_opens(d):
    """A SELECT's scan may take long: a big folder, a slow disk, or the UID
    list's lock held by Dovecot (it waits up to 5 s for it). The lock is
    what this test holds, as long as it wants: files by the thousand take
    a time that depends on the disk, the lock does not."""
    deliver(d, "one")
    b = client(d)
    ok(b.select("Sent"))
    lock = os.path.join(d.mail, "alice", "dovecot-uidlist.lock")
    a = Tagged(d.ports["imaps"], tls=True)
    lines = a.cmd("a", 'LOGIN alice "%s"' % PASSWORD["alice"])
    expect(lines[-1].startswith("a OK"), lines)
    open(lock, "w").close()
    try:
        read = d.bytes_read()
        a.send("s SELECT INBOX\r\n")
        d.wait_for("the SELECT read", lambda: d.bytes_read() > read)
        start = time.monotonic()
        ok(b.noop())
        served = time.monotonic() - start
        early = select.select([a.sock], [], [], 0)[0]
    finally:
        os.unlink(lock)
    lines = a.until("s")
    expect(lines[-1] == "s OK [READ-WRITE] SELECT completed." and
           "* 1 EXISTS" in lines, lines)
    expect(not early and served < 2, "NOOP answered after %.3f s, %s the "
           "SELECT" % (served, "after" if early else "before"))
    b.logout()


@case
def imap_noop_rescan_waits_in_a_worker_not_the_loop(d):
    """NOOP after a change rescans the folder: a worker does it, as for
    SELECT, so a session whose rescan waits on the UID list's lock (held
    here, as Dovecot would) holds up no other session."""
    deliver(d, "one")
    a, b = Tagged(d.ports["imaps"], tls=True), client(d)
    lines = a.cmd("a", 'LOGIN alice "%s"' % PASSWORD["alice"])
    lines = a.cmd("s", "SELECT INBOX")
    expect(lines[-1].startswith("s OK"), lines)
    ok(b.select("Sent"))
    deliver(d, "two")
    lock = os.path.join(d.mail, "alice", "dovecot-uidlist.lock")
    open(lock, "w").close()
    try:
        read = d.bytes_read()
        a.send("n NOOP\r\n")
        d.wait_for("the NOOP read", lambda: d.bytes_read() > read)
        start = time.monotonic()
        ok(b.noop())
        served = time.monotonic() - start
        early = select.select([a.sock], [], [], 0)[0]
    finally:
        os.unlink(lock)
    lines = a.until("n")
    expect(lines[-1] == "n OK NOOP completed." and "* 2 EXISTS" in lines,
           lines)
    expect(not early and served < 2, "b's NOOP answered after %.3f s, %s "
           "a's" % (served, "after" if early else "before"))
    b.logout()


def literal(data, item):
    """From imaplib's FETCH data (untagged FLAGS updates may come first),
    the literal of the response that has @item."""
    for part in data:
        if isinstance(part, tuple) and item in part[0]:
            return part[1]
    raise AssertionError("no %r in %r" % (item, data))


@case
def imap_a_stale_view_finds_what_another_session_renamed(d):
    """b changes a message's flags, so renames its file, while a's view
    has the old name: a's FETCH, SEARCH, COPY, STORE and EXPUNGE find it
    all the same, and a's STORE +FLAGS adds to b's flags."""
    paths = [deliver(d, "stale %d" % i, body="Body %d here.\r\n" % i)
             for i in range(3)]
    a, b = client(d), client(d)
    third = stored(paths[2])
    ok(a.select("INBOX"))
    ok(b.select("INBOX"))
    ok(b.store("1", "+FLAGS", "(\\Flagged)"))
    got = literal(ok(a.fetch("1", "(BODY.PEEK[])")), b"BODY[]")
    expect(got == stored(paths[0]), "FETCH: %r" % got[:80])
    ok(b.store("1", "+FLAGS", "(\\Answered)"))
    expect(ok(a.search(None, "BODY", '"Body 0"')) == [b"1"], "SEARCH")
    ok(b.store("2", "+FLAGS", "(\\Flagged)"))
    ok(a.store("2", "+FLAGS", "(\\Draft)"))
    ok(b.noop())
    flags = ok(b.fetch("2", "(FLAGS)"))[-1]
    expect(b"\\Flagged" in flags and b"\\Draft" in flags,
           "b's flag lost to a's STORE: %r" % flags)
    ok(b.store("3", "+FLAGS", "(\\Seen)"))
    ok(a.copy("3", "Sent"))
    ok(a.store("3", "+FLAGS", "(\\Deleted)"))
    ok(b.store("3", "+FLAGS", "(\\Flagged)"))
    ok(a.expunge())
    left = d.maildir("alice") + d.maildir("alice", "cur")
    expect(len(left) == 2 and not any(p.split(":")[0] in paths[2]
                                      for p in left), left)
    ok(a.select("Sent"))
    got = literal(ok(a.fetch("1", "(BODY.PEEK[])")), b"BODY[]")
    expect(got == third, "COPY: %r" % got[:80])
    a.logout()
    b.logout()


@case
def imap_view_from_the_log_is_settled_in_the_background(d):
    """After another session's STORE, a's NOOP takes the renames from the
    MODSEQ log; cur/'s mtime is then too recent to trust, and a's next
    sync would read cur/ whole (130 ms on 100,000 messages). A worker
    reads it once the mtime is old enough, finds the view right, and from
    then on cur/'s mtime is trusted: shown here by a rename made by hand
    with cur/'s mtime put back, which a's NOOP does not see (were cur/
    read, it would tell \\Draft), until the next background read."""
    for i in range(3):
        deliver(d, "settle %d" % i)
    a, b = logged_in(d), client(d)
    a.cmd("a1", "SELECT INBOX")
    ok(b.select("INBOX"))
    ok(b.store("1", "+FLAGS", "(\\Flagged)"))
    lines = a.cmd("a2", "NOOP")
    expect(any(line.startswith("* 1 FETCH") and "Flagged" in line
               for line in lines), lines)
    d.wait_for("the background read", lambda: d.logtext().count(
        "cur/ read in the background: the view, settled") == 1)
    cur = os.path.join(d.mail, "alice", "cur")
    st = os.stat(cur)
    name, = [n for n in os.listdir(cur) if n.endswith(":2,")][:1]
    os.rename(os.path.join(cur, name), os.path.join(cur, name + "D"))
    os.utime(cur, ns=(st.st_atime_ns, st.st_mtime_ns))
    lines = a.cmd("a3", "NOOP")
    expect(lines == ["a3 OK NOOP completed."], lines)
    # b's next STORE follows on from that mtime: the log tells it, and
    # the background read after it finds the view wrong, so a's next
    # sync reads cur/ and tells the hand-made \\Draft.
    ok(b.store("1", "-FLAGS", "(\\Flagged)"))
    lines = a.cmd("a4", "NOOP")
    expect(any(line.startswith("* 1 FETCH") and "Flagged" not in line
               for line in lines) and
           not any("Draft" in line for line in lines), lines)
    d.wait_for("the second background read", lambda: d.logtext().count(
        "cur/ read in the background: not the view") == 1)
    lines = a.cmd("a5", "NOOP")
    expect(any(line.startswith("* ") and "\\Draft" in line
               for line in lines), lines)
    b.logout()


def logged_in(d):
    r = Tagged(d.ports["imaps"], tls=True)
    lines = r.cmd("l", "LOGIN alice \"%s\"" % PASSWORD["alice"])
    expect(lines[-1].startswith("l OK"), lines)
    return r


def code(lines, name):
    """The number of "[NAME n]" in @lines, or None."""
    for line in lines:
        m = re.search(r"\[%s (\d+)\]" % name, line)
        if m:
            return int(m.group(1))
    return None


def modseqs(lines):
    """{sequence number: (UID or None, MODSEQ)} of the FETCH lines."""
    out = {}
    for line in lines:
        m = re.match(r"\* (\d+) FETCH \((.*)\)$", line)
        ms = m and re.search(r"MODSEQ \((\d+)\)", m.group(2))
        if ms:
            uid = re.search(r"UID (\d+)", m.group(2))
            out[int(m.group(1))] = (uid and int(uid.group(1)),
                                    int(ms.group(1)))
    return out


@case
def imap_condstore_sessions_see_modseqs_and_conflicts(d):
    for i in range(3):
        deliver(d, "cs %d" % i)
    a, b = logged_in(d), logged_in(d)
    lines = a.cmd("a1", "ENABLE CONDSTORE")
    expect("* ENABLED CONDSTORE" in lines, lines)
    h0 = code(a.cmd("a2", "SELECT INBOX"), "HIGHESTMODSEQ")
    lines = b.cmd("b1", "SELECT INBOX (CONDSTORE)")
    expect(code(lines, "HIGHESTMODSEQ") == h0 and h0 >= 1, (h0, lines))
    ms = modseqs(a.cmd("a3", "FETCH 1:* (UID MODSEQ)"))
    expect(len(ms) == 3 and all(m <= h0 for _, m in ms.values()), ms)
    uids = {n: u for n, (u, _) in ms.items()}
    # a's STORE: a new MODSEQ, told to a with UID, then to b at its NOOP.
    lines = a.cmd("a4", "STORE 2 +FLAGS (\\Flagged)")
    x = modseqs(lines).get(2, (0, 0))[1]
    expect(x > h0 and modseqs(lines)[2][0] == uids[2] and
           "\\Flagged" in lines[0] and lines[-1].startswith("a4 OK"),
           lines)
    lines = b.cmd("b2", "NOOP")
    expect(modseqs(lines) == {2: (uids[2], x)} and "\\Flagged" in lines[0],
           "b not told the new MODSEQ %d: %r" % (x, lines))
    # a changes it again; b, not told yet, must still be refused.
    z = modseqs(a.cmd("a4z", "STORE 2 +FLAGS (\\Answered)"))[2][1]
    lines = b.cmd("b2z", "UID STORE %d (UNCHANGEDSINCE %d) -FLAGS "
                  "(\\Flagged)" % (uids[2], x))
    expect(z > x and lines[-1] == "b2z OK [MODIFIED %d] Conditional STORE "
           "failed." % uids[2] and modseqs(lines) == {2: (uids[2], z)},
           "a change b was not told of yet went unseen: %r" % lines)
    x = z
    # b still thinks h0: message 2 changed since, 1 did not.
    lines = b.cmd("b3", "UID STORE %d (UNCHANGEDSINCE %d) +FLAGS (\\Seen)"
                  % (uids[2], h0))
    expect(lines == ["b3 OK [MODIFIED %d] Conditional STORE failed."
                     % uids[2]], lines)
    lines = b.cmd("b4", "UID STORE %d (UNCHANGEDSINCE %d) +FLAGS.SILENT "
                  "(\\Seen)" % (uids[1], h0))
    y = modseqs(lines).get(1, (0, 0))[1]
    expect(y > x and lines[-1].startswith("b4 OK") and
           "FLAGS" not in lines[0], lines)
    lines = b.cmd("b5", "FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % h0)
    got = modseqs(lines)
    expect(sorted(got) == [1, 2] and got[1][1] == y and got[2][1] == x,
           "CHANGEDSINCE %d: %r" % (h0, lines))
    expect("\\Seen" not in lines[1], "UNCHANGEDSINCE did store: %r" % lines)
    lines = b.cmd("b6", "SEARCH MODSEQ %d" % x)
    expect(lines[0] == "* SEARCH 1 2 (MODSEQ %d)" % y, lines)
    lines = b.cmd("b7", "UID SEARCH RETURN (ALL) MODSEQ %d" % y)
    expect(lines[0] == '* ESEARCH (TAG "b7") UID ALL %d MODSEQ %d'
           % (uids[1], y), lines)
    lines = b.cmd("b8", "SEARCH MODSEQ %d" % (y + 1))
    expect(lines[0] == "* SEARCH", lines)
    # A change behind the daemon's back (Dovecot, a hand rename) too.
    cur = [f for f in d.maildir("alice", "cur") if f.endswith(":2,")]
    expect(len(cur) == 1, d.maildir("alice", "cur"))
    os.rename(cur[0], cur[0] + "D")
    lines = a.cmd("a5", "NOOP")
    got = modseqs(lines)
    expect(sorted(got) == [1, 3] and got[1] == (uids[1], y) and
           got[3][1] > y and "\\Draft" in lines[1], lines)
    c = logged_in(d)
    lines = c.cmd("c1", "STATUS INBOX (HIGHESTMODSEQ MESSAGES)")
    expect(lines[0] == '* STATUS "INBOX" (HIGHESTMODSEQ %d MESSAGES 3)'
           % modseqs(a.cmd("a6", "FETCH 3 MODSEQ"))[3][1], lines)
    for r in (a, b, c):
        r.close()


@case
def imap_condstore_kill9_after_store_keeps_flags_and_modseq(d):
    deliver(d, "kept 1")
    deliver(d, "kept 2")
    r = logged_in(d)
    h0 = code(r.cmd("a1", "SELECT INBOX (CONDSTORE)"), "HIGHESTMODSEQ")
    lines = r.cmd("a2", "STORE 2 +FLAGS (\\Answered $Forwarded)")
    expect(lines[-1].startswith("a2 OK"), lines)
    x = modseqs(lines)[2][1]
    lines = r.cmd("a3", "EXPUNGE")
    expect(x > h0 and lines[-1].startswith("a3 OK"), lines)
    # Answered OK: a crash now loses neither the flags nor the MODSEQ.
    d.kill(signal.SIGKILL)
    d.start()
    r = logged_in(d)
    lines = r.cmd("b1", "SELECT INBOX (CONDSTORE)")
    h1 = code(lines, "HIGHESTMODSEQ")
    expect(h1 is not None and h1 >= x, "HIGHESTMODSEQ %r after a crash, "
           "%d told before: %r" % (h1, x, lines))
    lines = r.cmd("b2", "FETCH 2 (FLAGS MODSEQ)")
    expect(modseqs(lines)[2][1] == x and "\\Answered" in lines[0] and
           "$Forwarded" in lines[0], lines)
    lines = r.cmd("b3", "STORE 1 +FLAGS (\\Seen)")
    expect(modseqs(lines)[1][1] > h1, (h1, lines))
    r.close()


def timed_login(d, kind, user, password, source=None):
    """One login in a new session on @kind (imaps or pop3s): the last
    line of its answer and the seconds it took."""
    if kind == "imaps":
        r = Tagged(d.ports[kind], tls=True, source=source)
        start = time.monotonic()
        line = r.cmd("a", 'LOGIN %s "%s"' % (user, password))[-1]
    else:
        r = Raw(d.ports[kind], tls=True, source=source)
        expect(r.line().startswith("+OK"), "no POP3 greeting")
        r.send("USER %s\r\n" % user)
        expect(r.line().startswith("+OK"), "USER")
        start = time.monotonic()
        r.send("PASS %s\r\n" % password)
        line = r.line()
    took = time.monotonic() - start
    r.close()
    return line, took


def both_daemon(d, extra):
    d.close()
    d.__dict__.update(smtp.Daemon(listen=("imaps", "pop3s"),
                                  extra=extra).__dict__)


@case
def login_failures_per_client_grow_then_refuse_pop3_and_imap(d):
    both_daemon(d, "max_login_failures = 3")
    fails = (("imaps", 0.25), ("pop3s", 0.5), ("imaps", 1.0))
    for kind, wait in fails:
        line, took = timed_login(d, kind, "nobody-here", "wrong")
        expect(line in ("a NO [AUTHENTICATIONFAILED] Authentication "
                        "failed.", "-ERR [AUTH] Authentication failed."),
               line)
        expect(took >= wait, "%s failure answered after %.3f s, want "
               ">= %.2f: the client's count was not kept" %
               (kind, took, wait))
    line, _ = timed_login(d, "imaps", "alice", PASSWORD["alice"])
    expect(line == "a NO [UNAVAILABLE] Too many failed logins, try again "
           "later.", line)
    line, _ = timed_login(d, "pop3s", "alice", PASSWORD["alice"])
    expect(line == "-ERR [SYS/TEMP] Too many failed logins, try again "
           "later.", line)
    # Another client is not refused, and logs in.
    line, _ = timed_login(d, "imaps", "alice", PASSWORD["alice"],
                          source="127.0.0.2")
    expect(line.startswith("a OK"), line)
    d.kill()
    log = d.logtext()
    expect(log.count("Refused login (too many failures): rip=127.0.0.1")
           == 2, log[-1500:])
    expect("login failures: 3, refused 2, reused entries 0" in log,
           log[-800:])


@case
def login_failures_per_user_slow_every_client_never_lock_out(d):
    both_daemon(d, "max_login_failures = 3")
    for n, (kind, wait) in enumerate((("imaps", 0.25), ("pop3s", 0.5),
                                      ("imaps", 1.0)), 2):
        line, took = timed_login(d, kind, "alice", "wrong",
                                 source="127.0.0.%d" % n)
        expect(took >= wait, "failure %d from a new client after %.3f s,"
               " want >= %.2f: the user's count was not kept" %
               (n - 1, took, wait))
    line, _ = timed_login(d, "pop3s", "alice", PASSWORD["alice"],
                          source="127.0.0.9")
    expect(line.startswith("+OK"), "alice locked out: " + line)


def reads_nothing(d, kind, command, times):
    """Logs in as alice over @kind (imaps, pop3s) through a 4 KiB receive
    buffer, then pipelines @command @times and reads no answer."""
    r = Raw(d.ports[kind], tls=True, rcvbuf=4096)
    r.line()
    if kind == "imaps":
        r.send('a LOGIN alice "%s"\r\ns SELECT INBOX\r\n' %
               PASSWORD["alice"])
        while not r.line().startswith("s OK"):
            pass
    else:
        r.send("USER alice\r\nPASS %s\r\n" % PASSWORD["alice"])
        expect(r.line().startswith("+OK") and r.line().startswith("+OK"),
               "POP3 login")
    r.send(command * times)
    return r


@case
def clients_that_read_no_answer_cost_little_then_go(d):
    """FETCH 1:* of a large mailbox, or RETR, pipelined by a client that
    reads nothing: the daemon makes and holds what waits for that client
    (256 KiB and a message), not every answer (80 MB here), and once it
    has written nothing for `timeout`, the session ends."""
    both_daemon(d, "timeout = 4\nmax_message_size = 1000000")
    paths = [deliver(d, "big %d" % i, body=("x" * 998 + "\r\n") * 256)
             for i in range(16)]
    # One that reads: the FETCH, made as it is read, comes whole and in
    # order, then what was pipelined after it.
    r = Tagged(d.ports["imaps"], tls=True)
    r.cmd("a", 'LOGIN alice "%s"' % PASSWORD["alice"])
    r.cmd("s", "SELECT INBOX")
    r.send("f FETCH 1:* (BODY.PEEK[])\r\nn NOOP\r\n")
    lines = r.until("f")
    bodies = [lines[i + 1].encode() for i, line in enumerate(lines[:-1])
              if re.match(r"\* \d+ FETCH ", line)]
    expect(lines[-1] == "f OK Fetch completed." and
           bodies == [stored(p) for p in paths], lines[-1])
    expect(r.until("n") == ["n OK NOOP completed."], "NOOP after FETCH")
    r.close()
    for kind, command, times, gone in (
            ("imaps", "f FETCH 1:* (BODY.PEEK[])\r\n", 20,
             "imap: Disconnected: user=<alice>"),
            ("pop3s", "RETR 1\r\n", 320,
             "pop3-login: Disconnected: user=<alice>")):
        # What the daemon read (messages, commands) is what it answered:
        # an answer not made is not held. RSS would say the same but
        # under ASan, whose quarantine keeps what was freed.
        ended, before = d.logtext().count(gone), d.bytes_read()
        r = reads_nothing(d, kind, command, times)
        d.settled("the daemon to stop reading")
        read = d.bytes_read() - before
        expect(read < 4 << 20, "%s: %d bytes read, of 80 MB asked for"
               % (kind, read))
        d.wait_for("the %s session's end" % kind,
                   lambda: d.logtext().count(gone) > ended)
        r.close()
    line, _ = timed_login(d, "imaps", "alice", PASSWORD["alice"])
    expect(line.startswith("a OK"), "service went on: " + line)


@case
def pop3_reads_and_deletes_what_imap_renamed_meanwhile(d):
    """A POP3 session holds its list while an IMAP session sets flags,
    which renames the files: RETR finds the message all the same, DELE
    removes it at QUIT, and \\Seen is added to the flags IMAP set."""
    both_daemon(d, "")
    one, two = deliver(d, "one"), deliver(d, "two")
    body = stored(one)
    p = poplib.POP3_SSL("127.0.0.1", d.ports["pop3s"], timeout=10,
                        context=insecure())
    p.user("alice")
    p.pass_(PASSWORD["alice"])
    m = imaplib.IMAP4_SSL("127.0.0.1", d.ports["imaps"],
                          ssl_context=insecure(), timeout=10)
    m.login("alice", PASSWORD["alice"])
    ok(m.select("INBOX"))
    ok(m.store("1:2", "+FLAGS", "(\\Flagged)"))
    got = b"\r\n".join(p.retr(1)[1]) + b"\r\n"
    expect(got == body, "RETR: %r" % got[:80])
    p.dele(1)
    p.retr(2)
    p.quit()
    left = d.maildir("alice") + d.maildir("alice", "cur")
    expect(len(left) == 1 and os.path.basename(left[0]) ==
           os.path.basename(two).split(":")[0] + ":2,FS", left)
    m.logout()


def inotify_instances(pid):
    """The inotify instances process @pid holds (its fds that are one)."""
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            n += os.readlink("/proc/%d/fd/%s" % (pid, fd)) == \
                "anon_inode:inotify"
        except OSError:
            pass  # closed since the listing
    return n


def cheap_hash(d, user):
    """@user's yescrypt hash replaced by a SHA-512 crypt one (any crypt(5)
    method is taken) in @d's users file, which the daemon reads again:
    yescrypt's cost, paid by every login, is not what is tested here."""
    h = subprocess.run(["openssl", "passwd", "-6", "-stdin"],
                       input=PASSWORD[user] + "\n", text=True,
                       capture_output=True, check=True).stdout.strip()
    with open(d.users) as f:
        lines = [user + ":" + h if l.startswith(user + ":") else l
                 for l in f.read().splitlines()]
    with open(d.users, "w") as f:
        f.write("\n".join(lines) + "\n")


IDLERS = 140


def told(idlers, want):
    """Each of the (imaplib session, IDLE tag) @idlers is told @want."""
    for i, (m, _) in enumerate(idlers):
        lines = [m.readline()]
        while lines[-1] != want + b"\r\n":
            expect(lines[-1].startswith(b"* "), "session %d: %r"
                   % (i, lines))
            lines.append(m.readline())


def done(idlers):
    """DONE, the IDLE's OK, and LOGOUT for each of @idlers."""
    for i, (m, tag) in enumerate(idlers):
        m.send(b"DONE\r\n")
        line = m.readline()
        while line.startswith(b"* "):
            line = m.readline()
        expect(line == tag + b" OK Idle completed.\r\n", "session %d: %r"
               % (i, line))
        m.logout()


@case
def imap_140_idle_sessions_share_one_inotify_instance(d):
    """More IDLE sessions on one INBOX than fs.inotify.max_user_instances
    (128 by default) would allow with one instance each: all idle, the
    daemon holds one instance, and a delivery is told to every one; once
    half of them stop, the other half is told of the next.
    Plain LOGIN (plaintext_auth) and a cheap hash keep it quick."""
    cheap_hash(d, "alice")
    idlers = []
    for i in range(IDLERS):
        m = imaplib.IMAP4("127.0.0.1", d.ports["imap"], timeout=10)
        ok(m.login("alice", PASSWORD["alice"]))
        ok(m.select("INBOX"))
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        line = m.readline()
        expect(line == b"+ idling\r\n", "session %d: %r" % (i, line))
        idlers.append((m, tag))
    n = inotify_instances(d.proc.pid)
    expect(n == 1, "nfpostd holds %d inotify instances for %d IDLE "
           "sessions" % (n, IDLERS))
    deliver(d, "to every idler")
    told(idlers, b"* 1 EXISTS")
    # Half stop idling: the watch they shared stays for the others.
    done(idlers[:IDLERS // 2])
    deliver(d, "to the half still idling")
    told(idlers[IDLERS // 2:], b"* 2 EXISTS")
    done(idlers[IDLERS // 2:])


imap_140_idle_sessions_share_one_inotify_instance.extra = (
    "plaintext_auth = yes\nmax_sessions = %d\nmax_user_sessions = %d"
    % (2 * IDLERS, IDLERS))


@case
def imap_idle_on_a_deleted_folder_then_on_its_new_namesake(d):
    """A folder deleted while a session idles on it: the kernel drops the
    shared watch (IN_IGNORED), the idler still answers, and a session
    idling on a new folder of the same name is told of its messages."""
    a = client(d)
    ok(a.create("Work"))
    ok(a.select("Work"))
    tag = a._new_tag()
    a.send(tag + b" IDLE\r\n")
    expect(a.readline() == b"+ idling\r\n", "no IDLE continuation")
    b = client(d)
    ok(b.delete("Work"))
    ok(b.create("Work"))
    c = client(d)
    ok(c.select("Work"))
    ctag = c._new_tag()
    c.send(ctag + b" IDLE\r\n")
    expect(c.readline() == b"+ idling\r\n", "no IDLE continuation")
    ok(b.append("Work", None, None, b"Subject: new\r\n\r\nhi\r\n"))
    line = c.readline()
    while line != b"* 1 EXISTS\r\n":
        expect(line.startswith(b"* "), line)
        line = c.readline()
    for m, t in ((a, tag), (c, ctag)):
        m.send(b"DONE\r\n")
        line = m.readline()
        while line.startswith(b"* "):
            line = m.readline()
        expect(line.startswith(t + b" "), line)
        m.logout()
    b.logout()


WATCHES = 4


class WatchLimited(smtp.Daemon):
    """nfpostd in a user namespace of its own, every id mapped to itself,
    where inotify's watch limit is WATCHES for it alone: the limit is per
    namespace (/proc/sys/user/max_inotify_watches), the host's
    fs.inotify.max_user_watches is left as it is."""

    def spawn(self):
        # The ids are mapped once unshare has exec'd the first shell,
        # which has no capability then: the second one, exec'd with uid 0
        # mapped, has them all in the namespace.
        limit = ('echo %d > /proc/sys/user/max_inotify_watches && '
                 'exec "$0" "$@"' % WATCHES)
        p = subprocess.Popen(["unshare", "--user", "sh", "-c",
                              'read go && exec "$0" "$@"', "sh", "-c",
                              limit, smtp.NFPOSTD, "-v", "-c", self.conf],
                             stdin=subprocess.PIPE, stderr=self.log)
        mine = os.readlink("/proc/self/ns/user")
        end = time.monotonic() + 10
        while os.readlink("/proc/%d/ns/user" % p.pid) == mine:
            expect(p.poll() is None and time.monotonic() < end,
                   "unshare --user did not start: " + self.logtext())
            time.sleep(0.01)
        for name in ("uid_map", "gid_map"):
            with open("/proc/%d/%s" % (p.pid, name), "w") as f:
                f.write("0 0 4294967295\n")
        p.stdin.write(b"go\n")
        p.stdin.close()
        return p


def idle(m):
    """IDLE on imaplib session @m: its tag and the first line of answer."""
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    return tag, m.readline()


@case
def imap_idle_past_the_inotify_watch_limit_gets_no_limit(d):
    """Sessions idling on one INBOX share its two watches; a folder that
    would need more than the WATCHES the kernel allows is refused IDLE
    with NO [LIMIT], logged once for a run of refusals and counted; when
    a watch is freed, IDLE works there again."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        raise smtp.Skip("needs root and unshare(1) for a user namespace")
    d.close()
    d.__dict__.update(WatchLimited(listen=("imap", "imaps")).__dict__)
    a, b, c, e = (client(d) for _ in range(4))
    ok(a.create("Work"))
    ok(a.create("Play"))
    for m, box in ((a, "INBOX"), (b, "INBOX"), (c, "Work"), (e, "Play")):
        ok(m.select(box))
    tags = {}
    for m in (a, b, c):
        tags[m], line = idle(m)
        expect(line == b"+ idling\r\n", line)
    for _ in range(2):
        tag, line = idle(e)
        expect(line == tag + b" NO [LIMIT] Too many mailboxes watched, "
               b"poll with NOOP instead.\r\n", line)
    c.send(b"DONE\r\n")
    expect(c.readline() == tags[c] + b" OK Idle completed.\r\n", "DONE")
    tags[e], line = idle(e)
    expect(line == b"+ idling\r\n", "IDLE after a watch was freed: %r"
           % line)
    deliver(d, "past the limit")
    told([(a, tags[a]), (b, tags[b])], b"* 1 EXISTS")
    done([(a, tags[a]), (b, tags[b]), (e, tags[e])])
    c.logout()
    d.kill()
    log = d.logtext()
    expect(log.count("IDLE refused: fs.inotify.max_user_watches reached")
           == 1, log[-1500:])
    expect("IDLE watches refused 2, inotify queue overflows 0" in log,
           log[-1500:])


def queued_events_max():
    with open("/proc/sys/fs/inotify/max_queued_events") as f:
        return int(f.read())


@case
def imap_idle_inotify_overflow_brings_every_session_up_to_date(d):
    """More events than the inotify queue holds, made while the daemon is
    stopped: a dot-file made and removed in new/ again and again, then a
    flag changed in cur/ and a delivery into new/, whose events the
    kernel drops for one IN_Q_OVERFLOW. Every IDLE session must still be
    told of both: the overflow makes each look at cur/ again, though it
    had seen no event there."""
    deliver(d, "before the overflow")
    idlers = []
    for _ in range(2):
        m = client(d)
        ok(m.select("INBOX"))       # the first claims it into cur/
        tag, line = idle(m)
        expect(line == b"+ idling\r\n", line)
        idlers.append((m, tag))
    root = os.path.join(d.mail, "alice")
    cur = d.maildir("alice", "cur")
    expect(len(cur) == 1 and cur[0].endswith(":2,"), cur)
    dot = os.path.join(root, "new", ".overflow")
    os.kill(d.proc.pid, signal.SIGSTOP)
    try:
        for _ in range(queued_events_max() // 2 + 16):
            open(dot, "w").close()      # IN_CREATE
            os.unlink(dot)              # IN_DELETE
        os.rename(cur[0], cur[0] + "F")
        tmp = os.path.join(root, "tmp", "lost.host")
        with open(tmp, "wb") as f:
            f.write(b"Subject: lost event\r\n\r\nx\r\n")
        os.rename(tmp, os.path.join(root, "new", "lost.host"))
    finally:
        os.kill(d.proc.pid, signal.SIGCONT)
    for m, _ in idlers:
        lines = [m.readline()]
        while not (any(b"\\Flagged" in x for x in lines) and
                   b"* 2 EXISTS\r\n" in lines):
            expect(lines[-1].startswith(b"* "), lines)
            lines.append(m.readline())
    done(idlers)
    expect("inotify queue overflow, every IDLE session rescans"
           in d.logtext(), d.logtext()[-1500:])


def settled_views(d, n, what):
    """Two sessions on alice's INBOX after @n deliveries: b's SELECT
    claims them into cur/, and both folders are then made a minute old,
    as a folder left alone, so that a's SELECT takes a settled view."""
    for i in range(n):
        deliver(d, "%s %d" % (what, i))
    a, b = logged_in(d), logged_in(d)
    lines = b.cmd("b1", "SELECT INBOX")     # claims them into cur/
    expect(lines[-1].startswith("b1 OK"), lines)
    old = time.time() - 60
    for sub in ("new", "cur"):
        os.utime(os.path.join(d.mail, "alice", sub), (old, old))
    lines = a.cmd("a1", "SELECT INBOX")
    expect("* %d EXISTS" % n in lines and lines[-1].startswith("a1 OK"),
           lines)
    return a, b


@case
def imap_store_reaches_a_settled_view_from_the_log(d):
    """Another session's STORE is told at NOOP from the MODSEQ log, cur/
    not read; a file another program put in cur/ in the STORE's clock
    tick (its mtime put back as the STORE left it) is told at the NOOP
    after, when cur/ is read again."""
    a, b = settled_views(d, 3, "chain")
    lines = b.cmd("b2", "STORE 2 +FLAGS (\\Flagged)")
    expect(lines[-1].startswith("b2 OK"), lines)
    cur = os.path.join(d.mail, "alice", "cur")
    after = os.stat(cur).st_mtime_ns
    with open(os.path.join(cur, "1700000000.M1P1.other:2,S"), "w") as f:
        f.write("Subject: other\n\nother\n")
    os.utime(cur, ns=(after, after))
    lines = a.cmd("a2", "NOOP")
    expect(lines[-1] == "a2 OK NOOP completed." and len(lines) == 2 and
           lines[0].startswith("* 2 FETCH (FLAGS (") and
           "\\Flagged" in lines[0], "the STORE, from the log: %r" % lines)
    lines = a.cmd("a3", "NOOP")
    expect("* 4 EXISTS" in lines, "cur/ not read again: %r" % lines)
    lines = a.cmd("a4", "FETCH 4 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    expect("FLAGS (\\Seen)" in "".join(lines) and
           "Subject: other" in "".join(lines), lines)
    a.close()
    b.close()


@case
def imap_expunge_reaches_a_settled_view_from_the_log(d):
    """Another session's STOREs and EXPUNGE are told at NOOP from the
    MODSEQ log, cur/ not read, in the order and numbering a rescan gives
    (EXPUNGEs and FETCHes by UID, each numbered as the client then counts
    them); a file another program put in cur/ meanwhile (its mtime put
    back) is seen only at the next NOOP, when cur/ is read again."""
    a, b = settled_views(d, 5, "expunge chain")
    for tag, text in (("b2", "STORE 2,4 +FLAGS (\\Deleted)"),
                      ("b3", "STORE 3 +FLAGS (\\Flagged)"),
                      ("b4", "EXPUNGE")):
        lines = b.cmd(tag, text)
        expect(lines[-1].startswith(tag + " OK"), lines)
    cur = os.path.join(d.mail, "alice", "cur")
    after = os.stat(cur).st_mtime_ns
    with open(os.path.join(cur, "1700000000.M2P2.other:2,S"), "w") as f:
        f.write("Subject: other\n\nother\n")
    os.utime(cur, ns=(after, after))
    lines = a.cmd("a2", "NOOP")
    expect(len(lines) == 4 and lines[0] == "* 2 EXPUNGE" and
           lines[1].startswith("* 2 FETCH (FLAGS (") and
           "\\Flagged" in lines[1] and lines[2] == "* 3 EXPUNGE" and
           lines[3] == "a2 OK NOOP completed.", lines)
    lines = a.cmd("a3", "NOOP")
    expect("* 4 EXISTS" in lines, "cur/ not read again: %r" % lines)
    lines = a.cmd("a4", "UID FETCH 1:* (FLAGS)")
    uids = [int(re.search(r"UID (\d+)", x).group(1)) for x in lines[:-1]]
    expect(uids == [1, 3, 5, 6], lines)
    a.close()
    b.close()



@case
def imap_fetch_larger_than_the_socket_buffers_arrives_whole(d):
    """A FETCH answer of some 8 MB over TLS, more than the socket's
    buffers hold: the daemon writes on each time the client reads, and
    every message arrives, byte for byte."""
    first = stored(deliver(d, "big"))     # the Maildir, the daemon's own
    cur = os.path.join(d.mail, "alice", "cur")
    st = os.stat(cur)
    body = [first]
    for i in range(399):
        text = ("Subject: big %d\r\n\r\n" % i +
                ("%05d " % i + "y" * 72 + "\r\n") * 256)
        path = os.path.join(cur, "1700000000.M%dP1.big,S=%d:2," %
                            (i, len(text)))
        with open(path, "w") as f:
            f.write(text)
        os.chown(path, st.st_uid, st.st_gid)
        body.append(text.encode())
    m = imaplib.IMAP4_SSL("127.0.0.1", d.ports["imaps"],
                          ssl_context=insecure(), timeout=20)
    m.login("alice", PASSWORD["alice"])
    typ, data = m.select("INBOX")
    expect(typ == "OK" and data == [b"400"], data)
    typ, data = m.fetch("1:*", "(BODY.PEEK[])")
    expect(typ == "OK", typ)
    got = sorted(x[1] for x in data if isinstance(x, tuple))
    expect(sum(map(len, got)) > 6 << 20 and got == sorted(body),
           "%d messages, %d bytes" % (len(got), sum(map(len, got))))
    m.logout()

def flags_by_uid(lines):
    """{UID: (sorted flags but \\Recent, MODSEQ)} of UID FETCH lines."""
    out = {}
    for line in lines:
        m = re.match(r"\* \d+ FETCH \((.*)\)$", line)
        if not m:
            continue
        uid = int(re.search(r"UID (\d+)", m.group(1)).group(1))
        flags = re.search(r"FLAGS \(([^)]*)\)", m.group(1)).group(1).split()
        out[uid] = (sorted(f for f in flags if f != "\\Recent"),
                    modseqs([line]).get(int(line.split()[1]), (0, 0))[1])
    return out


@case
def imap_select_takes_up_a_closed_view_with_what_changed(d):
    """A SELECT takes up the view a closed session left, brought up to
    date: another program's flag change, removal and delivery since are
    in it, with new MODSEQs, as a fresh scan (a second session opening
    the folder at once) has them; the delivery is \\Recent for it. A
    folder deleted and made anew is not taken for the old one."""
    for i in range(4):
        deliver(d, "kept %d" % i)
    a = logged_in(d)
    lines = a.cmd("a1", "SELECT INBOX (CONDSTORE)")
    expect("* 4 RECENT" in lines, lines)
    lines = a.cmd("a2", "STORE 1 +FLAGS (\\Flagged)")
    expect(lines[-1].startswith("a2 OK"), lines)
    before = code(a.cmd("a3", "SELECT INBOX"), "HIGHESTMODSEQ")
    a.cmd("a4", "CREATE Kept")
    a.cmd("a5", "SELECT Kept")
    a.cmd("a6", "LOGOUT")
    a.close()
    cur = os.path.join(d.mail, "alice", "cur")
    _, uids = uidlist(d)
    name = {uids[n.split(":")[0]]: n for n in os.listdir(cur)}
    os.rename(os.path.join(cur, name[2]), os.path.join(cur, name[2] + "S"))
    os.unlink(os.path.join(cur, name[3]))
    deliver(d, "kept 4")
    b, c = logged_in(d), logged_in(d)
    lines = b.cmd("b1", "SELECT INBOX (CONDSTORE)")
    expect("* 4 EXISTS" in lines and "* 1 RECENT" in lines and
           code(lines, "HIGHESTMODSEQ") > before, lines)
    fetch = "UID FETCH 1:* (FLAGS MODSEQ)"
    taken = flags_by_uid(b.cmd("b2", fetch))
    lines = c.cmd("c1", "SELECT INBOX (CONDSTORE)")
    expect("* 4 EXISTS" in lines and "* 0 RECENT" in lines, lines)
    fresh = flags_by_uid(c.cmd("c2", fetch))
    expect(sorted(taken) == [1, 2, 4, 5] and taken == fresh,
           "taken up %r, fresh %r" % (taken, fresh))
    expect(taken[1][0] == ["\\Flagged"] and
           taken[2][0] == ["\\Seen"] and taken[2][1] > before,
           "flags or MODSEQ: %r, before %d" % (taken, before))
    for tag, text in (("c3", "DELETE Kept"), ("c4", "CREATE Kept")):
        lines = c.cmd(tag, text)
        expect(lines[-1].startswith(tag + " OK"), lines)
    lines = c.cmd("c5", 'APPEND Kept {%d+}\r\n%s' % (len(MSG_KEPT), MSG_KEPT))
    expect(lines[-1].startswith("c5 OK"), lines)
    lines = b.cmd("b3", "SELECT Kept")
    expect("* 1 EXISTS" in lines, "the deleted folder's view: %r" % lines)
    b.close()
    c.close()


MSG_KEPT = "Subject: anew\r\n\r\nanew\r\n"

if __name__ == "__main__":
    sys.exit(smtp.main(CASES, daemon))
