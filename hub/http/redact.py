"""Keep secrets carried in URLs out of the logs.

Calendar apps and the dashboard link can only pass an API token in the query
string (``?token=``), and an access log line would write it down with the
path. This filter rewrites such values before any handler sees the record.
It cannot reach a proxy's logs in front of the hub: there, a region-scoped
viewer token limits what a leaked one can show.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_SECRET_PARAM = re.compile(r"([?&](?:token|access_token)=)[^&\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRET_PARAM.sub(rf"\g<1>{REDACTED}", text)


class RedactQueryTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


_FILTER = RedactQueryTokens()


def install(*logger_names: str) -> None:
    """Add the filter to each logger once; adding it again changes nothing."""
    for name in logger_names:
        logging.getLogger(name).addFilter(_FILTER)
