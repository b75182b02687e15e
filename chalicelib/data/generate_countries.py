"""Rebuild countries.csv from the UN list below, taking ISO codes from pycountry.

Usage (from the repository root):

    .venv/bin/python chalicelib/data/generate_countries.py

The UN short names, status, letter language, capital time zone and extra
aliases are listed here by hand; alpha2/alpha3 and the pycountry-derived
aliases are never typed in: they are looked up in pycountry.  Any UN name
that cannot be mapped to exactly one pycountry entry stops the script.
"""

import csv
import io
import os
import sys
import zoneinfo

import pycountry

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "countries.csv")

UN_LANGUAGES = {"ar", "en", "es", "fr", "ru", "zh"}

# UN short names that pycountry does not recognise as written: the name to
# look up in pycountry instead (still a *name*, never a code).
PYCOUNTRY_NAME = {
    "Bolivia (Plurinational State of)": "Bolivia, Plurinational State of",
    "Democratic People's Republic of Korea": "Korea, Democratic People's Republic of",
    "Democratic Republic of the Congo": "Congo, The Democratic Republic of the",
    "Holy See": "Holy See (Vatican City State)",
    "Iran (Islamic Republic of)": "Iran, Islamic Republic of",
    "Micronesia (Federated States of)": "Micronesia, Federated States of",
    "Netherlands (Kingdom of the)": "Netherlands",
    "Republic of Korea": "Korea, Republic of",
    "Republic of Moldova": "Moldova, Republic of",
    "State of Palestine": "Palestine, State of",
    "United Republic of Tanzania": "Tanzania, United Republic of",
    "Venezuela (Bolivarian Republic of)": "Venezuela, Bolivarian Republic of",
}

