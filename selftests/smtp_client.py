#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""smtp_client.py: SMTP sessions for selftests/smtp.sh, each printing one
JSON line of what happened, so that the shell asserts on it:
  {"result": "ok" | "reset" | "closed" | "refused" | "rejected",
   "step": what was being done, "code": last reply code}

  send HOST FROM TO[,TO...] [--size N] [--helo NAME] [--token T]
      smtplib: EHLO, MAIL, RCPT..., DATA; the message body holds T and a
      line starting with a dot; written to --out as sent (for comparing).
  script HOST [--bytewise] [--pregreet] LINE...
      raw socket: the lines are sent in one write each ("\\n" in a LINE is
      sent as CRLF, so "MAIL...\\nRCPT..." is pipelined; "<LF>" as a bare
      LF), or one byte per segment with --bytewise; each line's replies
      are read; "greet_ms" is how long the greeting took after connect.
  tls HOST USER PASS RCPT
      smtplib: STARTTLS, then RCPT RCPT (expect a refusal, the session
      alive), AUTH PLAIN, RCPT RCPT again (accepted).
  conns HOST N
      N connections at once; prints how many got the greeting.
  batch
      each line of stdin is one of the above, one JSON line out each.
"""
import json
import shlex
import os
import smtplib
import socket
import ssl
import sys
import time

TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "8"))


class Done(Exception):
    pass


def out(result, step, code=0, **kw):
    raise Done(json.dumps(dict(result=result, step=step, code=code, **kw)))


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def disconnected(e):
    """smtplib turns a reset, and a timeout too, into a disconnection;
    its text keeps the socket error's."""
    text = str(e).lower()
    if "reset" in text:
        return "reset"
    return "timeout" if "timed out" in text else "closed"


def send(host, argv):
    sender, rcpts = argv[0], argv[1].split(",")
    opts = dict(zip(argv[2::2], argv[3::2]))
    size = int(opts.get("--size", 0))
    token = opts.get("--token", "token")
    body = ("From: <%s>\r\nTo: <%s>\r\nSubject: guard %s\r\n\r\n"
            "Hello through the guard: %s\r\n.a line with a leading dot\r\n"
            % (sender, rcpts[0], token, token))
    body += "x" * 70 + "\r\n"
    while len(body) < size:
        body += "y" * 70 + "\r\n"
    if "--out" in opts:
        with open(opts["--out"], "wb") as f:
            f.write(body.encode())
    step = "connect"
    code = 0
    try:
        # A local_hostname, or smtplib asks DNS: no traffic leaves the lab.
        s = smtplib.SMTP(local_hostname="client.lab.example", timeout=TIMEOUT)
        s.connect(host, 25)
        step = "ehlo"
        code, _ = s.ehlo(opts.get("--helo", "client.lab.example"))
        step = "mail"
        code, _ = s.mail(sender)
        if code != 250:
            out("rejected", step, code)
        for r in rcpts:
            step = "rcpt"
            code, _ = s.rcpt(r)
            if code not in (250, 251):
                out("rejected", step, code)
        step = "data"
        code, _ = s.data(body.encode())
        if code != 250:
            out("rejected", step, code)
        step = "quit"
        s.quit()
    except (ConnectionResetError, BrokenPipeError):
        out("reset", step, code)
    except ConnectionRefusedError:
        out("refused", step, code)
    except smtplib.SMTPServerDisconnected as e:
        out(disconnected(e), step, code)
    except smtplib.SMTPResponseException as e:
        out("rejected", step, e.smtp_code)
    except (socket.timeout, TimeoutError):
        out("timeout", step, code)
    out("ok", step, code)


def read_reply(sock, buf):
    """One whole reply: (code, rest of the buffer)."""
    while True:
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            if len(line) < 4 or line[3:4] != b"-":
                return int(line[:3]), buf
        data = sock.recv(4096)
        if not data:
            raise EOFError
        buf += data


def script(host, argv):
    bytewise = "--bytewise" in argv
    pregreet = "--pregreet" in argv
    lines = [a for a in argv if not a.startswith("--")]
    sock = socket.socket(family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(TIMEOUT)
    step, code, buf, greet_ms = "connect", 0, b"", 0
    try:
        sock.connect((host, 25))
        start = time.monotonic()
        if not pregreet:
            step = "greeting"
            code, buf = read_reply(sock, buf)
            greet_ms = int((time.monotonic() - start) * 1000)
        for line in lines:
            step = line.split("\\n")[-1][:40]
            data = line.replace("\\n", "\r\n").replace("<LF>", "\n")
            data = data.encode() + b"\r\n"
            if bytewise:
                for i in range(len(data)):
                    sock.send(data[i:i + 1])
                    time.sleep(0.005)
            else:
                sock.send(data)
            if pregreet:
                code, buf = read_reply(sock, buf)
                pregreet = False
            for _ in range(line.count("\\n") + 1):
                code, buf = read_reply(sock, buf)
    except (ConnectionResetError, BrokenPipeError):
        out("reset", step, code)
    except ConnectionRefusedError:
        out("refused", step, code)
    except EOFError:
        out("closed", step, code)
    except (socket.timeout, TimeoutError):
        out("timeout", step, code)
    out("ok", step, code, greet_ms=greet_ms)


def tls(host, argv):
    user, password, rcpt = argv
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    step, code = "connect", 0
    try:
        s = smtplib.SMTP(host, 25, local_hostname="client.lab.example",
                         timeout=TIMEOUT)
        step = "starttls"
        s.starttls(context=ctx)
        s.ehlo("client.lab.example")
        s.mail("someone@client.example")
        step = "rcpt-before-auth"
        before, _ = s.rcpt(rcpt)
        s.rset()
        step = "auth"
        s.login(user, password)
        s.mail("%s@lab.example" % user)
        step = "rcpt-after-auth"
        after, _ = s.rcpt(rcpt)
        s.quit()
    except (ConnectionResetError, BrokenPipeError):
        out("reset", step, code)
    except smtplib.SMTPServerDisconnected as e:
        out(disconnected(e), step, code)
    out("ok", step, after, before=before)


def conns(host, argv):
    socks, greeted = [], 0
    for _ in range(int(argv[0])):
        s = socket.socket(family(host), socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        try:
            s.connect((host, 25))
            if s.recv(4096).startswith(b"220"):
                greeted += 1
        except OSError:
            pass
        socks.append(s)
    # QUIT and wait for the server's close: when this returns the guard
    # has seen both FINs, and the next connections are judged without
    # these (conn-max counts what is open).
    for s in socks:
        try:
            s.sendall(b"QUIT\r\n")
            while s.recv(4096):
                pass
        except OSError:
            pass
        s.close()
    out("ok", "conns", 0, greeted=greeted)


def run(argv):
    cmd, host, rest = argv[0], argv[1], argv[2:]
    try:
        {"send": send, "script": script, "tls": tls, "conns": conns}[cmd](
            host, rest)
    except Done as d:
        print(d, flush=True)


def main():
    """One session from the arguments, or with "batch" one per line of
    stdin (shell words): python starts slowly under emulation."""
    if sys.argv[1] != "batch":
        run(sys.argv[1:])
        return
    for line in sys.stdin:
        if line.strip():
            run(shlex.split(line))


if __name__ == "__main__":
    main()
