"""git, through the git command line: the only module that runs git."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ledger.basics.errors import VcsError

_ENV = {"LC_ALL": "C.UTF-8", "GIT_TERMINAL_PROMPT": "0"}


def git(repo: Path, *args: str, check: bool = True, input_: str | None = None) -> str:
    env = {**os.environ, **_ENV}
    try:
        res = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env,
                             input=input_, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise VcsError("git is not installed") from None
    if check and res.returncode != 0:
        raise VcsError(f"git {' '.join(args[:2])} failed: {(res.stderr or res.stdout).strip()}")
    return res.stdout


def init(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    ensure_identity(repo)


def ensure_identity(repo: Path) -> None:
    """A committer for wuye's commits (and a sync's replay) where git has none configured."""
    if not git(repo, "config", "user.name", check=False).strip():
        git(repo, "config", "user.name", os.environ.get("WUYE_USER", "wuye"))
        git(repo, "config", "user.email", "wuye@localhost")


def head(repo: Path) -> str | None:
    out = git(repo, "rev-parse", "--verify", "-q", "HEAD", check=False).strip()
    return out or None


def status_lines(repo: Path, paths: tuple[str, ...] = ()) -> list[str]:
    """`git status --porcelain` lines, of `paths` only when given (a cheaper look than the whole tree)."""
    args = ["status", "--porcelain", "--untracked-files=all"] + (["--", *paths] if paths else [])
    return [ln for ln in git(repo, *args).splitlines() if ln.strip()]


def operation_in_progress(repo: Path) -> str | None:
    gitdir = Path(git(repo, "rev-parse", "--absolute-git-dir").strip())
    for marker, what in (("MERGE_HEAD", "a merge"), ("rebase-merge", "a rebase"), ("rebase-apply", "a rebase"),
                         ("CHERRY_PICK_HEAD", "a cherry-pick"), ("REVERT_HEAD", "a revert")):
        if (gitdir / marker).exists():
            return what
    for lock in ("index.lock", "HEAD.lock"):
        if (gitdir / lock).exists():
            return f"another git command ({lock} exists)"
    return None


def git_dir(repo: Path) -> Path:
    return Path(git(repo, "rev-parse", "--absolute-git-dir").strip())


def blob_sha(data: bytes) -> str:
    """The id git gives these bytes as a blob (what `git hash-object` prints), without running git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def tree_blobs(repo: Path, rev: str | None, paths: list[str]) -> dict[str, str]:
    """{path: blob sha} of these paths in commit `rev` (paths not in it are left out)."""
    if not rev or not paths:
        return {}
    out = git(repo, "ls-tree", "-z", rev, "--", *paths)
    blobs = {}
    for rec in filter(None, out.split("\0")):
        info, _, path = rec.partition("\t")
        blobs[path] = info.split()[2]
    return blobs


def staged_blobs(repo: Path, paths: list[str]) -> dict[str, str]:
    """{path: blob sha} of these paths in the index (`git ls-files -s`)."""
    out = git(repo, "ls-files", "-s", "-z", "--", *paths)
    blobs = {}
    for rec in filter(None, out.split("\0")):
        info, _, path = rec.partition("\t")
        blobs[path] = info.split()[1]
    return blobs


def staged_names(repo: Path) -> list[str]:
    return [ln for ln in git(repo, "diff", "--cached", "--name-only", "-z").split("\0") if ln]


def changed_between(repo: Path, old: str | None, new: str | None) -> list[str] | None:
    """Files that differ between two commits; None when that cannot be told cheaply (no old commit)."""
    if not old or not new:
        return None
    return [p for p in git(repo, "diff", "--name-only", "-z", "--no-renames", old, new).split("\0") if p]


def blob_bytes(repo: Path, sha: str) -> bytes:
    res = subprocess.run(["git", "-C", str(repo), "cat-file", "blob", sha], capture_output=True)
    if res.returncode != 0:
        raise VcsError(f"git cat-file {sha[:10]} failed: {res.stderr.decode('utf-8', 'replace').strip()}")
    return res.stdout


def add(repo: Path, paths: list[str]) -> None:
    git(repo, "add", "--", *paths)


