"""The school sign-in's configuration check and its rules on claims, as pure functions."""

import pytest

from course.accounts.external import username_base
from course.oidc.claim_rules import ClaimProblem, display_name, is_teacher, refused_by, school_person, verified_email
from course.oidc.providers import ProviderConfigError, SchoolProvider, parse_providers

ENTRA = {
    "name": "entra",
    "issuer": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
    "client_id": "6731de76-14a6-49ae-97bc-6eba6914391e",
    "client_secret": "geheim",
    "allow": {"tid": ["9188040D-6C67-4C5B-B112-36A304B66DAD"]},
    "teachers": {"groups": ["b5a5e1a3-docenten"]},
    "email_verified_claim": "xms_edov",
}
GOOGLE = {
    "name": "google",
    "label": "Inloggen met Google",
    "issuer": "https://accounts.google.com",
    "client_id": "1234.apps.googleusercontent.com",
    "client_secret": "geheim",
    "allow": {"hd": "school.nl"},
    "teachers": {"email_domain": ["school.nl"]},
}


def provider(**changes) -> SchoolProvider:
    return parse_providers([{**GOOGLE, **changes}])[0]


def test_oidc_config_examples_parse():
    entra, google = parse_providers([ENTRA, GOOGLE])
    assert entra.discovery_url == ENTRA["issuer"] + "/.well-known/openid-configuration"
    assert entra.label == "Inloggen met je schoolaccount" and entra.scope == "openid profile email"
    assert google.allow == {"hd": ("school.nl",)} and google.label == "Inloggen met Google"
    assert "geheim" not in repr(google)


def test_oidc_config_from_the_environment_is_json():
    import json

    assert parse_providers(json.dumps([GOOGLE]))[0].name == "google"
    with pytest.raises(ProviderConfigError, match="not valid JSON"):
        parse_providers("[{'name': 'google'}]")
    assert parse_providers("") == [] and parse_providers(None) == []


def test_oidc_config_reports_every_problem_at_once():
    broken = [
        {**ENTRA, "issuer": "https://login.microsoftonline.com/common/v2.0", "client_secret": ""},
        {**GOOGLE, "name": "Google Workspace", "scope": "profile email", "colour": "blue"},
        {**GOOGLE, "issuer": "http://accounts.google.com", "teachers": {"groups": []}},
        {**ENTRA, "name": "google", "issuer": "http://[::1]:8080", "allow": ["tid"]},
        "entra",
    ]
    with pytest.raises(ProviderConfigError) as refused:
        parse_providers(broken)
    assert refused.value.problems == [
        "OIDC_PROVIDERS[0] (entra): client_secret is missing",
        "OIDC_PROVIDERS[0] (entra): issuer must name the school's own tenant (its tenant id), not common, "
        "organizations or a template such as {tenantid}",
        "OIDC_PROVIDERS[1] (Google Workspace): unknown key 'colour' (known: name, issuer, client_id, client_secret, "
        "label, scope, allow, teachers, email_verified_claim, userinfo)",
        "OIDC_PROVIDERS[1] (Google Workspace): name must be 1-30 lowercase letters, digits or '-', starting with a "
        "letter or digit",
        "OIDC_PROVIDERS[1] (Google Workspace): scope must include 'openid'",
        "OIDC_PROVIDERS[2] (google): issuer must be an https:// address (http:// only on this machine), "
        "not 'http://accounts.google.com'",
        "OIDC_PROVIDERS[2] (google): teachers['groups'] must be a non-empty list of text values",
        "OIDC_PROVIDERS[3] (google): allow must be a dict of claim name -> list of values",
        "OIDC_PROVIDERS[4]: must be a dict with name, issuer, client_id, client_secret",
    ]


def test_oidc_config_two_providers_with_one_name():
    with pytest.raises(ProviderConfigError, match="the name 'google' is used twice"):
        parse_providers([GOOGLE, GOOGLE])


