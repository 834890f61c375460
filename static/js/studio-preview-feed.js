// The studio's preview: the phone and projector pages run as they do in a room, but their view
// of the step comes from the editor that frames them (postMessage), not from a connection.
//
// `previewFeed` has the shape of connection.js's `connect`, so the pages call it in its place
// when they are opened as a preview and nothing else of theirs changes. Answers, consent
// choices and "done" taps are accepted on the spot and go nowhere: a preview has no room.

const MESSAGE = "attune-preview";

/** Acknowledgements as the kiosk would give them for an accepted message. */
function acceptedHere(event, payload) {
  if (event === "respond") return { ok: true, prompt_id: payload.prompt_id, value: payload.value };
  return { ok: true };
}

/**
 * Feed a page the views the editor posts. `onState(view)` gets each one; the clock is this
 * browser's (the editor makes its timers from the same one).
 */
export function previewFeed(namespace, auth, { onState }) {
  const handlers = {};
  const socket = {
    connected: true,
    on(name, handler) {
      (handlers[name] ||= []).push(handler);
    },
    emit() {},
  };
  const clock = { now: () => Date.now(), synced: true };
  const call = async (event, payload) => acceptedHere(event, payload);
  window.addEventListener("message", (event) => {
    // Only the editor that framed this page, on the kiosk's own origin, may feed it.
    if (event.origin !== window.location.origin || event.source !== window.parent) return;
    const data = event.data;
    if (!data || data.type !== MESSAGE || !data.view) return;
    onState(data.view);
    document.body.dataset.previewStep = data.view.step.id;
  });
  document.body.dataset.connected = "true";
  window.parent.postMessage({ type: `${MESSAGE}-ready`, page: namespace }, window.location.origin);
  setTimeout(() => (handlers.connect || []).forEach((handler) => handler()), 0);
  return { socket, clock, call };
}
