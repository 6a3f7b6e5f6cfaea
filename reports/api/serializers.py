from rest_framework import serializers


class TrendOutput(serializers.Serializer):
    count = serializers.IntegerField()
    mean = serializers.FloatField()
    minimum = serializers.FloatField()
    maximum = serializers.FloatField()
    first = serializers.FloatField()
    last = serializers.FloatField()
    slope_per_week = serializers.FloatField(allow_null=True)


class StretchOutput(serializers.Serializer):
    first_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    check_ins = serializers.SerializerMethodField()
    reason = serializers.ChoiceField(choices=["emotion", "resistance"])
    label = serializers.CharField(allow_null=True)

    def get_check_ins(self, stretch) -> int:
        return stretch.end - stretch.start + 1


class FlowOutput(serializers.Serializer):
    distinct_labels = serializers.IntegerField()
    turnover = serializers.FloatField(allow_null=True)
    stuck = serializers.BooleanField()
    stretches = StretchOutput(many=True)


class AdherenceOutput(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment_id")
    title = serializers.CharField()
    expected = serializers.FloatField()
    done = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)


class ExerciseEffectOutput(serializers.Serializer):
    title = serializers.CharField()
    completions = serializers.IntegerField()
    mean_drop = serializers.FloatField()
    mean_before = serializers.FloatField()
    mean_after = serializers.FloatField()


class MetricsOutput(serializers.Serializer):
    """A window's figures; a signal with no data in the window is null, never 0."""

    client = serializers.IntegerField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    check_ins = serializers.IntegerField(source="summary.check_ins")
    distress = TrendOutput(source="summary.distress", allow_null=True)
    neutrality = TrendOutput(source="summary.neutrality", allow_null=True)
    mind_space = TrendOutput(source="summary.mind_space", allow_null=True)
    self_compassion = TrendOutput(source="summary.self_compassion", allow_null=True)
    resistance = TrendOutput(source="summary.resistance", allow_null=True)
    flow = FlowOutput(source="summary.flow", allow_null=True)
    adherence = AdherenceOutput(source="summary.adherence", many=True)
    adherence_overall = serializers.FloatField(source="summary.adherence_overall", allow_null=True)
    exercise_effect = ExerciseEffectOutput(source="summary.exercise_effect", many=True)


class MetricsQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        if "since" in attrs and "until" in attrs and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": "The end is before the start."})
        return attrs


class WeeklySummaryOutput(serializers.Serializer):
    week_start = serializers.DateField()
    digest = serializers.CharField()
    flags = serializers.ListField(child=serializers.CharField())
    needs_attention = serializers.BooleanField()
    figures = serializers.DictField(
        help_text="week, previous and change: the metrics of the week, null where no data."
    )
    generated_at = serializers.DateTimeField()
