"""
Signals of the submissions app.

`status_changed` is sent inside the database transaction of every action on an application,
after its event is written. A receiver that writes rows (a notification outbox, a sync queue for
the national portal) therefore commits or rolls back together with the change. Receivers must
not call outside services directly, so they enqueue work with `transaction.on_commit`.

Arguments: `application`, `event` (the ApplicationEvent just written), `from_status`,
`to_status` (Status values; equal for actions that do not change the status).

At desk intake the creation event and the event of the officer's verdict are written together,
and then the signal is sent for each in turn. For the creation event, `application` therefore
already shows the verdict's status, so receivers read the change from `from_status` and
`to_status`.
"""

from django.dispatch import Signal

status_changed = Signal()
