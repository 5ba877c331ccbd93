"""One crawl per corpus at a time (docs/design.md).

An OS lock (flock) on `<db>.lock`: the kernel releases it when the holder dies, even by
SIGKILL, so a stale lock file never blocks the next crawl. The file's content (pid and
start time) only serves the error message.
"""

from __future__ import annotations

import fcntl
import os

from corpus.errors import LockHeld, UserError
from corpus.moments import utc_now


class CorpusLock:
    def __init__(self, db_path):
        self.path = f"{db_path}.lock"
        self._fd: int | None = None

    def acquire(self) -> CorpusLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise UserError(f"cannot create lock file {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            os.close(fd)
            pid = holder[0] if holder else "?"
            started = holder[1] if len(holder) > 1 else "?"
            raise LockHeld(f"another crawl holds {self.path} (pid {pid}, started {started})")
        except BaseException:
            os.close(fd)
            raise
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {utc_now()}\n".encode(), 0)
        except OSError:
            pass  # a full disk: the note only serves the message; the lock is held all the same
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            # Empty the file before unlocking so a reader never sees a dead holder's pid.
            try:
                os.ftruncate(self._fd, 0)
            except OSError:
                pass
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CorpusLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
