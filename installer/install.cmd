@echo off
rem Double-click to install township-pacs from this folder (runs install.ps1; no network needed).
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
if errorlevel 1 (echo. & echo Installation FAILED - see the messages above. & pause & exit /b 1)
pause
