"""The desk's accounts: users with a role and unit, hashed passwords, sessions, API tokens, lockout.

Kept in ``<archive>/desk/accounts.sqlite3``, beside the archive they give access to (the CLI's
``lianzheng users`` and the desk open the same file). What is stored is never enough to sign in:

- passwords as Argon2id hashes (argon2-cffi, OWASP's first choice; parameters in the hash, so a
  later library default re-hashes on the next sign-in);
- sessions and API tokens as SHA-256 of a 256-bit random value; the value itself lives only in
  the browser's cookie or the calling system's configuration.

Five failed sign-ins in a row lock an account for 15 minutes (:data:`MAX_FAILURES`,
:data:`LOCKOUT`); an unknown name costs the same time as a wrong password, so timing does not tell
which names exist. Every sign-in, failure, lockout and sign-out is kept in ``signins``.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import ExitCode, LianzhengError
from .access import Role, User

FILE = Path("desk") / "accounts.sqlite3"
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
#: A session ends after this long without a request, and in any case after :data:`SESSION_MAX`.
SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
MIN_PASSWORD = 10
#: Password hashes checked at once (each ~0.2 s of a core and 64 MiB), and how long a sign-in waits for a turn.
HASHING = 2
HASHING_WAIT = 10.0
_hashing = threading.BoundedSemaphore(HASHING)
TOKEN_PREFIX = "lz_"

ROLE_NAMES = {"办公室": Role.OFFICE, "office": Role.OFFICE, "纪检组": Role.DISCIPLINE, "discipline": Role.DISCIPLINE,
              "科室": Role.SECTION, "section": Role.SECTION, "只读": Role.READER, "reader": Role.READER}  # fmt: skip

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, display TEXT NOT NULL DEFAULT '', role TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT, created_at TEXT NOT NULL, password_changed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), label TEXT NOT NULL,
    created_at TEXT NOT NULL, last_used TEXT);
CREATE TABLE IF NOT EXISTS signins (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, outcome TEXT NOT NULL, address TEXT NOT NULL);
"""


class AccountError(LianzhengError):
    """A ``lianzheng users`` request that cannot be done as asked (bad role, weak password, no such user)."""

    exit_code = ExitCode.INVALID_INPUT


class Busy(LianzhengError):
    """Too many sign-ins at once: try again in a moment (HTTP 503)."""

    exit_code = ExitCode.ARCHIVE
    http_status = 503


class SignInFailed(LianzhengError):
    """Wrong name or password, a disabled or a locked account: the sign-in page says which it may say."""

    exit_code = ExitCode.USAGE
    http_status = 401


@dataclass(frozen=True)
class Account:
    """A user as ``lianzheng users list`` shows them (never the hash)."""

    name: str
    display: str
    role: Role
    unit: str
    disabled: bool
    locked_until: str | None
    created_at: str

    def user(self) -> User:
        return User(name=self.name, role=self.role, unit=self.unit, display=self.display)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def digest(secret: str) -> str:
    """What is stored of a session or token value: its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_role(text: str) -> Role:
    role = ROLE_NAMES.get(text.strip().lower()) or ROLE_NAMES.get(text.strip())
    if role is None:
        raise AccountError(f"角色“{text}”不存在；可选：办公室、纪检组、科室、只读")
    return role


def check_password(name: str, password: str) -> None:
    """Refuse a password too short, or one that is the user's name."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符（现在 {len(password)} 个）")
    if password.strip().lower() == name.strip().lower() or not password.strip():
        raise AccountError("密码不能是用户名，也不能全是空格")


P = ParamSpec("P")
R = TypeVar("R")


