"""What each demo story looks like from the client's side: their focus, the emotions they
name, the signals of each check-in as the weeks go by, their notes and (the safety story)
their safety plan. Pure: a story and a random generator in, the values out; ``demo`` stores
them through the product's services.
"""

import math
import random
from dataclasses import dataclass

STORIES = ["healing", "stuck", "resistant", "safety", "silent", "steady"]
FIRST_NAMES = [
    "Maya", "Jonah", "Priya", "Elena", "Tom", "Aisha", "Noah", "Clara", "Ravi", "Ingrid",
    "Marco", "Leila", "Owen", "Sofia", "Kenji", "Hana", "Felix", "Nadia", "Theo", "Zara",
]  # fmt: skip
FOCUS_BY_STORY = {
    "healing": ["breakup"],
    "stuck": ["betrayal"],
    "resistant": ["attachment", "childhood"],
    "safety": ["breakup", "attachment"],
    "silent": ["grief"],
    "steady": ["betrayal", "codependency"],
}
HEAVY_BY_STORY = {
    "healing": ["grief", "longing", "sad", "lonely"],
    "stuck": ["resentful", "betrayed", "angry"],
    "resistant": ["numb", "confused", "anxious"],
    "safety": ["sad", "ashamed", "lonely", "afraid"],
    "silent": ["grief", "sad", "longing"],
    "steady": ["betrayed", "angry", "anxious", "guilty"],
}
LIGHT = ["calm", "hopeful", "relieved", "grateful", "tender", "free", "proud"]
# The safety plan of the "safety" story's clients, as a client might word it with their
# therapist.
SAFETY_PLAN = {
    "warning_signs": "Lying awake replaying the last conversation. Telling myself nobody "
    "would notice if I were gone. Cancelling plans and staying in for days.",
    "coping_alone": "Cold water on my face and five slow breaths. Naming three things I can "
    "see and two I can hear. A walk round the block, even in the rain.",
    "distractions": "The busy café on the corner, where nobody needs anything from me. "
    "Climbing on Thursday evenings. Phoning my cousin to talk about anything else.",
    "people_to_ask": "My sister Jo, who knows about this plan. My friend Malik, any evening.",
    "professionals": "My therapist, through the clinic in office hours. The crisis lines on "
    "my check-in page, day or night. If I am in danger: the emergency number.",
    "safer_surroundings": "Jo keeps the spare medication at her place. On bad nights the car "
    "keys go to the neighbour.",
    "reasons_for_living": "My niece, who wants me to teach her to swim this summer. The dog. "
    "Finding out who I am after this relationship.",
}

NOTES = [
    "Saw a photo of us and it hit harder than I expected.",
    "Had a good day with friends and barely thought about it.",
    "Woke up from a dream about the old flat.",
    "Caught myself replaying the last argument again.",
    "Managed to say no to something I did not want to do.",
    "The anniversary is coming up and I feel it.",
]


def clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, round(value))))


@dataclass
class Moment:
    """The signals of one check-in, before they are stored."""

    distress: int
    charge: int
    mind_space: int
    self_compassion: int
    resistance: int
    emotions: list[tuple[str, int]]


def moment_for(story: str, progress: float, rng: random.Random, charge_sign: int) -> Moment:
    """The signals for a check-in at ``progress`` (0 = first week, 1 = now)."""
    noise = rng.gauss
    heavy = HEAVY_BY_STORY[story]
    if story == "healing":
        distress = 7.5 - 4.5 * progress + noise(0, 0.8)
        charge = charge_sign * (4.5 - 4.0 * progress) + noise(0, 0.6)
        mind, compassion, resistance = 85 - 65 * progress, 3 + 4.5 * progress, 5 - 3 * progress
        light_share = 0.15 + 0.6 * progress
    elif story == "stuck":
        distress = 7 + noise(0, 0.6)
        charge = -4 + noise(0, 0.5)
        mind, compassion, resistance, light_share = 75, 3, 4, 0.05
    elif story == "resistant":
        distress = 5 + noise(0, 0.8)
        charge = charge_sign * 2 + noise(0, 0.8)
        mind, compassion, resistance, light_share = 55, 3, 8 + noise(0, 0.5), 0.1
    elif story == "safety":
        distress = 5.5 + 3 * progress + noise(0, 0.7)
        charge = charge_sign * (3 + progress) + noise(0, 0.5)
        mind, compassion, resistance = 60 + 25 * progress, 4 - 2.5 * progress, 5
        light_share = 0.2 - 0.15 * progress
    else:  # "silent" and "steady" drift gently with good and bad weeks
        wave = math.sin(progress * 9)
        distress = 6 - 1.5 * progress + 1.2 * wave + noise(0, 0.8)
        charge = charge_sign * (3.5 - 1.5 * progress) + noise(0, 0.8)
        mind, compassion, resistance = 65 - 25 * progress, 4 + 2 * progress, 4
        light_share = 0.25 + 0.25 * progress

    if story == "stuck":
        # One heavy emotion that does not move: the "stuck" pattern of the brief.
        emotions = [("resentful", clamp(8 + noise(0, 0.6), 7, 10))]
        if rng.random() < 0.5:
            emotions.append((rng.choice(["angry", "betrayed"]), clamp(5 + noise(0, 1), 0, 10)))
    else:
        count = rng.choice([1, 2, 2, 3])
        pool = [rng.choice(LIGHT) if rng.random() < light_share else rng.choice(heavy)]
        while len(pool) < count:
            word = rng.choice(LIGHT if rng.random() < light_share else heavy)
            if word not in pool:
                pool.append(word)
        emotions = [(word, clamp(distress + noise(0, 1.5), 1, 10)) for word in pool]

    return Moment(
        distress=clamp(distress, 0, 10),
        charge=clamp(charge, -5, 5),
        mind_space=clamp(mind + noise(0, 8), 0, 100),
        self_compassion=clamp(compassion + noise(0, 0.8), 0, 10),
        resistance=clamp(resistance + noise(0, 0.8), 0, 10),
        emotions=emotions,
    )
