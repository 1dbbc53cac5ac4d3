"""Every text of the web admin console, in Danish (first) and English, in one place.

The templates call ``t("key")``; a key missing here shows as itself (a test
renders every page in both languages and looks for that). The language is the
``feltbog_lang`` cookie (set by the switch in the page header), else the first
of Danish or English in the browser's Accept-Language, else Danish.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

LANGUAGES = ("da", "en")
LANG_COOKIE = "feltbog_lang"

STRINGS: dict[str, tuple[str, str]] = {
    # frame
    "title": ("Feltbog administration", "Feltbog administration"),
    "nav.users": ("Brugere", "Users"),
    "nav.teams": ("Teams", "Teams"),
    "nav.devices": ("Enheder", "Devices"),
    "nav.audit": ("Revisionslog", "Audit log"),
    "nav.privacy": ("Persondata (GDPR)", "Personal data (GDPR)"),
    "nav.maintenance": ("Sletning og oprydning", "Retention and clean-up"),
    "signed_in_as": ("Logget ind som", "Signed in as"),
    "sign_out": ("Log ud", "Sign out"),
    "language": ("Sprog", "Language"),
    "role.consultant": ("Konsulent", "Consultant"),
    "role.supervisor": ("Teamleder", "Supervisor"),
    "role.admin": ("Administrator", "Administrator"),
    "yes": ("Ja", "Yes"),
    "no": ("Nej", "No"),
    "none": ("Ingen", "None"),
    "done": ("Udført.", "Done."),
    "error": ("Fejl", "Error"),
    "read_only": ("Kun læseadgang", "Read only"),
    # sign-in and refusals
    "login.heading": ("Log ind", "Sign in"),
    "login.username": ("Brugernavn", "Username"),
    "login.password": ("Adgangskode", "Password"),
    "login.submit": ("Log ind", "Sign in"),
    "login.failed": ("Forkert brugernavn eller adgangskode.", "Wrong username or password."),
    "login.rate_limited": ("For mange forsøg. Vent et par minutter, og prøv igen.",
                           "Too many attempts. Wait a few minutes and try again."),
    "login.intro": ("Administration af Feltbog-serveren. Log ind med din Feltbog-bruger.",
                    "Administration of the Feltbog server. Sign in with your Feltbog user."),
    "login.password_off": ("Log ind med kommunens konto: adgangskoder bruges kun af nødkonti.",
                           "Sign in with the municipality's account: passwords are for emergency accounts only."),
    "login.intro_oidc": ("Administration af Feltbog-serveren. Log ind med din konto fra kommunen.",
                         "Administration of the Feltbog server. Sign in with your account from the municipality."),
    "login.oidc": ("Log ind med kommunens konto", "Sign in with the municipality's account"),
    "login.or_password": ("Eller med en Feltbog-adgangskode", "Or with a Feltbog password"),
    # sign-in with the municipality's account (OpenID Connect)
    "oidc.signed_in": ("Du er logget ind", "You are signed in"),
    "oidc.continue": ("Fortsæt til administrationen", "Continue to the administration"),
    "oidc.flow": ("Login med kommunens konto kunne ikke gøres færdigt: svaret passede ikke til et login, der er "
                  "startet i denne browser inden for de sidste 10 minutter. Prøv igen.",
                  "The sign-in with the municipality's account could not be completed: the answer did not match a "
                  "sign-in started in this browser in the last 10 minutes. Try again."),
    "oidc.cancelled": ("Login med kommunens konto blev afbrudt eller afvist af kommunens login-tjeneste.",
                       "The sign-in with the municipality's account was cancelled or refused by its sign-in service."),
    "oidc.failed": ("Login med kommunens konto blev afvist. Prøv igen.",
                    "The sign-in with the municipality's account was refused. Try again."),
    "oidc.no_access": ("Din konto har ikke adgang til Feltbog. Kontakt kommunens IT-afdeling.",
                       "Your account has no access to Feltbog. Contact the municipality's IT department."),
    "oidc.clash": ("Der findes allerede en konto med dit brugernavn. Bed en administrator om at koble den til.",
                   "An account with your username exists already. Ask an administrator to link it."),
    "oidc.disabled": ("Din konto er spærret i Feltbog. Kontakt en administrator.",
                      "Your account is disabled in Feltbog. Contact an administrator."),
    "oidc.unreachable": ("Kommunens login-tjeneste svarer ikke. Prøv igen senere.",
                         "The municipality's sign-in service does not answer. Try again later."),
    "oidc.off": ("Serveren er ikke sat op til login med kommunens konto.",
                 "The server is not set up for sign-in with the municipality's account."),
    "refused.heading": ("Adgang nægtet", "Access denied"),
    "refused.consultant": ("Administrationen er kun for administratorer og teamledere. "
                           "Kontakt din administrator, hvis du mener, du skal have adgang.",
                           "The administration is for administrators and supervisors only. "
                           "Ask your administrator if you think you need access."),
    "refused.admin_only": ("Denne side er kun for administratorer.", "This page is for administrators only."),
    "refused.csrf": ("Formularen var udløbet eller kom ikke fra denne side. Gå tilbage, genindlæs siden og prøv igen.",
                     "The form had expired or did not come from this page. Go back, reload the page and try again."),
    "refused.not_found": ("Siden findes ikke.", "No such page."),
    "back": ("Tilbage til administrationen", "Back to the administration"),
    # users
    "users.heading": ("Brugere", "Users"),
    "users.username": ("Brugernavn", "Username"),
    "users.full_name": ("Navn", "Name"),
    "users.email": ("E-mail", "E-mail"),
    "users.role": ("Rolle", "Role"),
    "users.active": ("Aktiv", "Active"),
    "users.teams": ("Teams", "Teams"),
    "users.password": ("Adgangskode", "Password"),
    "users.create": ("Opret bruger", "Create user"),
    "users.create_heading": ("Ny bruger", "New user"),
    "users.password_hint": ("Mindst 8 tegn (12 for administratorer); ikke en almindelig adgangskode.",
                            "At least 8 characters (12 for administrators); not a common password."),
    "users.open": ("Åbn", "Open"),
    "users.disabled": ("Spærret", "Disabled"),
    "user.heading": ("Bruger", "User"),
    "user.disable": ("Spær bruger", "Disable user"),
    "user.enable": ("Genåbn bruger", "Enable user"),
    "user.disable_hint": ("En spærret brugers enheder holder op med at virke med det samme og sletter deres data.",
                          "A disabled user's devices stop working at once and wipe their data."),
    "user.set_role": ("Skift rolle", "Change role"),
    "user.reset_password": ("Ny adgangskode", "Reset password"),
    "user.reset_hint": ("Brugeren logges ud på alle enheder.", "The user is signed out on every device."),
    "user.memberships": ("Teams", "Teams"),
    "user.add_to_team": ("Tilføj til team", "Add to team"),
    "user.remove_from_team": ("Fjern", "Remove"),
    "user.revoke_all": ("Luk alle enheder", "Revoke every device"),
    "user.audit": ("Brugerens revisionslog", "The user's audit log"),
    # teams
    "teams.heading": ("Teams", "Teams"),
    "teams.name": ("Navn", "Name"),
    "teams.members": ("Medlemmer", "Members"),
    "teams.create": ("Opret team", "Create team"),
    "teams.add_member": ("Tilføj medlem", "Add member"),
    "teams.user": ("Bruger", "User"),
    "teams.team": ("Team", "Team"),
    "teams.audit": ("Teamets revisionslog", "The team's audit log"),
    "teams.mine": ("Dine teams", "Your teams"),
    # devices
    "devices.heading": ("Enheder og logins", "Devices and sign-ins"),
    "devices.intro": ("Hvert login på en bærbar (eller her i administrationen) er en enhed. En lukket enhed afleverer "
                      "sine ikke-sendte ændringer og sletter sine data ved næste synkronisering.",
                      "Every sign-in on a laptop (or here in the administration) is a device. "
                      "A revoked device hands in its unsent changes and wipes its data at its next sync."),
    "devices.user": ("Bruger", "User"),
    "devices.name": ("Enhedsnavn", "Device name"),
    "devices.created": ("Logget ind", "Signed in"),
    "devices.expires": ("Udløber", "Expires"),
    "devices.state": ("Tilstand", "State"),
    "devices.live": ("Aktiv", "Active"),
    "devices.ended": ("Lukket eller udløbet", "Revoked or expired"),
    "devices.revoke": ("Luk enhed", "Revoke"),
    "devices.show_all": ("Vis også lukkede", "Show revoked ones too"),
    "devices.filter": ("Vis", "Show"),
    "devices.all_users": ("Alle brugere", "All users"),
    # audit
    "audit.heading": ("Revisionslog", "Audit log"),
    "audit.at": ("Tidspunkt (UTC)", "Time (UTC)"),
    "audit.user": ("Bruger", "User"),
    "audit.team": ("Team", "Team"),
    "audit.action": ("Handling", "Action"),
    "audit.entity": ("Hvad", "What"),
    "audit.device": ("Enhed", "Device"),
    "audit.detail": ("Detaljer", "Detail"),
    "audit.since": ("Fra dato", "From date"),
    "audit.until": ("Til og med dato", "To date (inclusive)"),
    "audit.any": ("Alle", "Any"),
    "audit.filter": ("Filtrér", "Filter"),
    "audit.csv": ("Hent som CSV", "Export as CSV"),
    "audit.older": ("Ældre", "Older"),
    "audit.empty": ("Ingen linjer passer til filteret.", "No entries match the filter."),
    "audit.bad_date": ("Datoen skal skrives som ÅÅÅÅ-MM-DD.", "Write the date as YYYY-MM-DD."),
    "audit.supervisor_scope": ("Du ser kun linjer om dine teams.", "You see only entries about your teams."),
    # privacy
    "privacy.heading": ("Persondata (GDPR)", "Personal data (GDPR)"),
    "privacy.intro": ("Find alt, serveren gemmer om en person (indsigt), og anonymisér det (sletning). "
                      "Søgningen og udtrækket skrives i revisionsloggen, navnet gør ikke.",
                      "Find everything the server stores about a person (access request) and anonymise it (erasure). "
                      "The search and the export are audited; the name is not logged."),
    "privacy.name": ("Navn", "Name"),
    "privacy.email": ("E-mail", "E-mail"),
    "privacy.phone": ("Telefon", "Phone"),
    "privacy.find": ("Find personen", "Find the person"),
    "privacy.export": ("Hent udtræk (JSON)", "Download export (JSON)"),
    "privacy.dry_run": ("Prøvekørsel af sletning", "Dry-run the erasure"),
    "privacy.erase": ("Slet (anonymisér) personen", "Erase (anonymise) the person"),
    "privacy.confirm": ("Jeg har set prøvekørslen og vil slette", "I have seen the dry run and want to erase"),
    "privacy.must_confirm": ("Sæt kryds for at bekræfte sletningen.", "Tick the box to confirm the erasure."),
    "privacy.trail": ("Find revisionsspor for en slettet person", "Find an erased person's audit trail"),
    "privacy.found": ("Fundet", "Found"),
    "privacy.records": ("Registreringer", "Records"),
    "privacy.users": ("Brugerkonti", "User accounts"),
    "privacy.audit_rows": ("Linjer i revisionsloggen", "Audit log entries"),
    "privacy.match": ("Match", "Match"),
    "privacy.fields": ("Felter", "Fields"),
    "privacy.plan": ("Det vil blive ændret", "What would change"),
    "privacy.erased": ("Personen er anonymiseret", "The person is erased"),
    "privacy.trail_heading": ("Revisionsspor", "Audit trail"),
    "privacy.erasures": ("Sletninger med disse oplysninger", "Erasures with these identifiers"),
    "privacy.no_trail": ("Ingen sletning med disse oplysninger.", "No erasure with these identifiers."),
    # maintenance
    "maintenance.heading": ("Sletning og oprydning", "Retention and clean-up"),
    "retention.heading": ("Opbevaringsregel for besøgsnoter", "Retention of visit notes"),
    "retention.intro": ("Noter fra besøg ældre end det antal år anonymiseres, på serveren og på alle bærbare.",
                        "Notes of visits older than this many years are anonymised, on the server and every laptop."),
    "retention.years": ("År", "Years"),
    "retention.dry_run": ("Prøvekørsel", "Dry run"),
    "retention.apply": ("Anvend reglen", "Apply the rule"),
    "purge.heading": ("Ryd gamle sletninger (tombstones)", "Purge old deletes (tombstones)"),
    "purge.intro": ("Sletninger ældre end antal dage fjernes; en bærbar, der ikke har synkroniseret så længe, "
                    "henter alt forfra.", "Deletes older than this many days go; a laptop that has not synced "
                    "for that long downloads everything again."),
    "purge.days": ("Dage", "Days"),
    "purge.run": ("Ryd op", "Purge"),
    "result.records": ("Registreringer", "Records"),
    "result.fields": ("Felter", "Fields"),
    "result.purged": ("Fjernede sletninger", "Tombstones purged"),
    "result.dry_run": ("Prøvekørsel: intet er ændret.", "Dry run: nothing has changed."),
}


def pick_language(request: Request) -> str:
    """The page's language: the switch's cookie, else the browser's first of da/en, else Danish."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "da"


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` for one language."""
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0

    def t(key: str) -> str:
        pair = STRINGS.get(key)
        return pair[index] if pair else key

    return t
