"""E-mail as pure rules: whom a client's notices go to, the SMTP URL, the message itself, and retries.

No I/O here: the message is built with the standard library's `email.message.EmailMessage` (plain text in the
recipient's language, at most one PDF attached, never HTML written by a user) and sent by `registry.jobs.smtp`.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}
# One address, as a client record's e-mail fields hold it: no display name, no list, no quoting.
_ADDRESS = re.compile(r"^[^\s@,;:<>()\[\]\"\\]+@[^\s@,;:<>()\[\]\"\\]+\.[^\s@,;:<>()\[\]\"\\]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_SUBJECT = 250


class SmtpUrlError(ValueError):
    """REGISTRY_SMTP_URL cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand messages over: `security` is plain, starttls or ssl."""

    host: str
    port: int
    security: str
    user: str | None = None
    password: str | None = None

    def describe(self) -> str:
        """For a console or a page: never the password."""
        who = f"{self.user}@" if self.user else ""
        return f"{self.security} {who}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://`, `smtp+starttls://` or `smtps://` with an optional `user:password@` (percent-encoded) and port."""
    parts = urlsplit(url.strip())
    security = SCHEMES.get(parts.scheme.lower())
    if security is None:
        raise SmtpUrlError(f"REGISTRY_SMTP_URL must start with one of {', '.join(s + '://' for s in SCHEMES)}")
    try:
        port = parts.port
    except ValueError:
        raise SmtpUrlError("REGISTRY_SMTP_URL has a port that is not a number between 0 and 65535") from None
    if not parts.hostname:
        raise SmtpUrlError("REGISTRY_SMTP_URL names no host (e.g. smtp+starttls://user:password@mail.example.org:587)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SmtpUrlError("REGISTRY_SMTP_URL takes no path, query or fragment")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return SmtpSettings(parts.hostname, port or DEFAULT_PORTS[security], security, user, password)


def header_problem(value: str) -> str | None:
    """Why a header value is refused: a line break would let it add headers of its own (header injection)."""
    if "\r" in value or "\n" in value:
        return "holds a line break"
    if _CONTROL.search(value):
        return "holds a control character"
    return None


def address_problem(value: str) -> str | None:
    """Why `value` is not one plain e-mail address (None when it is)."""
    problem = header_problem(value)
    if problem:
        return problem
    if len(value) > 254 or not _ADDRESS.match(value):
        return "is not one e-mail address"
    return None


def notice_address(client) -> str | None:
    """Where a client controller's notices go (Arts. 28(2), 33(2)): its DPO's e-mail, else its contact's, else
    None (the client is then flagged and listed, never skipped in silence)."""
    for value in (getattr(client, "dpo_email", None), getattr(client, "contact_email", None)):
        if value and value.strip() and address_problem(value.strip()) is None:
            return value.strip()
    return None


def build_message(*, sender: str, to: str, subject: str, body: str, language: str, sent_at: datetime,
                  domain: str, attachment: tuple[str, bytes] | None = None) -> EmailMessage:
    """One plain-text message in the recipient's language, with at most one PDF attached.

    The standard policy refuses a line break in any header value (ValueError); the caller has refused it earlier
    with the field named, this is the last line.
    """
    for name, value in (("to", to), ("from", sender), ("subject", subject)):
        problem = header_problem(value)
        if problem:
            raise ValueError(f"{name} {problem}")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    # After the content: setting it would drop the Content-* headers of the message as a whole.
    message["Content-Language"] = language
    return message


def retry_delay(attempts: int, base_seconds: int) -> int:
    """Seconds before the next try after `attempts` failed ones: base, then doubled each time."""
    return base_seconds * 2 ** max(attempts - 1, 0)


def is_permanent(code: int | None) -> bool:
    """A 5xx answer will not change by trying again (RFC 5321 4.2.1); 4xx and lost connections may."""
    return code is not None and 500 <= code < 600


def one_line(text: object) -> str:
    """User text on one line, its runs of white space made one space (a record's name cannot add lines to a message
    or its subject); None is empty."""
    return " ".join(("" if text is None else str(text)).split())
