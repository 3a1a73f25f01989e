"""`flask --app app claims export ID --out DIR [--pack]`: a claim's documents written into DIR (the
roster as .xlsx with full ID numbers and as PDF, the notice list, the review report once approved),
and with --pack its evidence pack too, built here rather than by a worker. Each file is written
to a temporary name and renamed (mode 0600: some hold full ID numbers); the export is audited."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import click

from training import audit
from training.claims import documents, pack, pack_job
from training.extensions import db
from training.localtime import local_today


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


@click.command("export")
@click.argument("claim_id", type=int)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder to write into."
)
@click.option("--pack", "with_pack", is_flag=True, help="Also build the evidence pack (ZIP) into the folder.")
def export_command(claim_id: int, out_dir: Path, with_pack: bool) -> None:
    """Write claim ID's documents (and with --pack its evidence pack) into the folder --out."""
    audit.set_actor(None, "command line", None)
    claim = pack_job.load_claim(claim_id)
    if claim is None:
        raise click.BadParameter(f"no claim {claim_id}", param_hint="ID")
    out_dir.mkdir(parents=True, exist_ok=True)
    today = local_today()
    written = []
    for name in documents.available(claim):
        path = out_dir / documents.file_name(claim, name)
        _write(path, documents.render(claim, name, today))
        written.append(path.name)
        click.echo(f"wrote {path}")
    if "review.pdf" not in documents.available(claim):
        click.echo("no review report: the claim is not approved")
    if with_pack:
        written.append(_export_pack(claim, out_dir, today).name)
    audit.record("claim_documents_exported", "claim", claim.id, after={"files": written})
    db.session.commit()


def _export_pack(claim, out_dir: Path, today) -> Path:
    final = out_dir / f"{pack.folder_of(claim)}.zip"
    writer = pack.PackWriter(
        final.with_name(f".{final.name}.{secrets.token_hex(4)}.part"), final, pack.folder_of(claim)
    )
    try:
        for progress in pack.build(claim, writer, today):
            for missing in progress.missing:
                click.echo(f"  missing: {progress.item}: {missing.words}", err=True)
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    click.echo(f"wrote {final}")
    return final
