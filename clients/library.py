"""The starting vocabulary and exercise library every new clinic receives.

A clinic edits its own copy afterwards; changing these lists affects only
clinics created later. The data migration ``0002_default_library`` reads them too.
"""

# (code, name, tone) in the order clients see them.
DEFAULT_EMOTIONS: list[tuple[str, str, str]] = [
    ("sad", "Sad", "heavy"),
    ("grief", "Grief", "heavy"),
    ("longing", "Longing", "mixed"),
    ("lonely", "Lonely", "heavy"),
    ("angry", "Angry", "heavy"),
    ("resentful", "Resentful", "heavy"),
    ("betrayed", "Betrayed", "heavy"),
    ("jealous", "Jealous", "heavy"),
    ("anxious", "Anxious", "heavy"),
    ("afraid", "Afraid", "heavy"),
    ("ashamed", "Ashamed", "heavy"),
    ("guilty", "Guilty", "heavy"),
    ("numb", "Numb", "mixed"),
    ("confused", "Confused", "mixed"),
    ("tender", "Tender", "mixed"),
    ("relieved", "Relieved", "light"),
    ("hopeful", "Hopeful", "light"),
    ("calm", "Calm", "light"),
    ("grateful", "Grateful", "light"),
    ("loving", "Loving", "light"),
    ("proud", "Proud", "light"),
    ("free", "Free", "light"),
]

DEFAULT_EXERCISES: list[dict] = [
    {
        "title": "Name it as it arrives",
        "category": "labelling",
        "minutes": 5,
        "instructions": (
            "Three times today, pause for one minute. Ask: what is here right now? "
            "Find the word that fits best, even if it is only roughly right, and say it "
            "quietly to yourself: 'this is sadness', 'this is anger'. Notice where in the "
            "body it sits. You are not trying to change it, only to call it by its name."
        ),
        "reflection_prompts": [
            "Which words came up most often today?",
            "Did naming a feeling change how strong it felt?",
        ],
    },
    {
        "title": "Let the wave pass",
        "category": "allowing",
        "minutes": 10,
        "instructions": (
            "When a strong feeling comes, sit or stand somewhere safe and set a timer for "
            "ten minutes. Let the feeling be as big as it is. Breathe slowly and describe "
            "it as weather: where it is, how it moves, whether it rises, peaks or softens. "
            "If you notice yourself pushing it away or arguing with it, note 'pushing' and "
            "return to the breath. Feelings that are allowed tend to move on by themselves."
        ),
        "reflection_prompts": [
            "How did the feeling change over the ten minutes?",
            "What did you notice when you stopped pushing it away?",
        ],
    },
    {
        "title": "A kind voice for a hard moment",
        "category": "self_compassion",
        "minutes": 8,
        "instructions": (
            "Place a hand on your chest or cheek. Say to yourself three things: 'This hurts "
            "right now.' 'Anyone who went through this would struggle.' 'May I be gentle "
            "with myself.' Then write a few lines to yourself as a warm friend would, "
            "someone who knows the whole story and is on your side."
        ),
        "reflection_prompts": [
            "What did the friendly voice say that you needed to hear?",
            "Where did you notice self-criticism trying to join in?",
        ],
    },
    {
        "title": "My part, seen with curiosity",
        "category": "reflection",
        "minutes": 15,
        "instructions": (
            "Choose one moment from the relationship that still stings. Write what happened "
            "as plainly as you can. Then ask, as a researcher would and not as a judge: "
            "what was I feeling, needing or afraid of then? What did I do with it? What "
            "would I like to do differently next time? Owning a part is not taking all the "
            "blame; it is finding what is yours to learn from."
        ),
        "reflection_prompts": [
            "What did you need in that moment that you did not ask for?",
            "What do you want to carry into future relationships?",
        ],
    },
    {
        "title": "Where did I hand over my power?",
        "category": "boundaries",
        "minutes": 15,
        "instructions": (
            "List situations in the relationship where your choices came to depend on the "
            "other person's mood, approval or attention. For each, note what you gave up "
            "(time, friends, opinions, needs) and what you hoped to receive in return. "
            "Then pick one small thing in your life this week that you decide for yourself "
            "alone, and do it."
        ),
        "reflection_prompts": [
            "Which pattern do you recognise from earlier in your life?",
            "What did it feel like to decide something for yourself this week?",
        ],
    },
    {
        "title": "Setting down a resentment",
        "category": "letting_go",
        "minutes": 20,
        "instructions": (
            "Write an unsent letter about one resentment: what happened, how it affected "
            "you, what you wish had been different. Do not soften it. When it is done, read "
            "it once aloud, then write one sentence about what holding on to this costs you "
            "today. Letting go does not mean that what happened was acceptable; it means "
            "you stop carrying it for them. Keep, tear up or burn the letter, as feels right."
        ),
        "reflection_prompts": [
            "What does holding on to this resentment cost you now?",
            "What would you do with the energy it takes up?",
        ],
    },
    {
        "title": "Calm place and container",
        "category": "grounding",
        "minutes": 10,
        "instructions": (
            "Bring to mind a place, real or imagined, where you feel safe and at ease. "
            "Fill in its details with every sense: light, sounds, smells, the ground under "
            "you. Pick one word for it. Then imagine a strong container where upsetting "
            "material can wait until the next session, and put what troubles you inside. "
            "Use this before and after EMDR work, or whenever you feel flooded: name five "
            "things you see, four you hear, three you can touch."
        ),
        "reflection_prompts": [
            "What word did you choose for your calm place?",
            "How quickly could you return to it when you needed it?",
        ],
    },
    {
        "title": "How much room do they take?",
        "category": "mind_space",
        "minutes": 5,
        "instructions": (
            "At the end of the day, estimate how much of it the other person occupied in "
            "your thoughts, as a percentage. Without judging the number, note what pulled "
            "your attention to them: a place, a song, a message, a quiet moment. Then name "
            "one thing that filled your mind today that was about your own life."
        ),
        "reflection_prompts": [
            "What usually brings them back into your mind?",
            "What took up space today that belongs to your own life?",
        ],
    },
    {
        "title": "Four-count breathing",
        "category": "grounding",
        "minutes": 5,
        "instructions": (
            "Breathe in for a count of four, hold for four, out for four, hold for four. "
            "Repeat for five rounds. If holding feels uncomfortable, simply make the out "
            "breath longer than the in breath. Use it when distress rises above what you "
            "can think clearly through."
        ),
        "reflection_prompts": ["How did your distress change from before to after?"],
    },
]