# (UN short name, status, letter language, IANA time zone of the capital,
#  extra aliases separated by ";")
UN_STATES = [
    ("Afghanistan", "member", "en", "Asia/Kabul", ""),
    ("Albania", "member", "en", "Europe/Tirane", ""),
    ("Algeria", "member", "ar", "Africa/Algiers", ""),
    ("Andorra", "member", "en", "Europe/Andorra", ""),
    ("Angola", "member", "en", "Africa/Luanda", ""),
    ("Antigua and Barbuda", "member", "en", "America/Antigua", "Antigua"),
    ("Argentina", "member", "es", "America/Argentina/Buenos_Aires", ""),
    ("Armenia", "member", "en", "Asia/Yerevan", ""),
    ("Australia", "member", "en", "Australia/Sydney", ""),
    ("Austria", "member", "en", "Europe/Vienna", "Österreich"),
    ("Azerbaijan", "member", "en", "Asia/Baku", ""),
    ("Bahamas", "member", "en", "America/Nassau", "The Bahamas"),
    ("Bahrain", "member", "ar", "Asia/Bahrain", ""),
    ("Bangladesh", "member", "en", "Asia/Dhaka", ""),
    ("Barbados", "member", "en", "America/Barbados", ""),
    ("Belarus", "member", "ru", "Europe/Minsk", "Byelorussia"),
    ("Belgium", "member", "fr", "Europe/Brussels", "Belgique;België"),
    ("Belize", "member", "en", "America/Belize", ""),
    ("Benin", "member", "fr", "Africa/Porto-Novo", "Bénin"),
    ("Bhutan", "member", "en", "Asia/Thimphu", ""),
    ("Bolivia (Plurinational State of)", "member", "es", "America/La_Paz", "Bolivia"),
    ("Bosnia and Herzegovina", "member", "en", "Europe/Sarajevo", "Bosnia"),
    ("Botswana", "member", "en", "Africa/Gaborone", ""),
    ("Brazil", "member", "en", "America/Sao_Paulo", "Brasil"),
    ("Brunei Darussalam", "member", "en", "Asia/Brunei", "Brunei"),
    ("Bulgaria", "member", "en", "Europe/Sofia", ""),
    ("Burkina Faso", "member", "fr", "Africa/Ouagadougou", ""),
    ("Burundi", "member", "fr", "Africa/Bujumbura", ""),
    ("Cabo Verde", "member", "en", "Atlantic/Cape_Verde", "Cape Verde"),
    ("Cambodia", "member", "en", "Asia/Phnom_Penh", "Kampuchea"),
    ("Cameroon", "member", "fr", "Africa/Douala", "Cameroun"),
    ("Canada", "member", "en", "America/Toronto", ""),
    ("Central African Republic", "member", "fr", "Africa/Bangui", "Centrafrique;CAR"),
    ("Chad", "member", "fr", "Africa/Ndjamena", "Tchad"),
    ("Chile", "member", "es", "America/Santiago", ""),
    ("China", "member", "zh", "Asia/Shanghai", "PRC;Zhongguo"),
    ("Colombia", "member", "es", "America/Bogota", ""),
    ("Comoros", "member", "fr", "Indian/Comoro", "Comores"),
    ("Congo", "member", "fr", "Africa/Brazzaville", "Republic of the Congo;Congo-Brazzaville"),
    ("Costa Rica", "member", "es", "America/Costa_Rica", ""),
    ("Côte d'Ivoire", "member", "fr", "Africa/Abidjan", "Ivory Coast;Cote d'Ivoire"),
    ("Croatia", "member", "en", "Europe/Zagreb", "Hrvatska"),
    ("Cuba", "member", "es", "America/Havana", ""),
    ("Cyprus", "member", "en", "Asia/Nicosia", ""),
    ("Czechia", "member", "en", "Europe/Prague", "Czech Republic"),
    ("Democratic People's Republic of Korea", "member", "en", "Asia/Pyongyang", "North Korea;DPRK"),
    ("Democratic Republic of the Congo", "member", "fr", "Africa/Kinshasa", "DR Congo;DRC;Congo-Kinshasa;Zaire"),
    ("Denmark", "member", "en", "Europe/Copenhagen", "Danmark"),
    ("Djibouti", "member", "fr", "Africa/Djibouti", ""),
    ("Dominica", "member", "en", "America/Dominica", ""),
    ("Dominican Republic", "member", "es", "America/Santo_Domingo", "República Dominicana"),
    ("Ecuador", "member", "es", "America/Guayaquil", ""),
    ("Egypt", "member", "ar", "Africa/Cairo", ""),
    ("El Salvador", "member", "es", "America/El_Salvador", ""),
    ("Equatorial Guinea", "member", "es", "Africa/Malabo", "Guinea Ecuatorial"),
    ("Eritrea", "member", "en", "Africa/Asmara", ""),
    ("Estonia", "member", "en", "Europe/Tallinn", "Eesti"),
    ("Eswatini", "member", "en", "Africa/Mbabane", "Swaziland"),
    ("Ethiopia", "member", "en", "Africa/Addis_Ababa", ""),
    ("Fiji", "member", "en", "Pacific/Fiji", ""),
    ("Finland", "member", "en", "Europe/Helsinki", "Suomi"),
    ("France", "member", "fr", "Europe/Paris", ""),
    ("Gabon", "member", "fr", "Africa/Libreville", ""),
    ("Gambia", "member", "en", "Africa/Banjul", "The Gambia"),
    ("Georgia", "member", "en", "Asia/Tbilisi", "Sakartvelo"),
    ("Germany", "member", "en", "Europe/Berlin", "Deutschland"),
    ("Ghana", "member", "en", "Africa/Accra", ""),
    ("Greece", "member", "en", "Europe/Athens", "Hellas"),
    ("Grenada", "member", "en", "America/Grenada", ""),
    ("Guatemala", "member", "es", "America/Guatemala", ""),
    ("Guinea", "member", "fr", "Africa/Conakry", "Guinée;Guinea-Conakry"),
    ("Guinea-Bissau", "member", "en", "Africa/Bissau", "Guiné-Bissau"),
    ("Guyana", "member", "en", "America/Guyana", ""),
    ("Haiti", "member", "fr", "America/Port-au-Prince", "Haïti"),
    ("Honduras", "member", "es", "America/Tegucigalpa", ""),
    ("Hungary", "member", "en", "Europe/Budapest", "Magyarország"),
    ("Iceland", "member", "en", "Atlantic/Reykjavik", "Ísland"),
    ("India", "member", "en", "Asia/Kolkata", "Bharat"),
    ("Indonesia", "member", "en", "Asia/Jakarta", ""),
    ("Iran (Islamic Republic of)", "member", "en", "Asia/Tehran", "Iran"),
    ("Iraq", "member", "ar", "Asia/Baghdad", ""),
    ("Ireland", "member", "en", "Europe/Dublin", "Éire"),
    ("Israel", "member", "en", "Asia/Jerusalem", ""),
    ("Italy", "member", "en", "Europe/Rome", "Italia"),
    ("Jamaica", "member", "en", "America/Jamaica", ""),
    ("Japan", "member", "en", "Asia/Tokyo", "Nippon;Nihon"),
    ("Jordan", "member", "ar", "Asia/Amman", ""),
    ("Kazakhstan", "member", "ru", "Asia/Almaty", "Qazaqstan"),
    ("Kenya", "member", "en", "Africa/Nairobi", ""),
    ("Kiribati", "member", "en", "Pacific/Tarawa", ""),
    ("Kuwait", "member", "ar", "Asia/Kuwait", ""),
    ("Kyrgyzstan", "member", "ru", "Asia/Bishkek", "Kyrgyz Republic;Kirghizia"),
    ("Lao People's Democratic Republic", "member", "en", "Asia/Vientiane", "Laos;Lao PDR"),
    ("Latvia", "member", "en", "Europe/Riga", "Latvija"),
    ("Lebanon", "member", "ar", "Asia/Beirut", "Liban"),
    ("Lesotho", "member", "en", "Africa/Maseru", ""),
    ("Liberia", "member", "en", "Africa/Monrovia", ""),
    ("Libya", "member", "ar", "Africa/Tripoli", ""),
    ("Liechtenstein", "member", "en", "Europe/Vaduz", ""),
    ("Lithuania", "member", "en", "Europe/Vilnius", "Lietuva"),
    ("Luxembourg", "member", "fr", "Europe/Luxembourg", "Lëtzebuerg;Luxemburg"),
    ("Madagascar", "member", "fr", "Indian/Antananarivo", ""),
    ("Malawi", "member", "en", "Africa/Blantyre", ""),
    ("Malaysia", "member", "en", "Asia/Kuala_Lumpur", ""),
    ("Maldives", "member", "en", "Indian/Maldives", ""),
    ("Mali", "member", "fr", "Africa/Bamako", ""),
    ("Malta", "member", "en", "Europe/Malta", ""),
    ("Marshall Islands", "member", "en", "Pacific/Majuro", ""),
    ("Mauritania", "member", "ar", "Africa/Nouakchott", "Mauritanie"),
    ("Mauritius", "member", "en", "Indian/Mauritius", "Maurice"),
    ("Mexico", "member", "es", "America/Mexico_City", "México"),
    ("Micronesia (Federated States of)", "member", "en", "Pacific/Pohnpei", "Micronesia;FSM"),
    ("Monaco", "member", "fr", "Europe/Monaco", ""),
    ("Mongolia", "member", "en", "Asia/Ulaanbaatar", ""),
    ("Montenegro", "member", "en", "Europe/Podgorica", "Crna Gora"),
    ("Morocco", "member", "ar", "Africa/Casablanca", "Maroc"),
    ("Mozambique", "member", "en", "Africa/Maputo", "Moçambique"),
    ("Myanmar", "member", "en", "Asia/Yangon", "Burma"),
    ("Namibia", "member", "en", "Africa/Windhoek", ""),
    ("Nauru", "member", "en", "Pacific/Nauru", ""),
    ("Nepal", "member", "en", "Asia/Kathmandu", ""),
    ("Netherlands (Kingdom of the)", "member", "en", "Europe/Amsterdam", "Nederland"),
    ("New Zealand", "member", "en", "Pacific/Auckland", "Aotearoa"),
    ("Nicaragua", "member", "es", "America/Managua", ""),
    ("Niger", "member", "fr", "Africa/Niamey", ""),
    ("Nigeria", "member", "en", "Africa/Lagos", ""),
    ("North Macedonia", "member", "en", "Europe/Skopje", "Macedonia"),
    ("Norway", "member", "en", "Europe/Oslo", "Norge"),
    ("Oman", "member", "ar", "Asia/Muscat", ""),
    ("Pakistan", "member", "en", "Asia/Karachi", ""),
    ("Palau", "member", "en", "Pacific/Palau", ""),
    ("Panama", "member", "es", "America/Panama", "Panamá"),
    ("Papua New Guinea", "member", "en", "Pacific/Port_Moresby", "PNG"),
    ("Paraguay", "member", "es", "America/Asuncion", ""),
    ("Peru", "member", "es", "America/Lima", "Perú"),
    ("Philippines", "member", "en", "Asia/Manila", "Pilipinas"),
    ("Poland", "member", "en", "Europe/Warsaw", "Polska"),
    ("Portugal", "member", "en", "Europe/Lisbon", ""),
    ("Qatar", "member", "ar", "Asia/Qatar", ""),
    ("Republic of Korea", "member", "en", "Asia/Seoul", "South Korea"),
    ("Republic of Moldova", "member", "en", "Europe/Chisinau", "Moldova"),
    ("Romania", "member", "en", "Europe/Bucharest", "România"),
    ("Russian Federation", "member", "ru", "Europe/Moscow", "Russia;Rossiya"),
    ("Rwanda", "member", "en", "Africa/Kigali", ""),
    ("Saint Kitts and Nevis", "member", "en", "America/St_Kitts", "St Kitts and Nevis;St. Kitts and Nevis"),
    ("Saint Lucia", "member", "en", "America/St_Lucia", "St Lucia;St. Lucia"),
    ("Saint Vincent and the Grenadines", "member", "en", "America/St_Vincent", "St Vincent and the Grenadines;St. Vincent"),
    ("Samoa", "member", "en", "Pacific/Apia", "Western Samoa"),
    ("San Marino", "member", "en", "Europe/San_Marino", ""),
    ("Sao Tome and Principe", "member", "en", "Africa/Sao_Tome", "São Tomé and Príncipe"),
    ("Saudi Arabia", "member", "ar", "Asia/Riyadh", "KSA"),
    ("Senegal", "member", "fr", "Africa/Dakar", "Sénégal"),
    ("Serbia", "member", "en", "Europe/Belgrade", "Srbija"),
    ("Seychelles", "member", "en", "Indian/Mahe", ""),
    ("Sierra Leone", "member", "en", "Africa/Freetown", ""),
    ("Singapore", "member", "en", "Asia/Singapore", ""),
    ("Slovakia", "member", "en", "Europe/Bratislava", "Slovak Republic;Slovensko"),
    ("Slovenia", "member", "en", "Europe/Ljubljana", "Slovenija"),
    ("Solomon Islands", "member", "en", "Pacific/Guadalcanal", ""),
    ("Somalia", "member", "ar", "Africa/Mogadishu", "Soomaaliya"),
    ("South Africa", "member", "en", "Africa/Johannesburg", "RSA"),
    ("South Sudan", "member", "en", "Africa/Juba", ""),
    ("Spain", "member", "es", "Europe/Madrid", "España"),
    ("Sri Lanka", "member", "en", "Asia/Colombo", "Ceylon"),
    ("Sudan", "member", "ar", "Africa/Khartoum", ""),
    ("Suriname", "member", "en", "America/Paramaribo", "Surinam"),
    ("Sweden", "member", "en", "Europe/Stockholm", "Sverige"),
    ("Switzerland", "member", "fr", "Europe/Zurich", "Suisse;Schweiz;Svizzera"),
    ("Syrian Arab Republic", "member", "ar", "Asia/Damascus", "Syria"),
    ("Tajikistan", "member", "ru", "Asia/Dushanbe", "Tojikiston"),
    ("Thailand", "member", "en", "Asia/Bangkok", "Siam"),
    ("Timor-Leste", "member", "en", "Asia/Dili", "East Timor"),
    ("Togo", "member", "fr", "Africa/Lome", ""),
    ("Tonga", "member", "en", "Pacific/Tongatapu", ""),
    ("Trinidad and Tobago", "member", "en", "America/Port_of_Spain", "Trinidad"),
    ("Tunisia", "member", "ar", "Africa/Tunis", "Tunisie"),
    ("Türkiye", "member", "en", "Europe/Istanbul", "Turkey;Turkiye"),
    ("Turkmenistan", "member", "en", "Asia/Ashgabat", ""),
    ("Tuvalu", "member", "en", "Pacific/Funafuti", ""),
    ("Uganda", "member", "en", "Africa/Kampala", ""),
    ("Ukraine", "member", "en", "Europe/Kyiv", "Ukraina"),
    ("United Arab Emirates", "member", "ar", "Asia/Dubai", "UAE;Emirates"),
    ("United Kingdom of Great Britain and Northern Ireland", "member", "en", "Europe/London", "United Kingdom;UK;Great Britain;Britain"),
    ("United Republic of Tanzania", "member", "en", "Africa/Dar_es_Salaam", "Tanzania"),
    ("United States of America", "member", "en", "America/New_York", "United States;USA;US"),
    ("Uruguay", "member", "es", "America/Montevideo", ""),
    ("Uzbekistan", "member", "en", "Asia/Tashkent", "Oʻzbekiston"),
    ("Vanuatu", "member", "en", "Pacific/Efate", ""),
    ("Venezuela (Bolivarian Republic of)", "member", "es", "America/Caracas", "Venezuela"),
    ("Viet Nam", "member", "en", "Asia/Ho_Chi_Minh", "Vietnam"),
    ("Yemen", "member", "ar", "Asia/Aden", ""),
    ("Zambia", "member", "en", "Africa/Lusaka", ""),
    ("Zimbabwe", "member", "en", "Africa/Harare", ""),
    ("Holy See", "observer", "en", "Europe/Vatican", "Vatican;Vatican City"),
    ("State of Palestine", "observer", "ar", "Asia/Hebron", "Palestine"),
]

