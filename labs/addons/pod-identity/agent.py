#!/usr/bin/env python3
"""An EKS Pod Identity Agent emulator for the k8s-sec-lab eks-pod-identity scenario.

It answers `GET /v1/credentials` on 169.254.170.23:80 as the agent does on an EKS
node: the pod sends its projected service-account token (audience
pods.eks.amazonaws.com) in the Authorization header, as the AWS SDKs do when
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE are set.
Where EKS would ask its EKS Auth API, the emulator asks the cluster itself:

  1. a TokenReview with that audience says whether the token is valid, and for which
     service account (the API server checks the signature, the expiry, the audience
     and that the pod it is bound to still exists);
  2. the ConfigMap of pod identity associations (the lab's
     `aws eks create-pod-identity-association`) maps "<namespace>.<service-account>"
     to a role ARN;
  3. the answer is fake credentials that name that role, or an error.

Statuses: 200 credentials; 400 no token, or not a JWT; 401 the token is not valid for
the audience; 403 no association for the service account, or the agent was called
through another address; 404 other paths; 405 other methods; 500 the agent could not
decide (API server unreachable, a refused TokenReview, an invalid association): it
fails closed and never answers with credentials it could not justify. Every request
is logged to stdout as one JSON line.

Python 3 standard library only, so it runs from a ConfigMap in a stock python image.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import re
import signal
import socketserver
import ssl
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

AGENT_ADDRESS = "169.254.170.23"
CREDENTIALS_PATH = "/v1/credentials"
AUDIENCE = "pods.eks.amazonaws.com"
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
SERVICE_ACCOUNT_USER = re.compile(r"^system:serviceaccount:([a-z0-9]([-a-z0-9]*[a-z0-9])?):([^:]+)$")
ROLE_ARN = re.compile(r"^arn:aws:iam::([0-9]{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})$")
JWT_SHAPE = re.compile(r"^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+$")
CREDENTIAL_LIFETIME = timedelta(hours=6)
API_TIMEOUT_SECONDS = 5

# Fake and says so. The keys end in EXAMPLE like the AWS documentation's sample keys.
FAKE_ACCESS_KEY_ID = "ASIAFAKEPODIDENTITYEXAMPLE"
FAKE_SECRET_ACCESS_KEY = "FAKE/k8s-sec-lab/pod-identity/notARealSecretKeyEXAMPLE"


class Refusal(Exception):
    """A request the agent answers with an error status and a message."""

    def __init__(self, status: int, message: str, **log_fields: Any) -> None:
        super().__init__(message)
        self.status = status
        self.log_fields = log_fields


@dataclass(frozen=True)
class ApiServer:
    """How the agent reaches the Kubernetes API: URL, its own bearer token, the CA."""

    url: str
    token_file: str
    ca_file: str

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        # The token is read on every call: kubelet rotates the projected file.
        with open(self.token_file, encoding="utf-8") as file:
            token = file.read().strip()
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url.rstrip("/") + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json", "Content-Type": "application/json"},
        )
        context = ssl.create_default_context(cafile=self.ca_file)
        try:
            with urllib.request.urlopen(request, context=context, timeout=API_TIMEOUT_SECONDS) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.load(error)
            except ValueError:
                return error.code, {}


def subject_of(api: ApiServer, token: str) -> tuple[str, str, str]:
    """(namespace, service account, pod name or "") the API server vouches for, for our audience."""
    try:
        status, review = api.request(
            "POST",
            "/apis/authentication.k8s.io/v1/tokenreviews",
            {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": token, "audiences": [AUDIENCE]}},
        )
    except (OSError, ValueError) as error:
        raise Refusal(500, f"could not validate the token: could not reach the API server ({error})") from None
    if status != 201:
        raise Refusal(500, f"could not validate the token: TokenReview answered {status} {review.get('message', '')}".rstrip())
    result = review.get("status", {})
    if not result.get("authenticated"):
        reason = result.get("error") or "not authenticated"
        raise Refusal(401, f"the token is not valid for audience {AUDIENCE}: {reason}")
    if AUDIENCE not in (result.get("audiences") or []):
        raise Refusal(401, f"the token is not valid for audience {AUDIENCE}: the API server accepted it for {result.get('audiences')}")
    user = result.get("user", {})
    match = SERVICE_ACCOUNT_USER.match(user.get("username", ""))
    if not match:
        raise Refusal(403, f"{user.get('username')!r} is not a service account", subject=user.get("username"))
    pod = ((user.get("extra") or {}).get("authentication.kubernetes.io/pod-name") or [""])[0]
    return match.group(1), match.group(3), pod


def associated_role(api: ApiServer, namespace: str, configmap: str, subject: tuple[str, str]) -> str:
    """The role ARN associated with (namespace, service account), read fresh on every request."""
    try:
        status, document = api.request("GET", f"/api/v1/namespaces/{namespace}/configmaps/{configmap}")
    except (OSError, ValueError) as error:
        raise Refusal(500, f"could not read the associations: could not reach the API server ({error})") from None
    if status != 200:
        raise Refusal(500, f"could not read the associations: ConfigMap {namespace}/{configmap} answered {status}")
    key = f"{subject[0]}.{subject[1]}"
    role = ((document.get("data") or {}).get(key) or "").strip()
    if not role:
        raise Refusal(403, f"no pod identity association for service account {subject[0]}/{subject[1]}", subject=f"{subject[0]}/{subject[1]}")
    if not ROLE_ARN.match(role):
        raise Refusal(500, f"invalid association {key} in ConfigMap {namespace}/{configmap}: {role!r} is not an IAM role ARN", subject=f"{subject[0]}/{subject[1]}")
    return role


def credentials_for(role_arn: str, subject: tuple[str, str, str], now: datetime) -> dict[str, str]:
    """Fake credentials whose session token names the role and the session, as an assumed-role ARN would."""
    match = ROLE_ARN.match(role_arn)
    assert match is not None
    account, role_name = match.group(1), match.group(3)
    session = f"eks-k8s-sec-lab-{subject[2] or subject[1]}"[:64]
    return {
        "AccessKeyId": FAKE_ACCESS_KEY_ID,
        "SecretAccessKey": FAKE_SECRET_ACCESS_KEY,
        "Token": f"FAKE-k8s-sec-lab-session-for-arn:aws:sts::{account}:assumed-role/{role_name}/{session}-EXAMPLE",
        "AccountId": account,
        "Expiration": (now + CREDENTIAL_LIFETIME).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def require_parseable_token(token: str) -> None:
    """The agent's own cheap checks before it asks anyone: present, and a JWT."""
    if not token:
        raise Refusal(400, "Service account token cannot be empty")
    if not JWT_SHAPE.match(token):
        raise Refusal(400, "Service account token cannot be parsed: not a JWT")
    try:
        payload = token.split(".")[1]
        json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        raise Refusal(400, "Service account token cannot be parsed: its claims are not JSON") from None


class AgentServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], api: ApiServer, associations: tuple[str, str], allowed_hosts: list[str]) -> None:
        super().__init__(address, AgentHandler)
        self.api = api
        self.associations = associations
        self.allowed_hosts = allowed_hosts

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the bind address's host name, a reverse DNS
        # query that can stall start-up for seconds; the name is unused.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class AgentHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "eks-pod-identity-agent-emulator"
    timeout = 60
    server: AgentServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        if urlsplit(self.path).path != CREDENTIALS_PATH:
            self._finish(404, "not found")
            return
        try:
            self._check_host()
            token = self.headers.get("Authorization", "").strip()
            require_parseable_token(token)
            subject = subject_of(self.server.api, token)
            role = associated_role(self.server.api, *self.server.associations, subject[:2])
        except Refusal as refusal:
            self._finish(refusal.status, str(refusal), **refusal.log_fields)
            return
        body = credentials_for(role, subject, datetime.now(timezone.utc))
        self._finish(200, json.dumps(body), content_type="application/json", subject=f"{subject[0]}/{subject[1]}", pod=subject[2], role=role)

    def _other_method(self) -> None:
        self._finish(405, "method not allowed", allow="GET")

    do_POST = do_PUT = do_DELETE = do_PATCH = _other_method

    def _check_host(self) -> None:
        # As the real agent: only calls addressed to the agent's link-local address count.
        host = self.headers.get("Host", "")
        name = host[1:].split("]")[0] if host.startswith("[") else host.split(":")[0]
        if name not in self.server.allowed_hosts:
            raise Refusal(403, f"Called agent through invalid address, please use {self.server.allowed_hosts} not {host!r}")

    def _finish(self, status: int, text: str, content_type: str = "text/plain; charset=utf-8", allow: str = "", **log_fields: Any) -> None:
        body = (text if text.endswith("\n") else text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        self.wfile.write(body)
        entry: dict[str, Any] = {"event": "request", "method": self.command, "path": self.path, "status": status, "client": self.client_address[0]}
        if status != 200:
            entry["reason"] = text.strip()
        log({**entry, **log_fields})

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are logged by _finish."""

    def log_message(self, format: str, *args: Any) -> None:
        log({"event": "http-error", "client": self.client_address[0], "message": format % args})


_log_lock = threading.Lock()


def log(entry: dict[str, Any]) -> None:
    line = json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), **entry})
    with _log_lock:
        print(line, flush=True)


def in_cluster_api_url() -> str:
    host = os.environ.get("KUBERNETES_SERVICE_HOST", "")
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    return f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bind", default=AGENT_ADDRESS, help="address to listen on")
    parser.add_argument("--port", type=int, default=80, help="port to listen on; 0 picks a free one")
    parser.add_argument("--allowed-host", action="append", help=f"Host header the agent answers (default {AGENT_ADDRESS}); repeatable")
    parser.add_argument("--associations-namespace", default="k8s-sec-lab-system")
    parser.add_argument("--associations-configmap", default="pod-identity-associations")
    parser.add_argument("--api-server", default=None, help="Kubernetes API URL (default: in-cluster)")
    parser.add_argument("--token-file", default=f"{SERVICE_ACCOUNT_DIR}/token", help="the agent's own service-account token")
    parser.add_argument("--ca-file", default=f"{SERVICE_ACCOUNT_DIR}/ca.crt", help="CA bundle of the API server")
    options = parser.parse_args()

    api = ApiServer(options.api_server or in_cluster_api_url(), options.token_file, options.ca_file)
    associations = (options.associations_namespace, options.associations_configmap)
    server = AgentServer((options.bind, options.port), api, associations, options.allowed_host or [AGENT_ADDRESS])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    log({"event": "listening", "address": host, "port": port, "apiServer": api.url, "associations": "/".join(associations)})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
