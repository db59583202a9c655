"""The initial working-methods taxonomy (arbetssätt). Maintained in the database afterwards."""

INITIAL_WORKING_METHODS = [
    ("parenting_support", "Föräldraskapsstöd", "Strukturerade föräldraskapsstödsprogram i grupp eller enskilt.", None),
    ("parenting_programme_abc", "ABC – Alla barn i centrum", "Universellt föräldraskapsstödsprogram.", "parenting_support"),
    ("parenting_programme_cop", "Comet / COPE", "Föräldraskapsstöd för föräldrar till barn med utmanande beteende.", "parenting_support"),
    ("parent_groups", "Föräldragrupper", "Föräldragrupper under graviditet och barnets första år.", "parenting_support"),
    ("extended_home_visits", "Utökade hembesök", "Hembesök av BVC-sjuksköterska tillsammans med föräldrarådgivare från socialtjänsten.", None),
    ("language_reading", "Språk- och läsfrämjande", "Till exempel Bokstart, sagostunder och språkcaféer.", None),
    ("violence_routine_questions", "Rutinmässiga frågor om våld", "Alla föräldrar tillfrågas om erfarenheter av våld i nära relationer.", None),
    ("honour_violence_prevention", "Förebyggande av hedersrelaterat våld och förtryck", "", "violence_routine_questions"),
    ("father_partner_groups", "Pappa- och partnergrupper", "Grupper för pappor och andra föräldrar än den som fött barnet.", None),
    ("gender_equal_parenting", "Jämställt föräldraskap", "Arbete för ett jämställt föräldraskap och delat ansvar.", None),
    ("open_activities", "Öppen verksamhet", "Drop-in, sångstunder, lek och samtal i öppna förskolan.", None),
    ("health_promotion", "Hälsofrämjande aktiviteter", "Till exempel kost, rörelse, tandhälsa och sömn.", None),
    ("society_orientation", "Samhällsinformation för nyanlända", "Information om samhället, förskolan och vården.", None),
    ("counselling_drop_in", "Öppen rådgivning", "Samtal med socionom utan tidsbokning eller ärende.", None),
    ("interpreter_support", "Tolk och flerspråkig personal", "", None),
]


def install(working_method_model) -> None:
    """Create or update the initial working methods (the migration passes its historical model)."""
    for code, name, description, parent in INITIAL_WORKING_METHODS:
        working_method_model.objects.update_or_create(code=code, defaults={
            "name": name, "description": description,
            "parent": working_method_model.objects.get(code=parent) if parent else None,
        })
