"""site/backup.sh and site/restore.sh on a real PostgreSQL server."""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")) or shutil.which("pg_dump") is None,
    reason="needs DATABASE_URL on PostgreSQL and pg_dump",
)


@pytest.fixture
def scratch_databases():
    """Two empty databases on the DATABASE_URL server, dropped afterwards; yields their URLs."""
    names = [f"portal_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target")]
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        for name in names:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = DATABASE_URL.rsplit("/", 1)[0]
    yield [f"{base}/{name}" for name in names]
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        for name in names:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run_script(script, *args, **environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MEDIA_ROOT", "PORTAL_PRIVATE"))}
    env.update(environment)
    return subprocess.run(
        ["bash", str(BASE_DIR / "site" / script), *args, "/nonexistent.env"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_then_restore_round_trip(scratch_databases, tmp_path):
    source_url, target_url = scratch_databases
    with psycopg.connect(source_url) as connection:
        connection.execute("CREATE TABLE note (id int primary key, text text)")
        connection.execute("INSERT INTO note VALUES (1, 'Đăng ký khai sinh')")
    media = tmp_path / "media"
    private = tmp_path / "private"
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "mau-to-khai.pdf").write_bytes(b"%PDF-1.4 form")
    private.mkdir()
    (private / "ho-so.pdf").write_bytes(b"%PDF-1.4 applicant")

    backup = run_script(
        "backup.sh",
        DATABASE_URL=source_url,
        MEDIA_ROOT=str(media),
        PORTAL_PRIVATE_MEDIA_ROOT=str(private),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    assert backup.returncode == 0, backup.stderr
    [folder] = list((tmp_path / "backups").iterdir())
    assert {path.name for path in folder.iterdir()} == {"database.dump", "media.tar.gz", "private.tar.gz", "SHA256SUMS"}

    restored_media = tmp_path / "restored-media"
    restored_private = tmp_path / "restored-private"
    restore = run_script(
        "restore.sh",
        str(folder),
        DATABASE_URL=target_url,
        MEDIA_ROOT=str(restored_media),
        PORTAL_PRIVATE_MEDIA_ROOT=str(restored_private),
    )
    assert restore.returncode == 0, restore.stderr

    with psycopg.connect(target_url) as connection:
        rows = connection.execute("SELECT id, text FROM note").fetchall()
    assert rows == [(1, "Đăng ký khai sinh")]
    assert (restored_media / "documents" / "mau-to-khai.pdf").read_bytes() == b"%PDF-1.4 form"
    assert (restored_private / "ho-so.pdf").read_bytes() == b"%PDF-1.4 applicant"


def test_restore_rejects_damaged_backup(scratch_databases, tmp_path):
    source_url, target_url = scratch_databases
    media = tmp_path / "media"
    media.mkdir()
    backup = run_script("backup.sh", DATABASE_URL=source_url, MEDIA_ROOT=str(media), BACKUP_DIR=str(tmp_path / "b"))
    assert backup.returncode == 0, backup.stderr
    [folder] = list((tmp_path / "b").iterdir())
    with open(folder / "database.dump", "ab") as dump:
        dump.write(b"garbage")

    restore = run_script("restore.sh", str(folder), DATABASE_URL=target_url, MEDIA_ROOT=str(tmp_path / "r"))

    assert restore.returncode != 0
    assert "checksums do not match" in restore.stderr
