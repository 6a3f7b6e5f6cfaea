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
