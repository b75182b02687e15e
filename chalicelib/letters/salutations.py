"""How a letter greets its recipient: a minister, a Permanent Representative, a Permanent Observer, the
Secretary-General, or anyone else, in each of the six UN languages.

The rendering picks the formula from the resolved target, so a letter that goes down a campaign's chain (the
ministry publishes no address, the New York mission receives it) greets the mission's head, not the minister.
In English the formula names the addressee as the directory gives it ("Dear Minister for Foreign Affairs,",
"Dear Ambassador and Permanent Representative,", or the person a campaign's override names): the addressee
column is written in English. The other languages use the formal greeting for the recipient's kind.
"""

from __future__ import annotations

RECIPIENT_KINDS = ("minister", "ambassador", "observer", "secretary-general", "generic")

SALUTATIONS: dict[str, dict[str, str]] = {
    "minister": {
        "en": "Dear Minister,",
        "fr": "Madame la Ministre, Monsieur le Ministre,",
        "es": "Excelentísimo/a Sr./Sra. Ministro/a:",
        "ru": "Уважаемый господин министр! Уважаемая госпожа министр!",
        "zh": "尊敬的部长阁下：",
        "ar": "معالي الوزير المحترم،",
    },
    "ambassador": {
        "en": "Your Excellency,",
        "fr": "Madame l'Ambassadrice, Monsieur l'Ambassadeur,",
        "es": "Excelentísimo/a Sr./Sra. Embajador/a:",
        "ru": "Уважаемый господин посол! Уважаемая госпожа посол!",
        "zh": "尊敬的大使阁下：",
        "ar": "سعادة السفير المحترم،",
    },
    "observer": {
        "en": "Your Excellency,",
        "fr": "Madame l'Observatrice permanente, Monsieur l'Observateur permanent,",
        "es": "Excelentísimo/a Sr./Sra. Observador/a Permanente:",
        "ru": "Уважаемый господин постоянный наблюдатель! Уважаемая госпожа постоянный наблюдатель!",
        "zh": "尊敬的常驻观察员阁下：",
        "ar": "سعادة المراقب الدائم المحترم،",
    },
    "secretary-general": {
        "en": "Dear Secretary-General,",
        "fr": "Madame la Secrétaire générale, Monsieur le Secrétaire général,",
        "es": "Excelentísimo/a Sr./Sra. Secretario/a General:",
        "ru": "Уважаемый господин Генеральный секретарь! Уважаемая госпожа Генеральный секретарь!",
        "zh": "尊敬的秘书长阁下：",
        "ar": "معالي الأمين العام المحترم،",
    },
    "generic": {
        "en": "Your Excellency,",
        "fr": "Excellence,",
        "es": "Excelencia:",
        "ru": "Ваше превосходительство!",
        "zh": "尊敬的阁下：",
        "ar": "صاحب السعادة،",
    },
}


def recipient_kind(target_set: str, addressee: str, fixed_kind: str = "generic") -> str:
    """The kind of recipient a target is: by its set, a mission's head by its title; a fixed target as declared."""
    if target_set == "foreign-ministry":
        return "minister"
    if target_set.startswith("un-mission-"):
        return "observer" if "observer" in addressee.lower() else "ambassador"
    return fixed_kind if target_set == "fixed" else "generic"


def salutation(kind: str, language: str, addressee: str = "") -> str:
    """The greeting in `language` (English when the language has none): English names the addressee if known."""
    if language == "en" and addressee.strip():
        return f"Dear {addressee.strip()},"
    formulas = SALUTATIONS.get(kind, SALUTATIONS["generic"])
    return formulas.get(language, formulas["en"])
