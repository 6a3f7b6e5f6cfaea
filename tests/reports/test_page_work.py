"""The progress report does each piece of work once a page: what it shows is what the
plain builders show. Pure: no database."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape

from reports import figures, pages
from reports import metrics as m
from reports.chart_dates import (
    HOVER_DAY,
    HOVER_DAY_YEAR,
    HOVER_TIME,
    TICK_DAY,
    TICK_DAY_YEAR,
    Frame,
    _clock,
    day_words,
    hover_moment,
    hover_week,
    placed,
)

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LANGUAGES = ["en", "de", "fr", "ja"]


def moments(count: int, seed: int = 3) -> list[dt.datetime]:
    """Check-in moments over more than a year, across both changes of the clocks."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 10, 20, tzinfo=dt.UTC)
    return sorted(start + dt.timedelta(minutes=rng.randrange(420 * 24 * 60)) for _ in range(count))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "fmt", [HOVER_DAY, HOVER_DAY_YEAR, TICK_DAY, TICK_DAY_YEAR, r"l, jS \o\f F Y (N, E, b) w z"]
)
def test_a_pages_frame_words_every_day_as_date_format_does(language, fmt):
    days = [dt.date(2025, 12, 1) + dt.timedelta(days=n) for n in range(400)]
    with translation.override(language):
        frame = Frame(days[0], days[-1]).for_page()
        assert [day_words(frame, day, fmt) for day in days] == [
            date_format(day, fmt) for day in days
        ]
        # asked again, from what the page remembers
        assert [day_words(frame, day, fmt) for day in days[:40]] == [
            date_format(day, fmt) for day in days[:40]
        ]


def test_the_hover_clock_is_django_s():
    day = dt.datetime(2026, 3, 29)
    for minute in range(0, 24 * 60, 7):
        local = day + dt.timedelta(minutes=minute)
        assert _clock(local) == date_format(local, HOVER_TIME)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("zone", [BERLIN, LOS_ANGELES, dt.UTC])
@pytest.mark.parametrize("last_day", [dt.date(2025, 12, 30), dt.date(2026, 12, 10)])
def test_a_pages_frame_places_and_words_moments_as_a_plain_frame(language, zone, last_day):
    first_day = dt.date(2025, 10, 20)
    found = moments(300) + [dt.datetime(2026, 3, 29, 1, 30)]  # and one without a zone
    with translation.override(language):
        plain = Frame(first_day, last_day, zone)
        page = plain.for_page()
        expected = ([plain.local(x) for x in found], [hover_moment(plain, x) for x in found])
        assert placed(plain, found) == expected
        assert placed(page, found) == expected
        assert placed(page, list(reversed(found))) == tuple(map(list, map(reversed, expected)))
        assert [hover_moment(page, x) for x in found] == expected[1]
        assert [page.local(x) for x in found] == expected[0]
        mondays = [first_day + dt.timedelta(days=7 * n) for n in range(30)]
        assert [hover_week(page, x) for x in mondays] == [hover_week(plain, x) for x in mondays]


def test_a_pages_frame_words_in_the_language_it_was_first_asked_in():
    # Its memory lasts one page, which has one language; a new page asks afresh.
    moment = dt.datetime(2026, 5, 4, 18, 0, tzinfo=dt.UTC)
    with translation.override("de"):
        german = placed(Frame(moment.date(), moment.date()).for_page(), [moment])[1]
    with translation.override("en"):
        english = placed(Frame(moment.date(), moment.date()).for_page(), [moment])[1]
    assert german == ["Mo 4 Mai, 18:00"] and english == ["Mon 4 May, 18:00"]


# --- the charts of a page -----------------------------------------------------------------


