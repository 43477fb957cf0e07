"""A real SMTP server for the tests (aiosmtpd): every message it accepts is appended to a JSON
lines file, as the envelope (MAIL FROM, RCPT TO), the raw data and what Python's own email
parser reads from it (subject, sender, recipients, headers, the plain-text body with its line
ends as \n), so the tests judge the messages with a reference parser rather than with the
gateway's code.

    smtp_sink.py --out FILE [--port N] [--auth USER:PASSWORD] [--reply-file FILE]
                 [--tls starttls|implicit --tls-dir DIR]

It listens on 127.0.0.1 (port 0 picks a free one) and prints {"port": N} on its first line of
output once it accepts connections. With --auth, AUTH PLAIN/LOGIN with those credentials is
required (over the unencrypted connection: this is a test). With --reply-file, while that file
holds an SMTP reply (`451 4.3.0 try later`), DATA is answered with it and nothing is recorded.
With --tls, a certificate for 127.0.0.1 and localhost issued by a throwaway CA (`trustme`) is
served — STARTTLS required before MAIL, or TLS from the first byte — and the CA's certificate is
written to DIR/ca.pem for the client to trust.
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out, reply_file):
        self.out = out
        self.reply_file = reply_file

    async def handle_DATA(self, server, session, envelope):
        if self.reply_file and os.path.exists(self.reply_file):
            with open(self.reply_file) as f:
                reply = f.read().strip()
            if reply:
                return reply
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "authenticated": bool(session.authenticated),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "headers": [[name, str(value)] for name, value in message.items()],
            "content_type": message.get_content_type(),
            # Line ends as Python reads text: SMTP's CRLF becomes \n.
            "body": body.get_content().replace("\r\n", "\n") if body is not None else None,
            "raw": raw.decode("utf-8", "replace"),
        }
        with open(self.out, "a") as f:
            f.write(json.dumps(record) + "\n")
        return "250 2.0.0 Message accepted"


def authenticator(login, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == login
            and auth_data.password == password
        )
        # handled=False: aiosmtpd answers the refusal (535) itself.
        return AuthResult(success=ok, handled=False)

    return check


# AUTH without TLS is what this test server is for; aiosmtpd warns about it (and about its own
# use of a deprecated attribute) on every connection.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
logging.getLogger("mail.log").setLevel(logging.ERROR)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth")
    parser.add_argument("--reply-file")
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--tls-dir")
    args = parser.parse_args()
    sink = Sink(args.out, args.reply_file)
    options = {}
    if args.auth:
        login, password = args.auth.split(":", 1)
        options = {
            "authenticator": authenticator(login.encode(), password.encode()),
            "auth_required": True,
            "auth_require_tls": False,
        }
    ssl_context = None
    if args.tls:
        import ssl

        import trustme

        ca = trustme.CA()
        ca.cert_pem.write_to_path(os.path.join(args.tls_dir, "ca.pem"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        if args.tls == "starttls":
            options.update({"tls_context": context, "require_starttls": True})
            if args.auth:
                options["auth_require_tls"] = True
        else:
            ssl_context = context
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", **options),
        "127.0.0.1",
        args.port,
        ssl=ssl_context,
    )
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
