"""The email an outbound row becomes: headers a mail client and a spam filter expect, a plain-text body, and
the hub page it is about as an absolute link."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

from ..config import HubConfig
from .tables import OutboundEmail


def mail_domain(config: HubConfig) -> str:
    return urlsplit(config.base_url).hostname or "localhost"


def sender(config: HubConfig) -> str:
    return config.smtp_from or str(Address("ChargeShare", "no-reply", mail_domain(config)))


def compose(email: OutboundEmail, config: HubConfig, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = email.to_address
    # A subject may quote what users typed (a support request's subject); a line break would end the header.
    message["Subject"] = " ".join(email.subject.split())
    message["Date"] = format_datetime(now)
    # The same id on every attempt: should a retry deliver a mail twice, mail clients show it once.
    message["Message-ID"] = f"<chargeshare.{email.id}.{email.created_at:%Y%m%d%H%M%S%f}@{mail_domain(config)}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the hub
    text = email.body if email.link is None else f"{email.body}\n\n{config.base_url}{email.link}\n"
    message.set_content(text)
    return message
