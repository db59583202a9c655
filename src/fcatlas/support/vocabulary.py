"""The support programme's words: themes, kinds of activity, who took part and whom material is for.

One list of themes serves activities, the self-assessment rubric and the knowledge library, so that a weak theme
in an assessment leads straight to the material and the activities on the same theme.
"""

from django.db import models


class Theme(models.TextChoices):
    CO_LOCATION = "co_location", "Samlokalisering och samverkan"
    GOVERNANCE = "governance", "Styrning, ledning och samverkansavtal"
    VULNERABLE_AREAS = "vulnerable_areas", "Att nå familjer i socialt utsatta områden"
    VIOLENCE = "violence", "Att förebygga och upptäcka våld"
    HONOUR_VIOLENCE = "honour_violence", "Hedersrelaterat våld och förtryck"
    EQUAL_PARENTING = "equal_parenting", "Jämställt föräldraskap och pappors delaktighet"
    LANGUAGE_DEVELOPMENT = "language_development", "Språkutveckling"
    OLDER_CHILDREN = "older_children", "Äldre barn"
    HEALTH_PROMOTION = "health_promotion", "Hälsofrämjande arbete"
    NEWLY_ARRIVED = "newly_arrived", "Att nå nyanlända familjer"
    NEW_CENTRE = "new_centre", "Att starta en ny familjecentral"


class ActivityType(models.TextChoices):
    DIALOGUE_MEETING = "dialogue_meeting", "Dialogmöte"
    TRAINING = "training", "Utbildning"
    PROCESS_SUPPORT = "process_support", "Processtöd"
    NETWORK_MEETING = "network_meeting", "Nätverksträff"
    KNOWLEDGE_MATERIAL = "knowledge_material", "Kunskapsmaterial"


class ParticipantRole(models.TextChoices):
    MIDWIFE = "midwife", "Barnmorskor"
    CHILD_HEALTH_NURSE = "child_health_nurse", "BVC-sjuksköterskor"
    PRESCHOOL_TEACHER = "preschool_teacher", "Förskollärare i öppen förskola"
    SOCIAL_WORKER = "social_worker", "Socialsekreterare och familjebehandlare"
    MANAGER = "manager", "Chefer"
    COORDINATOR = "coordinator", "Samordnare"
    POLITICIAN = "politician", "Förtroendevalda"
    OTHER = "other", "Andra"


class ArticleKind(models.TextChoices):
    WRITTEN_HERE = "written_here", "Skrivet för fcatlas"
    PUBLIC_GUIDANCE = "public_guidance", "Hänvisning till offentlig vägledning"


class TargetRole(models.TextChoices):
    UNIT_STAFF = "unit_staff", "Personal på familjecentralen"
    MANAGER = "manager", "Chefer och styrgrupp"
    COORDINATOR = "coordinator", "Samordnare i kommun och region"
    SUPPORT_OFFICER = "support_officer", "Stödhandläggare"


ACTIVITY_THEMES = (Theme.VIOLENCE, Theme.HONOUR_VIOLENCE, Theme.EQUAL_PARENTING, Theme.LANGUAGE_DEVELOPMENT,
                   Theme.GOVERNANCE, Theme.NEW_CENTRE, Theme.OLDER_CHILDREN, Theme.NEWLY_ARRIVED, Theme.CO_LOCATION,
                   Theme.VULNERABLE_AREAS, Theme.HEALTH_PROMOTION)
"""The themes an activity can have, in the order the form lists them (the remit's themes first)."""


def theme_label(code: str) -> str:
    return Theme(code).label if code in Theme.values else code
