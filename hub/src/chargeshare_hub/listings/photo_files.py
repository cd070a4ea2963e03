"""Photo files: what an upload really is (by its first bytes, whatever its header claims), and where it is kept."""

from __future__ import annotations

from pathlib import Path
import secrets
import struct

from ..web.errors import ApiError

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sniff_content_type(data: bytes) -> str | None:
    """The image type the bytes are, or None when they are none of the accepted ones."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(_PNG_SIGNATURE):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def checked_content_type(declared: str, data: bytes) -> str:
    """The upload's type, when the declared one is accepted and the bytes agree with it; else a 415."""
    if declared not in EXTENSIONS:
        raise ApiError(415, "unsupported_media_type", "Send a JPEG, PNG or WebP image.")
    if sniff_content_type(data) != declared:
        raise ApiError(415, "unsupported_media_type", f"The file is not the {declared} it claims to be.")
    return declared


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header chunk (other formats need a decoder; they go without)."""
    if not data.startswith(_PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def photo_dir(data_dir: Path) -> Path:
    return data_dir / "photos"


def store(data_dir: Path, content_type: str, data: bytes) -> str:
    """Writes the file under a random name (nothing the uploader chose reaches the file system); returns it."""
    folder = photo_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    file_name = f"{secrets.token_hex(16)}.{EXTENSIONS[content_type]}"
    (folder / file_name).write_bytes(data)
    return file_name


def discard(data_dir: Path, file_name: str) -> None:
    (photo_dir(data_dir) / file_name).unlink(missing_ok=True)
