// The front ends of onebyone.controls, for anywidget: the labelled slider and Play.
//
// The slider: a <label>, a native <input type="range"> and its readout in an <output>.
// The browser's own range input gives the keyboard (arrows, Page Up/Down, Home/End) and
// the accessibility tree (the label names the slider; aria-valuetext says the option or
// the value as the readout shows it).
//
// The stepper: Play (a button named by what it does next, "play" or "pause"), a labelled
// speed, back and next buttons and a labelled slider of positions; below them the line of
// text and the picture for the position. The browser keeps the position and the pictures:
// it asks the kernel for those it lacks, a few at a time (the one shown first, then its
// neighbours, then those Play will reach), and each arrives once, a PNG as a binary buffer.
// Where the system asks for reduced motion, Play starts at the slowest speed.

let made = 0;
const uid = (kind) => {
  made += 1;
  return `onebyone-${kind}-${made}-${Math.random().toString(36).slice(2, 8)}`;
};

// The keys pressed in `element` are its own, not JupyterLab's shortcuts. In command mode
// the notebook binds keys on any focused element in a cell: ArrowLeft/ArrowRight (to the
// heading above or below), ArrowUp/ArrowDown (to the cell above or below), Shift+Home/End,
// letters; a binding calls preventDefault, and a range input does not move (nor a select
// change its option). Lumino's handler of shortcuts listens on the document: in the
// bubbling phase in JupyterLab 4.6, where stopping the event here was enough, but in the
// capture phase where the application starts without `bubblingKeydown`, as JupyterLite
// 0.6's does, and there it takes the key before any element sees it. Either way it skips
// an element with `data-lm-suppress-shortcuts`: on the focused control itself, since it
// looks from the event's target up for the first element that either has the attribute or
// matches a binding's selector, and `... :focus` matches the target. The event is stopped
// as well, for the notebook's other listeners of keys.
function ownKeys(element) {
  element.setAttribute("data-lm-suppress-shortcuts", "true");
  element.addEventListener("keydown", (event) => event.stopPropagation());
}

// a native range input named by its label, its readout in an <output>
function labelledRange(box) {
  const id = uid("range");
  const label = document.createElement("label");
  const input = document.createElement("input");
  const output = document.createElement("output");
  input.type = "range";
  input.id = id;
  label.htmlFor = id;
  output.htmlFor.add(id);
  ownKeys(input); // the arrows, Page Up/Down, Home and End move the slider
  box.append(label, input, output);
  return { label, input, output };
}

function renderSlider({ model, el }) {
  el.classList.add("onebyone-slider");
  const { label, input, output } = labelledRange(el);

  // a selection slider moves an index over its options' labels; the others, a value
  const names = () => model.get("labels");
  const key = () => (names().length ? "index" : "value");
  const text = (position) => (names().length
    ? names()[position]
    : Number(position).toFixed(model.get("decimals")));

  function readout(position) {
    output.value = text(position);
    input.setAttribute("aria-valuetext", output.value);
  }

  function show() {
    label.textContent = model.get("description");
    el.classList.toggle("onebyone-selection", names().length > 0);
    if (names().length) {
      input.min = 0;
      input.max = names().length - 1;
      input.step = 1;
    } else {
      input.min = model.get("min");
      input.max = model.get("max");
      input.step = model.get("step");
    }
    input.value = model.get(key());
    readout(model.get(key()));
  }

  function send() {
    // once per new value: a drag sends on "input", and its "change" would send the same
    // value again, which could reach the kernel after a newer value set from Python
    if (model.get(key()) === Number(input.value)) return;
    model.set(key(), Number(input.value));
    model.save_changes();
  }

  input.addEventListener("input", () => {
    readout(Number(input.value));
    if (model.get("continuous_update")) send();
  });
  input.addEventListener("change", send); // a key press, or the mouse let go

  // While the slider has the focus, the positions a key would move it to next (a step
  // either way, Home and End) are named to the kernel, one at a time, so that it draws
  // their pictures ahead: a press then shows a picture already drawn. Another control's
  // move makes them to be drawn again. (Only the slider with the focus: a kernel drawing
  // for several would make a press wait behind their pictures.)
  const ready = new Set();
  let naming = null;
  let focused = false;
  function ahead() {
    if (naming !== null || !focused) return;
    const now = Number(model.get(key()));
    const step = names().length ? 1 : model.get("step");
    const [low, high] = names().length ? [0, names().length - 1]
      : [model.get("min"), model.get("max")];
    const next = [now + step, now - step, low, high]
      .find((p) => p >= low && p <= high && p !== now && !ready.has(String(p)));
    el.dataset.ahead = next === undefined ? "ready" : "drawing";
    if (next === undefined) return;
    naming = next;
    model.send({ ahead: next });
  }
  function answered(message) {
    if (message.again) ready.clear();
    if ("ready" in message && message.ready === naming) {
      ready.add(String(naming));
      naming = null;
    }
    ahead();
  }
  input.addEventListener("focus", () => {
    focused = true;
    ahead();
  });
  input.addEventListener("blur", () => {
    focused = false;
  });
  const moved = () => {
    show();
    setTimeout(ahead); // after the new value has gone: the kernel redraws for it first
  };
  model.on("change", moved);
  model.on("msg:custom", answered);
  show();
  return () => {
    model.off("change", moved);
    model.off("msg:custom", answered);
  };
}

const SPEEDS = [["slow", 2], ["medium", 5], ["fast", 25]]; // steps a second

function button(text, name) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  if (name) element.setAttribute("aria-label", name);
  return element;
}

