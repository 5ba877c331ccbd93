"""Word pools of the synthetic speeches.

Every official is fictional, so nothing the replica serves can be mistaken for the words
of a real person; offices, components, topics, places and organisations are real.
The text uses the characters real pages carry: curly quotes, dashes, ellipses,
[bracketed] insertions, ampersands; all of them exist in windows-1252, so the static
archive pages can be encoded as the real ones are.
"""

from __future__ import annotations

import datetime as dt

# (first day of the term, Attorney General, Deputy AG, Associate AG); fictional names.
ERAS = (
    (dt.date(2001, 1, 1), "Harold T. Whitcombe", "Leonard P. Osgood", "Nora J. Feld"),
    (dt.date(2005, 2, 3), "Raymond J. Castellano", "Curtis A. Whitley", "Ingrid S. Pollard"),
    (dt.date(2007, 10, 1), "Walter E. Brandt", "Simon R. Ashby", "Joan K. Mercer"),
    (dt.date(2009, 1, 20), "Eleanor M. Hastings", "Martin S. Kessler", "Paul D. Reyes"),
    (dt.date(2015, 4, 27), "Diana R. Okafor", "Susan P. Lindqvist", "Gavin T. Moore"),
    (dt.date(2017, 1, 20), "Gerald W. Tate", "Robert K. Vance", "Helen C. Marsh"),
    (dt.date(2019, 2, 14), "Charles H. Pennington", "Jeffrey L. Ames", "Laura B. Whitfield"),
    (dt.date(2021, 3, 11), "Miriam A. Castell", "Lisa V. Moreno", "Vanessa K. Grant"),
    (dt.date(2025, 1, 20), "Patricia N. Holloway", "Thomas R. Bancroft", "Daniel F. Ortiz"),
)

FIRST_NAMES = (
    "Adrian", "Beatrice", "Calvin", "Dolores", "Edmund", "Felicia", "Grant", "Harriet",
    "Irving", "Judith", "Kenneth", "Lorraine", "Malcolm", "Naomi", "Oscar", "Priscilla",
    "Quentin", "Rosalind", "Stanley", "Theresa", "Vernon", "Winifred", "Yvonne", "Douglas",
    "Marisol", "Andre", "Colette", "Desmond", "Frances", "Gideon",
)
INITIALS = "ABCDEFGHJKLMNPRSTW"
LAST_NAMES = (
    "Abernathy", "Bellamy", "Carrington", "Delacroix", "Ellison", "Fairbanks", "Gallagher",
    "Hawthorne", "Ingram", "Jessup", "Kowalski", "Langford", "Mancini", "Northcutt",
    "Okonkwo", "Prescott", "Quinlan", "Ramirez", "Sorensen", "Thibodeaux", "Underhill",
    "Valdez", "Wakefield", "Yamamoto", "Zielinski", "Brennan", "Castillo", "Donnelly",
    "Esposito", "Fitzgerald", "Guerrero", "Halvorsen", "Iverson", "Jankowski", "Kimura",
    "Lindgren", "Moreau", "Nakamura", "Oyelaran", "Pemberton",
)

# (path slug, name); the first three are the leadership offices.
COMPONENTS = (
    ("ag", "Office of the Attorney General"),
    ("dag", "Office of the Deputy Attorney General"),
    ("asg", "Office of the Associate Attorney General"),
    ("atr", "Antitrust Division"),
    ("civil", "Civil Division"),
    ("crt", "Civil Rights Division"),
    ("criminal", "Criminal Division"),
    ("nsd", "National Security Division"),
    ("enrd", "Environment and Natural Resources Division"),
    ("tax", "Tax Division"),
    ("ojp", "Office of Justice Programs"),
    ("ovw", "Office on Violence Against Women"),
)
COMPONENT_NAMES = {slug: name for slug, name in COMPONENTS}
DIVISIONS = tuple(slug for slug, _ in COMPONENTS[3:])
# Who speaks for a division: most are led by an Assistant Attorney General.
DIVISION_ROLE = {"ovw": "Director"}

