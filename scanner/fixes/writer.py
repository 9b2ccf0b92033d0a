"""Writing fixed files back: all of them or none, each as it was apart from its text.

`fix --apply` runs on a developer's checkout and, as root, on servers; a fix must not change who
owns a file, what its mode is, or which names share it. So a file is refused (left as it is,
with the reason in the advice) when writing it would change more than its text: it is
read-only, it has several hard links (a rename would split them), or its real location is
outside the folders scanned. The others are written to temporary files beside them first and
renamed into place only when every one of them was written: a failure halfway (a full disk, a
folder that is not writable, a file edited meanwhile) leaves the tree as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile

from .yaml_edit import FixError, SourceText


def refusal(source: SourceText, scope) -> str | None:
    """Why ``source`` must not be rewritten, or None."""
    if not scope.allows(source.abspath):
        return "not changed: the file's real location is outside the scanned folder"
    try:
        info = os.stat(source.abspath)
    except OSError as exc:
        return f"not changed: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        return "not changed: not a regular file"
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return "not changed: the file is read-only"
    if info.st_nlink > 1:
        return (
            f"not changed: the file has {info.st_nlink} hard links; rewriting it would split them"
        )
    return None


def write_all(edits: list[tuple[SourceText, str]]) -> None:
    """Give every file of ``edits`` its new text, or raise FixError having changed none."""
    staged: list[tuple[str, str]] = []  # (temporary file, real path it replaces)
    try:
        for source, text in edits:
            staged.append(_stage(source, text))
    except BaseException:
        for temp, _ in staged:
            _remove(temp)
        raise
    for temp, target in staged:
        # a rename within one folder of a file just written does not fail short of the
        # machine failing; nothing more can be promised without a journal
        os.replace(temp, target)


def _stage(source: SourceText, text: str) -> tuple[str, str]:
    """A temporary file beside the real file, holding the new text with the file's owner,
    group and mode."""
    target = os.path.realpath(source.abspath)
    temp = None
    try:
        with open(target, "rb") as fh:
            if fh.read() != source.raw:
                raise FixError(f"{source.abspath} changed while promguard was reading it")
            info = os.fstat(fh.fileno())
        handle, temp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".promguard-")
        with os.fdopen(handle, "wb") as fh:
            fh.write(source.encode(text))
            fh.flush()
            os.fsync(fh.fileno())
            now = os.fstat(fh.fileno())
            if (now.st_uid, now.st_gid) != (info.st_uid, info.st_gid):
                os.fchown(fh.fileno(), info.st_uid, info.st_gid)
            os.fchmod(fh.fileno(), stat.S_IMODE(info.st_mode))  # after chown, which clears setuid
        return temp, target
    except BaseException as exc:
        if temp is not None:
            _remove(temp)
        if isinstance(exc, PermissionError) and temp is not None:
            raise FixError(
                f"cannot write {source.abspath} keeping its owner and mode: {exc.strerror}"
            ) from None
        if isinstance(exc, OSError):
            raise FixError(f"cannot write {source.abspath}: {exc.strerror or exc}") from None
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
