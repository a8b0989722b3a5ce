"""A fake ACR data plane on 127.0.0.1 over TLS: the /v2/ challenge and the token endpoints.

``login_server`` is ``localhost:<port>``, the form the fake ARM hands out as the registry's
login server, so DNS, TLS and HTTP checks all reach this process.
"""

from __future__ import annotations

import itertools
import threading
import time

from tests.fakes.azure_http import FakeServer, Reply, Request, TestCA
from tests.reference import azure_example as example


def acr_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"errors": [{"code": code, "message": message, "detail": None}]})


class FakeRegistry:
    """Behaviour knobs: ``v2`` = challenge | forbidden | open | no-challenge | not-bearer;
    ``exchange_status`` / ``token_status`` force a failure; ``delay`` slows every answer."""

    def __init__(self, ca: TestCA, entra_prefix: str = "mi-") -> None:
        self.entra_prefix = entra_prefix
        self.v2 = "challenge"
        self.exchange_status = 200
        self.token_status = 200
        self.delay = 0.0
        self.log: list[Request] = []
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._refresh: set[str] = set()
        self._access: set[str] = set()
        self.server = FakeServer(self.handle, ca, host="localhost")
        self.url = self.server.url
        self.login_server = f"localhost:{self.server.port}"

    def close(self) -> None:
        self.server.close()

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.log]

    def handle(self, request: Request) -> Reply:
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.log.append(request)
        if request.path == "/v2/" and request.method == "GET":
            return self._v2(request)
        if request.path == "/oauth2/exchange" and request.method == "POST":
            return self._exchange(request)
        if request.path == "/oauth2/token" and request.method == "POST":
            return self._token(request)
        return acr_error(404, "NAME_UNKNOWN", "repository name not known to registry")

    def _challenge(self) -> Reply:
        header = f'Bearer realm="{self.url}/oauth2/token",service="{self.login_server}"'
        return Reply(
            401,
            {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
            {"WWW-Authenticate": header},
        )

    def _v2(self, request: Request) -> Reply:
        if self.v2 == "forbidden":
            return acr_error(
                403, "DENIED", "client with IP '127.0.0.1' is not allowed access to the registry"
            )
        if self.v2 == "open":
            return Reply(200, example("dataplane/2021-07-01/GetDockerRegistryV2Support.json") or {})
        if self.v2 == "no-challenge":
            return Reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "no"}]})
        if self.v2 == "not-bearer":
            return Reply(401, {}, {"WWW-Authenticate": 'Basic realm="registry"'})
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer ") and auth[7:] in self._access:
            return Reply(200, {})
        return self._challenge()

    def _exchange(self, request: Request) -> Reply:
        form = request.form()
        if self.exchange_status == 429:
            return acr_error(429, "TOOMANYREQUESTS", "too many requests")
        if self.exchange_status != 200:
            return acr_error(self.exchange_status, "UNAUTHORIZED", "exchange refused")
        if form.get("grant_type") != "access_token" or form.get("service") != self.login_server:
            return acr_error(400, "UNSUPPORTED", "bad grant or service")
        if not form.get("access_token", "").startswith(self.entra_prefix):
            return acr_error(401, "UNAUTHORIZED", "the Entra token was not accepted")
        return self._issue("refresh", self._refresh, "dataplane/2021-07-01/PostRefreshToken.json")

    def _token(self, request: Request) -> Reply:
        form = request.form()
        if self.token_status != 200:
            return acr_error(self.token_status, "DENIED", "retrieving permissions failed")
        if form.get("refresh_token") not in self._refresh:
            return acr_error(401, "UNAUTHORIZED", "unknown refresh token")
        return self._issue("access", self._access, "dataplane/2021-07-01/PostAccessToken.json")

    def _issue(self, kind: str, issued: set[str], recorded: str) -> Reply:
        """A new ``kind`` token, remembered in ``issued``, in the recorded answer's shape."""
        token = f"{kind}{next(self._seq)}"
        with self._lock:
            issued.add(token)
        body = dict(example(recorded))
        body[f"{kind}_token"] = token
        return Reply(200, body)