TOPICS_BY_COMPONENT = {
    "atr": ("Antitrust", "Consumer Protection"),
    "civil": ("Consumer Protection", "False Claims Act", "Elder Justice"),
    "crt": ("Civil Rights", "Hate Crimes", "Voting Rights", "Disability Rights"),
    "criminal": ("Financial Fraud", "Cybercrime", "Drug Trafficking", "Human Trafficking"),
    "nsd": ("National Security", "Counterterrorism", "Counterintelligence and Export Control"),
    "enrd": ("Environment", "Environmental Justice"),
    "tax": ("Tax",),
    "ojp": ("Grants", "Reentry", "Victim Services"),
    "ovw": ("Domestic Violence", "Sexual Assault"),
}
GENERAL_TOPICS = (
    "Violent Crime", "Opioids", "Project Safe Neighborhoods", "Community Relations",
    "Access to Justice", "Indian Country Law and Justice", "Firearms Offenses",
    "Smart on Crime", "Immigration", "Police Reform",
)

# (locality, administrative area, country) as the address fields show them.
LOCATIONS = (
    ("Washington", "DC", "United States"),
    ("Chicago", "IL", "United States"),
    ("New York", "NY", "United States"),
    ("Los Angeles", "CA", "United States"),
    ("Atlanta", "GA", "United States"),
    ("Boston", "MA", "United States"),
    ("Miami", "FL", "United States"),
    ("Houston", "TX", "United States"),
    ("Denver", "CO", "United States"),
    ("Seattle", "WA", "United States"),
    ("Phoenix", "AZ", "United States"),
    ("Detroit", "MI", "United States"),
    ("Philadelphia", "PA", "United States"),
    ("New Orleans", "LA", "United States"),
    ("Albuquerque", "NM", "United States"),
    ("Anchorage", "AK", "United States"),
)
FOREIGN_LOCATIONS = (
    ("The Hague", "", "Netherlands"),
    ("London", "", "United Kingdom"),
    ("Mexico City", "", "Mexico"),
    ("Ottawa", "", "Canada"),
)
COUNTRY_CODES = {
    "United States": "US", "Netherlands": "NL", "United Kingdom": "GB", "Mexico": "MX",
    "Canada": "CA",
}
# Place lines of the static archive's free-form header.
ARCHIVE_PLACES = (
    "Washington, D.C.", "Washington, D.C.", "Washington, D.C.", "Milwaukee, Wisconsin",
    "New York, New York", "Chicago, Illinois", "San Diego, California",
    "Boston, Massachusetts", "Memphis, Tennessee", "Dallas, Texas", "Richmond, Virginia",
)

ORGANISATIONS = (
    "American Bar Association", "National Association of Attorneys General",
    "National Sheriffs’ Association", "International Association of Chiefs of Police",
    "Federal Bar Association", "National District Attorneys Association",
    "Fraternal Order of Police", "National Press Club", "Major Cities Chiefs Association",
    "National Congress of American Indians", "Council on Foreign Relations",
    "National Association of Women Judges", "Association of Corporate Counsel",
)
SUBJECTS = (
    "Violent Crime Reduction", "Election Security", "Cybersecurity", "Elder Justice",
    "Opioid Enforcement", "Human Trafficking Prevention", "Antitrust Enforcement",
    "Voting Rights", "Hate Crimes Prevention", "Community Policing", "Reentry",
    "Financial Fraud", "Tribal Public Safety", "Victims’ Rights", "Counterterrorism",
    "Environmental Enforcement", "Health Care Fraud", "Ransomware",
)
COMMITTEES = (
    "Senate Judiciary Committee", "House Judiciary Committee",
    "Senate Appropriations Subcommittee on Commerce, Justice, Science, and Related Agencies",
    "House Subcommittee on Crime, Terrorism, and Homeland Security",
    "House Subcommittee on Regulatory Reform, Commercial and Antitrust Law",
    "Senate Committee on Homeland Security and Governmental Affairs",
)
CITIES = tuple(loc[0] for loc in LOCATIONS[1:]) + ("Baltimore", "St. Louis", "Memphis")
ORDINALS = ("Second", "Third", "Fifth", "Tenth", "15th", "20th", "25th", "51st")
ACTIONS = (
    "Charges in a Nationwide {subject} Takedown", "a Settlement with a National Bank",
    "New Steps to Strengthen {subject}", "the Results of Operation {codename}",
    "Indictments Against {number} Defendants",
)
CODENAMES = ("Crossroads", "Sentinel", "Clear Water", "Keystone", "Northern Light", "Bridgework")
INITIATIVES = (
    "a New Initiative to Combat {subject}", "the Launch of the {subject} Task Force",
    "Results of the National {subject} Sweep", "New Grants to Support {subject}",
)

