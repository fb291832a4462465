"""The school's identity providers as configured in ``OIDC_PROVIDERS``, checked once at start-up.

No Flask in here: the same check runs when the app starts and in unit tests. Every problem is
reported at once, each naming the provider it belongs to, and the app refuses to start on any of
them: a half-configured provider would only fail later, in front of a class.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
DEFAULT_LABEL = "Inloggen met je schoolaccount"
DEFAULT_SCOPE = "openid profile email"
DEFAULT_EMAIL_VERIFIED_CLAIM = "email_verified"
# Not a claim a provider sends: the domain of the e-mail address, counted only when it is verified.
EMAIL_DOMAIN = "email_domain"

# Microsoft's addresses for any tenant: their tokens name each person's own tenant as the issuer.
SHARED_ENTRA_TENANTS = frozenset({"common", "organizations", "consumers"})

REQUIRED = ("name", "issuer", "client_id", "client_secret")
OPTIONAL = ("label", "scope", "allow", "teachers", "email_verified_claim", "userinfo")

ClaimRule = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class SchoolProvider:
    """One identity provider: where it is, who we are to it, and who may sign in through it."""

    name: str  # in the app's addresses: /oidc/<name>/login and /oidc/<name>/callback
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    label: str = DEFAULT_LABEL
    scope: str = DEFAULT_SCOPE
    # Claim -> accepted values. Every claim named must hold one of its values (empty: everyone).
    allow: ClaimRule = field(default_factory=dict)
    # Claim -> values. A person with one of them in any claim named becomes a teacher.
    teachers: ClaimRule = field(default_factory=dict)
    email_verified_claim: str = DEFAULT_EMAIL_VERIFIED_CLAIM
    # Also ask the userinfo endpoint (SURFconext gives its claims there, not in the ID token).
    userinfo: bool = False

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


class ProviderConfigError(Exception):
    """``OIDC_PROVIDERS`` cannot be used; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_providers(raw: Any) -> list[SchoolProvider]:
    """``OIDC_PROVIDERS`` (a list of dicts, or that list as JSON from the environment) as providers."""
    if raw is None or raw == "" or raw == []:
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as err:
            raise ProviderConfigError([f"OIDC_PROVIDERS: not valid JSON ({err.msg}, position {err.pos})"]) from None
    if not isinstance(raw, list | tuple):
        raise ProviderConfigError(["OIDC_PROVIDERS: must be a list of providers, one dict each"])
    problems: list[str] = []
    providers = []
    for index, entry in enumerate(raw):
        provider = _parse_one(index, entry, problems)
        if provider is not None:
            providers.append(provider)
    names = [p.name for p in providers]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"OIDC_PROVIDERS: the name {name!r} is used twice; give each provider its own")
    if problems:
        raise ProviderConfigError(problems)
    return providers


def _parse_one(index: int, entry: Any, problems: list[str]) -> SchoolProvider | None:
    where = f"OIDC_PROVIDERS[{index}]"
    if not isinstance(entry, Mapping):
        problems.append(f"{where}: must be a dict with {', '.join(REQUIRED)}")
        return None
    if isinstance(entry.get("name"), str):
        where += f" ({entry['name']})"
    before = len(problems)
    for key in sorted(set(entry) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(f"{where}: unknown key {key!r} (known: {', '.join(REQUIRED + OPTIONAL)})")
    for key in REQUIRED:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(f"{where}: {key} is missing")
    for key in ("label", "scope", "email_verified_claim"):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            problems.append(f"{where}: {key} must be non-empty text")
    name = entry.get("name")
    if isinstance(name, str) and name and not NAME_PATTERN.match(name):
        problems.append(f"{where}: name must be 1-30 lowercase letters, digits or '-', starting with a letter or digit")
    issuer = entry.get("issuer")
    if isinstance(issuer, str) and issuer:
        problems.extend(f"{where}: {problem}" for problem in _issuer_problems(issuer))
    if not isinstance(entry.get("userinfo", False), bool):
        problems.append(f"{where}: userinfo must be True or False")
    scope = entry.get("scope", DEFAULT_SCOPE)
    if isinstance(scope, str) and "openid" not in scope.split():
        problems.append(f"{where}: scope must include 'openid'")
    rules = {key: _claim_rule(where, key, entry.get(key), problems) for key in ("allow", "teachers")}
    if len(problems) > before:
        return None
    return SchoolProvider(
        name=name,
        issuer=issuer,
        client_id=entry["client_id"],
        client_secret=entry["client_secret"],
        label=entry.get("label", DEFAULT_LABEL).strip(),
        scope=" ".join(scope.split()),
        allow=rules["allow"],
        teachers=rules["teachers"],
        email_verified_claim=entry.get("email_verified_claim", DEFAULT_EMAIL_VERIFIED_CLAIM),
        userinfo=entry.get("userinfo", False),
    )


def _issuer_problems(issuer: str) -> list[str]:
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        problems = []
    elif parts.scheme == "http" and is_loopback(parts.hostname):
        problems = []  # a provider on this machine, as in the tests
    else:
        return [f"issuer must be an https:// address (http:// only on this machine), not {issuer!r}"]
    if parts.query or parts.fragment:
        problems.append("issuer must not hold '?' or '#'")
    tenant = parts.path.strip("/").split("/")[0]
    if "{" in issuer or (parts.hostname == "login.microsoftonline.com" and tenant in SHARED_ENTRA_TENANTS):
        problems.append("issuer must name the school's own tenant (its tenant id), not common, organizations "
                        "or a template such as {tenantid}")
    return problems


def _claim_rule(where: str, key: str, value: Any, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(f"{where}: {key} must be a dict of claim name -> list of values")
        return {}
    rule = {}
    for claim, values in value.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(claim, str) or not claim or not isinstance(values, list | tuple) or not values or not all(
            isinstance(v, str) and v for v in values
        ):
            problems.append(f"{where}: {key}[{claim!r}] must be a non-empty list of text values")
            continue
        rule[claim] = tuple(values)
    return rule
