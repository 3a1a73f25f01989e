"""`flask --app app backup PATH` and `flask --app app restore PATH [--force]` (backup/archive.py)."""

from __future__ import annotations

import click

from training.backup.archive import BackupError, create_backup, restore_backup


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copy the database, certificate files and instance secrets into PATH (.tar.gz, mode 0600)."""
    try:
        manifest = create_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"backup written to {path}: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables, "
        f"{len(manifest['files']) - 1} files"
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path: str, force: bool) -> None:
    """Restore a backup made by `backup` into this (empty) instance; restart the app afterwards."""
    try:
        manifest = restore_backup(path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"restored {path} (made {manifest['created_at']}): {sum(manifest['rows'].values())} rows, "
        f"{len(manifest['files']) - 1} files; restart the app servers and workers"
    )
