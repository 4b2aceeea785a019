"""A real SMTP relay on loopback for the server's email tests.

  relay.py --port N --spool DIR [--starttls CERT_DIR --user NAME --password PW]

Without --starttls it speaks plaintext only and offers no STARTTLS. With it,
STARTTLS is required before anything else and AUTH is required after. Its
certificate for 127.0.0.1 comes from a throwaway CA made on first start: CERT_DIR
gets ca.pem (for the client to trust) and server.pem, reused when the relay starts
again with the same CERT_DIR.
Every accepted message is written to DIR as 00001.eml, 00002.eml, ... in the
order it arrived, and "RECEIVED" is printed for each. Prints "READY" when it
listens; runs until stdin closes.
"""

import argparse
import os
import ssl
import logging
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Spool:
    def __init__(self, directory):
        self.directory = directory
        self.count = len([n for n in os.listdir(directory) if n.endswith(".eml")])

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.directory, f"{self.count:05}.eml")
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.replace(path + ".tmp", path)
        # Tells the test the moment a message is on disk.
        print("RECEIVED", flush=True)
        return "250 Message accepted for delivery"


def main():
    # aiosmtpd logs a warning about its own use of a deprecated attribute on every AUTH.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--starttls", metavar="CERT_DIR")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    options = {}
    if args.starttls:
        server_pem = os.path.join(args.starttls, "server.pem")
        if not os.path.exists(server_pem):
            import trustme

            ca = trustme.CA()
            cert = ca.issue_cert("127.0.0.1", "localhost")
            cert.private_key_and_cert_chain_pem.write_to_path(server_pem)
            ca.cert_pem.write_to_path(os.path.join(args.starttls, "ca.pem"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(server_pem)

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (
                auth_data.login.decode() == args.user
                and auth_data.password.decode() == args.password
            )
            return AuthResult(success=ok)

        options = dict(
            tls_context=context,
            require_starttls=True,
            authenticator=authenticate,
            auth_required=True,
        )

    controller = Controller(
        Spool(args.spool), hostname="127.0.0.1", port=args.port, **options
    )
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
