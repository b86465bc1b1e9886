"""The desk's result sounds: shipped WAVs, and a backend on machines without QtMultimedia."""

from __future__ import annotations

import wave

import pytest

from expo.services.checkin import CheckInStatus
from ui.desk import sound as sound_module
from ui.desk.sound import SOUND_FILES, ResultSound, sound_path


@pytest.mark.parametrize("name", sorted(set(SOUND_FILES.values())))
def test_the_shipped_sounds_are_short_mono_pcm(name: str) -> None:
    with wave.open(str(sound_path(name))) as handle:
        assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
        seconds = handle.getnframes() / handle.getframerate()
        assert 0.1 < seconds < 0.5  # heard, and over before the next scan
        frames = handle.readframes(handle.getnframes())
    assert max(frames[1::2]) > 20  # not silence


def test_without_qtmultimedia_or_a_player_the_desk_beeps(qapp, monkeypatch) -> None:
    monkeypatch.setattr(sound_module.shutil, "which", lambda _name: None)
    monkeypatch.setattr(sound_module.sys, "platform", "linux")
    monkeypatch.setattr(sound_module, "sound_effect_class", lambda: None)  # no QtMultimedia
    beeps: list[bool] = []
    monkeypatch.setattr(sound_module.QApplication, "beep", lambda: beeps.append(True))
    player = ResultSound()
    assert player.backend == "beep"
    player.play(CheckInStatus.OK)
    assert beeps == [True]


def test_a_command_line_player_gets_the_status_sound(qapp, monkeypatch) -> None:
    monkeypatch.setattr(sound_module.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(sound_module.sys, "platform", "linux")
    monkeypatch.setattr(sound_module, "sound_effect_class", lambda: None)  # no QtMultimedia
    started: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        sound_module.QProcess, "startDetached", lambda cmd, args: started.append((cmd, args))
    )
    player = ResultSound()
    player.play(CheckInStatus.ALREADY)
    player.enabled = False
    player.play(CheckInStatus.OK)
    assert started == [("pw-play", [str(sound_path("already.wav"))])]
