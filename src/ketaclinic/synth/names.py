"""Synthetic names for demo patients: invented combinations, no real person."""

# Given names by the sex recorded for the patient, so a chart never reads "Olga, male".
# Hana is eighth of the women's: the demo's portal patient, N-1001, is Hana Lindqvist.
FEMALE_GIVEN_NAMES = (
    "Ada",
    "Carmen",
    "Dara",
    "Elif",
    "Farah",
    "Ines",
    "Keiko",
    "Hana",
    "Maya",
    "Olga",
    "Priya",
    "Rosa",
    "Tove",
    "Uma",
    "Ximena",
    "Zara",
    "Amara",
    "Chiara",
)
MALE_GIVEN_NAMES = (
    "Bruno",
    "Gustav",
    "Jonas",
    "Liam",
    "Nikolai",
    "Quentin",
    "Samir",
    "Viktor",
    "Yusuf",
    "Bastian",
    "Dmitri",
    "Anders",
    "Rafael",
    "Kenji",
    "Tariq",
)
GIVEN_NAMES_BY_SEX = {"female": FEMALE_GIVEN_NAMES, "male": MALE_GIVEN_NAMES}


def given_names(sex: str) -> tuple[str, ...]:
    """The given names that fit ``sex``; every name for another or unknown sex."""
    return GIVEN_NAMES_BY_SEX.get(sex, FEMALE_GIVEN_NAMES + MALE_GIVEN_NAMES)


FAMILY_NAMES = (
    "Abara",
    "Bellweather",
    "Castellano",
    "Drummond",
    "Eskildsen",
    "Fairbrook",
    "Grünfeld",
    "Halloran",
    "Iversen",
    "Jakobsen",
    "Kowalczyk",
    "Lindqvist",
    "Marchetti",
    "Nakamura",
    "Okonkwo",
    "Pellegrino",
    "Quist",
    "Rosenthal",
    "Santangelo",
    "Thorvaldsen",
    "Underhill",
    "Varga",
    "Whitlock",
    "Xu",
    "Yilmaz",
    "Zeller",
)
STREETS = ("Elm Row", "Harbour Lane", "Mill Street", "Orchard Way", "Station Road", "Vale Close")
# Family names of the synthetic outcome cohort (synth.cohort_load): none of the demo's own, so
# a search for a demo patient never finds a synthetic namesake.
COHORT_FAMILY_NAMES = (
    "Achterberg",
    "Brennholt",
    "Corvalán",
    "Dunmore",
    "Ellingsen",
    "Fenwicke",
    "Gallardo",
    "Hawtrey",
    "Isaksen",
    "Jurgensen",
    "Kettleby",
    "Lorimer",
    "Montagu",
    "Norberg",
    "Oyelaran",
    "Penhallow",
    "Quarrie",
    "Radcliffe",
    "Sandoval",
    "Trevelyan",
    "Ulvestad",
    "Vasquez",
    "Wendover",
    "Yardley",
    "Zamora",
)
