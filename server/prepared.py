"""Prepared first syncs: a team's replica built once per team set and cursor, downloaded by every new laptop.

A first sync of a large job centre (135,000 records) costs the laptop about
ten seconds of CPU page by page; a prepared copy (Anki's "full sync" idea)
is built once by :mod:`server.prepare_build` in a child process, with the
app's own storage code, and copied in by each new laptop in about a second
(:mod:`desktop.models.replica.prepared`), which then pulls the pages after
the copy's cursor as usual.

Files live in a folder (``FELTBOG_PREPARED_FOLDER``), two per copy:
``<key>-<cursor>.sqlite.gz`` (compressed once, at build time) and its
``.json`` description. The key is a hash of the server's era, the erasure
generation and the sorted team ids: a restore (new era) or an erasure or
retention run (a new generation, :func:`bump_generation`) makes every older
copy unreachable. :meth:`PreparedCopies.drop_erased` deletes the copies an
erasure or retention run made stale as soon as it has committed (and after
a build that read before it), so erased text does not stay behind;
:meth:`PreparedCopies.tidy` also deletes them, and a stopped build's work,
whenever a copy is asked for. A copy older than the tombstone horizon is
never served.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from server import metrics
from server.db import checkpoint
from server.pull import horizon, snapshot, summary
from server.restore import era_state
from server.tables import Counter, Membership, User

log = logging.getLogger(__name__)

GENERATION = "prepared_generation"  # counters row: bumped by every erasure and retention run
BUILD_TIMEOUT_SECONDS = 3600
STALE_MARKER_SECONDS = 2 * BUILD_TIMEOUT_SECONDS  # a marker this old is ignored even if its process id is taken
# A build that failed is not tried again for this long: each new laptop's request (or a client asking in a
# loop) would otherwise start the same failing build, seconds to minutes of CPU each time.
RETRY_AFTER_FAILURE_SECONDS = 15 * 60
# Builds at once per server process: each is a core for tens of seconds, and after an erasure every large
# team set's next new laptop asks for one; the requests go on being served meanwhile.
MAX_BUILDS = 1


def _alive(marker: Path) -> bool:
    """True if the build ``marker`` names still runs: its process exists (or it was made a moment ago)."""
    try:
        age = time.time() - marker.stat().st_mtime
        text = marker.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    if age > STALE_MARKER_SECONDS:
        return False
    if not text.isdigit():
        return age < 60  # made, its process not started yet
    if sys.platform == "win32":
        return True  # os.kill there ends the process; the marker's age decides
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return False  # the server stopped during a build: start again
    except OSError:
        return True  # there, but another user's
    return True


def _remove_folder(folder: Path) -> None:
    """Remove a build's work folder and the files in it, as far as the file system lets it now."""
    with contextlib.suppress(OSError):
        for leftover in folder.glob("*"):
            leftover.unlink(missing_ok=True)
        folder.rmdir()


@dataclass(frozen=True)
class PreparedCopy:
    """One ready copy: the compressed file and what it holds."""

    path: Path
    key: str
    cursor: int
    records: int
    schema: str
    sha256: str  # of the compressed file, as sent (gzip's own CRC covers what it unpacks to)
    size: int  # compressed bytes
    era: int
    generation: int


# What a copy's .json description holds: every field of PreparedCopy but its path (the .json's neighbour).
DESCRIBED = tuple(f.name for f in fields(PreparedCopy) if f.name != "path")


def generation(conn: Connection) -> int:
    """The erasure generation (0 before the first erasure)."""
    return int(conn.execute(select(Counter.value).where(Counter.name == GENERATION)).scalar() or 0)


def bump_generation(conn: Connection) -> None:
    """Make every prepared copy unusable (called in the transaction of an erasure or a retention run)."""
    if not conn.execute(update(Counter).where(Counter.name == GENERATION).values(value=Counter.value + 1)).rowcount:
        conn.execute(insert(Counter).values(name=GENERATION, value=1))


@dataclass(frozen=True)
class TeamsNow:
    """What decides a team set's copy, read in one snapshot: its key, its records and its newest change."""

    teams: list[str]
    era: int
    generation: int
    records: int  # live records the set's users see
    cursor: int  # the newest sequence number they see
    floor: int  # the tombstone horizon: a copy older than this is useless

    @property
    def key(self) -> str:
        return key_for(self.era, self.generation, self.teams)


def teams_now(db: Engine, teams: list[str]) -> TeamsNow:
    """Read :class:`TeamsNow` for ``teams``."""
    with snapshot(db) as conn:
        stats = summary(conn, teams)
        return TeamsNow(teams=sorted(teams), era=int(era_state(conn)[0]["era"]), generation=generation(conn),
                        records=sum(stats["counts"].values()), cursor=int(stats["cursor"]), floor=horizon(conn))


