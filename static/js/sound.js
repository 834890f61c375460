// Soft tones and short vibrations. Mobile browsers only play sound after a tap, so the phone
// offers "Turn on sound" when it joins; without it, vibration still works where supported.

let context = null;

export function soundOn() {
  return context !== null && context.state === "running";
}

/** Unlock audio; must run inside a tap. */
export async function enableSound() {
  const Audio = window.AudioContext || window.webkitAudioContext;
  if (!Audio) return false;
  context = context || new Audio();
  if (context.state !== "running") await context.resume();
  tone(660, 0.25, 0.05);
  return soundOn();
}

/** One soft sine tone: frequency in Hz, length in seconds. */
export function tone(frequency, seconds = 0.8, volume = 0.12) {
  if (!soundOn()) return;
  const start = context.currentTime;
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.type = "sine";
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(volume, start + 0.04);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start(start);
  oscillator.stop(start + seconds + 0.05);
}

/** The end-of-countdown chime: two soft tones. */
export function chime() {
  tone(784, 1.2);
  setTimeout(() => tone(1047, 1.4, 0.09), 180);
}

export function vibrate(pattern) {
  if (navigator.vibrate) navigator.vibrate(pattern);
}

/** Distinct cues per breathing phase, for eyes-closed mode. */
export const PHASE_CUES = {
  inhale: { tone: 523, vibrate: [60] },
  hold: { tone: 659, vibrate: [30, 80, 30] },
  exhale: { tone: 392, vibrate: [200] },
  hold_after: { tone: 659, vibrate: [30, 80, 30] },
};

/** Keep the screen awake while something is running (where the browser allows it). */
export class WakeLock {
  constructor() {
    this.lock = null;
    this.wanted = false;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.wanted) this.acquire();
    });
  }

  async set(wanted) {
    this.wanted = wanted;
    if (wanted && !this.lock) await this.acquire();
    if (!wanted && this.lock) {
      const lock = this.lock;
      this.lock = null;
      await lock.release().catch(() => {});
    }
  }

  async acquire() {
    if (!("wakeLock" in navigator) || this.lock) return;
    try {
      this.lock = await navigator.wakeLock.request("screen");
      this.lock.addEventListener("release", () => {
        this.lock = null;
      });
    } catch {
      this.lock = null; // not allowed now (page hidden, battery saver): try again when visible
    }
  }
}
