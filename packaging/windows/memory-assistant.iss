; Inno Setup 6 script: installs the PyInstaller folder dist\memory-assistant for the current user.
; build.ps1 runs it as
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=...\dist\memory-assistant /DOutputDir=...\dist
;            /DIconFile=...\memory-assistant.ico memory-assistant.iss
; and it produces OutputDir\memory-assistant-VERSION-windows-x64-setup.exe.
; No administrator rights are needed; uninstalling leaves the memory store (%LOCALAPPDATA%\memory-assistant)
; in place.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (build.ps1 does)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\memory-assistant"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Memory Assistant"
#define UiExe "assistant-ui.exe"
; The same value name as the app's own "Start on login" setting, so either can undo the other.
#define RunValue "MemoryAssistant"

[Setup]
AppId={{6B0F6C2E-3D8A-4E54-9C1B-7A2F1D5E8B30}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Memory Assistant contributors
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=memory-assistant-{#AppVersion}-windows-x64-setup
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
UninstallDisplayIcon={app}\{#UiExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "autostart"; Description: "Start {#AppName} in the tray when I sign in"; GroupDescription: "Startup:"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; a new version replaces the old bundle whole: stale modules must not linger in _internal
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#UiExe}"; Comment: "Private, local memory with recall"
Name: "{group}\{#AppName} self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\assistant.exe"" self-test"; Comment: "Check this install"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#UiExe}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "{#RunValue}"; ValueData: """{app}\{#UiExe}"" --hidden"; Flags: uninsdeletevalue; Tasks: autostart

[Run]
Filename: "{app}\{#UiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
Filename: "{sys}\taskkill.exe"; Parameters: "/F /IM {#UiExe}"; Flags: runhidden; RunOnceId: "StopApp"
