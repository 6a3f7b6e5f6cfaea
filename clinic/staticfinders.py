"""Serve plotly.js from the installed plotly package, so pages need no CDN and the
browser runs the same plotly.js version as the Python package that built the figures."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PREFIX = "vendor"


class PlotlyFinder(BaseFinder):
    """Finds ``vendor/plotly.min.js`` and nothing else of the plotly package."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=PLOTLY_JS.parent)
        self.storage.prefix = PREFIX  # collectstatic puts the file under vendor/

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        match = str(PLOTLY_JS) if path == f"{PREFIX}/{PLOTLY_JS.name}" else None
        if find_all:
            return [match] if match else []
        return match

    def list(self, ignore_patterns):
        yield PLOTLY_JS.name, self.storage
