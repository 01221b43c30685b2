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
