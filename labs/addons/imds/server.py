#!/usr/bin/env python3
"""An EC2 instance metadata service (IMDS) emulator for the k8s-sec-lab imds-escape scenario.

It speaks the IMDSv1 and IMDSv2 protocols closely enough for curl, the AWS CLI and
the SDKs, serves obviously fake node credentials, and applies the three settings of
`aws ec2 modify-instance-metadata-options`, read from one file each in a settings
directory (a mounted ConfigMap) on every request:

  http-tokens                  optional | required
  http-put-response-hop-limit  1..64
  http-endpoint                enabled | disabled

The hop limit is real: every response to a PUT leaves with that IP TTL, so a client
that is further away than the hop limit never receives its token. Every request is
logged to stdout as one JSON line; the first line says where the server listens.

With --flags-configmap, the node role's session Token ends with the lab's attack flags:
every value of that ConfigMap, read through the Kubernetes API on each credentials request.

Python 3 standard library only, so it runs from a ConfigMap in a stock python image.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import secrets
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Union
from urllib.parse import urlsplit

TOKEN_PATH = "/latest/api/token"
# Lab-only: the effective settings, answered only to a client inside the emulator's own
# pod (kubectl exec), never to pods on the node; those get the usual 404.
LAB_SETTINGS_PATH = "/k8s-sec-lab/effective-settings"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
MAX_TOKEN_TTL_SECONDS = 21600

# Everything below is fake and says so. The instance, AMI and account ids are the
# examples from the AWS documentation; the keys end in EXAMPLE like the documented
# sample keys, which secret scanners recognise as placeholders.
ROLE_NAME = "k8s-sec-lab-node-role"
ACCOUNT_ID = "123456789012"
INSTANCE_ID = "i-1234567890abcdef0"
AMI_ID = "ami-0abcdef1234567890"
INSTANCE_TYPE = "m5.large"
REGION = "us-east-1"
AVAILABILITY_ZONE = "us-east-1a"
LOCAL_IPV4 = "10.0.1.23"
HOSTNAME = "ip-10-0-1-23.ec2.internal"
FAKE_ACCESS_KEY_ID = "ASIAFAKEK8SSECLABEXAMPLE"
FAKE_SECRET_ACCESS_KEY = "FAKE/k8s-sec-lab/notARealSecretAccessKeyEXAMPLE"
FAKE_SESSION_TOKEN = (
    "FAKE-k8s-sec-lab-session-token-for-training-only-"
    "it-opens-nothing-anywhere-EXAMPLE"
)
CREDENTIAL_LIFETIME = timedelta(hours=6)
CREDENTIALS_PATH = f"/latest/meta-data/iam/security-credentials/{ROLE_NAME}"
# An attack flag as the lab plants it (src/lifecycle/flags.ts); anything else in the
# flags ConfigMap is ignored, so the Token stays one unbroken string.
FLAG_PATTERN = re.compile(r"K8SLAB\{[0-9a-f]{24}\}")
SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")

Tree = dict[str, Union[str, "Tree"]]


class SettingsError(Exception):
    """A settings file is missing or holds a value the lab does not accept."""

    def __init__(self, file: Path, value: str, expected: str) -> None:
        super().__init__(f"invalid IMDS setting in {file}: {value!r} (expected {expected})")
        self.file = file
        self.value = value


@dataclass(frozen=True)
class Settings:
    tokens_required: bool
    hop_limit: int
    endpoint_enabled: bool


def read_settings(directory: Path) -> Settings:
    """Reads the settings files. Invalid values raise rather than fall back to a
    default: a lab that quietly changed its settings would teach the wrong lesson."""
    tokens = _read_setting(directory, "http-tokens")
    if tokens not in ("optional", "required"):
        raise SettingsError(directory / "http-tokens", tokens, "optional or required")
    hop_limit = _read_setting(directory, "http-put-response-hop-limit")
    if not re.fullmatch(r"[0-9]{1,2}", hop_limit) or not 1 <= int(hop_limit) <= 64:
        raise SettingsError(
            directory / "http-put-response-hop-limit", hop_limit, "an integer from 1 to 64"
        )
    endpoint = _read_setting(directory, "http-endpoint")
    if endpoint not in ("enabled", "disabled"):
        raise SettingsError(directory / "http-endpoint", endpoint, "enabled or disabled")
    return Settings(tokens == "required", int(hop_limit), endpoint == "enabled")


# ConfigMap values often end with a newline (kubectl create configmap --from-file);
# surrounding ASCII whitespace is not part of a value. The lab's grader normalises
# exactly the same way (src/engines/imds/settings.ts; shared test vectors in
# test/fixtures/imds/settings-vectors.json).
SETTING_WHITESPACE = " \t\n\r\f\v"


def _read_setting(directory: Path, name: str) -> str:
    file = directory / name
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise SettingsError(file, "<missing>", "a file holding the setting") from None
    try:
        return raw.decode("utf-8").strip(SETTING_WHITESPACE)
    except UnicodeDecodeError:
        raise SettingsError(file, "<not UTF-8>", "a UTF-8 text file") from None


def effective_settings(directory: Path) -> dict[str, Any]:
    """The settings as the server applies them, for the lab's grader: parsed, or the error."""
    try:
        settings = read_settings(directory)
    except SettingsError as error:
        return {"valid": False, "file": error.file.name, "value": error.value, "message": str(error)}
    return {
        "valid": True,
        "http-tokens": "required" if settings.tokens_required else "optional",
        "http-put-response-hop-limit": settings.hop_limit,
        "http-endpoint": "enabled" if settings.endpoint_enabled else "disabled",
    }


