import logging

from clinic.log_filters import DropQueryStrings


def test_request_lines_in_logs_keep_the_path_and_drop_the_query():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /admin/clients/client/?q=Robin+M HTTP/1.1", "200", "512"),
        None,
    )
    assert DropQueryStrings().filter(record)
    assert record.getMessage() == '"GET /admin/clients/client/?… HTTP/1.1" 200 512'


def test_runserver_request_lines_go_through_the_filter():
    # pytest adds capture handlers of its own; the product's are the plain stream handlers.
    handlers = [
        h for h in logging.getLogger("django.server").handlers if type(h) is logging.StreamHandler
    ]
    assert handlers
    assert all(any(isinstance(f, DropQueryStrings) for f in h.filters) for h in handlers)


def test_a_calendar_feeds_secret_is_hidden_in_request_lines_and_not_found_warnings():
    secret = "k3Yq0v7hQ9wFz2LxR8tB1nM4cD6eJ5aS0uP7gH2iK9o"
    line = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /calendar/{secret}.ics?x=1 HTTP/1.1", "200", "512"),
        None,
    )
    warning = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", f"/calendar/{secret}.ics"),
        None,
    )
    written = logging.LogRecord(
        "app", logging.INFO, __file__, 1, f"fetched /calendar/{secret}.ics", None, None
    )
    for record in (line, warning, written):
        assert DropQueryStrings().filter(record)
        assert secret not in record.getMessage()
    assert line.getMessage() == '"GET /calendar/…?… HTTP/1.1" 200 512'
    assert warning.getMessage() == "Not Found: /calendar/…"
    assert written.getMessage() == "fetched /calendar/…"
