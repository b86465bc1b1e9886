"""The desk's result sounds: a chime, a double beep or a buzz, so staff need not look up.

PySide6-Essentials has no QtMultimedia (it comes with PySide6-Addons), so QSoundEffect is used
only when it is installed. Otherwise the shipped WAV is handed to the platform's own player
(winsound on Windows, afplay on macOS, PipeWire/PulseAudio/ALSA players on Linux), started
detached so the GUI never waits for it; with none of those, the system beep.
"""

from __future__ import annotations

import shutil
import sys
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QProcess, QUrl
from PySide6.QtWidgets import QApplication

from expo.services.checkin import CheckInStatus

SOUND_FILES: dict[CheckInStatus, str] = {
    CheckInStatus.OK: "ok.wav",
    CheckInStatus.ALREADY: "already.wav",
    CheckInStatus.INVALID: "refused.wav",
    CheckInStatus.UNKNOWN: "refused.wav",
    CheckInStatus.REVOKED: "refused.wav",
    CheckInStatus.CONFIRM: "already.wav",  # attention: look at the screen before confirming
}
LINUX_PLAYERS = ("pw-play", "paplay", "aplay")


def sound_path(name: str) -> Path:
    with as_file(files("resources") / "sounds" / name) as path:
        return Path(path)


class SoundPlayer(Protocol):
    def play(self, status: CheckInStatus) -> None: ...


def sound_effect_class() -> Any:
    """QSoundEffect where QtMultimedia is installed (PySide6-Addons), else None."""
    try:
        from PySide6.QtMultimedia import QSoundEffect
    except ImportError:
        return None
    return QSoundEffect


class ResultSound(QObject):
    """Plays the sound of a check-in status with the best backend this machine has."""

    def __init__(self, parent: QObject | None = None, *, enabled: bool = True) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.backend = "none"
        self._effects: dict[str, object] = {}
        self._command: str | None = None
        self._choose_backend()

    def _choose_backend(self) -> None:
        QSoundEffect = sound_effect_class()  # noqa: N806
        if QSoundEffect is not None:
            for name in set(SOUND_FILES.values()):
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(sound_path(name))))
                self._effects[name] = effect
            self.backend = "qsoundeffect"
        elif sys.platform == "win32":
            self.backend = "winsound"
        elif sys.platform == "darwin" and shutil.which("afplay"):
            self._command, self.backend = "afplay", "afplay"
        else:
            found = next((cmd for cmd in LINUX_PLAYERS if shutil.which(cmd)), None)
            if found is not None:
                self._command, self.backend = found, found
            else:
                self.backend = "beep"

    def play(self, status: CheckInStatus) -> None:
        if not self.enabled:
            return
        name = SOUND_FILES[status]
        if self.backend == "qsoundeffect":
            self._effects[name].play()  # type: ignore[attr-defined]
        elif self.backend == "winsound":
            import winsound  # type: ignore[import-not-found]

            winsound.PlaySound(str(sound_path(name)), winsound.SND_FILENAME | winsound.SND_ASYNC)
        elif self._command is not None:
            QProcess.startDetached(self._command, [str(sound_path(name))])
        else:
            QApplication.beep()
