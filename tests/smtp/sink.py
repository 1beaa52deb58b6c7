"""An SMTP sink for seedbed's tests: aiosmtpd on 127.0.0.1, storing each message's exact bytes.

Usage: sink.py --port N --maildir DIR [--tls-cert CERT --tls-key KEY] [--auth USER:PASS] [--faults FILE]
               [--discard]

Every accepted message goes into the Maildir DIR byte for byte, and one JSON line per message
(envelope sender, recipients, Maildir key) is appended to DIR/envelopes.jsonl. With a certificate
the server offers STARTTLS and requires it; with --auth it requires AUTH (PLAIN or LOGIN, after
STARTTLS). --faults names a JSON file {address: [reply, ...]}: each DATA to that address takes the
next entry ("421 ...", "451 ...", "550 ..." as the reply, "drop" to cut the connection instead of
replying) and is not stored; once the list is used up, messages to it are accepted.
--discard accepts every message without storing it (the benchmark's sink, scripts/bench-digest).
--delay-ms N waits N ms before answering each DATA (a slow server); --smtputf8 offers SMTPUTF8.
Prints "ready" on standard output once it listens; runs until killed.
"""
import argparse
import asyncio
import json
import mailbox
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, maildir, faults, discard=False, delay_ms=0):
        self.discard = discard
        self.delay = delay_ms / 1000
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        self.box = mailbox.Maildir(maildir, create=False)
        self.log = open(os.path.join(maildir, "envelopes.jsonl"), "a", encoding="utf-8")
        self.faults = faults
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.discard:
            return "250 OK discarded"
        rcpts = [r.lower() for r in envelope.rcpt_tos]
        with self.lock:
            for rcpt in rcpts:
                queue = self.faults.get(rcpt)
                if queue:
                    fault = queue.pop(0)
                    if fault == "drop":
                        server.transport.abort()
                        return "421 dropped"
                    return fault
            key = self.box.add(envelope.original_content)
            self.log.write(json.dumps({"from": envelope.mail_from, "rcpt": envelope.rcpt_tos, "key": key}) + "\n")
            self.log.flush()
        return "250 OK stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth")
    parser.add_argument("--faults")
    parser.add_argument("--discard", action="store_true")
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--smtputf8", action="store_true")
    args = parser.parse_args()
    faults = {}
    if args.faults:
        with open(args.faults, encoding="utf-8") as f:
            faults = {k.lower(): v for k, v in json.load(f).items()}
    options = {"enable_SMTPUTF8": args.smtputf8}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        options.update(authenticator=authenticator, auth_required=True)
    controller = Controller(Sink(args.maildir, faults, args.discard, args.delay_ms), hostname="127.0.0.1", port=args.port,
                            data_size_limit=50_000_000, **options)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
