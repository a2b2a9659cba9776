"""A local population register for tests: it verifies names against ID numbers and faces against the people it
knows, checks signatures, and can be told to fail."""

import base64

from zerovisit.core.tests.fake_system import FakeSystem


class FakeRegister(FakeSystem):
    def __init__(self, people: dict[str, str], secret: str = "register-secret-for-tests"):
        self.people = people  # ID number → name
        self.faces: dict[str, bytes] = {}  # ID number → the photo that matches, when set
        self.requests: list[dict] = []
        super().__init__(secret)

    def answer(self, method, path, payload, headers):
        self.requests.append({"path": path, **payload})
        known = self.people.get(payload["id_number"])
        if known is None:
            return 200, {"result": "not_found"}
        if known != payload["name"]:
            return 200, {"result": "mismatch"}
        face = self.faces.get(payload["id_number"]) if path == "/faces/verify" else None
        matches = face is None or base64.b64decode(payload["image"]) == face
        return 200, {"result": "match" if matches else "mismatch"}


class FakeEntityRegister(FakeSystem):
    """A local market-entity register: credit code → (name, the legal representative's name and ID number)."""

    def __init__(self, entities: dict[str, tuple[str, str, str]], secret: str = "entity-register-secret-for-tests"):
        self.entities = entities
        super().__init__(secret)

    def answer(self, method, path, payload, headers):
        known = self.entities.get(payload["credit_code"])
        if known is None:
            return 200, {"result": "not_found"}
        given = (payload["name"], payload["representative"], payload["id_number"])
        return 200, {"result": "match" if given == known else "mismatch"}
