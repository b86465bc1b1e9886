"""Writes the desk's result sounds (run once; the WAV files are committed beside this script).

    python resources/sounds/make_sounds.py

Short, distinct and not shrill in a noisy hall: a rising two-tone chime for "checked in", a
double mid beep for "already", a low buzz for a refused scan. 16-bit mono PCM at 22,050 Hz,
with 5 ms fades so the tones do not click.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
FOLDER = Path(__file__).resolve().parent

# (frequency Hz or 0 for silence, duration s) per sound
SOUNDS: dict[str, list[tuple[float, float]]] = {
    "ok.wav": [(880.0, 0.09), (1318.5, 0.16)],
    "already.wav": [(659.3, 0.11), (0.0, 0.06), (659.3, 0.11)],
    "refused.wav": [(196.0, 0.32)],
}


def tone(frequency: float, seconds: float, volume: float = 0.45) -> list[int]:
    count = int(RATE * seconds)
    fade = int(RATE * 0.005)
    samples = []
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade) if fade else 1.0
        value = 0.0
        if frequency:
            phase = 2 * math.pi * frequency * i / RATE
            # A touch of the octave makes the low buzz audible on small speakers.
            value = math.sin(phase) + (0.35 * math.sin(2 * phase) if frequency < 300 else 0.0)
        samples.append(int(max(-1.0, min(1.0, value * volume * envelope)) * 32767))
    return samples


def write(name: str, parts: list[tuple[float, float]]) -> Path:
    samples: list[int] = []
    for frequency, seconds in parts:
        samples += tone(frequency, seconds)
    path = FOLDER / name
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


if __name__ == "__main__":
    for sound_name, sound_parts in SOUNDS.items():
        print(write(sound_name, sound_parts))