function renderStepper({ model, el }) {
  el.classList.add("onebyone-stepper");
  const row = document.createElement("div");
  row.className = "onebyone-stepper-controls";
  const play = button("▶ play", "play");
  const speedLabel = document.createElement("label");
  const speed = document.createElement("select");
  speed.id = uid("speed");
  speedLabel.htmlFor = speed.id;
  speedLabel.textContent = "speed";
  for (const [name, rate] of SPEEDS) {
    speed.append(new Option(`${name} (${rate} a second)`, String(1000 / rate)));
  }
  const calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // the speed nearest the interval asked for, or the slowest where motion should be calm
  const wanted = calm ? 1000 / SPEEDS[0][1] : model.get("interval");
  const gaps = SPEEDS.map(([, rate]) => Math.abs(1000 / rate - wanted));
  speed.selectedIndex = gaps.indexOf(Math.min(...gaps));
  const back = button("◀ back");
  const next = button("next ▶");
  const position = document.createElement("span");
  position.className = "onebyone-position";
  const range = labelledRange(position);
  range.input.min = 0;
  range.input.step = 1;
  row.append(play, speedLabel, speed, back, next, position);
  // the keys are the stepper's: JupyterLab's notebook would take the arrows (on the
  // speed, a button or the slider) as its own shortcuts too
  for (const control of [play, speed, back, next]) ownKeys(control);
  const line = document.createElement("div");
  line.className = "onebyone-line";
  const picture = document.createElement("img");
  picture.className = "onebyone-frame";
  picture.alt = "";
  el.append(row, line, picture);

  const frames = new Map(); // position → { url, alt, html }, for the pictures of `key`
  let key = model.get("key");
  let asked = null; // this view's request in flight
  let showing = null; // the frame shown
  let received = 0;
  let bytes = 0;
  const at = () => model.get("value");
  const last = () => model.get("max");

  function forget() {
    for (const frame of frames.values()) URL.revokeObjectURL(frame.url);
    frames.clear();
  }

  // the positions to have, first first: this one, its neighbours, then Play's path from
  // here to the end, then from the start (where Play goes on from the end)
  function toHave() {
    const p = at();
    const step = model.get("play_step");
    const list = [p, p + 1, p - 1];
    for (let q = p + step; q < last() + step; q += step) list.push(Math.min(q, last()));
    for (let q = 0; q < p; q += step) list.push(q);
    return [...new Set(list)].filter((q) => q >= 0 && q <= last() && !frames.has(q));
  }

  function ask() {
    if (asked !== null) return;
    const want = toHave();
    el.dataset.ready = String(want.length === 0); // every picture Play will show is here
    if (!want.length) return;
    asked = uid("ask");
    model.send({ ask: asked, key, want });
  }

  function show() {
    const p = at();
    range.label.textContent = model.get("description");
    range.input.max = last();
    range.input.value = p;
    range.output.value = String(p);
    range.input.setAttribute("aria-valuetext", String(p));
    const frame = frames.get(p);
    if (frame && frame !== showing) {
      showing = frame;
      line.innerHTML = frame.html; // the kernel's own line of text (HTML)
      picture.alt = frame.alt;
      picture.src = frame.url;
      picture.dataset.position = String(p);
    }
    el.setAttribute("aria-busy", String(!frame)); // its picture still on its way
    ask();
  }

  function receive(message, buffers) {
    if (message.key === key) {
      message.frames.forEach((frame, k) => {
        if (frames.has(frame.position)) return;
        const url = URL.createObjectURL(new Blob([buffers[k]], { type: "image/png" }));
        frames.set(frame.position, { url, alt: frame.alt, html: frame.html });
        received += 1;
        bytes += buffers[k].byteLength;
      });
      el.dataset.framesReceived = String(received);
      el.dataset.bytesReceived = String(bytes);
    }
    if (message.ask === asked) asked = null;
    show();
  }

  function go(p) {
    const to = Math.min(Math.max(p, 0), last());
    if (to !== at()) {
      model.set("value", to);
      model.save_changes(); // the kernel knows the position
    }
    show();
  }

  let timer = null;
  const playing = () => timer !== null;
  function named() {
    play.textContent = playing() ? "❚❚ pause" : "▶ play";
    play.setAttribute("aria-label", playing() ? "pause" : "play");
    // a step's line of text is read out when stepping, not 25 times a second when playing
    line.setAttribute("aria-live", playing() ? "off" : "polite");
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    named();
  }
  function tick() {
    const to = Math.min(at() + model.get("play_step"), last());
    if (!frames.has(to)) return; // its picture is on its way: wait for it, skip none
    go(to);
    if (to >= last()) stop();
  }
  function start() {
    if (at() >= last()) go(0); // at the end: play from the start
    timer = setInterval(tick, Number(speed.value));
    named();
  }

  play.addEventListener("click", () => (playing() ? stop() : start()));
  speed.addEventListener("change", () => {
    if (playing()) {
      clearInterval(timer);
      timer = setInterval(tick, Number(speed.value));
    }
  });
  back.addEventListener("click", () => go(at() - 1));
  next.addEventListener("click", () => go(at() + 1));
  range.input.addEventListener("input", () => go(Number(range.input.value)));
  const newKey = () => {
    forget();
    key = model.get("key");
    asked = null;
    show();
  };
  // a new value's pictures are asked for after the value has gone to the kernel
  const moved = () => setTimeout(show);
  const listeners = [["msg:custom", receive], ["change:value", moved], ["change:max", show],
    ["change:description", show], ["change:key", newKey]];
  for (const [event, listener] of listeners) model.on(event, listener);
  named();
  show();
  return () => {
    clearInterval(timer);
    for (const [event, listener] of listeners) model.off(event, listener);
    forget();
  };
}

const RENDER = { slider: renderSlider, stepper: renderStepper };

function render(context) {
  return RENDER[context.model.get("kind")](context);
}

export default { render };
