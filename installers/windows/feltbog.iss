; Inno Setup script for Feltbog: per-user install (no admin rights), Start-menu entry, uninstaller.
; Build: iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\Feltbog installers\windows\feltbog.iss
; (the GitHub workflow passes both; AppVersion comes from pyproject.toml)

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\Feltbog"
#endif

[Setup]
AppId={{7B4E2C61-5F1A-4C0E-9D8B-2A6F3E1C9B44}
AppName=Feltbog
AppVersion={#AppVersion}
AppPublisher=Feltbog
AppComments=Feltbog til virksomhedskonsulenter
DefaultDirName={localappdata}\Programs\Feltbog
DefaultGroupName=Feltbog
DisableProgramGroupPage=yes
; Municipal laptops rarely grant admin rights: install for the current user only.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist\installer
OutputBaseFilename=Feltbog-{#AppVersion}-windows-setup
SetupIconFile=..\..\resources\icons\feltbog.ico
UninstallDisplayIcon={app}\Feltbog.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "danish"; MessagesFile: "compiler:Languages\Danish.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; IT's preset (docs/deploy.md, installers/preset/feltbog.toml): a feltbog.toml beside the setup program
; goes beside Feltbog.exe, where the app reads the server address and sign-in method.
Source: "{src}\feltbog.toml"; DestDir: "{app}"; Flags: external skipifsourcedoesntexist ignoreversion

[Icons]
Name: "{group}\Feltbog"; Filename: "{app}\Feltbog.exe"
Name: "{group}\{cm:UninstallProgram,Feltbog}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\Feltbog"; Filename: "{app}\Feltbog.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Feltbog.exe"; Description: "{cm:LaunchProgram,Feltbog}"; Flags: nowait postinstall skipifsilent

; The user's data (database, backups, logs) lives in %LOCALAPPDATA%\Feltbog and is
; deliberately left in place on uninstall: it may hold unsent visit notes.
