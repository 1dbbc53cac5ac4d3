<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name></name>
    <message>
        <source>You signed in to another server. Replace the data on this computer with that server&apos;s data? Unsent changes are kept.</source>
        <translation>Du er logget ind på en anden server. Skal dataene på denne computer erstattes med den servers data? Ændringer, der ikke er sendt, bevares.</translation>
    </message>
    <message>
        <source>The sync would remove %1 of the %2 records on this computer. A backup is made first. Continue?</source>
        <translation>Synkroniseringen vil fjerne %1 af de %2 poster på denne computer. Der tages en sikkerhedskopi først. Vil du fortsætte?</translation>
    </message>
    <message>
        <source>Feltbog</source>
        <translation>Feltbog</translation>
    </message>
    <message>
        <source>Restart Feltbog to recover it. Keep working only if you must: what you type now is rescued as far as the file can still be read.</source>
        <translation>Genstart Feltbog for at gendanne den. Arbejd kun videre, hvis du skal: det, du skriver nu, reddes, så vidt filen stadig kan læses.</translation>
    </message>
    <message>
        <source>Choose company</source>
        <translation>Vælg virksomhed</translation>
    </message>
    <message>
        <source>Type part of the name…</source>
        <translation>Skriv en del af navnet…</translation>
    </message>
    <message>
        <source>Companies found</source>
        <translation>Fundne virksomheder</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>Vælg</translation>
    </message>
    <message>
        <source>Sign-in cancelled.</source>
        <translation>Login annulleret.</translation>
    </message>
    <message>
        <source>The sign-in in the browser was not finished in time. Try again.</source>
        <translation>Login i browseren blev ikke gjort færdigt i tide. Prøv igen.</translation>
    </message>
    <message>
        <source>The browser&apos;s answer did not belong to this sign-in, so it was refused. Try again.</source>
        <translation>Browserens svar hørte ikke til dette login og blev afvist. Prøv igen.</translation>
    </message>
    <message>
        <source>The sign-in was cancelled or refused in the browser.</source>
        <translation>Login blev afbrudt eller afvist i browseren.</translation>
    </message>
    <message>
        <source>No web browser could be opened.</source>
        <translation>Der kunne ikke åbnes en webbrowser.</translation>
    </message>
    <message>
        <source>This server does not offer sign-in with your municipality account.</source>
        <translation>Serveren tilbyder ikke login med kommunens konto.</translation>
    </message>
    <message>
        <source>Your account has not been given access to Feltbog. Contact your IT department.</source>
        <translation>Din konto har ikke fået adgang til Feltbog. Kontakt IT-afdelingen.</translation>
    </message>
    <message>
        <source>This server takes sign-in with your municipality account, not a password.</source>
        <translation>Serveren tager imod login med kommunens konto, ikke med adgangskode.</translation>
    </message>
    <message>
        <source>An account with your username exists already. Ask an administrator to link it.</source>
        <translation>Der findes allerede en konto med dit brugernavn. Bed en administrator om at koble den til.</translation>
    </message>
    <message>
        <source>The sign-in with your municipality account was refused. Try again.</source>
        <translation>Login med kommunens konto blev afvist. Prøv igen.</translation>
    </message>
    <message>
        <source>Sign in with your municipality account</source>
        <translation>Log ind med kommunens konto</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <source>This server does not offer sign-in with your municipality account. Contact your IT department.</source>
        <translation>Serveren tilbyder ikke login med kommunens konto. Kontakt din IT-afdeling.</translation>
    </message>
    <message>
        <source>Sign in in the browser window that opened. Feltbog waits here.</source>
        <translation>Log ind i browservinduet, der blev åbnet. Feltbog venter her.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Gem</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Sign in to Feltbog</source>
        <translation>Log ind i Feltbog</translation>
    </message>
    <message>
        <source>e.g. feltbog.kommune.dk</source>
        <translation>fx feltbog.kommune.dk</translation>
    </message>
    <message>
        <source>Your IT department has set the server address.</source>
        <translation>Din IT-afdeling har indstillet serverens adresse.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Brugernavn</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Adgangskode</translation>
    </message>
    <message>
        <source>Sign in to sync with your job centre. You can also work offline now and sign in later; everything you write is kept on this computer.</source>
        <translation>Log ind for at synkronisere med dit jobcenter. Du kan også arbejde offline nu og logge ind senere; alt, hvad du skriver, gemmes på denne computer.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Log ind</translation>
    </message>
    <message>
        <source>Work offline</source>
        <translation>Arbejd offline</translation>
    </message>
    <message>
        <source>Fill in the server address, username and password.</source>
        <translation>Udfyld serveradresse, brugernavn og adgangskode.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Logger ind…</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>Forkert brugernavn eller adgangskode.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Indstillinger</translation>
    </message>
    <message>
        <source>Encrypt the database on this computer</source>
        <translation>Kryptér databasen på denne computer</translation>
    </message>
    <message>
        <source>Protects the notes if someone reads the laptop&apos;s disk directly. The key is kept in the keychain. Turn on the computer&apos;s own disk encryption (BitLocker or FileVault) first.</source>
        <translation>Beskytter noterne, hvis nogen læser den bærbares disk direkte. Nøglen gemmes i nøgleringen. Slå først computerens egen diskkryptering til (BitLocker eller FileVault).</translation>
    </message>
    <message>
        <source>This computer has no keychain to keep a key in, so encryption is not available.</source>
        <translation>Denne computer har ingen nøglering at gemme en nøgle i, så kryptering er ikke mulig.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprog</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Ikke logget ind</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Bruger</translation>
    </message>
    <message>
        <source>Sign-in kept in</source>
        <translation>Login gemt i</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Datamappe</translation>
    </message>
    <message>
        <source>Encryption</source>
        <translation>Kryptering</translation>
    </message>
    <message>
        <source>A new language is used from the next start of Feltbog.</source>
        <translation>Et nyt sprog bruges fra næste gang, Feltbog startes.</translation>
    </message>
    <message>
        <source>Encrypting the database…</source>
        <translation>Krypterer databasen…</translation>
    </message>
    <message>
        <source>Decrypting the database…</source>
        <translation>Dekrypterer databasen…</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Noget gik galt</translation>
    </message>
    <message>
        <source>Something went wrong. Your saved work is safe. The details are in the log file.</source>
        <translation>Noget gik galt. Dit gemte arbejde er i sikkerhed. Detaljerne står i logfilen.</translation>
    </message>
    <message>
        <source>Feltbog – field book for company consultants</source>
        <translation>Feltbog – feltbog for virksomhedskonsulenter</translation>
    </message>
    <message>
        <source>Screens</source>
        <translation>Skærmbilleder</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>I dag</translation>
    </message>
    <message>
        <source>Companies</source>
        <translation>Virksomheder</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Besøg</translation>
    </message>
    <message>
        <source>Openings</source>
        <translation>Jobåbninger</translation>
    </message>
    <message>
        <source>Mentors</source>
        <translation>Mentorer</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>Opfølgninger</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Konflikter</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Rapporter</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Filer</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Synkronisér nu</translation>
    </message>
    <message>
        <source>Import from CSV or Excel…</source>
        <translation>Importér fra CSV eller Excel…</translation>
    </message>
    <message>
        <source>Export open openings…</source>
        <translation>Eksportér ledige jobåbninger…</translation>
    </message>
    <message>
        <source>Deleted in the last 30 days…</source>
        <translation>Slettet de sidste 30 dage…</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Log ind…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Indstillinger…</translation>
    </message>
    <message>
        <source>&amp;Work</source>
        <translation>&amp;Arbejde</translation>
    </message>
    <message>
        <source>New visit…</source>
        <translation>Nyt besøg…</translation>
    </message>
    <message>
        <source>Find in the list</source>
        <translation>Søg i listen</translation>
    </message>
    <message>
        <source>Save report as PDF…</source>
        <translation>Gem rapport som PDF…</translation>
    </message>
    <message>
        <source>Weekly digest…</source>
        <translation>Ugens overblik…</translation>
    </message>
    <message>
        <source>&amp;Go to</source>
        <translation>&amp;Gå til</translation>
    </message>
    <message>
        <source>daily</source>
        <translation>daglig</translation>
    </message>
    <message>
        <source>before an update</source>
        <translation>før en opdatering</translation>
    </message>
    <message>
        <source>before a large deletion</source>
        <translation>før en stor sletning</translation>
    </message>
    <message>
        <source>before a full sync</source>
        <translation>før en fuld synkronisering</translation>
    </message>
    <message>
        <source>after personal data was erased</source>
        <translation>efter sletning af persondata</translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation>kan ikke læses</translation>
    </message>
    <message>
        <source>1 record</source>
        <translation>1 post</translation>
    </message>
    <message>
        <source>%1 records</source>
        <translation>%1 poster</translation>
    </message>
    <message>
        <source>The database cannot be opened</source>
        <translation>Databasen kan ikke åbnes</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>Sikkerhedskopier</translation>
    </message>
    <message>
        <source>Restore the chosen backup</source>
        <translation>Gendan den valgte sikkerhedskopi</translation>
    </message>
    <message>
        <source>Fetch my data from the server again</source>
        <translation>Hent mine data fra serveren igen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Afslut</translation>
    </message>
    <message>
        <source>Backups on this computer:</source>
        <translation>Sikkerhedskopier på denne computer:</translation>
    </message>
    <message>
        <source>There are no backups on this computer.</source>
        <translation>Der er ingen sikkerhedskopier på denne computer.</translation>
    </message>
    <message>
        <source>The recovery failed: %1</source>
        <translation>Gendannelsen mislykkedes: %1</translation>
    </message>
    <message>
        <source>Feltbog is ready again.</source>
        <translation>Feltbog er klar igen.</translation>
    </message>
    <message>
        <source>1 unsent change was rescued and will be sent at the next sync.</source>
        <translation>1 ændring, der ikke var sendt, er reddet og sendes ved næste synkronisering.</translation>
    </message>
    <message>
        <source>%1 unsent changes were rescued and will be sent at the next sync.</source>
        <translation>%1 ændringer, der ikke var sendt, er reddet og sendes ved næste synkronisering.</translation>
    </message>
    <message>
        <source>Part of the damaged file could not be read.</source>
        <translation>En del af den beskadigede fil kunne ikke læses.</translation>
    </message>
    <message>
        <source>The damaged file is kept in %1.</source>
        <translation>Den beskadigede fil er gemt i %1.</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hjælp</translation>
    </message>
    <message>
        <source>About Feltbog</source>
        <translation>Om Feltbog</translation>
    </message>
    <message>
        <source>Fetching data from the server…</source>
        <translation>Henter data fra serveren…</translation>
    </message>
    <message>
        <source>Feltbog %1 – an offline-first field book for job-centre company consultants.</source>
        <translation>Feltbog %1 – en feltbog til jobcentrenes virksomhedskonsulenter, der virker uden netværk.</translation>
    </message>
    <message>
        <source>Centre</source>
        <translation>Center</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>Only company centres</source>
        <translation>Kun virksomhedscentre</translation>
    </message>
    <message>
        <source>My companies</source>
        <translation>Mine virksomheder</translation>
    </message>
    <message>
        <source>All municipalities</source>
        <translation>Alle kommuner</translation>
    </message>
    <message>
        <source>New company</source>
        <translation>Ny virksomhed</translation>
    </message>
    <message>
        <source>centre visit due</source>
        <translation>centerbesøg forfalder</translation>
    </message>
    <message>
        <source>Feltbog: 1 follow-up or visit due</source>
        <translation>Feltbog: 1 opfølgning eller besøg forfalder</translation>
    </message>
    <message>
        <source>Feltbog: %1 follow-ups or visits due</source>
        <translation>Feltbog: %1 opfølgninger eller besøg forfalder</translation>
    </message>
    <message>
        <source>Feltbog: nothing due</source>
        <translation>Feltbog: intet forfalder</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Åbn</translation>
    </message>
    <message>
        <source>Remind me again in 1 hour</source>
        <translation>Påmind mig igen om 1 time</translation>
    </message>
    <message>
        <source>Remind me again tomorrow</source>
        <translation>Påmind mig igen i morgen</translation>
    </message>
    <message>
        <source>%1 more on Today</source>
        <translation>%1 mere på I dag</translation>
    </message>
    <message>
        <source>Remind me of all again in 1 hour</source>
        <translation>Påmind mig om alle igen om 1 time</translation>
    </message>
    <message>
        <source>Remind me of all again tomorrow</source>
        <translation>Påmind mig om alle igen i morgen</translation>
    </message>
    <message>
        <source>Open Today</source>
        <translation>Åbn I dag</translation>
    </message>
    <message>
        <source>Due today</source>
        <translation>Forfalder i dag</translation>
    </message>
    <message>
        <source>1 follow-up or visit due</source>
        <translation>1 opfølgning eller besøg forfalder</translation>
    </message>
    <message>
        <source>%1 follow-ups or visits due</source>
        <translation>%1 opfølgninger eller besøg forfalder</translation>
    </message>
    <message>
        <source>← Back to the list</source>
        <translation>← Tilbage til listen</translation>
    </message>
    <message>
        <source>Before the visit…</source>
        <translation>Forberedelse til besøg…</translation>
    </message>
    <message>
        <source>Edit company</source>
        <translation>Redigér virksomhed</translation>
    </message>
    <message>
        <source>Delete company</source>
        <translation>Slet virksomhed</translation>
    </message>
    <message>
        <source>Company centre agreement</source>
        <translation>Aftale som virksomhedscenter</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Referat</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Kontaktpersoner</translation>
    </message>
    <message>
        <source>New visit</source>
        <translation>Nyt besøg</translation>
    </message>
    <message>
        <source>New opening</source>
        <translation>Ny jobåbning</translation>
    </message>
    <message>
        <source>Add contact</source>
        <translation>Tilføj kontaktperson</translation>
    </message>
    <message>
        <source>Add mentor</source>
        <translation>Tilføj mentor</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Slet</translation>
    </message>
    <message>
        <source>The company no longer exists.</source>
        <translation>Virksomheden findes ikke længere.</translation>
    </message>
    <message>
        <source>Agreement period</source>
        <translation>Aftaleperiode</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nej</translation>
    </message>
    <message>
        <source>Delete %1 with its contacts, mentors and openings?</source>
        <translation>Slet %1 med kontaktpersoner, mentorer og jobåbninger?</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Behold</translation>
    </message>
    <message>
        <source>Select a row first.</source>
        <translation>Vælg først en række.</translation>
    </message>
    <message>
        <source>The same field was changed in two places. The server kept one value; the other is shown here so nothing is lost. Choose one, or merge them and save.</source>
        <translation>Det samme felt blev ændret to steder. Serveren beholdt den ene værdi; den anden vises her, så intet går tabt. Vælg én, eller flet dem og gem.</translation>
    </message>
    <message>
        <source>Value the server kept</source>
        <translation>Værdien serveren beholdt</translation>
    </message>
    <message>
        <source>The other value (edit here to merge)</source>
        <translation>Den anden værdi (ret her for at flette)</translation>
    </message>
    <message>
        <source>Keep the server&apos;s value</source>
        <translation>Behold serverens værdi</translation>
    </message>
    <message>
        <source>Use the other value</source>
        <translation>Brug den anden værdi</translation>
    </message>
    <message>
        <source>Save merged text</source>
        <translation>Gem flettet tekst</translation>
    </message>
    <message>
        <source>No conflicts. Everything is in step.</source>
        <translation>Ingen konflikter. Alt er i takt.</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 på %2</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>Søg…</translation>
    </message>
    <message>
        <source>More than %n rows: type more to narrow the search</source>
        <translation>Mere end %n rækker: skriv mere for at indsnævre søgningen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Eksportér…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Eksportér</translation>
    </message>
    <message>
        <source>Excel (*.xlsx);;CSV, semicolon separated (*.csv)</source>
        <translation>Excel (*.xlsx);;CSV, semikolonsepareret (*.csv)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Eksporterer…</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle statusser</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>Alle typer</translation>
    </message>
    <message>
        <source>Export for job postings…</source>
        <translation>Eksportér til jobopslag…</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Redigér</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>JSON for job-matching systems (*.json)</source>
        <translation>JSON til jobmatch-systemer (*.json)</translation>
    </message>
    <message>
        <source>Export open openings</source>
        <translation>Eksportér ledige jobåbninger</translation>
    </message>
    <message>
        <source>Only active mentors</source>
        <translation>Kun aktive mentorer</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Uge</translation>
    </message>
    <message>
        <source>Deleted in the last 30 days</source>
        <translation>Slettet de sidste 30 dage</translation>
    </message>
    <message>
        <source>Deleted records</source>
        <translation>Slettede poster</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Virksomhed</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Slettet</translation>
    </message>
    <message>
        <source>Fetching from the server…</source>
        <translation>Henter fra serveren…</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Gendan</translation>
    </message>
    <message>
        <source>Choose a record and press Restore: it comes back on every laptop of the team.</source>
        <translation>Vælg en post og tryk Gendan: den kommer tilbage på alle teamets computere.</translation>
    </message>
    <message>
        <source>Nothing was deleted in the last 30 days.</source>
        <translation>Intet er slettet de sidste 30 dage.</translation>
    </message>
    <message>
        <source>The list of deleted records needs a connection to the server.</source>
        <translation>Listen over slettede poster kræver forbindelse til serveren.</translation>
    </message>
    <message>
        <source>Concerns</source>
        <translation>Vedrører</translation>
    </message>
    <message>
        <source>Show completed</source>
        <translation>Vis udførte</translation>
    </message>
    <message>
        <source>Mine only</source>
        <translation>Kun mine</translation>
    </message>
    <message>
        <source>All dates</source>
        <translation>Alle datoer</translation>
    </message>
    <message>
        <source>Overdue and this week</source>
        <translation>Overskredne og denne uge</translation>
    </message>
    <message>
        <source>Next 4 weeks</source>
        <translation>De næste 4 uger</translation>
    </message>
    <message>
        <source>New follow-up</source>
        <translation>Ny opfølgning</translation>
    </message>
    <message>
        <source>Mark done</source>
        <translation>Markér som udført</translation>
    </message>
    <message>
        <source>Follow-ups due</source>
        <translation>Opfølgninger der skal laves</translation>
    </message>
    <message>
        <source>Company centres due for a visit</source>
        <translation>Virksomhedscentre der skal besøges</translation>
    </message>
    <message>
        <source>Recent visits</source>
        <translation>Seneste besøg</translation>
    </message>
    <message>
        <source>Comments from your supervisor</source>
        <translation>Kommentarer fra din leder</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>overskredet</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>I dag, %1</translation>
    </message>
    <message>
        <source>Nothing due. Well done.</source>
        <translation>Intet forfaldent. Godt gået.</translation>
    </message>
    <message>
        <source>last visit %1</source>
        <translation>sidste besøg %1</translation>
    </message>
    <message>
        <source>never visited</source>
        <translation>aldrig besøgt</translation>
    </message>
    <message>
        <source>All centres have been visited in time.</source>
        <translation>Alle centre er besøgt i tide.</translation>
    </message>
    <message>
        <source>No visits yet.</source>
        <translation>Ingen besøg endnu.</translation>
    </message>
    <message>
        <source>1 visit waits for review</source>
        <translation>1 besøg venter på gennemsyn</translation>
    </message>
    <message>
        <source>%1 visits wait for review</source>
        <translation>%1 besøg venter på gennemsyn</translation>
    </message>
    <message>
        <source>No comments.</source>
        <translation>Ingen kommentarer.</translation>
    </message>
    <message>
        <source>← Back</source>
        <translation>← Tilbage</translation>
    </message>
    <message>
        <source>Delete visit</source>
        <translation>Slet besøg</translation>
    </message>
    <message>
        <source>Openings from this visit</source>
        <translation>Jobåbninger fra besøget</translation>
    </message>
    <message>
        <source>Create opening from the visit…</source>
        <translation>Opret jobåbning fra besøget…</translation>
    </message>
    <message>
        <source>Save summary as PDF…</source>
        <translation>Gem referat som PDF…</translation>
    </message>
    <message>
        <source>Mark ready for review</source>
        <translation>Markér klar til gennemsyn</translation>
    </message>
    <message>
        <source>None yet.</source>
        <translation>Ingen endnu.</translation>
    </message>
    <message>
        <source>New visit: it is saved as soon as you type.</source>
        <translation>Nyt besøg: det gemmes, så snart du skriver.</translation>
    </message>
    <message>
        <source>The visit no longer exists.</source>
        <translation>Besøget findes ikke længere.</translation>
    </message>
    <message>
        <source>Correct the note as the comment asks. The corrected note goes back to your supervisor when it is synced.</source>
        <translation>Ret noten, som kommentaren beder om. Den rettede note går tilbage til din leder, når den synkroniseres.</translation>
    </message>
    <message>
        <source>Corrected: waiting for your supervisor&apos;s review.</source>
        <translation>Rettet: venter på din leders gennemsyn.</translation>
    </message>
    <message>
        <source>Approved notes are read-only.</source>
        <translation>Godkendte noter kan ikke ændres.</translation>
    </message>
    <message>
        <source>Review: %1</source>
        <translation>Gennemsyn: %1</translation>
    </message>
    <message>
        <source>Send again for review</source>
        <translation>Send igen til gennemsyn</translation>
    </message>
    <message>
        <source>Saves your corrections and syncs them now.</source>
        <translation>Gemmer dine rettelser og synkroniserer dem nu.</translation>
    </message>
    <message>
        <source>Already sent for review.</source>
        <translation>Allerede sendt til gennemsyn.</translation>
    </message>
    <message>
        <source>Your corrections are sent for review at this sync.</source>
        <translation>Dine rettelser sendes til gennemsyn ved denne synkronisering.</translation>
    </message>
    <message>
        <source>Your corrections are sent for review at the next sync.</source>
        <translation>Dine rettelser sendes til gennemsyn ved næste synkronisering.</translation>
    </message>
    <message>
        <source>New opening at %1</source>
        <translation>Ny jobåbning hos %1</translation>
    </message>
    <message>
        <source>Opening %1 created from this visit.</source>
        <translation>Jobåbningen %1 er oprettet fra besøget.</translation>
    </message>
    <message>
        <source>Not saved yet…</source>
        <translation>Ikke gemt endnu…</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Gemt %1</translation>
    </message>
    <message>
        <source>Saved, except the fields marked in red</source>
        <translation>Gemt, undtagen de felter der er markeret med rødt</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Gennemsyn</translation>
    </message>
    <message>
        <source>My visits</source>
        <translation>Mine besøg</translation>
    </message>
    <message>
        <source>1 change not sent</source>
        <translation>1 ændring ikke sendt</translation>
    </message>
    <message>
        <source>%1 changes not sent</source>
        <translation>%1 ændringer ikke sendt</translation>
    </message>
    <message>
        <source>Offline (not signed in)</source>
        <translation>Offline (ikke logget ind)</translation>
    </message>
    <message>
        <source>Waiting for the server…</source>
        <translation>Venter på serveren…</translation>
    </message>
    <message>
        <source>The server has not answered for %1 seconds. Your work is saved on this computer.</source>
        <translation>Serveren har ikke svaret i %1 sekunder. Dit arbejde er gemt på denne computer.</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Synkroniserer…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Sync problem</source>
        <translation>Synkroniseringsproblem</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>All changes sent</source>
        <translation>Alle ændringer er sendt</translation>
    </message>
    <message>
        <source>1 change refused by the server</source>
        <translation>1 ændring afvist af serveren</translation>
    </message>
    <message>
        <source>%1 changes refused by the server</source>
        <translation>%1 ændringer afvist af serveren</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>Sidste synkronisering: %1</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Ikke synkroniseret endnu</translation>
    </message>
    <message>
        <source>The computer&apos;s clock is wrong</source>
        <translation>Computerens ur går forkert</translation>
    </message>
    <message>
        <source>Comment to the consultant (shown on their Today screen)</source>
        <translation>Kommentar til konsulenten (vises på konsulentens I dag-side)</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Godkend</translation>
    </message>
    <message>
        <source>Has issues</source>
        <translation>Har mangler</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Afvis</translation>
    </message>
    <message>
        <source>Consultant</source>
        <translation>Konsulent</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>No visits wait for review.</source>
        <translation>Ingen besøg venter på gennemsyn.</translation>
    </message>
    <message>
        <source>Openings at the company</source>
        <translation>Jobåbninger hos virksomheden</translation>
    </message>
    <message>
        <source>Write a comment so the consultant knows what to change.</source>
        <translation>Skriv en kommentar, så konsulenten ved, hvad der skal rettes.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Sender…</translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation>Sendt.</translation>
    </message>
    <message>
        <source>The verdict could not be sent.</source>
        <translation>Vurderingen kunne ikke sendes.</translation>
    </message>
    <message>
        <source>Openings created</source>
        <translation>Jobåbninger oprettet</translation>
    </message>
    <message>
        <source>Filled</source>
        <translation>Besat</translation>
    </message>
    <message>
        <source>Hours per week placed</source>
        <translation>Timer pr. uge besat</translation>
    </message>
    <message>
        <source>Company centre</source>
        <translation>Virksomhedscenter</translation>
    </message>
    <message>
        <source>Places</source>
        <translation>Pladser</translation>
    </message>
    <message>
        <source>Visits in period</source>
        <translation>Besøg i perioden</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Sidste besøg</translation>
    </message>
    <message>
        <source>Next visit due</source>
        <translation>Næste besøg senest</translation>
    </message>
    <message>
        <source>Open openings</source>
        <translation>Åbne jobåbninger</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Periode</translation>
    </message>
    <message>
        <source>Visits per week</source>
        <translation>Besøg pr. uge</translation>
    </message>
    <message>
        <source>Openings by kind and status</source>
        <translation>Jobåbninger efter type og status</translation>
    </message>
    <message>
        <source>Per consultant</source>
        <translation>Pr. konsulent</translation>
    </message>
    <message>
        <source>Per company centre</source>
        <translation>Pr. virksomhedscenter</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Ukendt</translation>
    </message>
    <message>
        <source>No visits in the period.</source>
        <translation>Ingen besøg i perioden.</translation>
    </message>
    <message>
        <source>No openings in the period.</source>
        <translation>Ingen jobåbninger i perioden.</translation>
    </message>
    <message>
        <source>Hours per week</source>
        <translation>Timer pr. uge</translation>
    </message>
    <message>
        <source>No openings filled in the period.</source>
        <translation>Ingen besatte jobåbninger i perioden.</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>Til gennemsyn</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Overblik</translation>
    </message>
    <message>
        <source>Company CVR</source>
        <translation>Virksomhedens CVR</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>Virksomhedens navn</translation>
    </message>
    <message>
        <source>Import from CSV or Excel</source>
        <translation>Importér fra CSV eller Excel</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>Vælg fil…</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>Ingen fil valgt</translation>
    </message>
    <message>
        <source>Check rows</source>
        <translation>Kontrollér rækker</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importér</translation>
    </message>
    <message>
        <source>Making the briefing…</source>
        <translation>Laver forberedelsen…</translation>
    </message>
    <message>
        <source>Before the visit: %1</source>
        <translation>Forberedelse til besøg: %1</translation>
    </message>
    <message>
        <source>Briefing</source>
        <translation>Forberedelse</translation>
    </message>
    <message>
        <source>Open PDF to print</source>
        <translation>Åbn PDF til udskrift</translation>
    </message>
    <message>
        <source>Save PDF as…</source>
        <translation>Gem PDF som…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <source>Choose file</source>
        <translation>Vælg fil</translation>
    </message>
    <message>
        <source>Spreadsheets (*.csv *.xlsx *.txt)</source>
        <translation>Regneark (*.csv *.xlsx *.txt)</translation>
    </message>
    <message>
        <source>(skip)</source>
        <translation>(spring over)</translation>
    </message>
    <message>
        <source>Check the mapping, then press Check rows.</source>
        <translation>Kontrollér kolonnerne, og tryk så på Kontrollér rækker.</translation>
    </message>
    <message>
        <source>Row %1: %2</source>
        <translation>Række %1: %2</translation>
    </message>
    <message>
        <source>Checking rows…</source>
        <translation>Kontrollerer rækker…</translation>
    </message>
    <message>
        <source>%1 rows imported.</source>
        <translation>%1 rækker importeret.</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Importerer…</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Gem som PDF</translation>
    </message>
    <message>
        <source>Making the PDF…</source>
        <translation>Laver PDF…</translation>
    </message>
    <message>
        <source>Company centre catalogue</source>
        <translation>Virksomhedscenterkatalog</translation>
    </message>
    <message>
        <source>Supervisor report for a period</source>
        <translation>Lederrapport for en periode</translation>
    </message>
    <message>
        <source>My follow-ups for a period</source>
        <translation>Mine opfølgninger for en periode</translation>
    </message>
    <message>
        <source>Weekly digest for the week of the start date</source>
        <translation>Ugens overblik for ugen med startdatoen</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Rapport</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Fra</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Til</translation>
    </message>
    <message>
        <source>The team&apos;s week per consultant: visits written and waiting for review, openings created and filled, internships starting and ending, overdue follow-ups and centres.</source>
        <translation>Teamets uge pr. konsulent: besøg skrevet og til gennemsyn, jobåbninger oprettet og besat, praktikker der starter og slutter, overskredne opfølgninger og virksomhedscentre.</translation>
    </message>
    <message>
        <source>Weekly digest: week %1</source>
        <translation>Ugens overblik: uge %1</translation>
    </message>
    <message>
        <source>Weekly digest</source>
        <translation>Ugens overblik</translation>
    </message>
    <message>
        <source>The week per consultant</source>
        <translation>Ugen pr. konsulent</translation>
    </message>
    <message>
        <source>Visits written</source>
        <translation>Besøg skrevet</translation>
    </message>
    <message>
        <source>Nothing.</source>
        <translation>Intet.</translation>
    </message>
    <message>
        <source>Openings filled</source>
        <translation>Jobåbninger besat</translation>
    </message>
    <message>
        <source>week %1</source>
        <translation>uge %1</translation>
    </message>
    <message>
        <source>Previous week</source>
        <translation>Ugen før</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>Gem som PDF…</translation>
    </message>
    <message>
        <source>All company centres with work areas, target groups, places, agreement and contacts, as case workers use it.</source>
        <translation>Alle virksomhedscentre med arbejdsområder, målgrupper, pladser, aftale og kontaktpersoner, som sagsbehandlerne bruger det.</translation>
    </message>
    <message>
        <source>Visits per week per consultant, openings by kind and status, and hours per week placed, for your team in the period.</source>
        <translation>Besøg pr. uge pr. konsulent, jobåbninger efter type og status og timer pr. uge besat, for dit team i perioden.</translation>
    </message>
    <message>
        <source>Your follow-ups due in the period, by date and week.</source>
        <translation>Dine opfølgninger i perioden, efter dato og uge.</translation>
    </message>
    <message>
        <source>dd-mm-yyyy</source>
        <translation>dd-mm-åååå</translation>
    </message>
    <message>
        <source>Choose a date in the calendar (Alt+Down)</source>
        <translation>Vælg en dato i kalenderen (Alt+Pil ned)</translation>
    </message>
    <message>
        <source>Contact person</source>
        <translation>Kontaktperson</translation>
    </message>
    <message>
        <source>Contact person&apos;s title</source>
        <translation>Kontaktpersonens stilling</translation>
    </message>
    <message>
        <source>Contact person&apos;s phone</source>
        <translation>Kontaktpersonens telefon</translation>
    </message>
    <message>
        <source>Contact person&apos;s email</source>
        <translation>Kontaktpersonens e-mail</translation>
    </message>
    <message>
        <source>1 row will be imported</source>
        <translation>1 række bliver importeret</translation>
    </message>
    <message>
        <source>%1 rows will be imported</source>
        <translation>%1 rækker bliver importeret</translation>
    </message>
    <message>
        <source>, 1 already exists</source>
        <translation>, 1 findes allerede</translation>
    </message>
    <message>
        <source>, %1 already exist</source>
        <translation>, %1 findes allerede</translation>
    </message>
    <message>
        <source>, 1 is refused.</source>
        <translation>, 1 afvises.</translation>
    </message>
    <message>
        <source>, %1 are refused.</source>
        <translation>, %1 afvises.</translation>
    </message>
    <message>
        <source>Result of the check</source>
        <translation>Resultat af kontrollen</translation>
    </message>
    <message>
        <source>1 row</source>
        <translation>1 række</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 rækker</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Felt</translation>
    </message>
    <message>
        <source>1 row imported.</source>
        <translation>1 række importeret.</translation>
    </message>
    <message>
        <source>1 contact person added.</source>
        <translation>1 kontaktperson tilføjet.</translation>
    </message>
    <message>
        <source>%1 contact persons added.</source>
        <translation>%1 kontaktpersoner tilføjet.</translation>
    </message>
    <message>
        <source>Check which field each column goes into. The rows are numbered as in the spreadsheet.</source>
        <translation>Kontrollér, hvilket felt hver kolonne skal i. Rækkerne har samme numre som i regnearket.</translation>
    </message>
    <message>
        <source>Delete the visit note %1? This cannot be undone.</source>
        <translation>Slet besøgsnoten %1? Det kan ikke fortrydes.</translation>
    </message>
    <message>
        <source>Delete opening</source>
        <translation>Slet jobåbning</translation>
    </message>
    <message>
        <source>Delete the opening %1? Its planned follow-ups go with it.</source>
        <translation>Slet jobåbningen %1? Dens planlagte opfølgninger slettes også.</translation>
    </message>
    <message>
        <source>Delete contact</source>
        <translation>Slet kontaktperson</translation>
    </message>
    <message>
        <source>Delete the contact person %1?</source>
        <translation>Slet kontaktpersonen %1?</translation>
    </message>
    <message>
        <source>Delete mentor</source>
        <translation>Slet mentor</translation>
    </message>
    <message>
        <source>Delete the mentor %1?</source>
        <translation>Slet mentoren %1?</translation>
    </message>
    <message>
        <source>Delete follow-up</source>
        <translation>Slet opfølgning</translation>
    </message>
    <message>
        <source>Delete the follow-up %1?</source>
        <translation>Slet opfølgningen %1?</translation>
    </message>
    <message>
        <source>Search everything…</source>
        <translation>Søg i alt…</translation>
    </message>
    <message>
        <source>Search everything</source>
        <translation>Søg i alt</translation>
    </message>
    <message>
        <source>Type a name, a word from a note, a phone number…</source>
        <translation>Skriv et navn, et ord fra en note, et telefonnummer…</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Resultater</translation>
    </message>
    <message>
        <source>The first sync is still building the search index: search again when it has finished</source>
        <translation>Den første synkronisering bygger stadig søgeindekset: søg igen, når den er færdig</translation>
    </message>
    <message>
        <source>No hits</source>
        <translation>Ingen resultater</translation>
    </message>
    <message>
        <source>Calendar (.ics)…</source>
        <translation>Kalender (.ics)…</translation>
    </message>
    <message>
        <source>Calendar (*.ics)</source>
        <translation>Kalender (*.ics)</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>Kalender</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>År</translation>
    </message>
    <message>
        <source>Fill in the template</source>
        <translation>Udfyld skabelonen</translation>
    </message>
    <message>
        <source>Puts the headings for this kind of visit into the note.</source>
        <translation>Sætter overskrifterne for denne type besøg ind i referatet.</translation>
    </message>
    <message>
        <source>Copy from the last visit</source>
        <translation>Kopiér fra sidste besøg</translation>
    </message>
    <message>
        <source>Copies the participants and the next step from the last visit to this company into the fields that are still empty.</source>
        <translation>Kopierer deltagere og næste skridt fra sidste besøg hos virksomheden til de felter, der stadig er tomme.</translation>
    </message>
    <message>
        <source>There is no earlier visit to this company.</source>
        <translation>Der er intet tidligere besøg hos virksomheden.</translation>
    </message>
    <message>
        <source>%1 and %2</source>
        <translation>%1 og %2</translation>
    </message>
    <message>
        <source>Copied %1 from the visit of %2.</source>
        <translation>Kopierede %1 fra besøget den %2.</translation>
    </message>
    <message>
        <source>Nothing to copy: the fields are filled in, or the visit of %1 left them empty.</source>
        <translation>Intet at kopiere: felterne er udfyldt, eller besøget den %1 havde dem tomme.</translation>
    </message>
    <message>
        <source>weeks, or e.g. 3 months</source>
        <translation>uger, eller fx 3 måneder</translation>
    </message>
    <message>
        <source>Type weeks, or months such as “3 months” (13 weeks); or choose a period in the list (Alt+Down).</source>
        <translation>Skriv uger, eller måneder som “3 måneder” (13 uger); eller vælg en periode på listen (Alt+Pil ned).</translation>
    </message>
    <message>
        <source>%1 (%2 weeks)</source>
        <translation>%1 (%2 uger)</translation>
    </message>
    <message>
        <source>Choose a period (Alt+Down)</source>
        <translation>Vælg en periode (Alt+Pil ned)</translation>
    </message>
    <message>
        <source>The citizen&apos;s initials or a case reference</source>
        <translation>Borgerens initialer eller et sagsnummer</translation>
    </message>
    <message>
        <source>Replace the CPR number with</source>
        <translation>Erstat CPR-nummeret med</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Erstat</translation>
    </message>
    <message>
        <source>%1 looks like a CPR number. A citizen&apos;s CPR number does not belong in a note about a company: it makes the note personal data that must be found and erased on request, and the server may refuse it. Write the citizen&apos;s initials or a case reference instead.</source>
        <translation>%1 ligner et CPR-nummer. En borgers CPR-nummer hører ikke hjemme i et notat om en virksomhed: det gør notatet til personoplysninger, der skal kunne findes og slettes på anmodning, og serveren kan afvise det. Skriv borgerens initialer eller et sagsnummer i stedet.</translation>
    </message>
    <message>
        <source>Not yet sent to the server</source>
        <translation>Endnu ikke sendt til serveren</translation>
    </message>
    <message>
        <source>Received by the server %1</source>
        <translation>Modtaget af serveren %1</translation>
    </message>
    <message>
        <source>Waiting for the server (saved on this computer %1)</source>
        <translation>Venter på serveren (gemt på denne computer %1)</translation>
    </message>
    <message>
        <source>Refused by the server, kept on this computer: %1</source>
        <translation>Afvist af serveren, gemt på denne computer: %1</translation>
    </message>
    <message>
        <source>On the server</source>
        <translation>Findes på serveren</translation>
    </message>
    <message>
        <source>Version %1 on the server</source>
        <translation>Version %1 på serveren</translation>
    </message>
    <message>
        <source>1 visit has waited more than a day without reaching the server</source>
        <translation>1 besøg har ventet mere end et døgn uden at nå serveren</translation>
    </message>
    <message>
        <source>%1 visits have waited more than a day without reaching the server</source>
        <translation>%1 besøg har ventet mere end et døgn uden at nå serveren</translation>
    </message>
    <message>
        <source>saved %1</source>
        <translation>gemt %1</translation>
    </message>
    <message>
        <source>Connect to the network and press Sync now; the visits are safe on this computer meanwhile.</source>
        <translation>Gå på nettet og tryk på Synkronisér nu; besøgene er i sikkerhed på denne computer imens.</translation>
    </message>
</context>
</TS>
