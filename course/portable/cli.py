"""`flask --app wsgi course export-cartridge PATH.imscc`: the whole module for another platform."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..core.content_store import catalog
from .cartridge import build_cartridge


@click.command("export-cartridge")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lti",
    "lti_base_url",
    metavar="URL",
    help="Lessons and quizzes as LTI links to this app at URL (e.g. https://branding.school.nl).",
)
def export_cartridge_command(path: Path, lti_base_url: str | None) -> None:
    """Write the twelve lessons, teacher guides and quizzes as an IMS Common Cartridge 1.3 file."""
    if path.suffix != ".imscc":
        raise click.BadParameter("the file name must end in .imscc", param_hint="PATH")
    if lti_base_url and not lti_base_url.startswith(("https://", "http://")):
        raise click.BadParameter("give the app's address, starting with https://", param_hint="--lti")
    data = build_cartridge(catalog(), lti_base_url=lti_base_url)
    path.write_bytes(data)
    click.echo(f"{path}: {len(data) // 1024} kB, {len(catalog().lessons)} lessons")
