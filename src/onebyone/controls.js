// The course's labelled slider (onebyone.controls.Slider), an anywidget front end:
// a <label>, a native <input type="range"> and its readout in an <output>. The browser's
// own range input gives the keyboard (arrows, Page Up/Down, Home/End) and the
// accessibility tree (the label names the slider; aria-valuetext says the option or the
// value as the readout shows it).

let made = 0;

function render({ model, el }) {
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

export default { render };
