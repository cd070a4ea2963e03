"""Accounts: registration, sign-in with rate limiting, browser sessions, API tokens and pairing codes.

Secrets (cookies, tokens, pairing codes) are random and shown once; the database keeps only their SHA-256,
so a copy of the database signs nobody in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import hashlib
import re
import secrets

from sqlalchemy import bindparam, delete, func, select, update

from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..events.log import Audience, record_event
from ..trust.verification import send_verification
from ..web.errors import ApiError, bad_request, conflict, not_found
from .passwords import MAX_LENGTH, MIN_LENGTH, hash_password, needs_rehash, verify_password
from .principal import Principal
from .scopes import ALL_SCOPES, parse_scopes
from .tables import ApiToken, LoginFailure, PairingCode, User, WebSession

TOKEN_PREFIX = "csh_"  # noqa: S105 (a marker that makes leaked tokens easy to scan for, not a secret)
PAIRING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen, typed on a phone
PAIRING_LENGTH = 8
PAIRING_TTL = timedelta(minutes=15)
LINK_TOKEN_NAME = "Home Assistant"  # noqa: S105 (a label)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_REVOKED_EVENT = "token.revoked"  # noqa: S105 (an event kind)
TOKEN_TOUCH_EVERY = timedelta(minutes=1)  # last_used_at: fresh enough to show, without a write per request
# Built once: SQLAlchemy works out a statement's cache key per statement object, at a cost per request.
TOKEN_PRINCIPAL = (
    select(
        ApiToken.id.label("token_id"),
        ApiToken.scopes,
        ApiToken.expires_at,
        ApiToken.last_used_at,
        User.id.label("user_id"),
        User.is_admin,
        User.is_host,
    )
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A secret for the caller to keep; the hub cannot show it again."""

    secret: str
    id: int
    expires_at: datetime | None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    def __init__(self, db: Database, config: HubConfig) -> None:
        self._db = db
        self._config = config

    async def register(
        self,
        email: str,
        password: str,
        name: str,
        *,
        host: bool = False,
        driver: bool = True,
        admin: bool = False,
        verified: bool = False,
    ) -> User:
        """A new account; unless `verified` (demo accounts), a link to verify its address goes out with it."""
        email = normalize_email(email)
        check_password(password)
        if not name.strip():
            raise bad_request("invalid", "Give a name others will see.", "name")
        user = User(
            email=email,
            password_hash=hash_password(password),
            name=name.strip(),
            is_host=host,
            is_driver=driver,
            is_admin=admin,
            email_verified_at=utcnow() if verified else None,
        )
        async with self._db.write() as session:
            if await session.scalar(select(User.id).where(User.email == email)) is not None:
                raise conflict("email_taken", "An account with this email address exists.", "email")
            session.add(user)
            if not verified:
                await session.flush()
                await send_verification(session, user.id, email, utcnow())
        return user

    async def sign_in(self, email: str, password: str, address: str) -> tuple[User, IssuedSecret]:
        """A new browser session; refused after too many failures for the account or the address."""
        email = email.strip().lower()
        keys = (f"email:{email}", f"ip:{address}")
        await self._check_rate(keys)
        async with self._db.read() as session:
            user = await session.scalar(select(User).where(User.email == email))
        if len(password) > MAX_LENGTH or not verify_password(user.password_hash if user else None, password):
            async with self._db.write() as session:
                session.add_all(LoginFailure(key=key) for key in keys)
            raise ApiError(401, "invalid_credentials", "The email address or the password is wrong.")
        assert user is not None
        secret = secrets.token_urlsafe(32)
        expires_at = utcnow() + timedelta(days=self._config.session_days)
        async with self._db.write() as session:
            session.add(WebSession(id=digest(secret), user_id=user.id, expires_at=expires_at))
            await session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
            if needs_rehash(user.password_hash):
                await session.execute(
                    update(User).where(User.id == user.id).values(password_hash=hash_password(password))
                )
        return user, IssuedSecret(secret, user.id, expires_at)

    async def _check_rate(self, keys: tuple[str, ...]) -> None:
        since = utcnow() - timedelta(seconds=self._config.login_window_s)
        async with self._db.read() as session:
            for key in keys:
                failures = await session.scalar(
                    select(func.count()).where(LoginFailure.key == key, LoginFailure.at >= since)
                )
                if (failures or 0) >= self._config.login_attempts:
                    error = ApiError(429, "too_many_attempts", "Too many failed attempts; try again in a few minutes.")
                    error.headers["Retry-After"] = str(self._config.login_window_s)
                    raise error

    async def sign_out(self, session_id: str) -> None:
        async with self._db.write() as session:
            await session.execute(update(WebSession).where(WebSession.id == session_id).values(revoked_at=utcnow()))

    async def principal_for_session(self, secret: str) -> Principal | None:
        session_id = digest(secret)
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(WebSession, User)
                    .join(User, User.id == WebSession.user_id)
                    .where(WebSession.id == session_id, WebSession.revoked_at.is_(None))
                )
            ).first()
        if row is None or row.WebSession.expires_at <= utcnow():
            return None
        user = row.User
        return Principal(user.id, ALL_SCOPES, user.is_admin, user.is_host, via_cookie=True, session_id=session_id)

    async def user(self, user_id: int) -> User:
        async with self._db.read() as session:
            user = await session.get(User, user_id)
        if user is None:
            raise not_found("account")
        return user

    async def create_token(
        self, user_id: int, name: str, scopes: frozenset[str], expires_days: int | None = None
    ) -> IssuedSecret:
        unknown = scopes - ALL_SCOPES
        if unknown or not scopes:
            raise bad_request("invalid_scope", f"Scopes are {', '.join(sorted(ALL_SCOPES))}.", "scopes")
        expires_at = utcnow() + timedelta(days=expires_days) if expires_days else None
        secret, token = _new_token(user_id, name.strip() or "API token", scopes, expires_at)
        async with self._db.write() as session:
            session.add(token)
            await session.flush()
        return IssuedSecret(secret, token.id, expires_at)

    async def tokens(self, user_id: int) -> list[ApiToken]:
        async with self._db.read() as session:
            result = await session.scalars(
                select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
            )
            return list(result)

    async def revoke_token(self, user_id: int, token_id: int) -> None:
        """Revoked at once: a Home Assistant linked with it is told (`bye`) and disconnected, in any hub process."""
        now = utcnow()
        async with self._db.write() as session:
            result = await session.execute(
                update(ApiToken)
                .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            if result.rowcount == 0:  # another's token looks exactly like no token
                raise not_found("token")
            record_event(session, TOKEN_REVOKED_EVENT, {"token_id": token_id}, now=now, audience=Audience.INTERNAL)

    async def principal_for_token(self, secret: str) -> Principal | None:
        """Asked on every API request: one statement, so that a revoked token stops at once at little cost."""
        now = utcnow()
        row = await self._db.read_row(TOKEN_PRINCIPAL, {"token_hash": digest(secret)})
        if row is None or (row.expires_at is not None and row.expires_at <= now):
            return None
        if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_EVERY:
            async with self._db.write() as session:
                await session.execute(update(ApiToken).where(ApiToken.id == row.token_id).values(last_used_at=now))
        return Principal(
            row.user_id, parse_scopes(row.scopes), row.is_admin, row.is_host, via_cookie=False, token_id=row.token_id
        )

    async def create_pairing_code(self, user_id: int) -> tuple[str, datetime]:
        code = "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_LENGTH))
        expires_at = utcnow() + PAIRING_TTL
        async with self._db.write() as session:
            session.add(PairingCode(user_id=user_id, code_hash=digest(code), expires_at=expires_at))
        return f"{code[:4]}-{code[4:]}", expires_at

    async def redeem_pairing_code(self, code: str, address: str) -> IssuedSecret:
        """The code's `link` token, once; a used, expired or unknown code is refused (and counted)."""
        key = f"pair-ip:{address}"
        await self._check_rate((key,))
        normalized = re.sub(r"[\s-]", "", code).upper()
        now = utcnow()
        async with self._db.write() as session:
            pairing = await session.scalar(select(PairingCode).where(PairingCode.code_hash == digest(normalized)))
            if pairing is None or pairing.used_at is not None or pairing.expires_at <= now:
                session.add(LoginFailure(key=key))
                refused = True
            else:
                refused = False
                secret, token = _new_token(pairing.user_id, LINK_TOKEN_NAME, frozenset({"link"}), None)
                session.add(token)
                await session.flush()
                pairing.used_at = now
                pairing.token_id = token.id
        if refused:
            raise bad_request("invalid_code", "The pairing code is unknown, used or expired.", "code")
        return IssuedSecret(secret, token.id, None)


def _new_token(user_id: int, name: str, scopes: frozenset[str], expires_at: datetime | None) -> tuple[str, ApiToken]:
    """A token's secret, to show once, and the row that keeps only its hash."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user_id,
        name=name,
        token_hash=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        scopes=" ".join(sorted(scopes)),
        expires_at=expires_at,
    )
    return secret, token


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise bad_request("invalid", "Give a valid email address.", "email")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise bad_request("weak_password", f"Use at least {MIN_LENGTH} characters.", "password")
    if len(password) > MAX_LENGTH:
        raise bad_request("invalid", f"Use at most {MAX_LENGTH} characters.", "password")
