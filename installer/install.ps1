<#
.SYNOPSIS
  township-pacs offline installer for Windows (10/11, 64-bit). No network needed.

.DESCRIPTION
  1. Checks every file of the bundle against manifest.json with Get-FileHash (SHA-256); a missing,
     damaged or altered file stops the install before anything is changed, naming the file.
  2. Finds Python 3.11 (64-bit): -Python, the bundle's extras\python-3.11*-amd64.exe (installed for
     this user, silently), the "py -3.11" launcher, or python.exe on PATH.
  3. Creates an isolated environment in the app folder (default %LOCALAPPDATA%\township-pacs\app)
     and installs the bundle's wheels with pip --no-index.
  4. Adds a desktop shortcut and a Start Menu entry, and a Task Scheduler task that starts the
     DICOM node when the user logs on (Startup-folder shortcut when Task Scheduler refuses).
  The archive (%LOCALAPPDATA%\township-pacs\storage) and the settings (%APPDATA%\township-pacs)
  live outside the app folder: an upgrade replaces only the app folder; uninstall keeps them.

  Written for Windows PowerShell 5.1. Run: powershell -ExecutionPolicy Bypass -File install.ps1
  (install.cmd does exactly that).
#>
param(
    [string]$Prefix = (Join-Path $env:LOCALAPPDATA 'township-pacs\app'),
    [string]$Python = '',
    [string]$Config = '',
    [switch]$NoShortcuts,
    [switch]$NoAutostart
)
$ErrorActionPreference = 'Stop'
$App = 'township-pacs'
$Marker = '.township-pacs-app'
$TaskName = 'township-pacs node'
$Bundle = $PSScriptRoot

# Windows PowerShell 5.1 turns a native program's redirected stderr into errors, which 'Stop' makes fatal:
# informational Python calls go through this, and an empty answer means "not known".
function Get-PyOutput([string]$exe, [string]$code) {
    $eap = $ErrorActionPreference; $ErrorActionPreference = 'Continue'
    try { $out = & $exe -c $code 2>$null; if ($LASTEXITCODE -eq 0) { return ("$out").Trim() } else { return '' } }
    catch { return '' } finally { $ErrorActionPreference = $eap }
}
function Say([string]$msg) { Write-Host "install.ps1: $msg" }
function Fail([string]$msg) {
    Write-Host "install.ps1: error: $msg" -ForegroundColor Red
    exit 1
}

