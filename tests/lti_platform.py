"""A learning platform for the LTI tests: a real HTTP server on loopback, with keys of its own.

It does what Moodle or Canvas do for a tool: signs launches (id_tokens), serves its key set, gives
access tokens for a signed client assertion (checked against the tool's published keys), keeps
line items and the scores the tool posts, serves a course roster in pages, and answers dynamic
registration. Everything the tool sends is recorded, and it can be "down" (503) on request.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CLIENT_ID = "personal-branding-tool"
DEPLOYMENT = "deployment-1"


def _rsa_key() -> tuple[str, str, dict[str, Any]]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = secrets.token_hex(6)
    public = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    return kid, pem, {**public, "kid": kid, "alg": "RS256", "use": "sig"}


@dataclass
class Recorded:
    auth_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)  # accepted (2xx) only
    refused_scores: int = 0
    registrations: list[dict[str, Any]] = field(default_factory=list)
    roster_requests: int = 0


class Platform:
    def __init__(self, tool_jwks_url: str | None = None, host: str = "127.0.0.1") -> None:
        """``host``: the name in the platform's URLs ("localhost" makes it another site than a tool at
        127.0.0.1, as a real platform is); it listens on 127.0.0.1 either way."""
        self.kid, self.pem, self.jwk = _rsa_key()
        self.tool_jwks_url = tool_jwks_url
        self.tool_jwks: dict[str, Any] | None = None
        self.recorded = Recorded()
        self.down = False
        self.roster: list[dict[str, Any]] = []
        self.page_size = 2
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()

    # --- what a tool registration needs -------------------------------------------------------

    @property
    def issuer(self) -> str:
        return self.url

    def registration(self) -> dict[str, Any]:
        return {
            "name": "Testplatform",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "deployment_ids": [DEPLOYMENT],
            "auth_url": self.url + "/auth",
            "token_url": self.url + "/token",
            "jwks_url": self.url + "/jwks",
        }

    def rotate_key(self) -> None:
        self.kid, self.pem, self.jwk = _rsa_key()

    # --- launches ----------------------------------------------------------------------------------

    def id_token(
        self,
        nonce: str,
        *,
        sub: str = "student-1",
        roles: list[str] | None = None,
        target: str = "https://localhost/lessons/",
        message_type: str = "LtiResourceLinkRequest",
        context_id: str = "course-1",
        resource_link_id: str = "link-1",
        lineitem: str | None = None,
        memberships: bool = True,
        name: str = "Sanne de Vries",
        overrides: dict[str, Any] | None = None,
        key: tuple[str, str] | None = None,
        lifetime: int = 300,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + lifetime,
            "nonce": nonce,
            "name": name,
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "target_link_uri": target,
            CLAIM + "roles": roles if roles is not None else [LEARNER],
            CLAIM + "context": {"id": context_id, "title": "MV2A Burgerschap", "label": "MV2A"},
        }
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "resource_link"] = {"id": resource_link_id, "title": "Les"}
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "data": "platform-data-42",
            }
        if lineitem:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "lineitem": lineitem,
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            }
        if memberships:
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": f"{self.url}/memberships/{context_id}",
                "service_versions": ["2.0"],
            }
        claims.update(overrides or {})
        kid, pem = key or (self.kid, self.pem)
        return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid})

    def lineitem_url(self, number: int = 1) -> str:
        return f"{self.url}/lineitems/{number}?course=course-1"

    # --- the server ------------------------------------------------------------------------------

    def _tool_keys(self) -> dict[str, Any]:
        if self.tool_jwks is None:
            assert self.tool_jwks_url, "give the platform the tool's key set (tool_jwks or tool_jwks_url)"
            self.tool_jwks = requests.get(self.tool_jwks_url, timeout=5).json()
        return self.tool_jwks

    def _bearer_ok(self, request: Request) -> bool:
        return request.headers.get("Authorization", "").startswith("Bearer platform-token-")

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self._route(request)(environ, start_response)

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/course":
            return self._course_page()
        if path == "/jwks":
            return _json({"keys": [self.jwk]})
        if path == "/auth":
            params = {k: v for k, v in request.args.items()}
            self.recorded.auth_requests.append(params)
            return self._auth_page(params)
        if path == "/.well-known/openid-configuration":
            return _json({
                "issuer": self.issuer,
                "authorization_endpoint": self.url + "/auth",
                "token_endpoint": self.url + "/token",
                "jwks_uri": self.url + "/jwks",
                "registration_endpoint": self.url + "/register",
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {"product_family_code": "testplatform"},
            })
        if path == "/register" and request.method == "POST":
            if request.headers.get("Authorization") != "Bearer registration-token-1":
                return _json({"error": "invalid_token"}, 401)
            self.recorded.registrations.append(json.loads(request.get_data()))
            return _json({
                "client_id": "dynamic-client-7",
                "https://purl.imsglobal.org/spec/lti-tool-configuration": {"deployment_id": "dynamic-deployment-1"},
            })
        if self.down:
            return Response("down", status=503)
        if path == "/token" and request.method == "POST":
            return self._token(request)
        if path.startswith("/lineitems/") and path.endswith("/scores") and request.method == "POST":
            if not self._bearer_ok(request):
                self.recorded.refused_scores += 1
                return _json({"error": "unauthorized"}, 401)
            body = json.loads(request.get_data())
            body["_lineitem"] = path.rsplit("/scores", 1)[0]
            body["_query"] = request.query_string.decode()
            body["_content_type"] = request.headers.get("Content-Type")
            self.recorded.scores.append(body)
            return Response(status=204)
        if path.startswith("/memberships/"):
            if not self._bearer_ok(request):
                return _json({"error": "unauthorized"}, 401)
            self.recorded.roster_requests += 1
            page = int(request.args.get("page", "1"))
            start = (page - 1) * self.page_size
            members = self.roster[start : start + self.page_size]
            response = _json({"id": request.url, "context": {"id": path.rsplit("/", 1)[1]}, "members": members})
            if start + self.page_size < len(self.roster):
                response.headers["Link"] = f'<{self.url}{path}?page={page + 1}>; rel="next"'
            return response
        return Response("not found", status=404)

    def _token(self, request: Request) -> Response:
        form = request.form
        assertion = form.get("client_assertion", "")
        header = jwt.get_unverified_header(assertion)
        keys = {k["kid"]: k for k in self._tool_keys()["keys"]}
        if header.get("kid") not in keys:
            self.tool_jwks = None  # the tool may have rotated: fetch again next time
            return _json({"error": "invalid_client"}, 401)
        public = RSAAlgorithm.from_jwk(json.dumps(keys[header["kid"]]))
        try:
            claims = jwt.decode(assertion, public, algorithms=["RS256"], audience=self.url + "/token")
        except jwt.PyJWTError as err:
            return _json({"error": "invalid_client", "detail": str(err)}, 401)
        if claims.get("iss") != CLIENT_ID or claims.get("sub") != CLIENT_ID:
            return _json({"error": "invalid_client"}, 401)
        self.recorded.token_requests.append({"scope": form.get("scope"), "grant_type": form.get("grant_type")})
        return _json({"access_token": "platform-token-" + secrets.token_hex(4), "token_type": "bearer",
                      "expires_in": 3600, "scope": form.get("scope")})

    def _auth_page(self, params: dict[str, str]) -> Response:
        """The platform's side of the OIDC login: sign a launch and post it to the tool (a button,
        so a browser test can click it)."""
        token = self.id_token(
            params.get("nonce", ""), sub=self.login_sub, roles=self.login_roles, target=self.login_target,
            lineitem=self.login_lineitem,
        )
        page = (
            "<!doctype html><html lang='nl'><head><title>Testplatform</title></head><body>"
            f"<form method='post' action='{params.get('redirect_uri', '')}'>"
            f"<input type='hidden' name='id_token' value='{token}'>"
            f"<input type='hidden' name='state' value='{params.get('state', '')}'>"
            "<button type='submit'>Verder naar de les</button></form></body></html>"
        )
        return Response(page, mimetype="text/html")

    # Who signs in when a browser goes through /auth (browser tests).
    login_sub = "student-1"
    login_roles = [LEARNER]
    login_target = "https://localhost/lessons/"
    login_lineitem: str | None = None
    tool_login_url = ""

    def _course_page(self) -> Response:
        """A course page of the platform that shows the tool in an iframe, as Moodle does."""
        query = urlencode({"iss": self.issuer, "login_hint": self.login_sub, "target_link_uri": self.login_target,
                           "client_id": CLIENT_ID})
        page = (
            "<!doctype html><html lang='nl'><head><title>Cursus</title></head><body><h1>Cursus MV2A</h1>"
            f"<iframe title='Les' src='{self.tool_login_url}?{query}' width='900' height='700'></iframe>"
            "</body></html>"
        )
        return Response(page, mimetype="text/html")


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