def team_sets(db: Engine) -> list[list[str]]:
    """Each distinct set of teams an active user belongs to (what a laptop's copy is keyed by)."""
    by_user: dict[str, list[str]] = {}
    with db.connect() as conn:
        for user_id, team_id in conn.execute(
                select(Membership.user_id, Membership.team_id).join(User, User.id == Membership.user_id)
                .where(User.active.is_(True))):
            by_user.setdefault(user_id, []).append(team_id)
    return [list(teams) for teams in sorted({tuple(sorted(teams)) for teams in by_user.values()})]


def key_for(era: int, generation: int, teams: list[str]) -> str:
    """The file name stem shared by every copy for this team set in this era and generation."""
    text = f"{era}:{generation}:{','.join(sorted(teams))}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class PreparedCopies:
    """The folder of prepared copies, and the builds running in this process."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        self.database_url = database_url
        self._lock = threading.Lock()
        self._building: set[str] = set()
        self._failed: dict[str, float] = {}  # key -> time.monotonic() of its last failed build
        # The app migration this server's builds produce, learned from its last build (None until one ran):
        # a copy of another one was built before an update and is built again, not served to nobody.
        self.schema: str | None = None

    def newest(self, key: str, copies: list[PreparedCopy] | None = None) -> PreparedCopy | None:
        """The ready copy with the highest cursor for ``key``, if any (among ``copies``, else the folder's)."""
        best: PreparedCopy | None = None
        for copy in self._described() if copies is None else copies:
            if copy.key == key and (best is None or copy.cursor > best.cursor):
                best = copy
        return best

    def usable(self, now: TeamsNow) -> PreparedCopy | None:
        """The newest copy for ``now``'s team set that may serve (not older than the tombstone horizon).

        Copies of another era or an older generation are deleted on the way.
        """
        copy = self.newest(now.key, self.tidy(now.era, now.generation))
        return copy if copy is not None and copy.cursor >= now.floor else None

    def tidy(self, era: int | None, generation: int, keep: PreparedCopy | None = None) -> list[PreparedCopy]:
        """Delete copies of another era (None: any era stays) or an older generation, and older copies of
        ``keep``'s key; returns the copies left."""
        kept = []
        for copy in self._described():
            stale = (era is not None and copy.era != era) or copy.generation < generation
            superseded = keep is not None and copy.key == keep.key and copy.cursor < keep.cursor
            if not (stale or superseded):
                kept.append(copy)
                continue
            with contextlib.suppress(OSError):
                copy.path.unlink()
                copy.path.with_suffix("").with_suffix(".json").unlink()
        # A server stopped mid-build leaves its work behind (the replica unencrypted, text an erasure may
        # have replaced since); nothing else would remove it once no build of that key runs again.
        for work in self.folder.glob("*.work") if self.folder.is_dir() else ():
            if not self.building(work.name.split(".")[0]):
                _remove_folder(work)
        return kept

    def drop_erased(self, db: Engine) -> int:
        """Delete, now, every copy built before the last erasure or retention run: they hold the text it replaced.

        Called once such a run has committed (API, console, CLI) and after each build (one that read
        before the run may finish after it); otherwise the files stayed until a new laptop asked.
        Returns the current erasure generation.
        """
        with db.connect() as conn:
            current = generation(conn)
        self.tidy(None, current)
        return current

    def building(self, key: str) -> bool:
        """True while a build for ``key`` runs (in this process or, by its marker, in another)."""
        with self._lock:
            if key in self._building:
                return True
        return _alive(self.folder / f"{key}.building")

    def start_build(self, key: str, teams: list[str], era: int, generation: int, db: Engine) -> bool:
        """Build a copy for ``teams`` in the background unless one is being built; True if this started one.

        ``db``, the server's database, is asked after the build whether an erasure ran meanwhile.
        """
        marker = self.folder / f"{key}.building"
        with self._lock:
            if key in self._building or len(self._building) >= MAX_BUILDS:
                return False  # a team set turned away now is built when one of its laptops asks again
            failed = self._failed.get(key)
            if failed is not None and time.monotonic() - failed < RETRY_AFTER_FAILURE_SECONDS:
                return False
            if _alive(marker):
                return False
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                marker.unlink(missing_ok=True)
            except OSError as exc:  # a folder it may not write: laptops sync page by page, no 500 for them
                log.error("Cannot prepare first syncs in %s: %s", self.folder, exc)
                return False
            try:  # one builder per key across this machine's server processes
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return False
            except OSError as exc:
                log.error("Cannot prepare first syncs in %s: %s", self.folder, exc)
                return False
            self._building.add(key)
        thread = threading.Thread(target=self._build, args=(key, teams, era, generation, marker, db),
                                  name=f"prepare-{key[:8]}", daemon=True)
        thread.start()
        return True

    def wait(self, timeout: float = BUILD_TIMEOUT_SECONDS) -> None:
        """Wait until this process's builds are done (tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._building:
                    return
            time.sleep(0.05)

    def _build(self, key: str, teams: list[str], era: int, generation: int, marker: Path, db: Engine) -> None:
        started = time.perf_counter()
        # A folder of its own: two server processes that both took a stale marker over must not build
        # into (or delete, or compress) one file.
        work = self.folder / f"{key}.{os.getpid()}.{threading.get_ident()}.work"
        done = False
        try:
            work.mkdir(exist_ok=True)
            out = work / "replica.sqlite"
            out.unlink(missing_ok=True)
            # The app's storage code runs in a child process: a build is seconds of CPU that would
            # otherwise hold this process's interpreter, and the database URL goes by environment (it
            # may hold a password, which a command line shows to every user of the machine).
            with subprocess.Popen(
                [sys.executable, "-m", "server.prepare_build", "--teams", ",".join(teams), "--out", str(out)],
                env={**os.environ, "FELTBOG_SERVER_DB": self.database_url}, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            ) as child:
                marker.write_text(str(child.pid), encoding="utf-8")  # a server restarted meanwhile sees it end
                try:
                    stdout, stderr = child.communicate(timeout=BUILD_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.communicate()
                    log.error("Preparing a first sync took more than %d s; stopped", BUILD_TIMEOUT_SECONDS)
                    return
            if child.returncode != 0:
                log.error("Preparing a first sync failed: %s", stderr.strip()[-2000:])
                return
            built = json.loads(stdout.strip().splitlines()[-1])
            self.schema = str(built["schema"])
            copy = self._store(out, key, built, era, generation)
            done = True
            self.tidy(era, generation, keep=copy)
            if self.drop_erased(db) != generation:  # stored after an erasure that committed while it read
                # On SQLite that erasure's own WAL checkpoint could not finish while this build's snapshot
                # was open: old page images with the erased text may still be in the WAL. Now it can.
                checkpoint(db)
            log.info("prepared", extra={"records": copy.records, "cursor": copy.cursor, "bytes": copy.size,
                                        "prepare_ms": round((time.perf_counter() - started) * 1000)})
        except Exception:
            log.exception("Preparing a first sync failed")
        finally:
            _remove_folder(work)
            marker.unlink(missing_ok=True)
            metrics.PREPARED_BUILDS.labels("built" if done else "failed").inc()
            with self._lock:
                self._building.discard(key)
                if done:
                    self._failed.pop(key, None)
                else:
                    self._failed[key] = time.monotonic()

    def _store(self, built_file: Path, key: str, built: dict[str, Any], era: int, generation: int) -> PreparedCopy:
        """Compress the built file beside its final name, describe it, then move both into place."""
        stem = f"{key}-{int(built['cursor'])}"
        partial = self.folder / f"{stem}.sqlite.gz.partial"
        described = self.folder / f"{stem}.json.partial"
        final = self.folder / f"{stem}.sqlite.gz"
        left = [partial, described]
        try:
            with built_file.open("rb") as source, gzip.open(partial, "wb", compresslevel=6) as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
            digest = hashlib.sha256()
            with partial.open("rb") as compressed:
                while chunk := compressed.read(1 << 20):
                    digest.update(chunk)
            copy = PreparedCopy(path=final, key=key, cursor=int(built["cursor"]), records=int(built["records"]),
                                schema=str(built["schema"]), sha256=digest.hexdigest(),
                                size=partial.stat().st_size, era=era, generation=generation)
            description = {name: getattr(copy, name) for name in DESCRIBED}
            described.write_text(json.dumps(description), encoding="utf-8")
            os.replace(partial, final)
            left.append(final)  # in place, not described yet
            os.replace(described, self.folder / f"{stem}.json")  # last: now it is ready
        except BaseException:
            # A full disk (or a stop) leaves nothing behind: no tidy would ever find a half copy, which
            # holds the team's text and the room the next build needs.
            for name in left:
                name.unlink(missing_ok=True)
            raise
        return copy

    def _described(self) -> list[PreparedCopy]:
        copies: list[PreparedCopy] = []
        if not self.folder.is_dir():
            return copies
        for description in self.folder.glob("*.json"):
            data_file = description.with_suffix(".sqlite.gz")
            try:
                data = json.loads(description.read_text(encoding="utf-8"))
                if not data_file.is_file():
                    continue
                copies.append(PreparedCopy(path=data_file, **{name: data[name] for name in DESCRIBED}))
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("Ignoring an unreadable prepared copy description: %s", description.name)
        return copies
