"""
The notification outbox: e-mail, SMS and in-app messages about applications.

Rows are written in the transaction of the change they report (`outbox`), so a rolled-back
action leaves no message behind and a committed one always has its rows. Celery delivers
each row (`tasks.deliver_notification`) through a channel (`channels`); SMS goes through the
gateway class named in `settings.PORTAL_SMS["GATEWAY"]` (`sms`).
"""
