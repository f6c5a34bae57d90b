"""Hand one message to an SMTP server (smtplib): plain, STARTTLS or implicit TLS, with login when the URL has one.

The answer is classified for the retry rule: a 5xx is `Permanent`, a 4xx or a lost connection is `Temporary`.
"""

import smtplib
import ssl

from registry.domain import mail as rules


class Temporary(Exception):
    """Try again later (4xx, connection refused or lost, timeout); `answer` is what the server or socket said."""

    def __init__(self, answer: str):
        super().__init__(answer)
        self.answer = answer


class Permanent(Exception):
    """Trying again will not help (5xx, a refused certificate, a server without STARTTLS)."""

    def __init__(self, answer: str):
        super().__init__(answer)
        self.answer = answer


def _text(code: int, reply: bytes | str) -> str:
    reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(reply.split())}"


def _raise_for(code: int, reply, step: str):
    answer = f"{step}: {_text(code, reply)}"
    if rules.is_permanent(code):
        raise Permanent(answer)
    raise Temporary(answer)


def send(settings: rules.SmtpSettings, sender: str, recipient: str, data: bytes, timeout: float,
         local_hostname: str | None = None) -> str:
    """Send `data` (the message with CRLF line ends) to one recipient; returns the server's answer to DATA."""
    context = ssl.create_default_context()
    try:
        if settings.security == "ssl":
            conn = smtplib.SMTP_SSL(settings.host, settings.port, local_hostname=local_hostname, timeout=timeout,
                                    context=context)
        else:
            conn = smtplib.SMTP(settings.host, settings.port, local_hostname=local_hostname, timeout=timeout)
        with conn:
            code, reply = conn.ehlo()
            if code != 250:
                code, reply = conn.helo()
                if code != 250:
                    _raise_for(code, reply, "HELO")
            if settings.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise Permanent("STARTTLS: the server does not offer it (use smtp:// or smtps://)")
                code, reply = conn.starttls(context=context)
                if code != 220:
                    _raise_for(code, reply, "STARTTLS")
                conn.ehlo()
            if settings.user:
                conn.login(settings.user, settings.password or "")
            code, reply = conn.mail(sender)
            if code != 250:
                _raise_for(code, reply, "MAIL FROM")
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                _raise_for(code, reply, "RCPT TO")
            code, reply = conn.data(data)
            if code != 250:
                _raise_for(code, reply, "DATA")
            return _text(code, reply)
    except (Temporary, Permanent):
        raise
    except smtplib.SMTPResponseException as exc:
        _raise_for(exc.smtp_code, exc.smtp_error, "SMTP")
    except smtplib.SMTPNotSupportedError as exc:
        raise Permanent(f"SMTP: {exc}") from None
    except ssl.SSLCertVerificationError as exc:
        raise Permanent(f"TLS: the server's certificate is refused: {exc.verify_message or exc}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise Temporary(f"{type(exc).__name__}: {exc}") from None
    raise AssertionError("unreachable")
