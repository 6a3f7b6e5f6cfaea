"""ITQ, the International Trauma Questionnaire for ICD-11 PTSD and complex PTSD
(Cloitre et al. 2018, Acta Psychiatrica Scandinavica, doi:10.1111/acps.12956).

Items P1-P9 and C1-C9 and the options agree with independent reproductions of the form.
The four section stems are not yet checked word for word against the paper's appendix;
check them before relying on them for research use.
"""

from django.utils.translation import gettext_lazy as _

from .definition import Diagnosis, Instrument, Item, Rule, Subscale
from .pcl5 import BOTHERED

P_SYMPTOMS = ("P1", "P2", "P3", "P4", "P5", "P6")
C_SYMPTOMS = ("C1", "C2", "C3", "C4", "C5", "C6")

ITQ = Instrument(
    code="itq",
    name="ITQ",
    title="International Trauma Questionnaire",
    measures=_("PTSD and complex PTSD (ICD-11)"),
    version="itq-2018",
    sections={
        "ptsd": "Please identify the experience that troubles you most and answer the "
        "questions in relation to this experience. Below are a number of problems that "
        "people sometimes report in response to traumatic or stressful life events. Please "
        "read each item carefully, then circle one of the numbers to the right to indicate "
        "how much you have been bothered by that problem in the past month.",
        "ptsd_impact": "In the past month have the above problems:",
        "dso": "Below are problems that people who have had stressful or traumatic events "
        "sometimes experience. The questions refer to ways you typically feel, ways you "
        "typically think about yourself and ways you typically relate to others. Answer the "
        "following thinking about how true each statement is of you.",
        "dso_impact": "In the past month, have the above problems in emotions, in beliefs "
        "about yourself and in your relationships:",
    },
    items=(
        Item(
            "P1",
            "Having upsetting dreams that replay part of the experience or are clearly "
            "related to the experience?",
            section="ptsd",
        ),
        Item(
            "P2",
            "Having powerful images or memories that sometimes come into your mind in which "
            "you feel the experience is happening again in the here and now?",
            section="ptsd",
        ),
        Item(
            "P3",
            "Avoiding internal reminders of the experience (for example, thoughts, feelings, "
            "or physical sensations)?",
            section="ptsd",
        ),
        Item(
            "P4",
            "Avoiding external reminders of the experience (for example, people, places, "
            "conversations, objects, activities, or situations)?",
            section="ptsd",
        ),
        Item("P5", "Being “super-alert”, watchful, or on guard?", section="ptsd"),
        Item("P6", "Feeling jumpy or easily startled?", section="ptsd"),
        Item("P7", "Affected your relationships or social life?", section="ptsd_impact"),
        Item("P8", "Affected your work or ability to work?", section="ptsd_impact"),
        Item(
            "P9",
            "Affected any other important part of your life such as parenting, or school or "
            "college work, or other important activities?",
            section="ptsd_impact",
        ),
        Item("C1", "When I am upset, it takes me a long time to calm down.", section="dso"),
        Item("C2", "I feel numb or emotionally shut down.", section="dso"),
        Item("C3", "I feel like a failure.", section="dso"),
        Item("C4", "I feel worthless.", section="dso"),
        Item("C5", "I feel distant or cut off from people.", section="dso"),
        Item("C6", "I find it hard to stay emotionally close to people.", section="dso"),
        Item(
            "C7",
            # "about", not "in": every copy of the form found reads "about".
            "Created concern or distress about your relationships or social life?",
            section="dso_impact",
        ),
        Item("C8", "Affected your work or ability to work?", section="dso_impact"),
        Item(
            "C9",
            "Affected any other important parts of your life such as parenting, or school or "
            "college work, or other important activities?",
            section="dso_impact",
        ),
    ),
    options={section: BOTHERED for section in ("ptsd", "ptsd_impact", "dso", "dso_impact")},
    recall=_("the past month (PTSD part); how you typically feel (the rest)"),
    attribution="Cloitre, M., Shevlin, M., Brewin, C.R., Bisson, J.I., Roberts, N.P., "
    "Maercker, A., Karatzias, T., & Hyland, P. (2018). The International Trauma "
    "Questionnaire: development of a self-report measure of ICD-11 PTSD and complex PTSD. "
    "Acta Psychiatrica Scandinavica, 138(6), 536-546. doi:10.1111/acps.12956",
    licence=_("Freely available; its wording may not be altered."),
    canonical_url="https://www.traumameasuresglobal.com/itq",
    # No single total: the PTSD and DSO sums (0-24 each) are followed dimensionally, a use
    # that is common but not an official scoring rule.
    subscales=(
        Subscale("ptsd", _("PTSD symptoms"), P_SYMPTOMS),
        Subscale("dso", _("Disturbances in self-organisation"), C_SYMPTOMS),
    ),
    rules=(
        Rule(
            "ptsd",
            _("PTSD criteria"),
            threshold=2,
            groups=(
                (("P1", "P2"), 1),
                (("P3", "P4"), 1),
                (("P5", "P6"), 1),
                (("P7", "P8", "P9"), 1),
            ),
        ),
        Rule(
            "dso",
            _("DSO criteria"),
            threshold=2,
            groups=(
                (("C1", "C2"), 1),
                (("C3", "C4"), 1),
                (("C5", "C6"), 1),
                (("C7", "C8", "C9"), 1),
            ),
        ),
    ),
    # Complex PTSD and PTSD exclude each other: complex PTSD comes first.
    diagnoses=(
        Diagnosis("cptsd", _("provisional complex PTSD (ICD-11)"), ("ptsd", "dso")),
        Diagnosis("ptsd", _("provisional PTSD (ICD-11)"), ("ptsd",)),
    ),
    charted=("ptsd", "dso"),
    notes=("The PTSD and DSO sums are used dimensionally; this is not an official scoring rule.",),
)
