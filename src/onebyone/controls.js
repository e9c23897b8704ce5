// The front ends of onebyone.controls, for anywidget: the labelled slider and Play.
//
// The slider: a <label>, a native <input type="range"> and its readout in an <output>.
// The browser's own range input gives the keyboard (arrows, Page Up/Down, Home/End) and
// the accessibility tree (the label names the slider; aria-valuetext says the option or
// the value as the readout shows it).
//
// Play: a button named by what it does next ("play" or "pause") and a speed to choose,
// labelled. Playing moves the value in the browser, a step per tick, and stops at the end.
// Where the system asks for reduced motion, it starts at the slowest speed.

let made = 0;

function renderSlider({ model, el }) {
  made += 1;
  const id = `onebyone-slider-${made}-${Math.random().toString(36).slice(2, 8)}`;
  const label = document.createElement("label");
  const input = document.createElement("input");
  const output = document.createElement("output");
  input.type = "range";
  input.id = id;
  label.htmlFor = id;
  output.htmlFor.add(id);
  el.classList.add("onebyone-slider");

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
  // the keys are the slider's: JupyterLab's notebook would otherwise take the arrows (and
  // Home/End) as its own shortcuts, and the range input would not move
  input.addEventListener("keydown", (event) => event.stopPropagation());
  model.on("change", show);
  show();
  el.append(label, input, output);
  return () => model.off("change", show);
}

const SPEEDS = [["slow", 2], ["medium", 5], ["fast", 10]]; // steps a second

function renderPlay({ model, el }) {
  made += 1;
  const id = `onebyone-speed-${made}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("onebyone-play");
  const button = document.createElement("button");
  button.type = "button";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = "speed";
  const speed = document.createElement("select");
  speed.id = id;
  for (const [name, rate] of SPEEDS) {
    speed.append(new Option(`${name} (${rate} a second)`, String(1000 / rate)));
  }
  const calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // the speed nearest the interval asked for, or the slowest where motion should be calm
  const wanted = calm ? 1000 / SPEEDS[0][1] : model.get("interval");
  const gaps = SPEEDS.map(([, rate]) => Math.abs(1000 / rate - wanted));
  speed.selectedIndex = gaps.indexOf(Math.min(...gaps));

  let timer = null;
  const playing = () => timer !== null;
  function show() {
    // the button's name says what pressing it does
    button.textContent = playing() ? "❚❚ pause" : "▶ play";
    button.setAttribute("aria-label", playing() ? "pause" : "play");
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    show();
  }
  function tick() {
    const next = Math.min(model.get("value") + model.get("step"), model.get("max"));
    model.set("value", next);
    model.save_changes();
    if (next >= model.get("max")) stop();
  }
  function start() {
    if (model.get("value") >= model.get("max")) {  // at the end: play from the start
      model.set("value", model.get("min"));
      model.save_changes();
    }
    timer = setInterval(tick, Number(speed.value));
    show();
  }
  button.addEventListener("click", () => (playing() ? stop() : start()));
  speed.addEventListener("change", () => {
    if (playing()) {
      clearInterval(timer);
      timer = setInterval(tick, Number(speed.value));
    }
  });
  show();
  el.append(button, label, speed);
  return () => clearInterval(timer);
}

function render(context) {
  return context.model.get("kind") === "play" ? renderPlay(context) : renderSlider(context);
}

export default { render };
