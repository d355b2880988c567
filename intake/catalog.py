"""The seed contraindication catalog, as plain data.

This module has no Django imports on purpose: the data migration that seeds the
catalog model reads it, and so do the pure screening rules and their tests.

Each row is a frozen :class:`CatalogEntry` dataclass (not a dict) so that a typo in a
field name fails at import time; ``dataclasses.asdict(entry)`` gives the dict form, e.g.
``Condition(**asdict(entry))`` in a migration.

Codes and categories are the public API fixed by DESIGN.md ("Clinical rules (intake)").
The wording is ours, written from the facts in CLINICAL.md; a licensed clinician should
review it before launch. Staff may edit every row (including its category) in the
admin, so this is the starting point, not the live catalog.

Writing rules for the text fields (CLINICAL.md, "Explaining outcomes"):

* ``question`` and ``help_text`` are calm, plain, yes/no, for the client.
* ``client_reason`` names the client's own answer and one next step; never a diagnosis.
  Words such as clot or infection appear only in ``guidance``, which is for therapists.
* ``guidance`` says what the therapist avoids or adapts, and why.
* ``sources`` notes where our category is stricter or looser than a source ("clinic
  policy").
"""

from __future__ import annotations

from dataclasses import dataclass

# Strongest first; screening ranks flags by position in this tuple.
CATEGORIES: tuple[str, ...] = ("refer", "defer", "clearance", "local", "caution")


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogEntry:
    """One condition in the seed catalog."""

    code: str
    category: str
    question: str
    help_text: str
    client_reason: str
    guidance: str
    sources: str
    # True for red flags that need medical care today; the refer page then points to
    # emergency services or urgent care rather than "see a doctor soon".
    urgent: bool
    # Position in the questionnaire. Steps of 10 leave room for rows staff add later.
    order: int


# Shared endings keep each outcome's next step identical across rows.
_URGENT_CARE = "Please get urgent medical care today, before any massage."
_EMERGENCY_CARE = "Please get emergency medical care today, before any massage."
_DEFER_NEXT = "We will ask again before your visit."
_CLEARANCE_NEXT = (
    "Please ask your doctor for a note saying massage is suitable for you. "
    "Booking opens once a therapist has recorded it."
)
_LOCAL_NEXT = (
    "Booking is open. Your therapist will read your answers first and will avoid or adapt "
    "that area."
)
_CAUTION_NEXT = (
    "Booking is open. Your therapist will read your answers first and may adapt the "
    "pressure or technique."
)

