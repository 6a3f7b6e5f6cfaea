"""Logged request lines keep the path and drop the query string.

A query string can carry what should not be in a log: an admin search for a client's name,
report dates, a client id filter. The path alone says which page was asked for.
"""

import logging
import re

REQUEST_LINE = re.compile(r"^([A-Z]+ [^?\s]*)\?\S*( HTTP/[0-9.]+)$")


def _without_query(value):
    if isinstance(value, str):
        return REQUEST_LINE.sub(r"\1?…\2", value)
    return value


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        return True
