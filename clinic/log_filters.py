"""Logged request lines keep the path and drop the query string; a calendar feed's secret
is hidden from the path too.

A query string can carry what should not be in a log: an admin search for a client's name,
report dates, a client id filter. The path alone says which page was asked for, except for
a calendar feed, whose path is its key (``/calendar/<secret>.ics``): anyone who reads the
log could subscribe to someone's sessions, so it is logged as ``/calendar/…``.
"""

import logging
import re

REQUEST_LINE = re.compile(r"^([A-Z]+ [^?\s]*)\?\S*( HTTP/[0-9.]+)$")
# The feed's route (clinic.calendar.urls), and anything near it: a 404 for a wrong secret
# is as secret as a right one may be.
# Whatever follows /calendar/ (in any case, with doubled or encoded slashes, with or without
# ".ics") is hidden: a near miss still holds a working secret.
FEED_PATH = re.compile(r"(?i)/+calendar(?:/|%2f)+[^\s\"'?#]+")


def _without_query(value):
    if isinstance(value, str):
        value = REQUEST_LINE.sub(r"\1?…\2", value)
        return FEED_PATH.sub("/calendar/…", value)
    return value


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _without_query(arg) for key, arg in record.args.items()}
        record.msg = _without_query(record.msg)
        return True