HEADER = ["alpha2", "alpha3", "un_name", "status", "language", "timezone", "aliases"]


def find_country(un_name):
    """Return the one pycountry entry for a UN short name, or exit."""
    query = PYCOUNTRY_NAME.get(un_name, un_name)
    try:
        return pycountry.countries.lookup(query)
    except LookupError:
        sys.exit(f"cannot map UN name {un_name!r} (looked up {query!r}) to pycountry")


def aliases_for(un_name, country, extra):
    names = [
        getattr(country, "name", None),
        getattr(country, "official_name", None),
        getattr(country, "common_name", None),
    ]
    names += [x.strip() for x in extra.split(";")]
    seen = {un_name.casefold()}
    out = []
    for name in names:
        if name and name.startswith("the "):
            name = name[len("the "):]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return ";".join(out)


def build_rows():
    rows = []
    seen_codes = set()
    for un_name, status, language, tz, extra in UN_STATES:
        if status not in ("member", "observer"):
            sys.exit(f"bad status for {un_name!r}: {status!r}")
        if language not in UN_LANGUAGES:
            sys.exit(f"bad language for {un_name!r}: {language!r}")
        zoneinfo.ZoneInfo(tz)  # raises if the zone does not exist
        country = find_country(un_name)
        if country.alpha_2 in seen_codes:
            sys.exit(f"{un_name!r} maps to {country.alpha_2}, already used")
        seen_codes.add(country.alpha_2)
        rows.append([
            country.alpha_2,
            country.alpha_3,
            un_name,
            status,
            language,
            tz,
            aliases_for(un_name, country, extra),
        ])
    members = sum(1 for r in rows if r[3] == "member")
    observers = len(rows) - members
    if (members, observers) != (193, 2):
        sys.exit(f"expected 193 members and 2 observers, got {members} and {observers}")
    rows.sort(key=lambda r: r[0])
    return rows


def render(rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue()


def main():
    text = render(build_rows())
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