def year_window() -> m.Window:
    rng = random.Random(11)
    codes = ["sad", "angry", "calm", "fear", "relief", "shame", "joy", "guilt", "hope"]

    def rating(low=0, high=10, skipped=0.08):
        return None if rng.random() < skipped else rng.randint(low, high)

    points = []
    for moment in moments(365):
        distress = rating(skipped=0.03)
        emotions = tuple(
            sorted(
                ((code, rng.randint(1, 10)) for code in rng.sample(codes, rng.randint(0, 3))),
                key=lambda e: -e[1],
            )
        )
        points.append(
            m.CheckInPoint(
                moment,
                distress if distress is not None or rng.random() < 0.5 else 4,
                emotions,
                rating(-5, 5),
                rating(0, 100),
                rating(),
                rating(),
            )
        )
    plans = (
        m.AssignmentPlan(1, "Calm <place>", "daily", dt.date(2025, 10, 20)),
        m.AssignmentPlan(2, "Letting go & breathing", "weekly", dt.date(2025, 11, 1), None, 3),
    )
    completions = tuple(
        m.CompletionPoint(
            1 + n % 2,
            plans[n % 2].title,
            moment.date(),
            rng.randint(4, 9),
            rng.randint(0, 6),
            completed_at=moment,
        )
        for n, moment in enumerate(moments(180, seed=5))
    )
    return m.Window(dt.date(2025, 10, 20), dt.date(2026, 12, 13), tuple(points), plans, completions)


def chart_parts(chart: pages.Chart) -> tuple:
    return (
        chart.key,
        chart.title,
        chart.reading,
        chart.figure_json,
        chart.table_headers,
        chart.table_rows,
        str(chart.table),
        chart.empty,
    )


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("zone", [BERLIN, LOS_ANGELES])
def test_a_pages_charts_are_those_of_a_frame_without_memory(language, zone):
    window = year_window()
    summary = m.summarize(window)
    sessions = [
        dt.datetime(2025, 11, 3, 16, tzinfo=dt.UTC) + dt.timedelta(weeks=n) for n in range(50)
    ]
    names = {"sad": "Sad", "angry": "Angry <3", "calm": "Calm & still"}
    until = dt.datetime(2026, 12, 13, 20, tzinfo=dt.UTC)
    with translation.override(language):
        plain = Frame(window.first_day, window.last_day, zone)
        args = (window, summary, sessions, names, "since treatment began", zone)
        remembered = pages.charts(*args, until=until)  # the page's own frame
        reference = pages.charts(*args, until=until, frame=plain)
    assert [chart_parts(c) for c in remembered] == [chart_parts(c) for c in reference]


def walk(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk(item)
    else:
        yield value


@pytest.mark.parametrize("frame_of", [lambda f: f, Frame.for_page])
def test_figures_built_on_a_frame_hold_wall_clock_times_only(frame_of):
    window = year_window()
    summary = m.summarize(window)
    points = list(window.check_ins)
    sessions = [dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)]  # 02:30 in Berlin: no such time
    frame = frame_of(Frame(window.first_day, window.last_day, BERLIN))
    built = [
        figures.distress_figure(points, sessions, window.completions, frame),
        figures.flow_figure(points, summary.flow.stretches, {}, frame),
        figures.charge_figure(points, None, frame),
        figures.mind_space_figure(points, None, frame),
        figures.compassion_figure(points, frame),
    ]
    for figure in built:
        times = [x for x in walk(figure) if isinstance(x, dt.datetime)]
        assert times and all(x.tzinfo is None for x in times)
        assert pages.framed_json(figure) == pages.figure_json(figure, BERLIN)


def test_figure_json_writes_datetimes_with_an_offset_as_wall_clock_time():
    figure = {
        "x": [
            dt.datetime(2026, 11, 25, 21, 14, tzinfo=dt.UTC),
            dt.datetime(2026, 7, 1, 21, 14, 0, 7, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 25, 21, 14),
            dt.date(2026, 1, 2),
        ],
        "text": ['looks like 21:14:00+01:00"', "<b> & </b>"],
    }
    text = pages.figure_json(figure, BERLIN)
    assert text == (
        '{"x":["2026-11-25T22:14:00","2026-07-01T23:14:00.000007","2026-11-25T21:14:00",'
        '"2026-01-02"],"text":["looks like 21:14:00+01:00\\"",'
        '"\\u003cb\\u003e \\u0026 \\u003c/b\\u003e"]}'
    )
    naive = {"x": figure["x"][2:], "text": figure["text"]}
    assert pages.figure_json(naive, BERLIN) == pages.framed_json(naive)


