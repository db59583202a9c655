"""The registry's words that the public pages show (Swedish in the database and in the vocabulary), marked here
for translation so that ``makemessages`` finds them; the pages translate them with ``{% translate %}`` or
``gettext``. Staff pages stay Swedish."""

from django.utils.translation import gettext, gettext_noop

from .schedules import DAY_NAMES

SERVICES = [gettext_noop("Mödrahälsovård"), gettext_noop("Barnhälsovård"), gettext_noop("Öppen förskola"),
            gettext_noop("Förebyggande socialtjänst"), gettext_noop("Familjerådgivning"), gettext_noop("Tandvård"),
            gettext_noop("Bibliotek"), gettext_noop("Svenska för invandrare (SFI)"), gettext_noop("Psykolog"),
            gettext_noop("Civilsamhälle"), gettext_noop("Annan verksamhet")]
CLASSIFICATIONS = [gettext_noop("Familjecentral"), gettext_noop("Familjecentralsliknande verksamhet"),
                   gettext_noop("Uppfyller inte definitionen")]
LANGUAGE_NAMES = [gettext_noop("svenska"), gettext_noop("engelska"), gettext_noop("arabiska"), gettext_noop("somaliska"),
                  gettext_noop("persiska"), gettext_noop("dari"), gettext_noop("tigrinja"), gettext_noop("amhariska"),
                  gettext_noop("kurdiska"), gettext_noop("turkiska"), gettext_noop("polska"), gettext_noop("ukrainska"),
                  gettext_noop("ryska"), gettext_noop("bosniska"), gettext_noop("kroatiska"), gettext_noop("serbiska"),
                  gettext_noop("finska"), gettext_noop("spanska"), gettext_noop("franska"), gettext_noop("tyska"),
                  gettext_noop("pashto"), gettext_noop("thailändska"), gettext_noop("vietnamesiska"),
                  gettext_noop("kinesiska"), gettext_noop("romani"), gettext_noop("nordsamiska"), gettext_noop("jiddisch"),
                  gettext_noop("svenskt teckenspråk")]
STATUSES = [gettext_noop("I drift"), gettext_noop("Planerad"), gettext_noop("Tillfälligt stängd"), gettext_noop("Nedlagd")]
_DAY_WORDS = [gettext_noop("mån"), gettext_noop("tis"), gettext_noop("ons"), gettext_noop("tors"), gettext_noop("fre"),
              gettext_noop("lör"), gettext_noop("sön")]


def day_names() -> dict[str, str]:
    """The weekdays' short names in the active language (Swedish ``mån``, English ``Mon``, Arabic ``الاثنين``)."""
    return {code: gettext(name) for code, name in DAY_NAMES.items()}