class FlagSource:
    """The attack flags the lab planted in the node role's credentials: every value of one
    lab ConfigMap (keys `<scenario>.<flag>`, one per scenario that plants an IMDS flag),
    read through the Kubernetes API on each credentials request, so the value a `reset`
    plants is served at once (a mounted ConfigMap would lag by up to a minute)."""

    def __init__(self, api: str, configmap: str, token_file: Path, ca_file: Path | None) -> None:
        namespace, _, name = configmap.partition("/")
        if not namespace or not name:
            raise ValueError(f"--flags-configmap must be NAMESPACE/NAME, not {configmap!r}")
        self.url = f"{api.rstrip('/')}/api/v1/namespaces/{namespace}/configmaps/{name}"
        self.token_file = token_file
        self.context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    def values(self) -> list[str]:
        """The planted flags in key order; none when the ConfigMap does not exist. Raises
        OSError (URLError included) when the API cannot be asked."""
        # Read per request: kubelet rotates the projected token in place.
        token = self.token_file.read_text().strip()
        request = urllib.request.Request(self.url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=3, context=self.context) as response:
                data = json.load(response).get("data") or {}
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return []
            raise
        return [value.strip() for _, value in sorted(data.items()) if FLAG_PATTERN.fullmatch(value.strip())]


class TokenStore:
    """Session tokens issued by PUT /latest/api/token, each valid for its own TTL."""

    def __init__(self) -> None:
        self._expiry_by_token: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, ttl_seconds: int) -> str:
        token = secrets.token_urlsafe(42)
        now = time.monotonic()
        with self._lock:
            self._expiry_by_token = {t: e for t, e in self._expiry_by_token.items() if e > now}
            self._expiry_by_token[token] = now + ttl_seconds
        return token

    def is_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._expiry_by_token.get(token)
        return expiry is not None and time.monotonic() < expiry


@dataclass
class Response:
    status: int
    body: str
    content_type: str = "text/plain"
    headers: dict[str, str] = field(default_factory=dict)


def error_response(status: int, detail: str = "") -> Response:
    """An error page shaped like the XHTML one IMDS sends."""
    title = f"{status} - {_REASONS[status]}"
    paragraph = f"\n  <p>{html.escape(detail)}</p>" if detail else ""
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
        '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n'
        f" <head>\n  <title>{title}</title>\n </head>\n"
        f" <body>\n  <h1>{title}</h1>{paragraph}\n </body>\n</html>\n"
    )
    return Response(status, body, "text/html")


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
}


