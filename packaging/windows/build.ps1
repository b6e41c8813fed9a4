# Build the Windows release: the PyInstaller folder, then an Inno Setup installer (or a zip without it).
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Dist DIR] [-Work DIR] [-Python EXE]
#
# Produces DIST\memory-assistant\ (assistant.exe, assistant-ui.exe, _internal\) and
# DIST\memory-assistant-VERSION-windows-x64-setup.exe (Inno Setup 6: winget install JRSoftware.InnoSetup),
# or DIST\memory-assistant-VERSION-windows-x64.zip when ISCC.exe is not found.
# Python must have the app installed (pip install -e .[llm,dev]) and PyInstaller (pip install "pyinstaller==6.22.*").
param(
    [string]$Dist = "",
    [string]$Work = "",
    [string]$Python = ""
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
if (-not $Dist) { $Dist = Join-Path $Root "dist" }
if (-not $Work) { $Work = Join-Path $Root "build\pyinstaller" }
New-Item -ItemType Directory -Force -Path $Dist, $Work | Out-Null
$Dist = (Resolve-Path $Dist).Path
$Work = (Resolve-Path $Work).Path
if (-not $Python) {
    $venv = Join-Path $Root ".venv\Scripts\python.exe"
    $Python = if (Test-Path $venv) { $venv } else { "python" }
}

function Invoke-Checked([string]$What, [scriptblock]$Block) {
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "build.ps1: $What failed (exit $LASTEXITCODE)" }
}

Invoke-Checked "finding PyInstaller (pip install 'pyinstaller==6.22.*')" { & $Python -c "import PyInstaller" }
$Version = (& $Python -c "import assistant; print(assistant.__version__)").Trim()
$Started = Get-Date

Write-Host "[build] PyInstaller: memory-assistant $Version"
Invoke-Checked "PyInstaller" {
    & $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath $Dist --workpath $Work `
        (Join-Path $Root "packaging\pyinstaller\memory-assistant.spec")
}
$App = Join-Path $Dist "memory-assistant"
Invoke-Checked "starting the built app" { & (Join-Path $App "assistant.exe") --version }

$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) {
    $Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "${env:ProgramFiles}\Inno Setup 6\ISCC.exe",
              "${env:LOCALAPPDATA}\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if ($Iscc) {
    Write-Host "[build] installer (Inno Setup)"
    $Icon = Join-Path $Work "memory-assistant\icons\memory-assistant.ico"  # rendered by the spec
    Invoke-Checked "Inno Setup" {
        & $Iscc "/DAppVersion=$Version" "/DSourceDir=$App" "/DOutputDir=$Dist" "/DIconFile=$Icon" `
            (Join-Path $PSScriptRoot "memory-assistant.iss")
    }
    $Artifact = Join-Path $Dist "memory-assistant-$Version-windows-x64-setup.exe"
} else {
    Write-Host "[build] Inno Setup not found (winget install JRSoftware.InnoSetup): making a zip instead"
    $Artifact = Join-Path $Dist "memory-assistant-$Version-windows-x64.zip"
    if (Test-Path $Artifact) { Remove-Item $Artifact }
    Compress-Archive -Path $App -DestinationPath $Artifact
}
$Seconds = [int]((Get-Date) - $Started).TotalSeconds
Write-Host "[build] done in $Seconds s: $App, $Artifact"
