"""A local OpenID Connect provider for tests, as the province's identity platform or the e-business-licence
platform would be: discovery, the authorization endpoint (which signs in whoever the test set as `person`, or
answers `error=access_denied`), the token endpoint (client secret, single-use codes bound to their redirect address,
PKCE S256), ID tokens signed RS256 with its published key, and userinfo. `forge` makes its next ID token wrong in
one way, `down` makes its token endpoint fail."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

KEY = RSAKey.generate_key(2048, parameters={"kid": "provider-key-1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider-key-1"})  # the same kid, not the provider's


class FakeIdentityProvider:
    def __init__(self, client_id: str = "zerovisit", client_secret: str = "provider-secret-for-tests"):
        self.client_id, self.client_secret = client_id, client_secret
        self.person: dict | None = None  # the claims of whoever signs in next; None: they cancel
        self.forge = ""  # "signature", "nonce", "audience", "issuer", "expired": the next ID token is wrong so
        self.down = False
        self.codes: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.metadata())
                if url.path == "/jwks":
                    return self._json(200, {"keys": [KEY.as_dict(private=False)]})
                if url.path == "/authorize":
                    return self._redirect(provider.authorize(query))
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    found = next((c for c in provider.codes.values() if c.get("access_token") == token), None)
                    return self._json(200, found["claims"]) if found else self._json(401, {"error": "invalid_token"})
                self._json(404, {})

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                if urlsplit(self.path).path != "/token":
                    return self._json(404, {})
                if provider.down:
                    return self._json(503, {"error": "temporarily_unavailable"})
                self._json(*provider.token(form, self.headers.get("Authorization", "")))

            def _json(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, location: str):
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def metadata(self) -> dict:
        return {
            "issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }  # fmt: skip

    def authorize(self, query: dict) -> str:
        """Where the provider sends the browser back to, once the person signed in there (or cancelled)."""
        self.authorize_requests.append(query)
        back = query["redirect_uri"]
        if self.person is None:
            return f"{back}?{urlencode({'error': 'access_denied', 'state': query.get('state', '')})}"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**query, "claims": dict(self.person)}
        return f"{back}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != expected:
            return 401, {"error": "invalid_client"}
        grant = self.codes.get(form.get("code", ""))
        if grant is None or grant.get("used") or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if grant.get("code_challenge_method") != "S256" or challenge.rstrip(b"=").decode() != grant["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        grant["used"] = True
        grant["access_token"] = secrets.token_urlsafe(16)
        return 200, {"access_token": grant["access_token"], "token_type": "Bearer", "expires_in": 300,
                     "id_token": self.id_token(grant)}  # fmt: skip

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": self.client_id, "iat": now, "exp": now + 300, "nonce": grant.get("nonce"),
                  **grant["claims"]}  # fmt: skip
        forged, self.forge = self.forge, ""
        if forged == "nonce":
            claims["nonce"] = "another"
        elif forged == "audience":
            claims["aud"] = "another-client"
        elif forged == "issuer":
            claims["iss"] = "https://impostor.example.cn"
        elif forged == "expired":
            claims["exp"] = now - 3600
        key = OTHER_KEY if forged == "signature" else KEY
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
