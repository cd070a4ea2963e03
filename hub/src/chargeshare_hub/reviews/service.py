"""Reviews: written after a fulfilled booking, edited for `EDIT_WINDOW`, answered by the host, read in pages.

A review, the listing's new score in the search read model and the notice to the reviewed party are written
in one transaction. Writing a review or a reply needs a verified email address: what it says is public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..accounts.tables import User
from ..bookings.lifecycle import Status
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..listings.health import HealthRules
from ..listings.service import Listings
from ..listings.tables import Location
from ..notifications.inbox import notify
from ..trust.verification import require_verified_email
from ..web.errors import ApiError, bad_request, conflict, not_found
from .access import booking_party, may_read_driver_reviews, readable_review, refused
from .fields import review_fields, text_or_none
from .scores import DRIVER, HOST, Rating, driver_rating, listing_rating, refresh_listing_rating
from .tables import Review

EDIT_WINDOW = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class ReviewView:
    review: Review
    author_name: str | None  # None: the author's account is gone


@dataclass(frozen=True, slots=True)
class ReviewPage:
    rating: Rating | None  # over all the reviews, not only this page's
    reviews: list[ReviewView]
    next_before: int | None  # the cursor of the next page; None: this is the last


class Reviews:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._health = HealthRules.from_config(config)
        self.clock = clock

    async def create(self, principal: Principal, booking_id: str, body: dict[str, Any]) -> ReviewView:
        now = self.clock()
        async with self._db.write() as session:
            booking, location, role = await booking_party(session, principal, booking_id)
            if booking.reservation_status != Status.FULFILLED:
                raise conflict("not_fulfilled", "Only a fulfilled booking can be reviewed.")
            await require_verified_email(session, principal.user_id)
            fields = review_fields(role, body)
            if await session.scalar(
                select(Review.id).where(Review.booking_id == booking.id, Review.author_role == role)
            ):
                raise _already_reviewed()
            review = Review(
                booking_id=booking.id,
                location_id=location.id,
                author_id=principal.user_id,
                author_role=role,
                subject_id=location.host_id if role == DRIVER else booking.driver_id,
                created_at=now,
                updated_at=now,
                **fields,
            )
            session.add(review)
            try:
                await session.flush()
            except IntegrityError as err:  # the same review, sent twice at once
                raise _already_reviewed() from err
            if role == DRIVER:
                await refresh_listing_rating(session, location.id)
            await _tell_subject(session, review, location)
            return await _view(session, review)

    async def edit(self, principal: Principal, review_id: int, body: dict[str, Any]) -> ReviewView:
        now = self.clock()
        stale_before = self._health.stale_before(now)
        async with self._db.write() as session:
            review = await session.get(Review, review_id)
            if review is None:
                raise not_found("review")
            if review.author_id != principal.user_id:
                raise await refused(
                    session, principal, review, "Only its author edits a review.", stale_before=stale_before
                )
            if now >= review.created_at + EDIT_WINDOW:
                raise conflict("edit_window_closed", f"A review can be edited for {EDIT_WINDOW.days} days.")
            for name, value in review_fields(review.author_role, body).items():
                setattr(review, name, value)
            review.updated_at = now
            await session.flush()
            if review.author_role == DRIVER:
                await refresh_listing_rating(session, review.location_id)
            return await _view(session, review)

    async def reply(self, principal: Principal, review_id: int, text: str, *, first: bool) -> ReviewView:
        """The host's answer to a driver's review: `first` writes it (once), else it replaces the one written."""
        now = self.clock()
        stale_before = self._health.stale_before(now)
        body = text_or_none(text)
        async with self._db.write() as session:
            review = await session.get(Review, review_id)
            location = None if review is None else await session.get(Location, review.location_id)
            if review is None or location is None:
                raise not_found("review")
            if location.host_id != principal.user_id:
                message = "Only the listing's host replies to its reviews."
                raise await refused(session, principal, review, message, stale_before=stale_before)
            if review.author_role != DRIVER:
                raise conflict("not_replyable", "Replies answer drivers' reviews.")
            if first and review.reply is not None:
                raise conflict("already_replied", "This review has a reply: edit it instead.")
            if not first and review.reply is None:
                raise not_found("reply")
            if body is None:
                raise bad_request("invalid", "Write a reply.", "body")
            await require_verified_email(session, principal.user_id)
            review.reply = body
            review.reply_updated_at = now
            if first:
                review.replied_at = now
                if review.author_id is not None:
                    await notify(
                        session,
                        review.author_id,
                        kind="review.replied",
                        subject=f"The host replied to your review of {_place(location)}",
                        body=body,
                        link=f"/reviews/{review.id}",
                    )
            await session.flush()
            return await _view(session, review)

    async def get(self, principal: Principal | None, review_id: int) -> ReviewView:
        async with self._db.read() as session:
            review = await readable_review(session, principal, review_id, stale_before=self._stale_before())
            return await _view(session, review)

    async def of_listing(
        self, principal: Principal | None, location_id: str, *, before: int | None, limit: int
    ) -> ReviewPage:
        """Drivers' reviews of a listing anyone who may see it may read, newest first."""
        async with self._db.read() as session:
            await Listings.visible(session, principal, location_id, stale_before=self._stale_before())
            where = (Review.location_id == location_id, Review.author_role == DRIVER)
            return await _page(session, await listing_rating(session, location_id), where, before, limit)

    async def of_driver(self, principal: Principal, driver_id: int, *, before: int | None, limit: int) -> ReviewPage:
        """Hosts' reviews of a driver, for the driver, admins and hosts the driver booked with; newest first."""
        async with self._db.read() as session:
            if await session.get(User, driver_id) is None or not await may_read_driver_reviews(
                session, principal, driver_id
            ):
                raise not_found("driver")
            where = (Review.subject_id == driver_id, Review.author_role == HOST)
            return await _page(session, await driver_rating(session, driver_id), where, before, limit)

    def _stale_before(self) -> datetime:
        return self._health.stale_before(self.clock())


def _already_reviewed() -> ApiError:
    return conflict("already_reviewed", "This booking has your review already: edit it instead.")


def _place(location: Location) -> str:
    return location.name or f"{location.address}, {location.city}"


async def _tell_subject(session: AsyncSession, review: Review, location: Location) -> None:
    author = await session.scalar(select(User.name).where(User.id == review.author_id))
    if review.author_role == DRIVER:
        subject = f"{author} reviewed {_place(location)}: {review.score}/5"
    else:
        subject = f"{author}, host of {_place(location)}, reviewed you: {review.score}/5"
    await notify(
        session,
        review.subject_id,
        kind="review.received",
        subject=subject,
        body=review.comment or "No comment.",
        link=f"/reviews/{review.id}",
    )


async def _view(session: AsyncSession, review: Review) -> ReviewView:
    name = (
        None if review.author_id is None else await session.scalar(select(User.name).where(User.id == review.author_id))
    )
    return ReviewView(review, name)


async def _page(
    session: AsyncSession, rating: Rating | None, where: tuple[Any, ...], before: int | None, limit: int
) -> ReviewPage:
    query = (
        select(Review, User.name)
        .outerjoin(User, User.id == Review.author_id)
        .where(*where)
        .order_by(Review.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Review.id < before)
    rows = (await session.execute(query)).all()
    views = [ReviewView(review, name) for review, name in rows[:limit]]
    return ReviewPage(rating, views, views[-1].review.id if len(rows) > limit else None)
