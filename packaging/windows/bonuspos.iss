; Inno Setup script of the till for Windows store PCs: installs dist\bonuspos\ (built by
; `python packaging\build.py`) into Program Files. Build: iscc packaging\windows\bonuspos.iss
; (see packaging\windows\README.md). The version comes from the command line:
;   iscc /DAppVersion=0.1.0 packaging\windows\bonuspos.iss
;
; Silent install by IT, connecting the till and checking it in one go:
;   bonuspos-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART ^
;     /SERVER=https://pos.example.by /STORE=MINSK-01 /TILL=T1 /TOKENFILE=C:\it\t1.token ^
;     [/DATADIR=D:\BonusPOS] [/LOG=C:\it\bonuspos-setup.log]
; Given /SERVER, /STORE, /TILL and /TOKENFILE, setup runs `bonuspos-cli configure` with them,
; then `bonuspos-cli self-test`; if either fails, setup says so in a message box (when
; interactive) and in its log, and exits with code 10 instead of 0, which IT's deployment
; tools see; %TEMP%\bonuspos-self-test.txt holds the commands' output. Without the four
; it installs an unconnected till that works offline, and self-test still runs.
; Needs Inno Setup 6.3 or newer (x64compatible, GetCustomSetupExitCode).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "BonusPOS"
#define Bundle "..\..\dist\bonuspos"

[Setup]
; The AppId ties upgrades to this installation: never change it.
AppId={{6F1B7C2E-3D4A-4B8E-9C61-2A5D0E7F4B19}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=BonusPOS
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Program Files and the machine-wide data folder need an administrator.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=bonuspos-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An upgrade must not replace files under a running till.
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\bonuspos.exe
SetupLogging=yes
; BONUSPOS_CONFIG_DIR below: running programs are told the environment changed.
ChangesEnvironment=yes

[Languages]
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Registry]
; The till's connection (configure's sync.json) for every Windows account of the PC, not
; only the administrator's who ran setup: the cashiers sign in under their own accounts.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "BONUSPOS_CONFIG_DIR"; ValueData: "{commonappdata}\BonusPOS"; Flags: uninsdeletevalue

[Files]
; The whole one-folder bundle: bonuspos.exe (windowed, for the cashier), bonuspos-cli.exe
; (console, for IT and this script) and _internal\.
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\bonuspos.exe"; Parameters: "{code:DataDirArgs}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\bonuspos.exe"; Parameters: "{code:DataDirArgs}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; Offered at the end of an interactive install only.
Filename: "{app}\bonuspos.exe"; Parameters: "{code:DataDirArgs}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
var
  SetupFailed: Boolean;

{ A /NAME=value switch of setup's command line, or '' when absent. }
function Switch(const Name: String): String;
begin
  Result := ExpandConstant('{param:' + Name + '|}');
end;

function Quoted(const Value: String): String;
begin
  Result := '"' + Value + '"';
end;

{ The shortcuts' arguments: the data folder IT chose, if any. }
function DataDirArgs(Param: String): String;
begin
  Result := '';
  if Switch('DATADIR') <> '' then
    Result := '--data-dir ' + Quoted(Switch('DATADIR'));
end;

function InitializeSetup(): Boolean;
var
  Given: Integer;
begin
  Result := True;
  Given := 0;
  if Switch('SERVER') <> '' then Given := Given + 1;
  if Switch('STORE') <> '' then Given := Given + 1;
  if Switch('TILL') <> '' then Given := Given + 1;
  if Switch('TOKENFILE') <> '' then Given := Given + 1;
  { All four or none: a till half connected would sync to nowhere. }
  if (Given <> 0) and (Given <> 4) then
  begin
    SuppressibleMsgBox('Нужны все четыре параметра: /SERVER= /STORE= /TILL= /TOKENFILE=',
      mbCriticalError, MB_OK, IDOK);
    Result := False;
    Exit;
  end;
  if (Switch('TOKENFILE') <> '') and not FileExists(Switch('TOKENFILE')) then
  begin
    SuppressibleMsgBox('Файл токена не найден: ' + Switch('TOKENFILE'),
      mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;

{ Runs bonuspos-cli.exe with Args through cmd, its output appended to OutFile; the exit code. }
function RunCli(const Args, OutFile: String): Integer;
var
  Code: Integer;
begin
  Log('bonuspos-cli ' + Args);
  { Setup's own environment predates the [Registry] entry: the variable is set here too. }
  if not Exec(ExpandConstant('{cmd}'),
      '/C "set "BONUSPOS_CONFIG_DIR=' + ExpandConstant('{commonappdata}\BonusPOS') + '" && ' +
      Quoted(ExpandConstant('{app}\bonuspos-cli.exe')) + ' ' + Args +
      ' >> ' + Quoted(OutFile) + ' 2>&1"',
      ExpandConstant('{app}'), SW_HIDE, ewWaitUntilTerminated, Code) then
    Code := -1;
  Log('exit code ' + IntToStr(Code));
  Result := Code;
end;

procedure Fail(const Message, OutFile: String);
var
  Output: AnsiString;
begin
  SetupFailed := True;
  if LoadStringFromFile(OutFile, Output) then
    Log(String(Output));
  SuppressibleMsgBox(Message + #13#10 + 'Подробности: ' + OutFile, mbCriticalError, MB_OK, IDOK);
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  OutFile, DataArg: String;
begin
  if CurStep <> ssPostInstall then
    Exit;
  OutFile := ExpandConstant('{%TEMP}\bonuspos-self-test.txt');
  DeleteFile(OutFile);
  DataArg := DataDirArgs('');
  if DataArg <> '' then
    ForceDirectories(Switch('DATADIR'));
  if Switch('SERVER') <> '' then
  begin
    if RunCli('configure --server ' + Quoted(Switch('SERVER')) +
        ' --store ' + Quoted(Switch('STORE')) + ' --till ' + Quoted(Switch('TILL')) +
        ' --token-file ' + Quoted(Switch('TOKENFILE')), OutFile) <> 0 then
    begin
      Fail('bonuspos configure не удался: касса не подключена к серверу.', OutFile);
      Exit;
    end;
  end;
  if RunCli('self-test ' + DataArg, OutFile) <> 0 then
    Fail('bonuspos self-test не прошёл: касса установлена, но работать не будет.', OutFile);
end;

{ A failed configure or self-test fails the whole setup: exit code 10 (Inno's own codes
  are 1-8), seen by a silent install's caller; the files stay for IT to look into. }
function GetCustomSetupExitCode(): Integer;
begin
  Result := 0;
  if SetupFailed then
    Result := 10;
end;
