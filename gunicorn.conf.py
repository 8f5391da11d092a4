"""gunicorn's settings for the sign-off service. gunicorn reads this file when started from the
project root (scripts/run does; so does `gunicorn "signoff_service:create_app()"` run there).

- Logs never hold a working signing link: every access-log and error-log line is redacted
  (signoff_service/logs.py).
- Files gunicorn and the service create (logs, the SQLite database, the key) are private to the
  user running it.
"""
import os

os.umask(0o077)
logger_class = "signoff_service.logs.RedactingGunicornLogger"