# Title patterns of the Drupal sites; {sp} is the first speaker.
TITLES = (
    ("{sp} Delivers Remarks at {event}", "remarks"),
    ("{sp} Delivers Remarks on {subject}", "remarks"),
    ("{sp} Delivers Keynote Address at the {year} {org} Annual Meeting", "remarks"),
    ("{sp} Delivers Opening Remarks at {event}", "remarks"),
    ("{sp} Speaks at {event}", "remarks"),
    ("{sp} Announces {initiative}", "remarks"),
    ("{sp} Testifies Before the {committee}", "testimony"),
    ("Statement of {sp} Before the {committee}", "testimony"),
)
EVENTS = (
    "the {org} {meeting}", "a Press Conference Announcing {action}",
    "the {ordinal} Annual {subject} Summit", "the {city} {subject} Roundtable",
    "the {year} {subject} Conference",
)
MEETINGS = ("Annual Meeting", "Winter Meeting", "Summer Conference", "Leadership Summit")

# Opening words of static archive titles and the delivery they name (eval README).
ARCHIVE_OPENINGS = (
    ("Prepared Remarks of", "Prepared Remarks"),
    ("Remarks by", None),
    ("Remarks of", None),
)
ARCHIVE_EVENTS = (
    "National Press Club", "United States Attorneys' Conference", "Attorney General's Awards",
    "National Association of Attorneys General", "Federalist Society Annual Dinner",
    "Drug Enforcement Administration Graduation", "International Association of Chiefs of Police",
    "Hispanic National Bar Association", "National Sheriffs' Association Conference",
    "Project Safe Neighborhoods Conference", "Justice Department Corporate Fraud Task Force",
    "Executive Office for United States Attorneys Director's Awards",
)
ARCHIVE_NOTES = (
    "(Note: The Attorney General Often Deviates from Prepared Remarks.)",
    "(Note: The Attorney General Often Deviates From Prepared Remarks)",
)

DELIVERIES = (
    "Remarks as prepared for delivery", "Remarks as Delivered",
    "Testimony as prepared for delivery",
)

# Sentences of the speech text. Slots: {org} {city} {subject} {number} {name} {year} {topic}
SENTENCES = (
    "Thank you, {name}, for that kind introduction – and for your leadership of the {org}.",
    "It’s a privilege to be with you today.",
    "I want to begin by thanking the men and women of the Justice Department who work every day to keep our communities safe.",
    "Over the past year, we have charged more than {number} defendants in cases involving {topic}.",
    "As I said when I took this job, our first priority is to uphold the rule of law.",
    "That work is never finished – and it is never done alone.",
    "We cannot do this work without partners like you in {city}.",
    "Our prosecutors, agents and analysts have worked around the clock to bring those responsible to justice.",
    "The Department’s approach to {topic} rests on three principles: prevention, enforcement and accountability.",
    "When I visited {city} last spring, I heard from families who had lost loved ones to violence.",
    "Their message was simple: “We need help, and we need it now.”",
    "We heard you.",
    "Today, I am announcing {number} new grants to support {topic} programs across the country.",
    "Those grants will fund prosecutors, victim advocates, and research & development of new tools.",
    "I’m proud of what we have accomplished together [Applause].",
    "[Laughter] I promise this will be shorter than my last speech.",
    "Chairman [{name}] and members of the Committee, thank you for the opportunity to appear before you.",
    "I look forward to answering your questions.",
    "Let me be clear: no one is above the law, and no one is beneath its protection.",
    "We will follow the facts and the law wherever they lead…and we will do so without fear or favor.",
    "In {year}, the Department opened more investigations into {topic} than in any prior year.",
    "That is not a statistic; it is a measure of lives disrupted and communities harmed.",
    "Our U.S. Attorneys’ Offices have made {topic} a priority in every district.",
    "We are also working closely with our state, local, tribal and international partners.",
    "Some have asked whether these efforts are worth the cost.",
    "The answer is yes – and the evidence is clear.",
    "Violent crime fell by {number} percent in the cities where we concentrated our resources.",
    "But numbers alone do not tell the whole story.",
    "Behind every case is a victim who deserves to be heard.",
    "That is why we created the Office for Access to Justice, and why we will keep it strong.",
    "I have asked every component of the Department to review its policies on {topic}.",
    "We owe the American people nothing less than our best effort – every day, in every case.",
    "It's great to see so many familiar faces in the room.",
    "The {org} has been a steadfast partner in that effort for more than {number} years.",
    "So let me close where I began: with gratitude.",
    "Thank you.",
    "As one of our agents told me, “The work doesn’t stop when the cameras leave.”",
    "We must also confront the threats of the digital age—from ransomware to the theft of trade secrets.",
    "These are not abstract concerns; they affect hospitals, schools and small businesses in {city}.",
    "I’m grateful to Congress for its support, and I ask for your continued partnership.",
    "This is what the Justice Department is for.",
    "We will not rest until every family in {city} feels safe in its own neighborhood.",
)
OPENERS = ("Good morning.", "Good afternoon.", "Good evening.", "Thank you.", "Thank you all for being here.")
SUBHEADINGS = (
    "Protecting Our Communities", "Upholding the Rule of Law", "Looking Ahead",
    "Our Priorities for {year}", "Partnership with State and Local Law Enforcement",
    "Combating {topic}", "Results That Matter",
)
LIST_ITEMS = (
    "Expanding {topic} task forces to {number} new districts;",
    "Training more than {number} state and local officers;",
    "Creating a dedicated unit for {topic} cases;",
    "Strengthening support for victims and witnesses; and",
    "Publishing annual data on our {topic} enforcement.",
)
CAPTIONS = (
    "{speaker} speaks at the event.", "{speaker} delivers remarks.",
    "{speaker} at the podium in {city}.",
)

