"""The pages load plotly.js's basic bundle when it is installed (scatter and bar, a quarter
of the full bundle): every chart they draw must be of a type that bundle holds, and the
bundle must be the plotly.js version the Python package builds figures for."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.measures.instruments import INSTRUMENTS
from clinic import staticfinders
from clinic.models import Session
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
FIGURE = re.compile(r'<script type="application/json" id="figure-[^"]+">(.*?)</script>', re.S)
# "type" values in the figure builders that are not trace types.
NOT_TRACES = {"rect", "line", "circle", "path", "date", "linear", "log", "category"}


@pytest.fixture
def fresh_bundle():
    staticfinders.bundle.cache_clear()
    yield
    staticfinders.bundle.cache_clear()


def _bundle(folder: Path, version: str) -> None:
    path = folder / "node_modules" / staticfinders.BASIC_PACKAGE / staticfinders.BASIC_FILE
    path.parent.mkdir(parents=True)
    path.write_text(f"/**\n* plotly.js (basic - minified) v{version}\n*/\nvar Plotly = {{}};\n")


def test_the_basic_bundle_is_served_when_it_is_the_python_packages_version(
    settings, tmp_path, fresh_bundle
):
    _bundle(tmp_path, staticfinders.version_of(staticfinders.FULL))
    settings.BASE_DIR = tmp_path
    finder = staticfinders.PlotlyFinder()
    assert finder.find("vendor/plotly.min.js") == str(
        tmp_path / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
    )
    assert finder.check() == []
    [(name, storage)] = finder.list([])
    assert name == "plotly.min.js" and storage.prefix == "vendor"
    with storage.open(name) as served:
        assert b"(basic - minified)" in served.read()


@pytest.mark.parametrize("version", [None, "1.0.0"])
def test_without_the_basic_bundle_of_the_same_version_the_full_one_is_served_and_check_says_so(
    settings, tmp_path, fresh_bundle, version
):
    if version:
        _bundle(tmp_path, version)
    settings.BASE_DIR = tmp_path
    finder = staticfinders.PlotlyFinder()
    assert finder.find("vendor/plotly.min.js") == str(staticfinders.FULL)
    [warning] = finder.check()
    assert warning.id == "clinic.W001" and "full plotly.js bundle" in warning.msg
    assert finder.find("vendor/other.js") is None


def test_package_json_pins_the_plotly_js_version_of_the_python_package():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    version = staticfinders.version_of(staticfinders.FULL)
    assert pinned == {staticfinders.BASIC_PACKAGE: version}
    assert locked[f"node_modules/{staticfinders.BASIC_PACKAGE}"]["version"] == version


def test_no_figure_builder_names_a_trace_type_outside_the_basic_bundle():
    reports = ROOT / "reports"
    sources = [*(reports / "figures").glob("*.py"), *reports.glob("*pages.py")]
    found = {
        (path.relative_to(ROOT).as_posix(), kind)
        for path in sources
        for kind in re.findall(r'"type": "(\w+)"', path.read_text())
    }
    outside = {
        (path, kind) for path, kind in found if kind not in NOT_TRACES | staticfinders.BASIC_TRACES
    }
    assert outside == set(), "draw these with another bundle (package.json) or another type"
    assert {kind for _, kind in found} >= {"scatter", "bar"}


@pytest.mark.django_db
def test_every_chart_the_pages_draw_is_a_trace_type_of_the_basic_bundle(client, therapist):
    record = factories.ClientFactory(
        primary_therapist=therapist, started_on=(timezone.now() - dt.timedelta(days=60)).date()
    )
    now = timezone.now()
    assignment = factories.AssignmentFactory(
        client=record, starts_on=(now - dt.timedelta(days=30)).date()
    )
    for n in range(30):
        moment = now - dt.timedelta(days=30 - n, hours=2)
        check_in = factories.CheckInFactory(client=record, occurred_at=moment, distress=n % 10)
        factories.CheckInEmotionFactory(check_in=check_in)
        factories.CompletionFactory(assignment=assignment, completed_at=moment)
    factories.SessionFactory(
        client=record, starts_at=now - dt.timedelta(days=8), status=Session.Status.COMPLETED
    )
    for code in INSTRUMENTS:
        for days, value in ((40, 2), (10, 1)):
            factories.measure_response(
                record,
                code,
                answers=factories.measure_answers(code, value, item_9=0)
                if code == "phq9"
                else factories.measure_answers(code, value),
                completed_at=now - dt.timedelta(days=days),
            )
    client.force_login(therapist.user)
    kinds, charts = set(), 0
    for name, query in (
        ("client-progress", {}),
        ("client-progress", {"window": "all"}),
        ("client-summaries", {}),
    ):
        page = client.get(reverse(name, args=[record.pk]), query).content.decode()
        for text in FIGURE.findall(page):
            charts += 1
            kinds |= {trace.get("type", "scatter") for trace in json.loads(text)["data"]}
    assert charts >= 2 * (6 + len(INSTRUMENTS))
    assert kinds <= staticfinders.BASIC_TRACES, kinds - staticfinders.BASIC_TRACES
