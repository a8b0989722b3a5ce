"""A fake managed-identity token endpoint (App Service style) on 127.0.0.1.

azure-identity's ManagedIdentityCredential picks this source when IDENTITY_ENDPOINT and
IDENTITY_HEADER are both set; ``env()`` returns exactly those, and ``clean_identity_env`` lists
every other variable that could make the credential chain choose something else.
"""

from __future__ import annotations

import itertools
import threading
import time
from urllib.parse import urlsplit

from tests.fakes.azure_http import FakeServer, Reply, Request, TestCA

# Variables that would steer azure-identity elsewhere (IMDS, Arc, Service Fabric, CLI, ...).
OTHER_IDENTITY_VARIABLES = (
    "IDENTITY_SERVER_THUMBPRINT",
    "IMDS_ENDPOINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_AUTHORITY_HOST",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_USERNAME",
    "AZURE_PASSWORD",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST",
    "AZURE_SDK_CLOUD_CONF",
)


class FakeIdentity:
    """Issues tokens ``mi-<n>``; records the resource and client id of every request.

    Without a CA it is the App Service endpoint over plain HTTP (as on a real host). With a CA
    it serves TLS and also the Entra v2 token endpoint used by workload identity.
    """

    def __init__(self, ca: TestCA | None = None, secret: str = "fake-identity-header") -> None:
        self.secret = secret
        self.requests: list[dict[str, str]] = []
        self.fail_status: int | None = None
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self.server = FakeServer(self.handle, ca)
        self.url = self.server.url

    @property
    def endpoint(self) -> str:
        return f"{self.url}/msi/token"

    def env(self) -> dict[str, str]:
        return {"IDENTITY_ENDPOINT": self.endpoint, "IDENTITY_HEADER": self.secret}

    def close(self) -> None:
        self.server.close()

    def resources(self) -> list[str]:
        return [r.get("resource") or r.get("scope", "") for r in self.requests]

    def handle(self, request: Request) -> Reply:
        if request.path == "/msi/token":
            return self._app_service(request)
        if request.path.endswith("/oauth2/v2.0/token") and request.method == "POST":
            return self._entra(request)
        return Reply(404, {"error": "not_found"})

    def _issue(self) -> str:
        return f"mi-{next(self._seq)}"

    def _app_service(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(dict(request.query, kind="app-service"))
        if request.headers.get("x-identity-header") != self.secret:
            return Reply(401, {"statusCode": 401, "message": "Missing or wrong identity header"})
        if self.fail_status:
            return Reply(
                self.fail_status,
                {"statusCode": self.fail_status, "message": "Identity not found on this host"},
            )
        resource = request.query.get("resource", "")
        return Reply(
            200,
            {
                "access_token": self._issue(),
                "expires_on": str(int(time.time()) + 3600),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": request.query.get("client_id", "system-assigned"),
            },
        )

    def _entra(self, request: Request) -> Reply:
        form = request.form()
        tenant = urlsplit(request.path).path.split("/")[1]
        with self._lock:
            self.requests.append(dict(form, kind="workload", tenant=tenant))
        if form.get("grant_type") != "client_credentials" or not form.get("client_assertion"):
            return Reply(400, {"error": "invalid_request", "error_description": "bad form"})
        return Reply(
            200, {"token_type": "Bearer", "expires_in": 3599, "access_token": self._issue()}
        )
