<#
.SYNOPSIS
  Remove the township-pacs app (environment, shortcuts, node task). The archive of studies
  (%LOCALAPPDATA%\township-pacs\storage) and the settings (%APPDATA%\township-pacs) are NOT removed:
  a later install finds them again. Delete those folders yourself if the studies are no longer needed.
#>
param([string]$Prefix = (Join-Path $env:LOCALAPPDATA 'township-pacs\app'))
$ErrorActionPreference = 'Stop'
$App = 'township-pacs'
$TaskName = 'township-pacs node'
function Say([string]$msg) { Write-Host "uninstall.ps1: $msg" }

$Prefix = [System.IO.Path]::GetFullPath($Prefix)
try { Stop-ScheduledTask -TaskName $TaskName -ErrorAction Stop } catch { }
try { Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false -ErrorAction Stop; Say "removed the task '$TaskName'" } catch { }
Get-Process -ErrorAction SilentlyContinue | Where-Object { $_.Path -and $_.Path.StartsWith($Prefix + '\', [StringComparison]::OrdinalIgnoreCase) } |
    ForEach-Object { Stop-Process -Id $_.Id -Force }
$links = @(
    (Join-Path ([Environment]::GetFolderPath('Desktop')) "$App.lnk"),
    (Join-Path ([Environment]::GetFolderPath('Startup')) "$App node.lnk"))
foreach ($l in $links) { if (Test-Path -LiteralPath $l) { Remove-Item -LiteralPath $l -Force; Say "removed $l" } }
$menu = Join-Path ([Environment]::GetFolderPath('Programs')) $App
if (Test-Path -LiteralPath $menu) { Remove-Item -LiteralPath $menu -Recurse -Force; Say "removed $menu" }
$admin = ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
if ($admin) { Get-NetFirewallRule -DisplayName "$App DICOM" -ErrorAction SilentlyContinue | Remove-NetFirewallRule }

if (Test-Path -LiteralPath $Prefix) {
    if (-not (Test-Path -LiteralPath (Join-Path $Prefix '.township-pacs-app'))) {
        Write-Host "uninstall.ps1: error: $Prefix is not a township-pacs app folder; not removing it" -ForegroundColor Red
        exit 1
    }
    # This script may itself run from the app folder: Windows lets PowerShell delete it while it runs.
    Remove-Item -LiteralPath $Prefix -Recurse -Force
    Say "removed the app $Prefix"
} else {
    Say "no app at $Prefix"
}
Say "kept the settings: $(Join-Path $env:APPDATA $App)"
Say "kept the archive and index: $(Join-Path $env:LOCALAPPDATA $App) (delete it yourself if the studies are no longer needed)"