# --- the tables and the list of what to talk about ----------------------------------------


def reference_table(caption: str, headers: list[str], rows: list[list]) -> str:
    """The table as a template would write it, every cell through Django's escape."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<table class="table small"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def test_tables_escape_every_cell_as_django_does():
    rows = [
        ["Mon 1 <Dec>", 1, True, "—"],
        ["Tue 2 Dec & co", 1.0, 1, "\"quoted\" 'too'"],
        ["Wed 3 Dec", 0, False, "Sad, Angry <3"],
    ]
    headers = ["When", "A & B", "C", "D"]
    assert pages.table_html("Caption <i>", headers, rows) == reference_table(
        "Caption <i>", headers, rows
    )
    assert pages.table_html("Empty", headers, []) == reference_table("Empty", headers, [])


def test_the_tables_of_a_page_share_their_escaped_cells_and_still_say_the_same():
    when = ["Mon 1 Dec, 09:00", "Tue 2 Dec, 21:14"]
    cells: dict = {}
    first = pages.Chart("a", "A", "", "{}", ["When", "A"], [when, [1, None]], False, cells)
    second = pages.Chart("b", "B", "", "{}", ["When", "B"], [when, ["<x>", 1]], False, cells)
    for chart in (first, second, first):
        assert chart.table == reference_table(chart.title, chart.table_headers, chart.table_rows)


def discussed(**fields) -> pages.Discussed:
    values = {
        "occurred_at": dt.datetime(2026, 11, 25, 21, tzinfo=dt.UTC),
        "note": "",
        "distress": 6,
        "safety_concern": False,
        "day": "Wed 25 Nov",
    }
    return pages.Discussed(**(values | fields))


# The list as the progress report's template wrote it, item by item, before it was built
# in Python.
DISCUSS_LOOP = (
    "{% load i18n %}{% for check_in in items %}"
    '<blockquote><p>{% if check_in.note %}{{ check_in.note }}{% else %}{% translate "(no note)" %}'
    "{% endif %}</p><footer>{{ check_in.day }}{% if check_in.distress is not None %} · "
    "{% blocktranslate with d=check_in.distress %}distress {{ d }}/10{% endblocktranslate %}"
    '{% endif %}{% if check_in.safety_concern %} · <strong class="danger">'
    '{% translate "safety answer: yes" %}</strong>{% endif %}</footer></blockquote>\n'
    "{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_list_to_talk_about_is_the_one_the_template_wrote(language):
    items = [
        discussed(note="I <want> to talk about the call & the letter"),
        discussed(),
        discussed(distress=None, safety_concern=True, note="a safety answer"),
        discussed(distress=0, safety_concern=True, day="Thu <26> Nov"),
    ]
    with translation.override(language):
        expected = engines["django"].from_string(DISCUSS_LOOP).render({"items": items})
        assert pages.discuss_html(items) == expected.rstrip("\n")
    assert pages.discuss_html([]) == ""


# --- one summary, whichever way its metrics are asked for -----------------------------------


def test_a_windows_summary_is_each_signal_s_own_trend():
    window = year_window()
    points = sorted(window.check_ins, key=lambda c: c.occurred_at)
    summary = m.summarize(window)
    assert summary.distress == m.distress(points)
    assert summary.neutrality == m.neutrality(points)
    assert summary.mind_space == m.mind_space(points)
    assert summary.self_compassion == m.self_compassion(points)
    assert summary.resistance == m.resistance(points)
    assert summary.charge == m.charge(points)
    # the trend of a series shared with others is the trend of that series alone
    series = [(c.occurred_at, c.resistance) for c in points]
    assert m.trend(series, axes={}) == m.trend(series)
