"""Worker processes that parse ledger files into cache rows, for a sync with many bytes to read (a fresh
clone of large books: cache.PARALLEL_BYTES). Plain child processes (`python -m ledger.books.parse_worker
ROOT`), not multiprocessing: nothing of the caller is imported again in them, and the caller may have
threads. Each reads one file name per line on stdin and answers, in order, with a length-prefixed pickle
of ("ok", ParsedFile) or ("error", text) after a mark; the caller checks the bytes again before it stores any row."""
from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from pathlib import Path

_HEAD = struct.Struct("<4sQ")  # a mark and the length: output of anything else on the pipe is told apart
_MARK = b"wuye"
CACHE_LINE = "\0cache "  # not a file name: asks for the cache's digests


def _cache_digests(root: Path, db: Path):
    from ledger.books.cache import FactCache

    cache = FactCache(root, db_path=db)
    try:
        return cache.file_digests(), cache.snapshot_differences()
    finally:
        cache.close()


def serve(root: str, digest: bool = False) -> None:
    from ledger.books.cache import _parse_path, rows_digest
    from ledger.books.loading import collector_paused

    out = sys.stdout.buffer
    for line in sys.stdin:
        rel = line.rstrip("\n")
        try:
            with collector_paused():  # what one answer allocates lives until it is sent
                if rel.startswith(CACHE_LINE):  # the cache's own digests and snapshot comparison (Digests)
                    result = ("ok", _cache_digests(Path(root), Path(rel[len(CACHE_LINE):])))
                else:
                    parsed = _parse_path(root, rel)
                    result = ("ok", (parsed.sha, rows_digest(parsed.rows)) if digest else parsed)
        except Exception as exc:  # noqa: BLE001  (the caller parses the file itself and reports it)
            result = ("error", f"{type(exc).__name__}: {exc}")
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEAD.pack(_MARK, len(data)))
        out.write(data)
        out.flush()


class Workers:
    """`n` parse workers on the books at `root`; `parsed(items)` yields (item, ParsedFile or None) in the
    order given, with at most two files waiting per worker (the rows of all files are never held at once)."""

    def __init__(self, root: Path, n: int, digest: bool = False):
        here = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": here + os.pathsep + os.environ.get("PYTHONPATH", "")}
        mode = ["--digest"] if digest else []
        self.procs = [subprocess.Popen([sys.executable, "-m", "ledger.books.parse_worker", str(root), *mode],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=here)
                      for _ in range(n)]
        self.broken: set[int] = set()

    def _read(self, proc):
        """The worker's next answer, or None: the caller parses the file itself. A worker that died or
        whose answer does not unpickle (its stream garbled) is not read again: what follows would be
        out of step with the files asked."""
        if proc.pid in self.broken:
            return None
        try:
            head = proc.stdout.read(_HEAD.size)
            mark, size = _HEAD.unpack(head) if len(head) == _HEAD.size else (None, None)
            if mark != _MARK:
                size = None
            data = proc.stdout.read(size) if size is not None else b""
            status, value = pickle.loads(data) if size is not None and len(data) == size else ("dead", None)
        except Exception:  # noqa: BLE001  (a garbled answer: the bytes are checked again by the caller anyway)
            status, value = "dead", None
        if status == "dead":
            self.broken.add(proc.pid)
            proc.kill()
            return None
        return value if status == "ok" else None

    def parsed(self, items: list, rel_of=lambda item: item):
        todo, waiting = deque(items), deque()
        n = 0
        while todo or waiting:
            while todo and len(waiting) < 2 * len(self.procs):
                item = todo.popleft()
                live = [p for p in self.procs if p.pid not in self.broken]
                proc = live[n % len(live)] if live else None
                n += 1
                try:
                    if proc is not None:
                        proc.stdin.write((rel_of(item) + "\n").encode("utf-8"))
                        proc.stdin.flush()
                except OSError:  # the worker died
                    proc = None
                waiting.append((item, proc))
            item, proc = waiting.popleft()
            yield item, (self._read(proc) if proc is not None else None)

    def close(self) -> None:
        for proc in self.procs:
            try:
                proc.stdin.close()
            except OSError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Digests:
    """What `wuye check` compares the cache by, made by one worker process while the caller loads the
    books: the rows digest of every file parsed from its bytes (cache.rows_digest), then the same digests
    of the cache's rows and its snapshot comparison (cache.snapshot_differences). `result()` is
    (files {file: (sha256, digest)}, cache {file: (sha256, digest)}, snapshot differences), or None when
    the worker could not answer."""

    def __init__(self, root: Path, files: list[str], cache_db: Path):
        self.files = list(files)
        self.workers = Workers(root, 1, digest=True)
        proc = self.workers.procs[0]
        lines = [f + "\n" for f in self.files] + [f"{CACHE_LINE}{cache_db}\n"]
        proc.stdin.write("".join(lines).encode("utf-8"))  # the names are short: they fit the pipe
        proc.stdin.flush()

    def result(self):
        proc = self.workers.procs[0]
        try:
            files = {}
            for rel in self.files:
                got = self.workers._read(proc)
                if got is not None:
                    files[rel] = tuple(got)
            cache = self.workers._read(proc)
        finally:
            self.workers.close()
        if cache is None:
            return None
        return files, {k: tuple(v) for k, v in cache[0].items()}, cache[1]


if __name__ == "__main__":
    serve(sys.argv[1], digest="--digest" in sys.argv[2:])