# ---------------------------------------------------------------- derived-field truth
# What each generated value means for the research fields (issue 19): the replica's
# truth, written from what the generator chose, never from the corpus's rules.
OFFICE_ROLES = ("Acting Assistant Attorney General", "Assistant Attorney General",
                "Deputy Attorney General", "Associate Attorney General", "Attorney General",
                "Director")
DELIVERY_STATUS = {
    "Remarks as prepared for delivery": "prepared", "Testimony as prepared for delivery":
    "prepared", "Prepared Remarks": "prepared", "Remarks as Delivered": "delivered",
}
US_AREAS = {"DC": "DC", "IL": "IL", "NY": "NY", "CA": "CA", "GA": "GA", "MA": "MA",
            "FL": "FL", "TX": "TX", "CO": "CO", "WA": "WA", "AZ": "AZ", "MI": "MI",
            "PA": "PA", "LA": "LA", "NM": "NM", "AK": "AK", "D.C.": "DC",
            "New York": "NY", "Puerto Rico": "PR"}
ARCHIVE_PLACE_TRUTH = {
    "Washington, D.C.": ("Washington", "DC", "US"),
    "Milwaukee, Wisconsin": ("Milwaukee", "WI", "US"),
    "New York, New York": ("New York", "NY", "US"),
    "Chicago, Illinois": ("Chicago", "IL", "US"),
    "San Diego, California": ("San Diego", "CA", "US"),
    "Boston, Massachusetts": ("Boston", "MA", "US"),
    "Memphis, Tennessee": ("Memphis", "TN", "US"),
    "Dallas, Texas": ("Dallas", "TX", "US"),
    "Richmond, Virginia": ("Richmond", "VA", "US"),
}
COUNTRY_CODES["Puerto Rico"] = "US"

SPANISH_SENTENCES = (
    "Buenos días a todos y gracias por acompañarnos hoy.",
    "El Departamento de Justicia tiene la responsabilidad de proteger a todas las comunidades de nuestro país.",
    "Hoy anunciamos nuevos recursos para las víctimas de delitos y sus familias.",
    "Nuestros fiscales trabajan cada día para que nadie esté por encima de la ley.",
    "Sabemos que la confianza se construye escuchando a las personas que servimos.",
    "Por eso hemos abierto nuevas oficinas de atención en las ciudades más afectadas.",
    "Quiero agradecer a nuestros socios estatales, locales y tribales por su colaboración.",
    "Juntos seguiremos luchando contra el fraude que perjudica a las personas mayores.",
    "Muchas gracias por su atención y por su compromiso con la justicia.",
)
STAGE_DIRECTIONS = ("[Applause]", "[Laughter]", "(Applause)")
