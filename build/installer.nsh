; Included by electron-builder's NSIS installer and uninstaller (electron-builder.yml, nsis.include).
;
; Uninstalling keeps the user's data unless asked: `"Uninstall Varsync.exe" /S --delete-app-data`.
; electron-builder's uninstaller then removes Electron's user-data folder (%APPDATA%\Varsync:
; settings, logs); this macro also removes the agent's data folder, where the queue of variables
; waiting to be sent lives (main/core/config/keys.ts defaultDataDir: %LOCALAPPDATA%\Varsync).
; An upgrade runs the old uninstaller with --updated and never removes either.
; A data folder moved elsewhere (VARSYNC_DATA_DIR, the vendor file's dataDir) is left alone, as is
; the machine-wide vendor folder %ProgramData%\Varsync, which belongs to the vendor's installer.

!macro customUnInstall
  !insertmacro customUnInstallPath
  ${ifNot} ${isUpdated}
    ClearErrors
    ${GetParameters} $R0
    ${GetOptions} $R0 "--delete-app-data" $R1
    ${ifNot} ${Errors}
      ; Per-machine installs use the all-users shell folders; the data is the current user's.
      ${if} $installMode == "all"
        SetShellVarContext current
      ${endif}
      RMDir /r "$LOCALAPPDATA\Varsync"
      ${if} $installMode == "all"
        SetShellVarContext all
      ${endif}
    ${endif}
  ${endif}
!macroend

; The `varsync` command (varsync.cmd beside Varsync.exe): the installation folder goes on PATH, the
; user's for a per-user install, the machine's for a per-machine one, so that a new console finds
; it. On by default; `--no-path` on the installer's command line leaves PATH alone (the vendor then
; runs "$INSTDIR\varsync.cmd" by its full path). A PATH too long to be extended safely is left
; as it is, with a line in the details. The uninstaller takes the folder off again; an upgrade
; (same folder) keeps it.
!include "StrFunc.nsh"
${StrLoc}
${UnStrRep}

!macro varsyncAddToPath ROOT KEY
  ReadRegStr $R2 ${ROOT} "${KEY}" "Path"
  ${StrLoc} $R3 "$R2;" "$INSTDIR;" ">"
  StrLen $R4 "$R2"
  StrLen $R5 "$INSTDIR"
  IntOp $R4 $R4 + $R5
  ${if} $R3 != ""
    DetailPrint "PATH already has $INSTDIR"
  ${elseif} $R4 >= ${NSIS_MAX_STRLEN}
    DetailPrint "PATH is too long to add $INSTDIR; run $INSTDIR\varsync.cmd by its full path"
  ${elseif} $R2 == ""
    WriteRegExpandStr ${ROOT} "${KEY}" "Path" "$INSTDIR"
  ${else}
    WriteRegExpandStr ${ROOT} "${KEY}" "Path" "$R2;$INSTDIR"
  ${endif}
!macroend

!macro varsyncRemoveFromPath ROOT KEY
  ReadRegStr $R2 ${ROOT} "${KEY}" "Path"
  ${UnStrRep} $R3 ";$R2;" ";$INSTDIR;" ";"
  ; Without the separators added around it for the search.
  StrCpy $R3 $R3 "" 1
  StrCpy $R3 $R3 -1
  ${if} $R3 != $R2
  ${andif} $R2 != ""
    WriteRegExpandStr ${ROOT} "${KEY}" "Path" "$R3"
  ${endif}
!macroend

!macro customInstall
  ClearErrors
  ${GetParameters} $R0
  ${GetOptions} $R0 "--no-path" $R1
  ${if} ${Errors}
    ${if} $installMode == "all"
      !insertmacro varsyncAddToPath HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
    ${else}
      !insertmacro varsyncAddToPath HKCU "Environment"
    ${endif}
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${endif}
!macroend

!macro customUnInstallPath
  ${ifNot} ${isUpdated}
    ${if} $installMode == "all"
      !insertmacro varsyncRemoveFromPath HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
    ${else}
      !insertmacro varsyncRemoveFromPath HKCU "Environment"
    ${endif}
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${endif}
!macroend
