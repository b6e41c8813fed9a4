"""Windows window probe over ctypes (user32/kernel32): no extra dependency.

Untested here: the project's CI and this machine run Linux only, so this adapter has never been
exercised by a test. It is kept to the few documented Win32 calls it needs.
"""

from __future__ import annotations

import ctypes
import sys
from ctypes import wintypes
from pathlib import PureWindowsPath
from typing import Any

from assistant.capture.frames import WindowInfo
from assistant.capture.window import url_from_title
from assistant.errors import CaptureUnavailable

_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_DESKTOP_SWITCHDESKTOP = 0x0100
_UOI_NAME = 2


class _LastInputInfo(ctypes.Structure):
    _fields_ = [("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD)]


class WindowsProbe:
    def __init__(self) -> None:
        if sys.platform != "win32":
            raise CaptureUnavailable(f"unsupported display server: the Windows probe cannot run on {sys.platform}")
        self._user32: Any = ctypes.WinDLL("user32", use_last_error=True)
        self._kernel32: Any = ctypes.WinDLL("kernel32", use_last_error=True)
        # Handles are pointer-sized: without these, ctypes would truncate them to a C int.
        u, k = self._user32, self._kernel32
        u.GetForegroundWindow.restype = wintypes.HWND
        u.GetWindowTextLengthW.argtypes = [wintypes.HWND]
        u.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
        u.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
        u.GetWindowRect.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.RECT)]
        u.OpenInputDesktop.restype = wintypes.HANDLE
        u.GetUserObjectInformationW.argtypes = [
            wintypes.HANDLE,
            ctypes.c_int,
            ctypes.c_void_p,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.DWORD),
        ]
        u.CloseDesktop.argtypes = [wintypes.HANDLE]
        k.OpenProcess.restype = wintypes.HANDLE
        k.QueryFullProcessImageNameW.argtypes = [
            wintypes.HANDLE,
            wintypes.DWORD,
            wintypes.LPWSTR,
            ctypes.POINTER(wintypes.DWORD),
        ]
        k.CloseHandle.argtypes = [wintypes.HANDLE]
        k.GetTickCount.restype = wintypes.DWORD

    def active_window(self) -> WindowInfo | None:
        hwnd = self._user32.GetForegroundWindow()
        if not hwnd:
            return None
        length = self._user32.GetWindowTextLengthW(hwnd)
        buf = ctypes.create_unicode_buffer(length + 1)
        self._user32.GetWindowTextW(hwnd, buf, length + 1)
        title = buf.value
        pid = wintypes.DWORD()
        self._user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        rect = wintypes.RECT()
        geometry = None
        if self._user32.GetWindowRect(hwnd, ctypes.byref(rect)):
            geometry = (rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top)
        app = self._process_name(pid.value)
        return WindowInfo(app, title, url_from_title(title, app), pid.value or None, geometry, int(hwnd))

    def _process_name(self, pid: int) -> str:
        handle = self._kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return ""
        try:
            size = wintypes.DWORD(32768)
            buf = ctypes.create_unicode_buffer(size.value)
            if not self._kernel32.QueryFullProcessImageNameW(handle, 0, buf, ctypes.byref(size)):
                return ""
            return PureWindowsPath(buf.value).stem  # "C:\...\KeePassXC.exe" -> "KeePassXC"
        finally:
            self._kernel32.CloseHandle(handle)

    def idle_seconds(self) -> float | None:
        info = _LastInputInfo()
        info.cbSize = ctypes.sizeof(info)
        if not self._user32.GetLastInputInfo(ctypes.byref(info)):
            return None
        # Both are 32-bit millisecond tick counts that wrap every 49.7 days.
        return float((self._kernel32.GetTickCount() - info.dwTime) & 0xFFFFFFFF) / 1000.0

    def screen_locked(self) -> bool:
        # While locked, the input desktop is the secure "Winlogon" desktop, which we may not even open.
        desk = self._user32.OpenInputDesktop(0, False, _DESKTOP_SWITCHDESKTOP)
        if not desk:
            return True
        try:
            buf = ctypes.create_unicode_buffer(256)
            needed = wintypes.DWORD()
            ok = self._user32.GetUserObjectInformationW(desk, _UOI_NAME, buf, ctypes.sizeof(buf), ctypes.byref(needed))
            return bool(ok) and buf.value.lower() != "default"
        finally:
            self._user32.CloseDesktop(desk)
