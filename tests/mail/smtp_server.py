#!/usr/bin/env python3
"""A test SMTP server (aiosmtpd) for `tsushin mail send`, with injectable faults.

Listens on a free 127.0.0.1 port and prints `PORT <n>` on stdout once it accepts connections.
Each accepted message is stored in --out as `NNNN.json` (the envelope: mail_from, rcpt_tos)
and then `NNNN.eml` (the exact bytes received, dot-unstuffed): a message is stored once its
.eml exists. The 250 reply is sent only after both files are written.

Faults (counters run over the server's whole life, all connections):
  --refuse ADDR          RCPT TO:<ADDR> answered 550 (repeatable)
  --tempfail-rcpt-once   the first RCPT answered 451 once
  --tempfail-data-once   the first complete DATA answered 451 once (message not stored)
  --drop-in-data N       the N-th DATA: the connection is closed in the middle of the body
                         (message not stored, no reply)
  --drop-after-store N   the N-th message is stored, then the connection is closed without
                         a reply (the client cannot know it arrived)
  --drop-at-mail N       the N-th MAIL FROM: the connection is closed without a reply
  --slow SECONDS         wait this long before storing each message and again before replying
  --auth USER:PASSWORD   require AUTH (PLAIN or LOGIN, without TLS) with these credentials
"""

import argparse
import asyncio
import json
import os
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Faults:
    def __init__(self, args):
        self.args = args
        self.refuse = {a.lower() for a in args.refuse}
        self.mail_count = 0
        self.rcpt_count = 0
        self.data_count = 0
        self.stored = 0
        self.rcpt_tempfailed = False
        self.data_tempfailed = False


class Handler:
    def __init__(self, out, faults):
        self.out = out
        self.faults = faults

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        f = self.faults
        f.mail_count += 1
        if f.args.drop_at_mail == f.mail_count:
            server.transport.close()
            return "421 closing (test fault)"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        f = self.faults
        f.rcpt_count += 1
        if f.args.tempfail_rcpt_once and not f.rcpt_tempfailed:
            f.rcpt_tempfailed = True
            return "451 4.3.0 Temporary failure, try again later (test fault)"
        if address.lower() in f.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        f = self.faults
        if f.args.tempfail_data_once and not f.data_tempfailed:
            f.data_tempfailed = True
            return "451 4.3.0 Temporary failure, try again later (test fault)"
        if f.args.slow:
            await asyncio.sleep(f.args.slow)
        f.stored += 1
        name = os.path.join(self.out, f"{f.stored:04d}")
        envelope_json = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "received_at": time.time(),
        }
        write_atomic(name + ".json", json.dumps(envelope_json).encode())
        write_atomic(name + ".eml", bytes(envelope.original_content))
        if f.args.drop_after_store == f.stored:
            server.transport.close()
            return "421 closing (test fault)"
        if f.args.slow:
            await asyncio.sleep(f.args.slow)
        return f"250 2.0.0 Ok: queued as T{f.stored:04d}"


class Authenticator:
    def __init__(self, credentials):
        user, _, password = credentials.partition(":")
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False)


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class FaultySMTP(SMTP):
    """aiosmtpd's SMTP, able to drop the connection while the body is being received."""

    def __init__(self, handler, faults, **kwargs):
        super().__init__(handler, **kwargs)
        self.faults = faults

    async def smtp_DATA(self, arg):
        f = self.faults
        f.data_count += 1
        if f.args.drop_in_data == f.data_count and self.envelope and self.envelope.rcpt_tos:
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            for _ in range(5):
                await self._reader.readuntil(b"\r\n")
            self.transport.close()
            await asyncio.sleep(0.05)  # let connection_lost end the command loop
            return
        await super().smtp_DATA(arg)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--tempfail-rcpt-once", action="store_true")
    p.add_argument("--tempfail-data-once", action="store_true")
    p.add_argument("--drop-in-data", type=int, default=0)
    p.add_argument("--drop-after-store", type=int, default=0)
    p.add_argument("--drop-at-mail", type=int, default=0)
    p.add_argument("--slow", type=float, default=0.0)
    p.add_argument("--auth", default=None)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    faults = Faults(args)
    handler = Handler(args.out, faults)
    options = {"hostname": "test.invalid", "enable_SMTPUTF8": True}
    if args.auth:
        options.update(
            authenticator=Authenticator(args.auth),
            auth_required=True,
            auth_require_tls=False,
        )
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: FaultySMTP(handler, faults, **options),
        host="127.0.0.1",
        port=0,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
