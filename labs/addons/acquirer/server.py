"""The card acquirer's partner API, played inside the cluster (k8s-sec-lab add-on).

Scenarios give their services an "outside" address to allowlist, 203.0.113.10:443
(a documentation address: TEST-NET-3). No packet may leave the machine, so this
server answers that address on every node instead; see README.md for how the
traffic reaches it with its destination unchanged.

    GET  /v1/health    200 {"service": "k8s-sec-lab-acquirer", "status": "ok", ...}
    POST /v1/webhooks  202 {"accepted": true, "bytes": N}
    anything else      404

HTTPS with the lab's own self-signed certificate (obviously fake, see
acquirer-tls.yaml). The TLS handshake runs on the connection's own thread, so
a client that connects and never speaks TLS (the relay's delivery check opens a
bare TCP connection) holds up nobody. One JSON line per event on stdout.
Python standard library only.
"""
import argparse
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE = "k8s-sec-lab-acquirer"
HANDSHAKE_TIMEOUT_SECONDS = 10
MAX_BODY_BYTES = 65536
log_lock = threading.Lock()


def log(**fields: object) -> None:
    """One JSON line per event; the lock keeps lines from two threads apart."""
    line = json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **fields})
    with log_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Handler(BaseHTTPRequestHandler):
    server_version = "k8s-sec-lab-fake-acquirer/1"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/v1/health":
            self.reply(200, {"service": SERVICE, "status": "ok", "fake": True, "note": "the k8s-sec-lab stand-in for the acquirer; no real payments"})
        else:
            self.reply(404, {"service": SERVICE, "error": "not found"})

    def do_POST(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY_BYTES)
        body = self.rfile.read(length)
        if self.path == "/v1/webhooks":
            self.reply(202, {"service": SERVICE, "accepted": True, "bytes": len(body)})
        else:
            self.reply(404, {"service": SERVICE, "error": "not found"})

    def reply(self, status: int, document: dict[str, object]) -> None:
        body = (json.dumps(document) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True
        log(event="request", method=self.command, path=self.path, status=status, client=self.client_address[0])

    def log_message(self, format: str, *args: object) -> None:
        """Requests are logged as JSON by reply()."""


class AcquirerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext) -> None:
        self.context = context
        super().__init__(address, Handler)

    def finish_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError) as error:
            # The readiness probe's bare connections come from the server's own address: not news.
            if client_address[0] != self.server_address[0]:
                log(event="no-tls", client=client_address[0], error=str(error) or type(error).__name__)
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        log(event="connection-error", client=client_address[0], error=str(sys.exc_info()[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="203.0.113.10")
    parser.add_argument("--port", type=int, default=443)
    parser.add_argument("--cert", required=True, help="PEM certificate")
    parser.add_argument("--key", required=True, help="PEM private key")
    args = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server = AcquirerServer((args.bind, args.port), context)
    log(event="listening", address=server.server_address[0], port=server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