def metadata_tree(now: datetime, started: datetime, flags: list[str] | None = None) -> Tree:
    """The metadata served, as nested directories (dicts) and documents (str); the
    planted attack flags end the session token."""
    issued = now.replace(minute=0, second=0, microsecond=0)
    credentials = {
        "Code": "Success",
        "LastUpdated": _timestamp(issued),
        "Type": "AWS-HMAC",
        "AccessKeyId": FAKE_ACCESS_KEY_ID,
        "SecretAccessKey": FAKE_SECRET_ACCESS_KEY,
        "Token": "-".join([FAKE_SESSION_TOKEN, *(flags or [])]),
        "Expiration": _timestamp(issued + CREDENTIAL_LIFETIME),
    }
    iam_info = {
        "Code": "Success",
        "LastUpdated": _timestamp(issued),
        "InstanceProfileArn": f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/{ROLE_NAME}",
        "InstanceProfileId": "AIPAFAKEK8SSECLABEXAMPLE",
    }
    identity_document = {
        "accountId": ACCOUNT_ID,
        "architecture": "x86_64",
        "availabilityZone": AVAILABILITY_ZONE,
        "imageId": AMI_ID,
        "instanceId": INSTANCE_ID,
        "instanceType": INSTANCE_TYPE,
        "pendingTime": _timestamp(started),
        "privateIp": LOCAL_IPV4,
        "region": REGION,
        "version": "2017-09-30",
    }
    return {
        "latest": {
            "dynamic": {"instance-identity": {"document": _aws_json(identity_document)}},
            "meta-data": {
                "ami-id": AMI_ID,
                "hostname": HOSTNAME,
                "iam": {
                    "info": _aws_json(iam_info),
                    "security-credentials": {ROLE_NAME: _aws_json(credentials)},
                },
                "instance-id": INSTANCE_ID,
                "instance-type": INSTANCE_TYPE,
                "local-hostname": HOSTNAME,
                "local-ipv4": LOCAL_IPV4,
                "placement": {"availability-zone": AVAILABILITY_ZONE, "region": REGION},
            },
        }
    }


def lookup(tree: Tree, path: str) -> str | None:
    """A document's text, a directory's listing (subdirectories end in /), or None.
    A trailing slash is optional, as on IMDS."""
    node: str | Tree = tree
    for segment in (s for s in path.split("/") if s):
        if not isinstance(node, dict) or segment not in node:
            return None
        node = node[segment]
    if isinstance(node, str):
        return node
    return "\n".join(name + ("/" if isinstance(child, dict) else "") for name, child in node.items())


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _aws_json(document: dict[str, Any]) -> str:
    # IMDS pretty-prints its JSON with " : " between keys and values.
    return json.dumps(document, indent=2, separators=(",", " : "))


class ImdsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], settings_dir: Path, flags: FlagSource | None = None) -> None:
        super().__init__(address, ImdsHandler)
        self.settings_dir = settings_dir
        self.flags = flags
        self.tokens = TokenStore()
        self.started = datetime.now(timezone.utc)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the bind address's host name (getfqdn), a
        # reverse DNS query that can stall start-up for seconds; the name is unused.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class ImdsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EC2ws"
    # Idle keep-alive connections are closed after a minute instead of holding a thread.
    timeout = 60
    server: ImdsServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        if urlsplit(self.path).path == LAB_SETTINGS_PATH and self._client_is_local():
            body = json.dumps(effective_settings(self.server.settings_dir), sort_keys=True)
            self._finish(Response(200, body + "\n", "application/json"), auth="lab")
            return
        settings = self._settings()
        if settings is not None:
            response, auth = self._read_response(settings)
            self._finish(response, auth=auth)

    do_HEAD = do_GET

    def do_PUT(self) -> None:
        settings = self._settings()
        if settings is not None:
            self._finish(self._put_response(settings), hop_limit=settings.hop_limit)

    def _client_is_local(self) -> bool:
        """A connection from the server's own address: in the cluster only a process in the
        emulator's pod can make one (169.254.169.254 to itself); pods arrive from other addresses."""
        return self.client_address[0] == self.server.server_address[0]

    def _settings(self) -> Settings | None:
        """The current settings, or None once a 500 naming the bad file has been sent."""
        try:
            return read_settings(self.server.settings_dir)
        except SettingsError as error:
            log({"event": "settings-error", "file": str(error.file), "value": error.value, "message": str(error)})
            self._finish(error_response(500, str(error)))
            return None

    def _read_response(self, settings: Settings) -> tuple[Response, str]:
        if not settings.endpoint_enabled:
            return error_response(403), "none"
        token = self.headers.get(TOKEN_HEADER)
        if token is not None:
            # A token that is sent must be valid, even where tokens are optional.
            if not self.server.tokens.is_valid(token):
                return error_response(401), "invalid-token"
            auth = "v2"
        elif settings.tokens_required:
            return error_response(401), "none"
        else:
            auth = "v1"
        path = urlsplit(self.path).path
        if path.rstrip("/") == TOKEN_PATH:
            response = error_response(405)
            response.headers["Allow"] = "PUT"
            return response, auth
        now = datetime.now(timezone.utc)
        flags = self._flags() if path.rstrip("/") == CREDENTIALS_PATH else []
        document = lookup(metadata_tree(now, self.server.started, flags), path)
        return (error_response(404) if document is None else Response(200, document)), auth

    def _flags(self) -> list[str]:
        """The planted flags, or none (logged as flags-error) when they cannot be read: the
        credentials are still served, so the lab's graders see the hole exactly as it is."""
        if self.server.flags is None:
            return []
        try:
            return self.server.flags.values()
        except (OSError, ValueError) as error:
            log({"event": "flags-error", "message": str(error)})
            return []

    def _put_response(self, settings: Settings) -> Response:
        if not settings.endpoint_enabled:
            return error_response(403)
        if urlsplit(self.path).path != TOKEN_PATH:
            response = error_response(405)
            response.headers["Allow"] = "GET, HEAD"
            return response
        if "X-Forwarded-For" in self.headers:
            # IMDS refuses token requests that went through a proxy.
            return error_response(403)
        ttl = self.headers.get(TOKEN_TTL_HEADER, "").strip()
        if not re.fullmatch(r"[0-9]{1,5}", ttl) or not 1 <= int(ttl) <= MAX_TOKEN_TTL_SECONDS:
            return error_response(400)
        response = Response(200, self.server.tokens.issue(int(ttl)))
        response.headers[TOKEN_TTL_HEADER] = ttl
        return response

    def _finish(self, response: Response, *, hop_limit: int | None = None, auth: str = "") -> None:
        """Sends the response and logs it with the IP TTL of the socket that sent it.

        With a hop limit, the TTL is set before the first byte and the connection is
        closed after the response instead of restoring the default: TCP retransmits a
        segment with the socket's TTL at that moment, so a restored default would
        carry a dropped token to a client beyond the hop limit on the next retry.
        """
        if hop_limit is not None:
            self.connection.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, hop_limit)
        body = response.body.encode("utf-8")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        if hop_limit is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        entry: dict[str, Any] = {
            "event": "request",
            "method": self.command,
            "path": self.path,
            "status": response.status,
            "client": self.client_address[0],
            "ttl": self.connection.getsockopt(socket.IPPROTO_IP, socket.IP_TTL),
        }
        if auth:
            entry["auth"] = auth
        log(entry)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are logged by _finish, once the response has left."""

    def log_message(self, format: str, *args: Any) -> None:
        # Only http.server's own errors (malformed requests, unknown methods) get here.
        log({"event": "http-error", "client": self.client_address[0], "message": format % args})


_log_lock = threading.Lock()


def log(entry: dict[str, Any]) -> None:
    line = json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), **entry})
    with _log_lock:
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bind", default="169.254.169.254", help="address to listen on")
    parser.add_argument("--port", type=int, default=80, help="port to listen on; 0 picks a free one")
    parser.add_argument("--settings-dir", type=Path, default=Path("/etc/imds"), help="directory of settings files")
    parser.add_argument("--flags-configmap", help="NAMESPACE/NAME of the ConfigMap whose values end the credentials' Token (the lab's attack flags)")
    in_cluster_api = f"https://{os.environ.get('KUBERNETES_SERVICE_HOST', 'kubernetes.default.svc')}:{os.environ.get('KUBERNETES_SERVICE_PORT', '443')}"
    parser.add_argument("--kube-api", default=in_cluster_api, help="the Kubernetes API server (default: in-cluster)")
    parser.add_argument("--kube-token-file", type=Path, default=SERVICE_ACCOUNT_DIR / "token", help="bearer token for --kube-api")
    parser.add_argument("--kube-ca-file", type=Path, default=SERVICE_ACCOUNT_DIR / "ca.crt", help="CA bundle for --kube-api")
    options = parser.parse_args()

    flags = FlagSource(options.kube_api, options.flags_configmap, options.kube_token_file, options.kube_ca_file) if options.flags_configmap else None
    server = ImdsServer((options.bind, options.port), options.settings_dir, flags)
    # Exit cleanly (code 0) when Kubernetes stops the pod.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    log({"event": "listening", "address": host, "port": port, "settingsDir": str(options.settings_dir), "flags": flags.url if flags else None})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
