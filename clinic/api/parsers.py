import io

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class LimitedJSONParser(JSONParser):
    """JSON, refused above ``API_MAX_BODY_BYTES`` before it is parsed."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise ParseError(
                f"The request body is larger than {limit // 1024} KB.", code="body_too_large"
            )
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as error:
            raise ParseError("The JSON is nested too deeply.", code="parse_error") from error