def _locked(method: Callable[Concatenate[Accounts, P], R]) -> Callable[Concatenate[Accounts, P], R]:
    """One thread at a time on the connection (views run in worker threads, the sign-in check in the loop)."""

    def inner(self: Accounts, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    inner.__doc__, inner.__name__ = method.__doc__, method.__name__
    return inner


class Accounts:
    """The accounts file of one archive; open with :meth:`open` (it is made on the first ``add``)."""

    def __init__(self, path: Path, *, hasher: PasswordHasher | None = None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self.hasher = hasher or PasswordHasher()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self._dummy = self.hasher.hash(secrets.token_hex(16))  # for unknown names: the same work as a real check
        #: failures of names that have no account (name -> (count, locked until)), as rows keep them
        self._unknown: dict[str, tuple[int, str | None]] = {}

    @classmethod
    def of(cls, archive_root: Path) -> Accounts:
        return cls(archive_root / FILE)

    @staticmethod
    def exist_in(archive_root: Path) -> bool:
        """Whether the archive has an accounts file with at least one enabled user (without creating one)."""
        path = archive_root / FILE
        if not path.is_file():
            return False
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            try:
                return bool(db.execute("SELECT 1 FROM users WHERE disabled = 0 LIMIT 1").fetchone())
            except sqlite3.Error:
                return False

    @_locked
    def any_user(self) -> bool:
        """Whether any account exists, enabled or not (then every request signs in, whatever else)."""
        return bool(self.db.execute("SELECT 1 FROM users LIMIT 1").fetchone())

    @_locked
    def any_enabled(self) -> bool:
        """Whether at least one account can sign in (with none, the loopback desk is the local clerk's)."""
        return bool(self.db.execute("SELECT 1 FROM users WHERE disabled = 0 LIMIT 1").fetchone())

    @_locked
    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ users (lianzheng users)

    @_locked
    def add(self, name: str, password: str, *, role: Role, unit: str = "", display: str = "") -> Account:
        name, unit = name.strip(), unit.strip()
        if not name or any(ch.isspace() for ch in name) or len(name) > 64:
            raise AccountError("用户名不能为空、不能含空格，最长 64 个字符")
        if role in (Role.SECTION, Role.DISCIPLINE) and not unit:
            raise AccountError(f"角色“{role}”的账号须用 --unit 指明所属单位（科室或纪检组的名称，如“办公室”）")
        check_password(name, password)
        now = _iso(_now())
        try:
            self.db.execute(
                "INSERT INTO users (name, display, role, unit, password_hash, created_at, password_changed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, display.strip(), str(role), unit, self.hasher.hash(password), now, now),
            )
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"用户名 {name} 已存在；改密码用 lianzheng users passwd {name}") from exc
        return self.get(name)

    @_locked
    def get(self, name: str) -> Account:
        row = self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"没有用户 {name}；可用 lianzheng users list 查看")
        return Account(row["name"], row["display"], Role(row["role"]), row["unit"], bool(row["disabled"]),
                       row["locked_until"], row["created_at"])  # fmt: skip

    @_locked
    def users(self) -> list[Account]:
        names = [row["name"] for row in self.db.execute("SELECT name FROM users ORDER BY name")]
        return [self.get(name) for name in names]

    @_locked
    def set_password(self, name: str, password: str) -> None:
        """A new password; the user's sessions end (they sign in again with it)."""
        self.get(name)
        check_password(name, password)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ?, failures = 0, locked_until = NULL "
                "WHERE name = ?",
                (self.hasher.hash(password), _iso(_now()), name),
            )
            self.db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    @_locked
    def set_disabled(self, name: str, disabled: bool) -> None:
        """Disable (sessions and tokens stop working at once) or enable (and unlock) an account."""
        self.get(name)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE users SET disabled = ?, failures = 0, locked_until = NULL WHERE name = ?",
                            (int(disabled), name))  # fmt: skip
            if disabled:
                self.db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    @_locked
    def new_token(self, name: str, label: str) -> str:
        """A new API token for ``name``, returned once (only its digest is kept)."""
        self.get(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.db.execute("INSERT INTO tokens (digest, user, label, created_at) VALUES (?, ?, ?, ?)",
                        (digest(token), name, label.strip() or "API", _iso(_now())))  # fmt: skip
        return token

    @_locked
    def revoke_tokens(self, name: str) -> int:
        self.get(name)
        return self.db.execute("DELETE FROM tokens WHERE user = ?", (name,)).rowcount

    # ------------------------------------------------------------------ signing in (the desk)

    def sign_in(self, name: str, password: str, *, address: str = "") -> tuple[User, str]:
        """The user and a new session value, if ``password`` is right and the account usable.

        The password's hash is checked outside the connection's lock (it takes ~0.2 s and 64 MiB),
        and at most :data:`HASHING` at a time: a crowd of sign-ins, right or wrong, neither holds up
        the other requests nor eats the memory (:class:`Busy` when all turns stay taken)."""
        name = name.strip()
        with self._lock:
            row = self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        now = _now()
        locked_until = row["locked_until"] if row is not None else self._unknown_locked(name, now)
        if locked_until and datetime.fromisoformat(locked_until) > now:
            self._checked(self._dummy, password)  # the same time as any other answer
            with self._lock:
                self._log(name, "locked", address)
            wait = _minutes(locked_until)
            raise SignInFailed(f"连续 {MAX_FAILURES} 次登录失败，账号已暂时锁定；请 {wait} 分钟后再试，"
                               "或请管理员用 lianzheng users enable 解锁")  # fmt: skip
        if row is None or not self._checked(row["password_hash"], password):
            self._failed(name, row, now, address)
            raise SignInFailed("用户名或密码不正确")
        if row["disabled"]:
            with self._lock:
                self._log(name, "disabled", address)
            raise SignInFailed("此账号已停用；请联系办公室")
        rehashed = self.hasher.hash(password) if self.hasher.check_needs_rehash(row["password_hash"]) else None
        session = secrets.token_urlsafe(32)
        with self._lock:
            if rehashed:
                self.db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (rehashed, name))
            self.db.execute("UPDATE users SET failures = 0, locked_until = NULL WHERE name = ?", (name,))
            self.db.execute("INSERT INTO sessions (digest, user, created_at, last_seen) VALUES (?, ?, ?, ?)",
                            (digest(session), name, _iso(now), _iso(now)))  # fmt: skip
            self._log(name, "ok", address)
            return self.get(name).user(), session

    def _checked(self, stored: str, password: str) -> bool:
        """The hash check, in one of the :data:`HASHING` turns."""
        if not _hashing.acquire(timeout=HASHING_WAIT):
            raise Busy("登录的人太多，请稍后再试")
        try:
            return self._verify(stored, password)
        finally:
            _hashing.release()

    def _failed(self, name: str, row: sqlite3.Row | None, now: datetime, address: str) -> None:
        """Count a failure: in the account's row, or for a name that has none, in memory; the same
        lockout either way, so that a lockout does not tell which names exist."""
        if row is None:
            with self._lock:
                count, _until = self._unknown.get(name, (0, None))
                count += 1
                locked = _iso(now + LOCKOUT) if count >= MAX_FAILURES else None
                if len(self._unknown) > 10_000:  # a bound on what guessing can make us keep
                    self._unknown.clear()
                self._unknown[name[:64]] = (0 if locked else count, locked)
                self._log(name, "unknown", address)
            return
        failures = row["failures"] + 1
        locked = _iso(now + LOCKOUT) if failures >= MAX_FAILURES else None
        with self._lock:
            self.db.execute("UPDATE users SET failures = ?, locked_until = ? WHERE name = ?",
                            (0 if locked else failures, locked, name))  # fmt: skip
            self._log(name, "locked-now" if locked else "wrong-password", address)

    def _unknown_locked(self, name: str, now: datetime) -> str | None:
        with self._lock:
            return self._unknown.get(name[:64], (0, None))[1]

    @_locked
    def session_user(self, session: str) -> User | None:
        """The user of a live session (and its last request noted), or None: unknown, idle, too old, disabled."""
        query = "SELECT s.*, u.disabled FROM sessions s JOIN users u ON u.name = s.user WHERE s.digest = ?"
        row = self.db.execute(query, (digest(session),)).fetchone()
        if row is None:
            return None
        now = _now()
        last_seen, created = datetime.fromisoformat(row["last_seen"]), datetime.fromisoformat(row["created_at"])
        if row["disabled"] or now - last_seen > SESSION_IDLE or now - created > SESSION_MAX:
            self.db.execute("DELETE FROM sessions WHERE digest = ?", (row["digest"],))
            return None
        if (now - last_seen).total_seconds() > 60:  # one write a minute at most, not one per request
            self.db.execute("UPDATE sessions SET last_seen = ? WHERE digest = ?", (_iso(now), row["digest"]))
        return self.get(row["user"]).user()

    @_locked
    def sign_out(self, session: str) -> None:
        row = self.db.execute("SELECT user FROM sessions WHERE digest = ?", (digest(session),)).fetchone()
        self.db.execute("DELETE FROM sessions WHERE digest = ?", (digest(session),))
        if row is not None:
            self._log(row["user"], "signed-out", "")

    @_locked
    def token_user(self, token: str) -> User | None:
        """The user an API token belongs to (if enabled), or None."""
        query = "SELECT t.user, u.disabled FROM tokens t JOIN users u ON u.name = t.user WHERE t.digest = ?"
        row = self.db.execute(query, (digest(token),)).fetchone()
        if row is None or row["disabled"]:
            return None
        self.db.execute("UPDATE tokens SET last_used = ? WHERE digest = ?", (_iso(_now()), digest(token)))
        return self.get(row["user"]).user()

    @_locked
    def signins(self, limit: int = 50) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM signins ORDER BY id DESC LIMIT ?", (limit,)))

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def _log(self, name: str, outcome: str, address: str) -> None:
        self.db.execute("INSERT INTO signins (at, user, outcome, address) VALUES (?, ?, ?, ?)",
                        (_iso(_now()), name[:64], outcome, address))  # fmt: skip


def _minutes(until: str) -> int:
    return max(1, int((datetime.fromisoformat(until) - _now()).total_seconds() // 60) + 1)
