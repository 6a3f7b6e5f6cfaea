"""One plain-language line per chart, in the product's gentle voice.

Healing is not linear, so the words describe direction and context, never failure.
"""

from .metrics import Summary, Trend

STEADY = 0.3  # a slope under this many points a week reads as "steady"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _direction(trend: Trend, falling: str, rising: str, steady: str) -> str:
    if trend.slope_per_week is None or abs(trend.slope_per_week) < STEADY:
        return steady
    return falling if trend.slope_per_week < 0 else rising


def distress(summary: Summary, span: str) -> str:
    t = summary.distress
    if t is None:
        return f"No check-ins {span}."
    if t.count == 1:
        return f"One check-in {span}, with distress at {_n(t.last)}."
    verb = _direction(t, "eased", "rose", "held")
    if verb == "held" or _n(t.line_first) == _n(t.line_last):
        return f"Distress held around {_n(t.mean)} across {t.count} check-ins {span}."
    return (
        f"Distress {verb} from about {_n(t.line_first)} to {_n(t.line_last)} {span} "
        f"({t.count} check-ins, average {_n(t.mean)})."
    )


def flow(summary: Summary, names: dict[str, str]) -> str:
    f = summary.flow
    if f is None:
        return "No emotions labelled in this window."
    parts = [f"{f.distinct_labels} different emotions labelled"]
    if f.turnover is not None:
        parts.append(f"the strongest one changed in {round(100 * f.turnover)}% of check-ins")
    text = "; ".join(parts) + "."
    longest: dict[str, object] = {}
    for stretch in f.stretches:  # one sentence per pattern: its longest run
        if stretch.reason not in longest or _length(stretch) > _length(longest[stretch.reason]):
            longest[stretch.reason] = stretch
    if "emotion" in longest:
        stretch = longest["emotion"]
        name = names.get(stretch.label, stretch.label)
        text += f" {name} led {_length(stretch)} check-ins in a row at intensity 7 or more."
    if "resistance" in longest:
        text += (
            f" Feelings were pushed away strongly (7 or more) in {_length(longest['resistance'])}"
            " check-ins in a row."
        )
    return text


def _length(stretch) -> int:
    return stretch.end - stretch.start + 1


def charge(summary: Summary) -> str:
    t = summary.neutrality
    if t is None:
        return "No answers about the other person in this window."
    move = _direction(t, "moving toward neutral", "moving away from neutral", "fairly steady")
    return f"The charge was {_n(t.mean)} from neutral on average, {move}."


def mind_space(summary: Summary) -> str:
    t = summary.mind_space
    if t is None:
        return "No answers about mind space in this window."
    verb = _direction(t, "down", "up", "steady")
    if verb == "steady" or round(t.line_first) == round(t.line_last):
        return f"The other person took up about {round(t.mean)}% of the day, fairly steady."
    return (
        f"The other person took up about {round(t.mean)}% of the day, "
        f"{verb} from about {round(t.line_first)}% to {round(t.line_last)}%."
    )


def compassion(summary: Summary) -> str:
    kind, pushing = summary.self_compassion, summary.resistance
    if kind is None and pushing is None:
        return "No answers about self-compassion or resistance in this window."
    parts = []
    if kind is not None:
        move = _direction(kind, "lower lately", "growing", "steady")
        parts.append(f"self-compassion averaged {_n(kind.mean)} ({move})")
    if pushing is not None:
        parts.append(f"resistance averaged {_n(pushing.mean)}")
    text = " and ".join(parts)
    return text[0].upper() + text[1:] + "."


def exercises(summary: Summary) -> str:
    if not summary.adherence:
        return "No exercises were planned in this window."
    planned = sum(item.expected for item in summary.adherence)
    done = sum(min(item.done, item.expected) for item in summary.adherence)
    text = f"Did {round(done)} of about {round(planned)} planned exercises"
    if summary.adherence_overall is not None:
        text += f" ({round(100 * summary.adherence_overall)}%)"
    text += "."
    helpful = [e for e in summary.exercise_effect if e.mean_drop > 0]
    if helpful:
        best = helpful[0]
        text += f" “{best.title}” eased distress most, by {_n(best.mean_drop)} on average."
    return text
