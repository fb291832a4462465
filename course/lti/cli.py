"""`flask --app wsgi lti ...`: platforms by hand, the tool's key, and grades that still have to go."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from . import keys, platforms, scores

lti_cli = AppGroup("lti", help="Learning platforms (LTI 1.3): registrations, the tool's key, grade passback.")


@lti_cli.command("add-platform")
@click.option("--issuer", required=True, help="The platform's issuer (iss).")
@click.option("--client-id", required=True, help="The client id the platform gave this tool.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True, help="Repeat for several.")
@click.option("--auth-url", required=True, help="The platform's OIDC authorisation URL.")
@click.option("--token-url", required=True, help="The platform's OAuth 2 token URL.")
@click.option("--jwks-url", required=True, help="The platform's public key set (JWKS) URL.")
@click.option("--name", default="", help="A name to show (default: the issuer's host).")
def add_platform(
    issuer: str,
    client_id: str,
    deployment_ids: tuple[str, ...],
    auth_url: str,
    token_url: str,
    jwks_url: str,
    name: str,
) -> None:
    """Register a platform by hand (itslearning, Brightspace, or any without dynamic registration)."""
    try:
        platform = platforms.add_platform(
            name=name,
            issuer=issuer,
            client_id=client_id,
            deployment_ids=list(deployment_ids),
            auth_url=auth_url,
            token_url=token_url,
            jwks_url=jwks_url,
        )
    except platforms.PlatformError as err:
        raise click.UsageError(f"--{err.field.replace('_', '-')}: use a full https:// address") from None
    click.echo(
        f"Platform {platform.name} ({platform.issuer}, client {platform.client_id}) with deployments: "
        + ", ".join(d.deployment_id for d in platform.deployments)
    )


@lti_cli.command("platforms")
def list_platforms() -> None:
    """List the registered platforms."""
    found = platforms.all_platforms()
    if not found:
        click.echo("No platforms registered.")
    for platform in found:
        deployments = ", ".join(d.deployment_id for d in platform.deployments) or "-"
        click.echo(
            f"{platform.id}\t{platform.name}\t{platform.issuer}\tclient {platform.client_id}\tdeployments {deployments}"
        )


@lti_cli.command("rotate-key")
def rotate_key() -> None:
    """Sign with a new key from now on; the old one stays published for a day."""
    key = keys.rotate()
    click.echo(f"New signing key {key.kid}; the previous key stays in /lti/jwks.json for a day.")


@lti_cli.command("send-scores")
def send_scores() -> None:
    """Send the grades that are due to the platforms (run every few minutes from cron)."""
    sent, failed = scores.send_due()
    click.echo(f"{sent} sent, {failed} not sent (tried again later).")