# --- 1. the manifest, before anything is touched ----------------------------------------------------
$manifestPath = Join-Path $Bundle 'manifest.json'
if (-not (Test-Path -LiteralPath $manifestPath)) { Fail "$manifestPath is missing: this is not a complete township-pacs bundle" }
try { $manifest = Get-Content -Raw -Encoding UTF8 -LiteralPath $manifestPath | ConvertFrom-Json }
catch { Fail "manifest.json is damaged: $($_.Exception.Message)" }
if ($manifest.format -ne 'township-pacs-bundle/1') { Fail "unknown manifest format '$($manifest.format)'" }
$problems = New-Object System.Collections.Generic.List[string]
$listed = @{}
foreach ($f in $manifest.files) {
    $rel = [string]$f.path
    if ($rel.StartsWith('/') -or $rel.Contains('\') -or ($rel.Split('/') -contains '..')) { $problems.Add("${rel}: not a path inside the bundle"); continue }
    $listed[$rel] = $true
    $p = Join-Path $Bundle ($rel -replace '/', '\')
    if (-not (Test-Path -LiteralPath $p -PathType Leaf)) { $problems.Add("${rel}: missing"); continue }
    $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath $p).Hash.ToLowerInvariant()
    if ($hash -ne $f.sha256) { $problems.Add("${rel}: SHA-256 $hash does not match the manifest's $($f.sha256) (damaged or altered)") }
}
# An unlisted wheel would be installed by pip: refuse it.
foreach ($w in (Get-ChildItem -LiteralPath (Join-Path $Bundle 'wheels') -File)) {
    if (-not $listed.ContainsKey("wheels/$($w.Name)")) { $problems.Add("wheels/$($w.Name): not in the manifest (an extra file where pip looks for packages)") }
}
if ($problems.Count -gt 0) {
    Write-Host 'BUNDLE CHECK FAILED - the bundle is damaged or was altered; nothing was installed.' -ForegroundColor Red
    foreach ($line in $problems) { Write-Host "  $line" -ForegroundColor Red }
    Write-Host 'Copy the bundle again from the original (or rebuild it) and run the installer again.'
    exit 1
}
Say "manifest: OK, $($manifest.files.Count) files verified ($($manifest.name) $($manifest.version), $($manifest.platform))"
if ($manifest.platform -ne 'win_amd64') { Fail "this bundle is for $($manifest.platform), not Windows" }
$want = [string]$manifest.python

# --- 2. Python, exactly the version the wheels were built for ---------------------------------------
function Test-Python([string]$exe, [string[]]$pre = @()) {
    try {
        $out = & $exe @pre -c "import sys, struct; print('%d.%d %d' % (sys.version_info[0], sys.version_info[1], struct.calcsize('P') * 8))" 2>$null
        return ($LASTEXITCODE -eq 0 -and "$out".Trim() -eq "$want 64")
    } catch { return $false }
}
$py = $null; $pyPre = @()
if ($Python) {
    if (-not (Test-Python $Python)) { Fail "$Python is not 64-bit Python $want" }
    $py = $Python
}
if (-not $py) {
    $launcher = Get-Command py.exe -ErrorAction SilentlyContinue
    if ($launcher -and (Test-Python $launcher.Source @("-$want"))) {
        $eap = $ErrorActionPreference; $ErrorActionPreference = 'Continue'
        $py = ("$(& $launcher.Source "-$want" -c "import sys; print(sys.executable)" 2>$null)").Trim()
        $ErrorActionPreference = $eap
    }
}
if (-not $py) {
    $onPath = Get-Command python.exe -ErrorAction SilentlyContinue
    if ($onPath -and (Test-Python $onPath.Source)) { $py = $onPath.Source }
}
$ownPython = Join-Path $env:LOCALAPPDATA "$App\python$($want -replace '\.', '')"
if (-not $py -and (Test-Path (Join-Path $ownPython 'python.exe'))) {
    if (Test-Python (Join-Path $ownPython 'python.exe')) { $py = Join-Path $ownPython 'python.exe' }
}
if (-not $py) {
    $installer = Get-ChildItem -LiteralPath (Join-Path $Bundle 'extras') -Filter "python-$want*-amd64.exe" -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($installer) {
        Say "installing $($installer.Name) for this user into $ownPython (no administrator rights needed)"
        $proc = Start-Process -FilePath $installer.FullName -Wait -PassThru -ArgumentList @(
            '/quiet', 'InstallAllUsers=0', 'PrependPath=0', 'Include_test=0', 'Include_launcher=0',
            'Include_doc=0', 'Shortcuts=0', "TargetDir=$ownPython")
        if ($proc.ExitCode -ne 0) { Fail "the Python installer failed (exit $($proc.ExitCode))" }
        $py = Join-Path $ownPython 'python.exe'
        if (-not (Test-Python $py)) { Fail "Python was installed to $ownPython but does not run" }
    }
}
if (-not $py) {
    Fail ("64-bit Python $want was not found. Install it from the python.org installer python-$want.x-amd64.exe " +
          "(put it in this bundle's extras folder and this script installs it), or name it with -Python C:\path\python.exe")
}
Say "using Python $py"

# --- 3. the app environment ---------------------------------------------------------------------------
# pip must see the bundle and nothing else: no pip.ini, no PIP_* variables, no index.
Get-ChildItem env: | Where-Object { $_.Name -like 'PIP_*' } | ForEach-Object { Remove-Item -LiteralPath "env:$($_.Name)" }
$env:PIP_CONFIG_FILE = 'nul'
$env:PIP_DISABLE_PIP_VERSION_CHECK = '1'
$env:PIP_NO_INPUT = '1'
Remove-Item env:PYTHONPATH -ErrorAction SilentlyContinue
Remove-Item env:PYTHONHOME -ErrorAction SilentlyContinue

$Prefix = [System.IO.Path]::GetFullPath($Prefix)
if ((Test-Path -LiteralPath $Prefix) -and (Get-ChildItem -LiteralPath $Prefix -Force | Select-Object -First 1) -and
    -not (Test-Path -LiteralPath (Join-Path $Prefix $Marker))) {
    Fail "$Prefix exists and is not a township-pacs app folder; choose another -Prefix (nothing was changed)"
}

# A running node or viewer keeps files in the app folder open; stop them before replacing it.
$taskExisted = $false
try { $t = Get-ScheduledTask -TaskName $TaskName -ErrorAction Stop; $taskExisted = $true; Stop-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue } catch { }
Get-Process -ErrorAction SilentlyContinue | Where-Object { $_.Path -and $_.Path.StartsWith($Prefix + '\', [StringComparison]::OrdinalIgnoreCase) } |
    ForEach-Object { Say "stopping $($_.ProcessName) ($($_.Id)) for the upgrade"; Stop-Process -Id $_.Id -Force }

$old = $null
if (Test-Path -LiteralPath $Prefix) {
    $old = "$Prefix.previous"
    if (Test-Path -LiteralPath $old) { Remove-Item -LiteralPath $old -Recurse -Force }
    Move-Item -LiteralPath $Prefix -Destination $old
    Say "upgrading: the previous app is kept at $old until the new one works"
}
$venvPy = Join-Path $Prefix 'Scripts\python.exe'
try {
    New-Item -ItemType Directory -Force -Path (Split-Path $Prefix) | Out-Null
    Say "creating the app environment in $Prefix"
    & $py -m venv $Prefix
    if ($LASTEXITCODE -ne 0) { throw "python -m venv failed (exit $LASTEXITCODE)" }
    # --no-compile: modules compile on first import into the user-writable app folder (halves the install time).
    Say "installing from $Bundle\wheels (offline)"
    & $venvPy -m pip install --no-index --find-links (Join-Path $Bundle 'wheels') --only-binary=:all: --no-cache-dir --no-compile -q township-pacs
    if ($LASTEXITCODE -ne 0) { throw "pip install failed (exit $LASTEXITCODE)" }
    $version = Get-PyOutput $venvPy "import sys; from viewer.cli import main; sys.argv = ['tpacs', '--version']; main()"
    if (-not $version) { throw "the installed tpacs does not start" }
} catch {
    Write-Host "install.ps1: failed: $($_.Exception.Message)" -ForegroundColor Red
    if (Test-Path -LiteralPath $Prefix) { Remove-Item -LiteralPath $Prefix -Recurse -Force -ErrorAction SilentlyContinue }
    if ($old) { Move-Item -LiteralPath $old -Destination $Prefix; Write-Host 'install.ps1: the previous installation was restored.' }
    exit 1
}
New-Item -ItemType File -Force -Path (Join-Path $Prefix $Marker) | Out-Null
Copy-Item -LiteralPath (Join-Path $Bundle 'uninstall.ps1') -Destination (Join-Path $Prefix 'uninstall.ps1')
if ($old) { Remove-Item -LiteralPath $old -Recurse -Force -ErrorAction SilentlyContinue }
Say "installed $version"

# --- settings and data: created once, never replaced -------------------------------------------------
$confDir = Join-Path $env:APPDATA $App
$confFile = Join-Path $confDir 'config.toml'
New-Item -ItemType Directory -Force -Path $confDir, (Join-Path $env:LOCALAPPDATA $App) | Out-Null
if (Test-Path -LiteralPath $confFile) {
    Say "keeping the settings in $confFile"
} else {
    if ($Config) { $src = $Config } else { $src = Get-PyOutput $venvPy "from resources import DEFAULT_CONFIG; print(DEFAULT_CONFIG)" }
    Copy-Item -LiteralPath $src -Destination $confFile
    Say "settings: $confFile (edit node.ae_title, node.port, the county destination)"
}
$storage = Get-PyOutput $venvPy "from dicom_node.config import load_config, storage_path; print(storage_path(load_config()))"
Say "archive: $storage (kept across upgrades and uninstall)"

# --- shortcuts: pythonw runs the viewer without a console window ---------------------------------------
$pythonw = Join-Path $Prefix 'Scripts\pythonw.exe'
$icon = Get-PyOutput $venvPy "from pathlib import Path; import resources; i = sorted(Path(resources.RESOURCES_DIR, 'icons').glob('*.ico')); print(i[0] if i else '')"
function New-Shortcut([string]$path, [string]$arguments, [string]$description) {
    $shell = New-Object -ComObject WScript.Shell
    $lnk = $shell.CreateShortcut($path)
    $lnk.TargetPath = $pythonw
    $lnk.Arguments = $arguments
    $lnk.WorkingDirectory = $env:USERPROFILE
    $lnk.Description = $description
    if ($icon) { $lnk.IconLocation = "$icon,0" }
    $lnk.Save()
}
if (-not $NoShortcuts) {
    $desktop = [Environment]::GetFolderPath('Desktop')
    New-Shortcut (Join-Path $desktop "$App.lnk") '-m viewer view' 'township-pacs workstation'
    Say "desktop shortcut: $desktop\$App.lnk"
    $menu = Join-Path ([Environment]::GetFolderPath('Programs')) $App
    New-Item -ItemType Directory -Force -Path $menu | Out-Null
    New-Shortcut (Join-Path $menu "$App.lnk") '-m viewer view' 'township-pacs workstation'
    Say "Start Menu entry: $menu\$App.lnk"
}

# --- the node starts with the PC (when the clinic user logs on; set Windows auto-logon for unattended PCs)
if (-not $NoAutostart) {
    try {
        $action = New-ScheduledTaskAction -Execute $pythonw -Argument '-m viewer node' -WorkingDirectory $env:USERPROFILE
        $trigger = New-ScheduledTaskTrigger -AtLogOn -User "$env:USERDOMAIN\$env:USERNAME"
        $settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
            -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1)
        Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings `
            -Description 'township-pacs DICOM node (receive, AI pre-annotation, forward to the county)' -Force | Out-Null
        Say "node registered in Task Scheduler as '$TaskName' (starts at logon)"
        if ($taskExisted) { Start-ScheduledTask -TaskName $TaskName; Say 'node restarted' }
    } catch {
        $startup = [Environment]::GetFolderPath('Startup')
        New-Shortcut (Join-Path $startup "$App node.lnk") '-m viewer node' 'township-pacs DICOM node'
        Say "Task Scheduler refused ($($_.Exception.Message)); the node starts from $startup instead"
    }
    # Inbound DICOM needs a firewall rule, which only an administrator can add.
    $admin = ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
    $port = Get-PyOutput $venvPy "from dicom_node.config import load_config; print(load_config()['node']['port'])"
    if ($admin -and $port) {
        Get-NetFirewallRule -DisplayName "$App DICOM" -ErrorAction SilentlyContinue | Remove-NetFirewallRule
        New-NetFirewallRule -DisplayName "$App DICOM" -Direction Inbound -Protocol TCP -LocalPort ([int]$port) -Action Allow -Profile Domain,Private | Out-Null
        Say "firewall: inbound TCP $port allowed (Domain, Private networks)"
    } else {
        Say "firewall: run this installer as administrator once to allow inbound DICOM on port $port, or allow it in Windows Defender Firewall"
    }
}
Say "done. Start the workstation from the desktop shortcut or the Start Menu."
