import pytest

from clients.library import DEFAULT_EMOTIONS, DEFAULT_EXERCISES
from clients.models import EmotionLabel, Exercise, ExerciseCategory
from clients.services import clinic_library_install
from clinic.services import clinic_create

REQUIRED_EMOTIONS = {
    "sad", "angry", "resentful", "betrayed", "grief", "longing", "lonely", "anxious",
    "ashamed", "guilty", "numb", "relieved", "hopeful", "calm", "grateful", "loving",
}  # fmt: skip


@pytest.mark.django_db
def test_new_clinic_gets_the_default_vocabulary_and_library():
    clinic = clinic_create(name="Birch", slug="birch", time_zone="America/Chicago")
    codes = set(EmotionLabel.objects.filter(clinic=clinic).values_list("code", flat=True))
    assert len(codes) >= 16
    assert codes >= REQUIRED_EMOTIONS
    exercises = Exercise.objects.filter(clinic=clinic)
    assert exercises.count() >= 8
    # every practice the brief names is covered
    assert set(exercises.values_list("category", flat=True)) == set(ExerciseCategory.values)
    for exercise in exercises:
        assert len(exercise.instructions) > 150
        assert exercise.reflection_prompts


@pytest.mark.django_db
def test_installing_the_library_twice_adds_nothing_and_keeps_clinic_edits():
    clinic = clinic_create(name="Birch", slug="birch")
    renamed = Exercise.objects.filter(clinic=clinic).first()
    renamed.instructions = "Our own wording."
    renamed.save(update_fields=["instructions"])
    clinic_library_install(clinic=clinic)
    assert EmotionLabel.objects.filter(clinic=clinic).count() == len(DEFAULT_EMOTIONS)
    assert Exercise.objects.filter(clinic=clinic).count() == len(DEFAULT_EXERCISES)
    renamed.refresh_from_db()
    assert renamed.instructions == "Our own wording."


@pytest.mark.django_db
def test_clinic_with_unknown_time_zone_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        clinic_create(name="Nowhere", slug="nowhere", time_zone="Mars/Olympus")
    assert "time_zone" in error.value.message_dict
