// The phone's offer of a chime when a countdown ends. Browsers only play sound after a tap, so
// the phone asks; but it asks only where a chime would ring (a step with a countdown or pacer),
// only once, and it remembers the answer on this phone.

import { enableSound } from "./sound.js";

const CHOICE = "attune.sound"; // "on" or "off", kept on this phone for every session

export class SoundOffer {
  /** `box` holds the offer with its #sound-on and #sound-no buttons; `code` is the session's. */
  constructor(box, code) {
    this.box = box;
    // Which step the offer was first shown on, for this session in this tab: it is not made
    // again on a later step if it was left unanswered.
    this.offeredKey = `attune.sound-offered.${code}`;
    box.querySelector("#sound-on").addEventListener("click", () => this.choose("on"));
    box.querySelector("#sound-no").addEventListener("click", () => this.choose("off"));
    if (this.choice() === "on") this.unlockOnFirstTap();
  }

  choice() {
    return localStorage.getItem(CHOICE);
  }

  /** Show or hide the offer for the room's current step. */
  update(step, ended) {
    const offeredOn = sessionStorage.getItem(this.offeredKey);
    let show = !ended && !this.choice() && Boolean(step.timer);
    if (show && offeredOn && offeredOn !== step.id) show = false;
    if (show && !offeredOn) sessionStorage.setItem(this.offeredKey, step.id);
    this.box.hidden = !show;
  }

  async choose(choice) {
    localStorage.setItem(CHOICE, choice);
    this.box.hidden = true;
    if (choice === "on") this.markOn(await enableSound());
  }

  markOn(on) {
    document.body.dataset.sound = on ? "on" : "off";
  }

  /** Sound was chosen on an earlier visit: the first tap anywhere turns it on again. */
  unlockOnFirstTap() {
    const unlock = async () => {
      document.removeEventListener("click", unlock, true);
      document.removeEventListener("keydown", unlock, true);
      this.markOn(await enableSound());
    };
    document.addEventListener("click", unlock, true);
    document.addEventListener("keydown", unlock, true);
  }
}