def commit_index(repo: Path, message: str, author: str | None = None) -> str:
    """Commit what is staged (the caller has checked it is exactly what it wrote); returns the new HEAD."""
    if not staged_names(repo):
        raise VcsError("nothing to commit")
    args = ["commit", "-q", "-F", "-"]
    if author:
        args += ["--author", author]
    git(repo, *args, input_=message)
    return head(repo) or ""


def commit(repo: Path, paths: list[str], message: str, author: str | None = None) -> str:
    add(repo, paths)
    return commit_index(repo, message, author)


def unstage(repo: Path, paths: list[str]) -> None:
    if head(repo):
        git(repo, "reset", "-q", "--", *paths, check=False)
    else:
        git(repo, "rm", "-q", "--cached", "--ignore-unmatch", "--", *paths, check=False)


def show(repo: Path, rev: str, path: str) -> str | None:
    out = subprocess.run(["git", "-C", str(repo), "show", f"{rev}:{path}"], capture_output=True)
    return out.stdout.decode("utf-8") if out.returncode == 0 else None


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str
    subject: str
    body: str
    files: tuple[str, ...]


def log(repo: Path, limit: int = 50, paths: tuple[str, ...] = (), rev: str = "HEAD") -> list[Commit]:
    if not head(repo):
        return []
    sep, end = "\x1f", "\x1e"
    out = git(repo, "log", f"-{limit}", f"--format={end}%H{sep}%an{sep}%aI{sep}%s{sep}%b{sep}",
              "--name-only", rev, "--", *paths)
    commits = []
    for chunk in out.split(end)[1:]:
        fields = chunk.split(sep)
        files = tuple(f for f in fields[5].split("\n") if f.strip()) if len(fields) > 5 else ()
        commits.append(Commit(fields[0], fields[1], fields[2], fields[3], fields[4].strip(), files))
    return commits


_ADDED_DATE = re.compile(r"^\+(\d{4}-\d{2}-\d{2}) ", re.M)


def added_dates(repo: Path, limit: int = 50, paths: tuple[str, ...] = (), rev: str = "HEAD",
                commits: list[str] | None = None) -> dict[str, tuple[str, ...]]:
    """{commit: the sorted distinct dates of the directives it added} from its diff (`+YYYY-MM-DD ...`
    lines): the value dates of what each of the last `limit` commits recorded (or of `commits` only)."""
    if not head(repo):
        return {}
    end = "\x1e"
    which = ["--no-walk=unsorted", *commits] if commits else [f"-{limit}", rev]
    out = git(repo, "log", *which, f"--format={end}%H", "-U0", "--no-color", "--no-ext-diff", "--", *paths)
    dates: dict[str, tuple[str, ...]] = {}
    for chunk in out.split(end)[1:]:
        sha, _, diff = chunk.partition("\n")
        dates[sha.strip()] = tuple(sorted(set(_ADDED_DATE.findall(diff))))
    return dates


def tags(repo: Path, pattern: str) -> list[str]:
    return [t for t in git(repo, "tag", "--list", pattern).splitlines() if t.strip()]


def tag(repo: Path, name: str, rev: str) -> None:
    """A lightweight tag: it names the commit, and the commit message says why."""
    git(repo, "tag", name, rev)


_HUNK = re.compile(r"^@@ -\S+ \+(\d+)")


def added_lines(repo: Path, paths: tuple[str, ...] = ()) -> dict[tuple[str, int], tuple[str, str]]:
    """{(file, line number): (author date, text)} of every line as the commit that last added it at that
    position wrote it, oldest commit first. Month files are only appended to, so an entry's line keeps
    its number; a caller compares the text with the file as it is before trusting the date."""
    if not head(repo):
        return {}
    out = git(repo, "log", "--reverse", "--no-merges", "--format=\x1e%aI", "-U0", "--no-color", "--no-renames",
              "--no-ext-diff", "HEAD", "--", *paths)
    lines: dict[tuple[str, int], tuple[str, str]] = {}
    for chunk in out.split("\x1e")[1:]:
        date, _, diff = chunk.partition("\n")
        path, n = None, 0
        for ln in diff.splitlines():
            if ln.startswith("+++ "):
                path = ln[6:] if ln.startswith("+++ b/") else None
            elif ln.startswith("@@"):
                m = _HUNK.match(ln)
                n = int(m.group(1)) if m else 0
            elif ln.startswith("+") and path:
                lines[(path, n)] = (date.strip(), ln[1:])
                n += 1
    return lines
