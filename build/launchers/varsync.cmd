@echo off
rem varsync.cmd: the `varsync` command of an installed Varsync (electron-builder.yml, win.extraFiles),
rem next to Varsync.exe; the NSIS installer puts this folder on PATH. Varsync.exe is a windowed
rem program, so a console does not show what it writes: this runs it with its output in two
rem temporary files, waits for it (a batch file waits for windowed programs too), prints them,
rem and returns its exit code (docs/VENDOR.md). Output appears when the command ends.
setlocal
set "VARSYNC_OUTPUT=%TEMP%\varsync-%RANDOM%%RANDOM%"
"%~dp0Varsync.exe" %* >"%VARSYNC_OUTPUT%.out" 2>"%VARSYNC_OUTPUT%.err"
set "VARSYNC_EXIT=%ERRORLEVEL%"
type "%VARSYNC_OUTPUT%.out"
type "%VARSYNC_OUTPUT%.err" 1>&2
del "%VARSYNC_OUTPUT%.out" "%VARSYNC_OUTPUT%.err" >nul 2>&1
exit /b %VARSYNC_EXIT%
