// Tiny DOM helpers. Text always goes in through textContent: nothing is parsed as markup.

/** Create an element: el("p", { className: "x", text: "hello" }, child1, child2). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element: svg("rect", { x: 0, width: 10 }, "text inside"); every attribute as text. */
export function svg(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** Call `draw()` on every animation frame from the next one on, for as long as the page lives. */
export function eachFrame(draw) {
  const frame = () => {
    draw();
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** The first element matching a selector. */
export const $ = (selector, root = document) => root.querySelector(selector);

/** Set text only when it changed (keeps screen readers and layout quiet). */
export function setText(node, text) {
  const value = text ?? "";
  if (node.textContent !== value) node.textContent = value;
}

/** A random URL-safe string of `length` characters from the browser's CSPRNG. */
export function randomId(length = 22) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % 64]).join("");
}

/**
 * A translated message whose `{name}` placeholders are elements (a workshop's title in its own
 * language, a count styled big): the message's text as text nodes, each placeholder replaced
 * by its element from `slots`, in the order the translation puts them. Returns the nodes, for
 * `replaceChildren(...)`. Placeholders without a slot stay as written.
 */
export function textWith(message, slots) {
  const nodes = [];
  let last = 0;
  for (const match of message.matchAll(/\{(\w+)\}/g)) {
    if (!Object.hasOwn(slots, match[1])) continue;
    if (match.index > last) nodes.push(document.createTextNode(message.slice(last, match.index)));
    nodes.push(slots[match[1]]);
    last = match.index + match[0].length;
  }
  if (last < message.length) nodes.push(document.createTextNode(message.slice(last)));
  return nodes;
}
