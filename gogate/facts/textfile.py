"""Read repository text files strictly, turning every way a file can be broken into an InputError.

Why strict: a pin file with a byte-order mark, CRLF endings, binary junk or invalid UTF-8 is read
differently by different tools (setup-go trims, a shell ``cat`` does not). A gate that guesses can
pass a build that another tool reads differently, so such a file is an input error (exit 2) that
names the file and line, unless the format's own consumer accepts it (Go accepts CRLF in go.mod).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from gogate.errors import InputError

__all__ = ["TextFile", "read_repo_bytes", "read_text_file"]

_BOM = b"\xef\xbb\xbf"
# Pin files are tiny; anything larger is certainly not one and is refused before it is read whole.
_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class TextFile:
    """A decoded file: repository-relative posix path and its lines without line terminators."""

    path: str
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_repo_bytes(root: Path, relative: str, *, limit: int, remediation: str | None = None) -> bytes:
    """The bytes of ``root/relative``, a regular file of at most ``limit`` bytes inside the repository.

    Raises InputError (exit 2) naming the file when it is a directory, a FIFO, device or other
    irregular file (which would block or stream forever), a broken or looping symlink, a symlink
    out of the repository (never read, and so never quoted in a message: a malicious merge request
    could link to a mounted CI token), larger than ``limit``, or unreadable (missing included).
    ``remediation`` replaces the generic advice for a directory or an irregular file.
    """
    path = root / relative
    if path.is_dir():
        raise InputError(
            relative,
            "is a directory, expected a file",
            remediation=remediation or f"replace {relative} with a file",
        )
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError) as error:
            raise InputError(relative, "cannot be read: it is a broken or looping symlink") from error
        if not target.is_relative_to(root.resolve()):
            raise InputError(
                relative,
                "is a symlink to a file outside the repository, which gogate does not read",
                remediation=f"make {relative} a regular file in the repository",
            )
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise InputError(
                relative,
                "is not a regular file",
                remediation=remediation or f"make {relative} a regular file",
            )
        if status.st_size > limit:
            raise InputError(
                relative,
                f"is {status.st_size} bytes, too large for this kind of file (limit {limit})",
                remediation=f"check that {relative} is the file you meant",
            )
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError(
            relative, f"cannot be read: {reason}", remediation="check its permissions"
        ) from error
    if len(data) > limit:
        raise InputError(relative, f"grew beyond {limit} bytes while being read")
    return data


def read_text_file(
    root: Path, relative: str, *, allow_crlf: bool = False, allow_bom: bool = False
) -> TextFile:
    """Read ``root/relative`` as UTF-8 text with LF endings.

    Raises InputError (exit 2) naming the file, and the line where one applies, for everything
    :func:`read_repo_bytes` refuses, and when the file is binary (NUL bytes), not UTF-8, or has a
    BOM or CRLF endings (unless allowed; when allowed they are removed).
    """
    data = read_repo_bytes(root, relative, limit=_MAX_BYTES)
    if data.startswith(_BOM):
        if not allow_bom:
            raise InputError(
                relative,
                "starts with a UTF-8 byte-order mark (BOM)",
                line=1,
                remediation="save the file as UTF-8 without a BOM",
            )
        data = data[len(_BOM) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            relative,
            "contains binary data (a NUL byte), not text",
            line=_line_of(data, nul),
            remediation=f"restore {relative} as a plain text file",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            relative,
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
            line=_line_of(data, error.start),
            remediation="save the file as UTF-8",
        ) from error
    if "\r" in text:
        if not allow_crlf:
            raise InputError(
                relative,
                "has CRLF (Windows) line endings or a stray carriage return",
                line=text.count("\n", 0, text.index("\r")) + 1,
                remediation="save the file with LF line endings (e.g. `dos2unix " + relative + "`)",
            )
        text = text.replace("\r\n", "\n")
    return TextFile(path=relative, text=text)