SEED_CATALOG: tuple[CatalogEntry, ...] = (
    # --- refer: urgent red flags, asked first so nobody books past them ---
    CatalogEntry(
        code="saddle_numbness",
        category="refer",
        question=(
            "Have you recently noticed new numbness or tingling between your legs, around "
            "your bottom or on the inside of your buttocks?"
        ),
        help_text="Answer yes only if this feeling is new for you.",
        client_reason=(
            "You told us about new numbness between your legs or around your bottom. "
            + _EMERGENCY_CARE
        ),
        guidance=(
            "Red flag for cauda equina syndrome (compression of the nerves at the base of "
            "the spine). Do not treat and do not offer self-care or a later booking "
            "instead: the client needs emergency assessment today."
        ),
        sources="NICE NG59; NICE CKS; BMJ Best Practice (cauda equina)",
        urgent=True,
        order=10,
    ),
    CatalogEntry(
        code="bladder_bowel_change",
        category="refer",
        question=(
            "Along with back or leg pain, have you had new trouble passing urine, or any "
            "new leaking of urine or stool?"
        ),
        help_text="Count changes in the last two weeks, or ones that are getting worse.",
        client_reason=(
            "You told us about a new change in passing urine or stool along with your "
            "pain. " + _EMERGENCY_CARE
        ),
        guidance=(
            "Red flag for cauda equina syndrome: urinary retention or incontinence with "
            "back or leg pain. Do not treat; emergency assessment today."
        ),
        sources="NICE NG59; NICE CKS; BMJ Best Practice (cauda equina)",
        urgent=True,
        order=20,
    ),
    CatalogEntry(
        code="progressive_leg_weakness",
        category="refer",
        question=(
            "Is weakness or numbness in a leg getting worse, has walking become newly "
            "difficult, or do you have symptoms in both legs?"
        ),
        help_text="For example tripping more often, or a foot that catches or drags.",
        client_reason=(
            "You told us leg weakness or numbness is getting worse or affects both legs. "
            + _EMERGENCY_CARE
        ),
        guidance=(
            "Progressive neurological deficit or bilateral leg symptoms suggest serious "
            "nerve compression. Do not treat; emergency assessment today."
        ),
        sources="NICE CKS; BMJ Best Practice (cauda equina)",
        urgent=True,
        order=30,
    ),
    CatalogEntry(
        code="fever_with_back_pain",
        category="refer",
        question=(
            "Did your back pain start together with a fever, chills or feeling generally "
            "unwell, and is it getting worse?"
        ),
        help_text="A cold or flu without new back pain has its own question further on.",
        client_reason=(
            "You told us your back pain came with a fever, chills or feeling unwell and is "
            "getting worse. " + _URGENT_CARE
        ),
        guidance=(
            "Possible spinal infection (for example discitis or an epidural abscess). Do "
            "not treat; urgent medical assessment today. Not the same as `fever`, a "
            "passing illness with no new back pain, which only defers."
        ),
        sources="NICE NG59; NICE CKS",
        urgent=True,
        order=40,
    ),
    CatalogEntry(
        code="major_trauma_recent",
        category="refer",
        question=(
            "Has your back or neck hurt since a serious fall or road accident that a "
            "doctor has not yet checked?"
        ),
        help_text="Answer no if a doctor has already examined you since it happened.",
        client_reason=(
            "You told us your pain began after a serious fall or accident that has not "
            "been checked. Please see a doctor or go to urgent care today, before any "
            "massage."
        ),
        guidance=(
            "Possible fracture after significant trauma; pressure or mobilisation could "
            "displace it. Do not treat until medically assessed."
        ),
        sources="NICE CKS; Downie et al. BMJ 2013",
        urgent=True,
        order=50,
    ),
    CatalogEntry(
        code="suspected_dvt",
        category="refer",
        question="Right now, is one of your calves swollen, warm, red or painful?",
        help_text=(
            "This matters most if it began after an operation, a long journey or during pregnancy."
        ),
        client_reason=(
            "You told us one calf is swollen, warm, red or painful right now. " + _URGENT_CARE
        ),
        guidance=(
            "Possible deep vein thrombosis: massage could dislodge the clot and cause a "
            "pulmonary embolism. Do not treat; medical assessment today."
        ),
        sources="Werner; NYSED",
        urgent=True,
        order=60,
    ),
    CatalogEntry(
        code="pregnancy_warning_signs",
        category="refer",
        question=(
            "If you are pregnant, do you have any of these now: a severe headache, changes "
            "in your sight, sudden swelling of your face or hands, or bleeding?"
        ),
        help_text="Answer no if you are not pregnant.",
        client_reason=(
            "You told us about symptoms in your pregnancy that need checking today. Please "
            "contact your maternity unit or midwife, or emergency services, today, before "
            "any massage."
        ),
        guidance=(
            "Possible pre-eclampsia, placental problem or other complication. Do not "
            "treat; same-day maternity or emergency assessment."
        ),
        sources="AMTA; ABMP",
        urgent=True,
        order=70,
    ),
    # --- how the client is today: passing illness and fresh injury ---
    CatalogEntry(
        code="fever",
        category="defer",
        question="Do you have a fever today, from a cold, flu or another passing illness?",
        help_text="Feeling hot or shivery counts, even if you have not taken your temperature.",
        client_reason=(
            "You told us you have a fever today. Please rest and book for when you have "
            "felt well for a day or two. " + _DEFER_NEXT
        ),
        guidance=(
            "Febrile illness: the body is fighting an infection that may spread to staff "
            "and clients. Rebook once 24-48 hours symptom-free. Back pain that came with "
            "the fever and is worsening is `fever_with_back_pain` (refer)."
        ),
        sources="Werner; NYSED; ABMP",
        urgent=False,
        order=80,
    ),
    CatalogEntry(
        code="contagious_illness",
        category="defer",
        question=(
            "Do you have an illness that could pass to other people, or have you been sick "
            "or had diarrhoea in the last 24 hours?"
        ),
        help_text="For example a stomach bug, flu or a heavy cold.",
        client_reason=(
            "You told us you have an illness that could pass to others, or a recent "
            "stomach upset. Please book for when you have been well for a day or two. "
            + _DEFER_NEXT
        ),
        guidance=(
            "Risk of passing an infection to staff and other clients. Rebook once 24-48 "
            "hours symptom-free."
        ),
        sources="Werner; NYSED; ABMP",
        urgent=False,
        order=90,
    ),
    CatalogEntry(
        code="contagious_skin_condition",
        category="defer",
        question=(
            "Do you have a skin problem that can pass to others by touch, such as impetigo, "
            "shingles, cellulitis, scabies, lice or ringworm over a wide area?"
        ),
        help_text="Answer yes if it is still being treated or has not cleared yet.",
        client_reason=(
            "You told us about a skin problem that can pass to others by touch. Please "
            "book for when it has been treated and has cleared. " + _DEFER_NEXT
        ),
        guidance=(
            "Contagious skin infection or infestation, spread by skin contact and shared "
            "linen. Rebook once treated; cellulitis also needs medical care."
        ),
        sources="Werner; NYSED",
        urgent=False,
        order=100,
    ),
    CatalogEntry(
        code="acute_injury",
        category="defer",
        question=(
            "In the last 3 days, have you had a sprain, strain or knock, or do you have a "
            "joint that is hot and swollen?"
        ),
        help_text="Three days means the last 72 hours.",
        client_reason=(
            "You told us about a fresh injury or a hot, swollen joint. Please give it a few "
            "days to settle before your visit. " + _DEFER_NEXT
        ),
        guidance=(
            "Acute inflammation in the first 72 hours. Wait until it settles, then work "
            "around the area rather than on it."
        ),
        sources="NYSED; Werner; clinic policy (stricter than NYSED caution and Werner local)",
        urgent=False,
        order=110,
    ),
    # --- back pain, nerves and the red flags that need a doctor's view ---
    CatalogEntry(
        code="radiating_leg_pain",
        category="caution",
        question="Does your pain spread down into one leg?",
        help_text="If both legs are affected, please also say yes to the question about both legs.",
        client_reason="You told us your pain spreads into one leg. " + _CAUTION_NEXT,
        guidance=(
            "Suggests an irritated nerve root (sciatica). No deep pressure along the "
            "nerve's path; trigger point or myofascial work suits. Symptoms in both legs "
            "are `progressive_leg_weakness` (refer)."
        ),
        sources="NICE NG59; BMJ Best Practice",
        urgent=False,
        order=120,
    ),
    CatalogEntry(
        code="numbness_tingling",
        category="caution",
        question="Do you have numbness or pins and needles in an arm or a leg?",
        help_text="Numbness between your legs or around your bottom has its own question.",
        client_reason="You told us about numbness or pins and needles. " + _CAUTION_NEXT,
        guidance=(
            "Reduced sensation: the client may not feel overpressure. Lighter pressure "
            "over the affected area; check in often."
        ),
        sources="NYSED",
        urgent=False,
        order=130,
    ),
    CatalogEntry(
        code="disc_herniation_nerve_compression",
        category="clearance",
        question=(
            "Has a doctor told you that you have a slipped or herniated disc, a trapped "
            "nerve, or a narrowing of the spinal canal (stenosis)?"
        ),
        help_text="Answer yes if it still affects you, even on a good day.",
        client_reason=(
            "You told us about a disc or nerve problem in your back. " + _CLEARANCE_NEXT
        ),
        guidance=(
            "Deep pressure or forceful stretching can irritate the compressed nerve. After "
            "clearance: no deep spinal pressure and no forceful stretch."
        ),
        sources="NICE NG59; clinic policy",
        urgent=False,
        order=140,
    ),
    CatalogEntry(
        code="fracture_or_bone_injury",
        category="clearance",
        question="Do you have a broken bone that has not fully healed, including in your spine?",
        help_text="Answer yes if you still wear a cast or brace, or have not been told it healed.",
        client_reason="You told us about a broken bone that is still healing. " + _CLEARANCE_NEXT,
        guidance=(
            "Pressure or movement may disturb a healing fracture. After clearance, avoid "
            "the fracture site."
        ),
        sources="Werner; NYSED; clinic policy (stricter than Werner and NYSED local)",
        urgent=False,
        order=150,
    ),
    CatalogEntry(
        code="cancer_history_new_back_pain",
        category="clearance",
        question="Have you had cancer in the past, and now have new back pain with no clear cause?",
        help_text="Answer yes even if the cancer was treated a long time ago.",
        client_reason=(
            "You told us about new back pain after past cancer. Please see a doctor soon "
            "about the back pain. Booking opens once a therapist has recorded your "
            "doctor's note."
        ),
        guidance=(
            "New unexplained back pain with a history of cancer can mean spread to the "
            "spine. The client should see a doctor soon; treat only after clearance."
        ),
        sources="NICE NG59; NICE CKS; Downie et al. BMJ 2013",
        urgent=False,
        order=160,
    ),
    CatalogEntry(
        code="unexplained_weight_loss",
        category="clearance",
        question="Have you lost weight lately without trying?",
        help_text="For example, clothes feeling looser with no change in what you eat or do.",
        client_reason=(
            "You told us you have lost weight without trying. Please see a doctor soon "
            "about it. Booking opens once a therapist has recorded your doctor's note."
        ),
        guidance=(
            "Unexplained weight loss can signal serious illness such as cancer. The client "
            "should see a doctor soon; treat only after clearance."
        ),
        sources="NICE CKS; NICE NG59",
        urgent=False,
        order=170,
    ),
    # --- pregnancy (its warning signs are asked with the red flags above) ---
    CatalogEntry(
        code="pregnancy",
        category="caution",
        question="Are you pregnant?",
        help_text="Answer yes at any stage, including the first few weeks.",
        client_reason="You told us you are pregnant. " + _CAUTION_NEXT,
        guidance=(
            "Positioning and a higher clot risk. Side-lying with support; no deep sacral "
            "or abdominal work in the first trimester."
        ),
        sources="NYSED; Mueller & Grunwald 2021",
        urgent=False,
        order=180,
    ),
    CatalogEntry(
        code="high_risk_pregnancy",
        category="clearance",
        question=(
            "If you are pregnant, has your midwife or doctor told you about a risk, such as "
            "pre-eclampsia, a placenta problem, an earlier premature labour, twins, diabetes "
            "in pregnancy or high blood pressure?"
        ),
        help_text="Answer no if you are not pregnant.",
        client_reason=(
            "You told us about a known risk in your pregnancy. Please ask your midwife or "
            "doctor for a note saying massage is suitable for you. Booking opens once a "
            "therapist has recorded it."
        ),
        guidance=(
            "Higher risk of complications. Needs a midwife's or obstetrician's clearance; "
            "then adapt as for `pregnancy`."
        ),
        sources="AMTA; Mueller & Grunwald 2021",
        urgent=False,
        order=190,
    ),
    # --- heart, blood pressure and circulation ---
    CatalogEntry(
        code="uncontrolled_blood_pressure",
        category="defer",
        question=(
            "Is your blood pressure very high or not under control, or has your blood "
            "pressure medicine just been changed?"
        ),
        help_text="If your doctor says it is well controlled, answer no here.",
        client_reason=(
            "You told us your blood pressure is high or not settled yet. Please book for "
            "when it is under control. " + _DEFER_NEXT
        ),
        guidance=(
            "Uncontrolled hypertension adds strain on the heart and vessels. Rebook once "
            "controlled and stable on medication."
        ),
        sources="ABMP",
        urgent=False,
        order=200,
    ),
    CatalogEntry(
        code="controlled_high_blood_pressure",
        category="caution",
        question="Do you have high blood pressure that is kept under control with medicine?",
        help_text="Your doctor or nurse checks it and says it is in a good range.",
        client_reason="You told us your blood pressure is controlled with medicine. "
        + _CAUTION_NEXT,
        guidance=(
            "Only uncontrolled hypertension is ruled out. No vigorous work; have the "
            "client sit up slowly afterwards to avoid dizziness."
        ),
        sources="ABMP",
        urgent=False,
        order=210,
    ),
    CatalogEntry(
        code="cardiovascular_disease",
        category="clearance",
        question=(
            "Do you have a heart condition, or have you had a heart attack or heart "
            "failure, or swelling caused by heart or kidney problems?"
        ),
        help_text="Include conditions that are kept under control with medicine.",
        client_reason="You told us about a heart or kidney condition. " + _CLEARANCE_NEXT,
        guidance=(
            "Massage moves fluid and adds load on the circulation. After clearance: no "
            "vigorous work, especially on swollen legs."
        ),
        sources="NYSED; ABMP",
        urgent=False,
        order=220,
    ),
    CatalogEntry(
        code="dvt_history",
        category="clearance",
        question=(
            "Have you ever had a blood clot, such as a DVT in a leg, especially one treated "
            "recently or still being treated?"
        ),
        help_text="A DVT is a clot in a deep vein, often in the calf or thigh.",
        client_reason="You told us about a past problem in your veins. " + _CLEARANCE_NEXT,
        guidance=(
            "Risk of a new clot or of loosening one. After clearance: no deep work on the legs."
        ),
        sources="Werner; NYSED",
        urgent=False,
        order=230,
    ),
    CatalogEntry(
        code="clotting_disorder",
        category="clearance",
        question=(
            "Do you have a bleeding or clotting condition, such as haemophilia, von "
            "Willebrand disease, low platelets or a tendency to form clots?"
        ),
        help_text="A doctor or a blood test will have told you about this.",
        client_reason="You told us about a bleeding condition. " + _CLEARANCE_NEXT,
        guidance=(
            "Risk of bruising, bleeding or clot formation. After clearance: light pressure only."
        ),
        sources="NYSED; clinic policy (stricter than NYSED caution)",
        urgent=False,
        order=240,
    ),
    CatalogEntry(
        code="anticoagulant_medication",
        category="caution",
        question=(
            "Do you take a blood thinner, such as warfarin, apixaban, rivaroxaban or clopidogrel?"
        ),
        help_text="If you are not sure, check the name on your medicine box.",
        client_reason="You told us you take a blood thinner. " + _CAUTION_NEXT,
        guidance=(
            "Bruising and bleeding risk. Light to medium pressure; no deep tissue work. "
            "Ask whether the INR has been stable."
        ),
        sources=(
            "NYSED; clinic policy (looser than practitioner consensus, which asks for "
            "clearance when INR is unstable)"
        ),
        urgent=False,
        order=250,
    ),
    CatalogEntry(
        code="varicose_veins",
        category="local",
        question="Do you have varicose veins (bulging or twisted veins, usually in the legs)?",
        help_text="Answer yes if a vein in your legs looks raised, bulging or twisted.",
        client_reason="You told us you have varicose veins. " + _LOCAL_NEXT,
        guidance=(
            "Fragile vein walls and possible clots. Mild: no deep work over them. Severe: "
            "avoid the veins and everything below them on that limb."
        ),
        sources="Werner; NYSED",
        urgent=False,
        order=260,
    ),
    # --- bones ---
    CatalogEntry(
        code="severe_osteoporosis",
        category="clearance",
        question=(
            "Have you been told your osteoporosis is severe, or have you broken a bone in "
            "your spine or in a minor fall?"
        ),
        help_text="A minor fall means falling from standing height or less.",
        client_reason="You told us about severe bone thinning. " + _CLEARANCE_NEXT,
        guidance=(
            "Bones may break under ordinary pressure. After clearance: very gentle "
            "pressure; no percussion and no joint mobilisation."
        ),
        sources="Werner; NYSED; ABMP",
        urgent=False,
        order=270,
    ),
    CatalogEntry(
        code="osteoporosis",
        category="clearance",
        question="Has a doctor told you that you have osteoporosis or low bone density?",
        help_text="This is often found on a bone density (DEXA) scan.",
        client_reason="You told us about bone thinning. " + _CLEARANCE_NEXT,
        guidance="Fragile bone. After clearance: gentle pressure; no percussion.",
        sources=(
            "Werner; NYSED; ABMP; clinic policy (stricter than Werner and NYSED caution; "
            "ABMP agrees)"
        ),
        urgent=False,
        order=280,
    ),
    CatalogEntry(
        code="long_term_steroids",
        category="caution",
        question="Have you taken steroid tablets, such as prednisolone, for several months?",
        help_text="This means tablets, not inhalers or creams.",
        client_reason="You told us you take steroid tablets. " + _CAUTION_NEXT,
        guidance=(
            "Long-term corticosteroids thin bone and skin. Gentle pressure; no "
            "percussion. Back pain after a minor fall needs a doctor (possible fracture)."
        ),
        sources="NYSED; Werner; Downie et al. BMJ 2013",
        urgent=False,
        order=290,
    ),
    # --- operations, devices and long-term conditions ---
    CatalogEntry(
        code="recent_surgery",
        category="clearance",
        question="Have you had an operation in the last 6 weeks, or do you still have stitches?",
        help_text="Include day surgery and keyhole operations.",
        client_reason="You told us about a recent operation. " + _CLEARANCE_NEXT,
        guidance=(
            "Healing tissue and a raised clot risk. After clearance: avoid the incision; "
            "scar work only once it has fully healed."
        ),
        sources="NYSED; AMTA; Werner",
        urgent=False,
        order=300,
    ),
    CatalogEntry(
        code="implant_or_port",
        category="local",
        question=(
            "Do you have a pacemaker, a port, a medicine pump, or metal plates or screws in a bone?"
        ),
        help_text="Include any device placed under your skin during an operation.",
        client_reason="You told us about a device or implant. " + _LOCAL_NEXT,
        guidance="Pressure may shift or damage the device. Avoid over and around it.",
        sources="NYSED; AMTA",
        urgent=False,
        order=310,
    ),
    CatalogEntry(
        code="cancer",
        category="clearance",
        question="Do you have cancer now, or are you being treated for it?",
        help_text="Treatment includes chemotherapy, radiotherapy, surgery and hormone therapy.",
        client_reason="You told us about cancer or its treatment. " + _CLEARANCE_NEXT,
        guidance=(
            "Clot risk, fragile tissue and treatment effects; a blanket ban is not "
            "supported by evidence. After clearance: adapt pressure, site and position; "
            "avoid ports and irradiated skin; no massage within 72 hours of chemotherapy."
        ),
        sources="Werner; AMTA; ABMP",
        urgent=False,
        order=320,
    ),
    CatalogEntry(
        code="diabetes",
        category="clearance",
        question="Do you have diabetes of any type?",
        help_text="Answer yes whether you manage it with diet, tablets or insulin.",
        client_reason="You told us you have diabetes. " + _CLEARANCE_NEXT,
        guidance=(
            "Neuropathy means the client may not feel overpressure, and skin heals slowly. "
            "After clearance: lighter pressure where sensation is reduced; check the skin, "
            "especially on the feet."
        ),
        sources="NYSED; ABMP; clinic policy (stricter than NYSED caution; ABMP agrees)",
        urgent=False,
        order=330,
    ),
    # --- skin and lumps in the area to be massaged ---
    CatalogEntry(
        code="unhealed_wound",
        category="local",
        question="Do you have an open cut, sore or burn, or a scar that has not fully healed?",
        help_text="Tell us even if it is small or covered.",
        client_reason="You told us about a wound that is still healing. " + _LOCAL_NEXT,
        guidance="Risk of infection and further damage. Avoid the area.",
        sources="NYSED; Werner",
        urgent=False,
        order=340,
    ),
    CatalogEntry(
        code="rash",
        category="local",
        question="Do you have a rash in one area that cannot pass to other people?",
        help_text="Skin problems that can pass to others by touch have their own question.",
        client_reason="You told us you have a rash. " + _LOCAL_NEXT,
        guidance=(
            "Massage can irritate it. Avoid the area; if it is spreading or the client "
            "feels unwell, defer the visit."
        ),
        sources="Werner",
        urgent=False,
        order=350,
    ),
    CatalogEntry(
        code="skin_condition_in_area",
        category="local",
        question=(
            "Do you have eczema, psoriasis, a cold sore or athlete's foot on a part of your "
            "body that may be massaged?"
        ),
        help_text="Answer yes even if it is mild today.",
        client_reason="You told us about a skin condition. " + _LOCAL_NEXT,
        guidance=(
            "Irritation, and local spread for cold sores and athlete's foot. Avoid "
            "inflamed, broken or blistered skin."
        ),
        sources="Werner",
        urgent=False,
        order=360,
    ),
    CatalogEntry(
        code="bruising",
        category="local",
        question="Do you have a bruise, or a swelling from bleeding under the skin?",
        help_text="Include bruises you are not sure how you got.",
        client_reason="You told us about a bruise. " + _LOCAL_NEXT,
        guidance=(
            "Pressure can cause more damage. Avoid the area; if bruising is unexplained, "
            "ask about blood thinners or a clotting condition."
        ),
        sources="NYSED",
        urgent=False,
        order=370,
    ),
    CatalogEntry(
        code="undiagnosed_lump",
        category="local",
        question="Do you have a lump that a doctor has not checked yet?",
        help_text="Any size, anywhere on your body.",
        client_reason=(
            "You told us about a lump that has not been checked. " + _LOCAL_NEXT + " It is "
            "worth asking your doctor to look at it."
        ),
        guidance="Unknown cause. Avoid the area and suggest the client has it checked.",
        sources="NYSED",
        urgent=False,
        order=380,
    ),
    # --- comfort on the day ---
    CatalogEntry(
        code="pain_medication_today",
        category="caution",
        question="Have you taken any painkillers today?",
        help_text="Include tablets, patches and gels.",
        client_reason="You told us you have taken painkillers today. " + _CAUTION_NEXT,
        guidance=(
            "Dulled feedback: the client may not feel overpressure. Lighter pressure. If "
            "the client is too drowsy to give consent, do not treat."
        ),
        sources="NYSED",
        urgent=False,
        order=390,
    ),
    CatalogEntry(
        code="low_pain_tolerance",
        category="caution",
        question="Do you find firm pressure hard to bear?",
        help_text="There is no wrong answer; it helps us choose the right pressure.",
        client_reason=(
            "You told us firm pressure is hard for you. Booking is open. Your therapist "
            "will start with light pressure and adjust it with you."
        ),
        guidance="Firm work risks a flare-up. Start light; Swedish technique.",
        sources="clinic policy",
        urgent=False,
        order=400,
    ),
    # Last, because it asks about anything the list above missed.
    CatalogEntry(
        code="other_serious_condition",
        category="clearance",
        question=(
            "Are you under medical care for another serious condition not asked about "
            "above, such as severe asthma, lung disease or psychosis?"
        ),
        help_text="If yes, add a few words about it so your therapist understands.",
        client_reason="You told us about another serious condition. " + _CLEARANCE_NEXT,
        guidance=(
            "A risk the catalog does not list. Read the client's detail and follow the "
            "physician's clearance and any instructions in it."
        ),
        sources="ABMP; NYSED",
        urgent=False,
        order=410,
    ),
)

SEED_CATEGORY_BY_CODE: dict[str, str] = {entry.code: entry.category for entry in SEED_CATALOG}