# --- remotes and sync (ledger/books/sync.py) --------------------------------------------------------

def remote_url(repo: Path, name: str = "origin") -> str | None:
    out = git(repo, "remote", "get-url", name, check=False).strip()
    return out or None


def set_remote(repo: Path, name: str, url: str) -> None:
    if remote_url(repo, name):
        git(repo, "remote", "set-url", name, url)
    else:
        git(repo, "remote", "add", name, url)


def branch(repo: Path) -> str:
    return git(repo, "symbolic-ref", "--short", "-q", "HEAD", check=False).strip() or "main"


def rev(repo: Path, ref: str) -> str | None:
    return git(repo, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False).strip() or None


def fetch(repo: Path, remote: str, branch_: str) -> None:
    # an empty remote (no branch yet) is normal for the first office: then there is nothing to fetch
    res = git(repo, "ls-remote", "--heads", remote, branch_)
    if res.strip():
        git(repo, "fetch", "-q", "--no-tags", remote, f"+refs/heads/{branch_}:refs/remotes/{remote}/{branch_}")


def rev_list(repo: Path, spec: str, paths: tuple[str, ...] = ()) -> list[str]:
    """Commits of `spec` (A..B), oldest first."""
    return git(repo, "rev-list", "--reverse", spec, "--", *paths).split()


def count(repo: Path, spec: str) -> int:
    return int(git(repo, "rev-list", "--count", spec).strip() or 0)


def rebase(repo: Path, onto: str) -> list[str]:
    """Replay HEAD's commits not in `onto` on top of it; [] when done, else the conflicted files
    (the rebase is then aborted: HEAD and the tree are as before)."""
    res = subprocess.run(["git", "-C", str(repo), "-c", "core.editor=true", "rebase", "-q", onto],
                         capture_output=True, text=True, env={**os.environ, **_ENV})
    if res.returncode == 0:
        return []
    files = [p for p in git(repo, "diff", "--name-only", "--diff-filter=U", check=False).split("\n") if p]
    git(repo, "rebase", "--abort", check=False)
    return files or ["(git: " + (res.stderr or res.stdout).strip()[:200] + ")"]


def rebase_abort(repo: Path) -> None:
    git(repo, "rebase", "--abort", check=False)


def cherry_pick(repo: Path, sha: str) -> bool:
    """Replay one commit on HEAD (author and message kept); False, and nothing changed, on a conflict."""
    res = subprocess.run(["git", "-C", str(repo), "cherry-pick", "--allow-empty", sha], capture_output=True,
                         text=True, env={**os.environ, **_ENV})
    if res.returncode != 0:
        git(repo, "cherry-pick", "--abort", check=False)
        return False
    return True


def reset_hard(repo: Path, rev_: str) -> None:
    """Tracked files and the index to `rev_` (git-ignored files, the private ones, are not touched)."""
    git(repo, "reset", "-q", "--hard", rev_)


def merge_ff(repo: Path, ref: str) -> None:
    git(repo, "merge", "-q", "--ff-only", ref)


def push(repo: Path, remote: str, branch_: str) -> str | None:
    """Push HEAD to the remote branch; None when done, else git's reason (a remote that moved: fetch again)."""
    res = subprocess.run(["git", "-C", str(repo), "push", "-q", remote, f"HEAD:refs/heads/{branch_}"],
                         capture_output=True, text=True, env={**os.environ, **_ENV})
    return None if res.returncode == 0 else (res.stderr or res.stdout).strip() or "push failed"


def update_ref(repo: Path, ref: str, sha: str) -> None:
    git(repo, "update-ref", ref, sha)


def clone(url: str, dest: Path) -> None:
    res = subprocess.run(["git", "clone", "-q", url, str(dest)], capture_output=True, text=True,
                         env={**os.environ, **_ENV})
    if res.returncode != 0:
        raise VcsError(f"git clone failed: {(res.stderr or res.stdout).strip()}")
