"""Command-line commands: `flask --app app create-user | seed-demo | seed-bench`, and each feature's group."""

from __future__ import annotations

import sys

import click
from flask import Flask

from training.backup.cli import backup_command, restore_command
from training.exceptions import DomainError
from training.extensions import db
from training.models import Role


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_bench)
    from training.certificates.cli import certificates_cli
    from training.imports.cli import trainees_cli
    from training.jobs.cli import jobs_cli
    from training.standards.cli import standards_cli

    app.cli.add_command(trainees_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(standards_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--county", "county_code", default=None, help="Region code of the county scope, e.g. 610924.")
@click.option("--name", "display_name", default="", help="Name shown in the interface.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from the first line of stdin.")
def create_user(username: str, role: str, county_code: str | None, display_name: str, password_stdin: bool) -> None:
    """Create an account (the first admin comes from here)."""
    from training.admin.services import create_user as create

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create(username, password, role, county_code, display_name)
    except DomainError as refusal:
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.username}")


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    from training import demo

    logins = demo.seed()
    db.session.commit()
    click.echo("Demo logins (also in instance/demo-logins.txt):")
    for username, role, password in logins:
        click.echo(f"  {role:<12} {username:<22} {password}")


@click.command("seed-bench")
@click.option("--trainees", type=click.IntRange(min=60), required=True)
@click.option("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
def seed_bench(trainees: int, seed: int) -> None:
    """Load synthetic data at scale for the benchmarks."""
    from training import benchdata

    try:
        counts = benchdata.seed(trainees, seed=seed, progress=lambda text: click.echo(text, err=True))
    except DomainError as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(" ".join(f"{table}={count}" for table, count in counts.items()))
