"""Mail in tests: run the deliveries the queue would run, here and now, and read what they wrote."""

from sqlmodel import Session, select

from registry.models import MailMessage


def deliver_all(app, passes: int | None = None) -> list[MailMessage]:
    """Deliver every queued message of the app's database in this process (as the `deliver` task would, without
    waiting for a retry's back-off), pass after pass until none is queued (or `passes` passes); returns every
    message, oldest first, as it ended."""
    from registry.jobs import mail

    engine = app.extensions["registry.engine"]
    passes = passes if passes is not None else app.config["REGISTRY_MAIL_RETRIES"] + 1
    for _ in range(passes):
        with Session(engine) as session:
            ids = list(session.exec(select(MailMessage.id).where(MailMessage.status == "queued")
                                    .order_by(MailMessage.id)))
        if not ids:
            break
        for message_id in ids:
            mail.deliver_now(app, message_id, force=True)
    return messages(app)


def messages(app) -> list[MailMessage]:
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        return list(session.exec(select(MailMessage).order_by(MailMessage.id)))
