"""
gunicorn settings for the portal: `gunicorn -c site/gunicorn.conf.py portal.wsgi`.

Every value can be overridden with the environment variables read below.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: two per core plus one is gunicorn's documented starting point.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Uploads of scanned documents can take a while on slow mobile connections; nginx buffers them,
# so a worker only waits for the application itself.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Restarting workers now and then bounds the memory a long-running worker can accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The access log omits query strings: lookups carry an application code and phone digits.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
