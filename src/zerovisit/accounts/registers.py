"""The identity-verification service of the population register (人口库身份核验) and its face check (实人认证), at a
configurable endpoint: JSON over HTTP, signed with the shared secret ZV_IDENTITY_REGISTER_SECRET (core.outbound).

    verify_person(name, id_number) -> Verdict         POST {endpoint}/persons/verify {"name", "id_number"}
    verify_face(name, id_number, image) -> Verdict    POST {endpoint}/faces/verify {"name", "id_number", "image"}
                                                       (the photo in base64)

Both answer {"result": "match" | "mismatch" | "not_found"}. `identity_register()` is the adapter ZV_IDENTITY_REGISTER
names, or None where none is configured: nobody can then be verified online (only at a window).

The market-entity register (市场主体登记库) answers the same way whether a person is an organisation's legal
representative (法定代表人), at its own endpoint and secret (ZV_ENTITY_REGISTER…):

    verify_representative(credit_code, name, representative, id_number) -> Verdict
        POST {endpoint}/entities/verify {"credit_code", "name", "representative", "id_number"}

`not_found`: no organisation has the code; `mismatch`: it has another name or another representative.
"""

import base64
import enum

from django.conf import settings
from django.utils.module_loading import import_string

from zerovisit.core import outbound


class RegisterUnavailable(Exception):
    """The register could not be reached or gave no readable answer: nothing is decided, the person tries again."""


class Verdict(enum.StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"  # the ID number is the register's, the name (or the face) is not its holder's
    NOT_FOUND = "not_found"


def _verdict(answer: dict) -> Verdict:
    try:
        return Verdict(answer.get("result"))
    except ValueError as exc:
        raise RegisterUnavailable(f"the identity register's answer is not understood: {answer}") from exc


class HttpRegister:
    setting = "IDENTITY_REGISTER"  # the settings of its endpoint, secret and timeout: <setting>_ENDPOINT …

    def __init__(self, endpoint: str | None = None, secret: str | None = None, timeout: float | None = None):
        configured = getattr(settings, f"{self.setting}_ENDPOINT")
        self.endpoint = (endpoint if endpoint is not None else configured).rstrip("/")
        self.secret = secret if secret is not None else getattr(settings, f"{self.setting}_SECRET")
        self.timeout = timeout or getattr(settings, f"{self.setting}_TIMEOUT")

    def _post(self, path: str, payload: dict) -> Verdict:
        try:
            answer = outbound.call("POST", self.endpoint + path, secret=self.secret, timeout=self.timeout,
                                   payload=payload)  # fmt: skip
        except outbound.OutboundError as exc:
            raise RegisterUnavailable(f"identity register {exc}") from exc
        return _verdict(answer)

    def verify_person(self, name: str, id_number: str) -> Verdict:
        return self._post("/persons/verify", {"name": name, "id_number": id_number})

    def verify_face(self, name: str, id_number: str, image: bytes) -> Verdict:
        return self._post("/faces/verify", {"name": name, "id_number": id_number,
                                            "image": base64.b64encode(image).decode()})  # fmt: skip


class HttpEntityRegister(HttpRegister):
    setting = "ENTITY_REGISTER"

    def verify_representative(self, credit_code: str, name: str, representative: str, id_number: str) -> Verdict:
        return self._post("/entities/verify", {"credit_code": credit_code, "name": name,
                                               "representative": representative, "id_number": id_number})  # fmt: skip


class SimulatedRegister:
    """The demo's register: it knows the demo's people (demo_data.REGISTER) and nobody else, and takes any photo of
    a person it knows for their face. `zerovisit check --deploy` refuses it."""

    def __init__(self, people: dict[str, str] | None = None):
        if people is None:
            from zerovisit.demo_data import REGISTER as people
        self.people = people  # ID number → name

    def verify_person(self, name: str, id_number: str) -> Verdict:
        if id_number not in self.people:
            return Verdict.NOT_FOUND
        return Verdict.MATCH if self.people[id_number] == name else Verdict.MISMATCH

    def verify_face(self, name: str, id_number: str, image: bytes) -> Verdict:
        return self.verify_person(name, id_number) if image else Verdict.MISMATCH


class SimulatedEntityRegister:
    """The demo's market-entity register: the demo's organisations (demo_data.ENTITIES) and their representatives.
    `zerovisit check --deploy` refuses it."""

    def __init__(self, entities: dict[str, tuple[str, str]] | None = None):
        if entities is None:
            from zerovisit.demo_data import ENTITIES as entities
        self.entities = entities  # credit code → (name, the representative's ID number)

    def verify_representative(self, credit_code: str, name: str, representative: str, id_number: str) -> Verdict:
        from zerovisit.demo_data import REGISTER

        if credit_code not in self.entities:
            return Verdict.NOT_FOUND
        entity_name, representative_id = self.entities[credit_code]
        matches = (entity_name, representative_id, REGISTER.get(id_number)) == (name, id_number, representative)
        return Verdict.MATCH if matches else Verdict.MISMATCH


def identity_register() -> HttpRegister | SimulatedRegister | None:
    return import_string(settings.IDENTITY_REGISTER)() if settings.IDENTITY_REGISTER else None


def entity_register() -> HttpEntityRegister | SimulatedEntityRegister | None:
    return import_string(settings.ENTITY_REGISTER)() if settings.ENTITY_REGISTER else None
