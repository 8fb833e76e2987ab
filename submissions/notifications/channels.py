"""
Sending one outbox row on its channel.

A channel function returns the provider's message id or raises DeliveryError. The same row is
sent again after a temporary failure or a killed worker. SMS passes the row's delivery key to
the gateway as the client request id, so the gateway drops the repeat. SMTP has no such key:
an e-mail whose worker died after the mail server accepted it is sent again, with the same
Message-ID, which mail clients use to recognise the repeat.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from .models import NotificationChannel, Topic
from .sms import SmsError, get_gateway


class DeliveryError(Exception):
    """The message was not sent; `temporary` errors are retried with backoff."""

    def __init__(self, message, *, temporary):
        super().__init__(message)
        self.temporary = temporary


def message_id(notification):
    """Return the e-mail Message-ID of `notification`: the same on every attempt and every worker."""
    sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")
    domain = sender.rsplit("@", 1)[-1].rstrip(">") or "localhost"
    return f"<{notification.delivery_key}@{domain}>"


def send_email(notification):
    if notification.topic == Topic.RECEIPT:
        return _send_receipt_email(notification)

    email = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        to=[notification.recipient_address],
        headers={"Message-ID": message_id(notification)},
    )
    if notification.html_body:
        email.attach_alternative(notification.html_body, "text/html")
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError("The mail server rejected the recipient address.", temporary=False) from error
    except smtplib.SMTPResponseException as error:
        temporary = 400 <= error.smtp_code < 500
        raise DeliveryError(f"The mail server rejected the message with code {error.smtp_code}.", temporary=temporary) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"Sending the e-mail failed: {type(error).__name__}.", temporary=True) from error
    return message_id(notification)


def _send_receipt_email(notification):
    """
    Send the receipt e-mail through `submissions.tasks.send_receipt_email`.

    Intake also enqueues that task. Both paths lock the application row and check its
    `receipt_email_sent_at` mark, so whichever runs first sends the receipt and the other
    finds it sent: the applicant receives one receipt e-mail.
    """
    from ..tasks import send_receipt_email

    try:
        result = send_receipt_email(notification.application_id)
    except OSError as error:
        raise DeliveryError(f"Sending the receipt e-mail failed: {type(error).__name__}.", temporary=True) from error
    if result in ("sent", "already-sent"):
        return f"receipt-{notification.application_id}"
    raise DeliveryError(f"The receipt e-mail was not sent ({result}).", temporary=False)


def send_sms(notification):
    try:
        receipt = get_gateway().send(
            phone=notification.recipient_address,
            message=notification.body,
            request_id=str(notification.delivery_key),
        )
    except SmsError as error:
        raise DeliveryError(str(error), temporary=error.temporary) from error
    return receipt.message_id


SENDERS = {
    NotificationChannel.EMAIL: send_email,
    NotificationChannel.SMS: send_sms,
}
