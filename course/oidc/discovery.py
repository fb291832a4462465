"""Does each configured provider answer? For the administrator's page: a fresh look at the
discovery document each time, apart from the copy that sign-ins keep."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from .providers import SchoolProvider

TIMEOUT_SECONDS = 5
NEEDED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


@dataclass(frozen=True)
class DiscoveryCheck:
    provider: SchoolProvider
    answers: bool
    message: str  # for the administrator, in Dutch


def check(provider: SchoolProvider) -> DiscoveryCheck:
    def result(answers: bool, message: str) -> DiscoveryCheck:
        return DiscoveryCheck(provider, answers, message)

    try:
        response = requests.get(provider.discovery_url, timeout=TIMEOUT_SECONDS, headers={"Accept": "application/json"})
    except requests.RequestException as err:
        return result(False, f"Geen antwoord ({type(err).__name__}). Klopt het adres bij issuer, en kan deze "
                             "server het internet op?")
    if response.status_code != 200:
        return result(False, f"Antwoordt met foutcode {response.status_code}. Klopt het adres bij issuer?")
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return result(False, "Antwoordt, maar niet met een OpenID Connect-configuratie. Klopt het adres bij issuer?")
    if document.get("issuer") != provider.issuer:
        return result(False, f"Antwoordt, maar noemt als issuer {str(document.get('issuer'))[:200]!r}. Zet precies "
                             "dat adres bij issuer in de instellingen (bij Microsoft met het tenant-id).")
    missing = [name for name in NEEDED if not document.get(name)]
    if missing:
        return result(False, f"Antwoordt, maar mist {', '.join(missing)}.")
    methods = document.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        return result(False, "Antwoordt, maar ondersteunt geen PKCE met S256.")
    return result(True, "De configuratie klopt.")
