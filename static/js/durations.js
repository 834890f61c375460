// How every page writes a length of time: m:ss, minutes not capped at 60 ("0:09", "1:05",
// "12:00", "75:00"). One rule for each of the two uses:
//
// - a countdown shows the seconds left rounded UP (`countdownText`): it reads 0:01 until the
//   very end and reaches 0:00 exactly when the time is up, never a second early;
// - a duration that is reported (planned, taken, running so far) is rounded to the NEAREST
//   second, halves up (`durationText`): 1,499 ms is "0:01", 1,500 ms is "0:02".
//
// The facilitator home is drawn by the server: its macro in templates/durations.html writes
// durations by the same rule, and tests/unit/test_durations.py runs both on the same values.

/** m:ss of a whole, non-negative number of seconds. */
function minutesSeconds(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A countdown's time left: whole seconds rounded up, so 0:00 comes exactly at the end. */
export function countdownText(ms) {
  return minutesSeconds(Math.max(0, Math.ceil(ms / 1000)));
}

/** A reported duration, to the nearest second (halves up); "—" when there is none. */
export function durationText(ms) {
  if (ms === null || ms === undefined) return "—";
  return minutesSeconds(Math.max(0, Math.floor((ms + 500) / 1000)));
}