def test_oidc_email_counts_only_when_the_provider_vouches_for_it():
    google = provider()
    assert verified_email(google, {"email": " Jan@School.NL ", "email_verified": True}) == "jan@school.nl"
    assert verified_email(google, {"email": "jan@school.nl", "email_verified": "true"}) == "jan@school.nl"
    for vouched in (False, "false", None, 1):
        assert verified_email(google, {"email": "jan@school.nl", "email_verified": vouched}) is None
    entra = parse_providers([ENTRA])[0]
    assert verified_email(entra, {"email": "jan@school.nl", "email_verified": True}) is None
    assert verified_email(entra, {"email": "jan@school.nl", "xms_edov": True}) == "jan@school.nl"


def test_oidc_teachers_by_verified_email_domain_or_group():
    google = provider()
    assert is_teacher(google, {"email": "jan@SCHOOL.nl", "email_verified": True})
    assert not is_teacher(google, {"email": "jan@school.nl", "email_verified": False})
    assert not is_teacher(google, {"email": "sem@student.school.nl", "email_verified": True})
    entra = parse_providers([ENTRA])[0]
    assert is_teacher(entra, {"groups": ["andere-groep", "B5A5E1A3-docenten"]})
    assert not is_teacher(entra, {"groups": "b5a5e1a3"})


def test_oidc_allow_rules_every_claim_must_match():
    entra = parse_providers([ENTRA])[0]
    assert refused_by(entra, {"tid": "9188040d-6c67-4c5b-b112-36a304b66dad"}) is None
    assert refused_by(entra, {"tid": "72f988bf-86f1-41af-91ab-2d7cd011db47"}) == "tid"
    assert refused_by(entra, {}) == "tid"
    both = provider(allow={"hd": ["school.nl"], "email_domain": ["student.school.nl", "school.nl"]})
    assert refused_by(both, {"hd": "school.nl", "email": "a@school.nl", "email_verified": True}) is None
    assert refused_by(both, {"hd": "school.nl", "email": "a@school.nl"}) == "email_domain"


def test_oidc_display_name_from_name_or_given_and_family_name():
    assert display_name({"name": "  Sanne   de Vries "}) == "Sanne de Vries"
    assert display_name({"name": "", "given_name": "Sanne", "family_name": "de Vries"}) == "Sanne de Vries"
    assert display_name({"name": "Sanne\u202e"}) == ""  # a direction override is no name
    assert display_name({"name": "x" * 100}) == "x" * 80
    assert display_name({"email": "sanne@school.nl"}) == ""


def test_oidc_school_person_needs_a_subject_and_a_name():
    google = provider()
    allowed = {"hd": "school.nl", "name": "Sanne"}
    person = school_person(google, {**allowed, "sub": "1234"})
    assert (person.issuer, person.subject, person.display_name) == ("https://accounts.google.com", "1234", "Sanne")
    assert person.verified_email is None and not person.is_teacher
    with pytest.raises(ClaimProblem) as no_name:
        school_person(google, {"hd": "school.nl", "sub": "1234"})
    assert no_name.value.reason == "no_name"
    with pytest.raises(ClaimProblem) as no_subject:
        school_person(google, allowed)
    assert no_subject.value.reason == "invalid_token"
    with pytest.raises(ClaimProblem) as elsewhere:
        school_person(google, {**allowed, "sub": "1234", "hd": "gmail.com"})
    assert elsewhere.value.reason == "not_allowed"


@pytest.mark.parametrize(("name", "teacher", "expected"), [
    ("Sanne de Vries", False, "sanne.de.vries"),
    ("Zoë Çelik-Öztürk", False, "zoe.celik.ozturk"),
    ("李", False, "student"),
    ("李", True, "docent"),
    ("A" * 50, False, "a" * 30),
])
def test_oidc_username_from_the_name(name, teacher, expected):
    assert username_base(name, teacher) == expected
