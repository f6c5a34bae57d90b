"""Mail rules: where a client's notices go, the SMTP URL, the message as built, and the retry rule."""

from datetime import UTC, datetime
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest

from registry.domain import mail


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "plain", None, None)),
    ("smtp://mail.example.org", ("mail.example.org", 25, "plain", None, None)),
    ("smtp+starttls://dpo%40example.org:p%40ss%3Aword@mail.example.org",
     ("mail.example.org", 587, "starttls", "dpo@example.org", "p@ss:word")),
    ("smtps://user:secret@smtp.example.org:2465", ("smtp.example.org", 2465, "ssl", "user", "secret")),
    ("SMTPS://smtp.example.org", ("smtp.example.org", 465, "ssl", None, None)),
])
def test_smtp_urls_give_host_port_security_and_login(url, expected):
    s = mail.parse_smtp_url(url)
    assert (s.host, s.port, s.security, s.user, s.password) == expected
    assert "secret" not in s.describe() and "word" not in s.describe()


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:99999", "smtp://host/path",
                                 "smtp://host?x=1", "mail.example.org:25"])
def test_unusable_smtp_urls_are_refused_with_what_to_write(url):
    with pytest.raises(mail.SmtpUrlError, match="REGISTRY_SMTP_URL"):
        mail.parse_smtp_url(url)


def test_a_clients_notices_go_to_its_dpo_else_its_contact_else_nowhere():
    assert mail.notice_address(SimpleNamespace(dpo_email="dpo@c.example.com", contact_email="x@c.example.com")) \
        == "dpo@c.example.com"
    assert mail.notice_address(SimpleNamespace(dpo_email=None, contact_email=" x@c.example.com ")) == "x@c.example.com"
    assert mail.notice_address(SimpleNamespace(dpo_email="", contact_email=None)) is None
    assert mail.notice_address(SimpleNamespace(dpo_email="a@b.example\nBcc: e@evil.example", contact_email=None)) is None


@pytest.mark.parametrize("value", ["a@example.org\r\nBcc: victim@example.org", "a@example.org\nX: y",
                                   "a@example.org\rX", "a\x00@example.org", "a@example.org\u2028X: y"])
def test_a_header_value_with_a_line_break_or_control_character_is_refused(value):
    assert mail.header_problem(value) is not None
    assert mail.address_problem(value) is not None


@pytest.mark.parametrize("value", ["a@example.org, b@example.org", "Name <a@example.org>", "a@b", "plain"])
def test_only_one_plain_address_is_an_address(value):
    assert mail.address_problem(value) == "is not one e-mail address"


def test_a_message_is_plain_text_in_its_language_with_the_pdf_attached():
    built = mail.build_message(sender="Registre <registre@example.org>", to="dpo@client.example.com",
                               subject="Notification de violation — délai", body="Bonjour,\nvoici l’avis.\n",
                               language="fr", sent_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC), domain="example.org",
                               attachment=("avis.pdf", b"%PDF-1.7 test"))
    read = message_from_bytes(built.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert read["To"] == "dpo@client.example.com" and read["Subject"] == "Notification de violation — délai"
    assert read["Content-Language"] == "fr" and read["Message-ID"].endswith("@example.org>")
    assert read.get_body(("plain",)).get_content().splitlines() == ["Bonjour,", "voici l’avis."]
    assert read.get_body(("html",)) is None
    (pdf,) = list(read.iter_attachments())
    assert pdf.get_filename() == "avis.pdf" and pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == b"%PDF-1.7 test"


def test_building_a_message_refuses_a_header_injection():
    with pytest.raises(ValueError, match="subject holds a line break"):
        mail.build_message(sender="r@example.org", to="a@example.org", subject="Hi\r\nBcc: v@example.org", body="",
                           language="en", sent_at=datetime(2026, 3, 1, tzinfo=UTC), domain="example.org")


def test_retries_wait_twice_as_long_each_time_and_a_5xx_is_final():
    assert [mail.retry_delay(n, 60) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert mail.is_permanent(550) and mail.is_permanent(554)
    assert not mail.is_permanent(451) and not mail.is_permanent(421) and not mail.is_permanent(None)
