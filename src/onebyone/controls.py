"""The course's own controls: a labelled slider and the Stepper.

ipywidgets' slider gives its handle no name, so a screen reader says "slider, 3" and not
"filters n_F, 3". :class:`IntSlider`, :class:`FloatSlider` and :class:`SelectionSlider`
are anywidget widgets whose front end (``controls.js`` beside this file) is a native
``<input type="range">`` named by its ``<label>``, with its readout in an ``<output>``:
the keyboard works as the browser's own range input does (arrows, Page Up/Down,
Home/End), and a selection slider announces its option, not its index. In Python they
behave as ipywidgets' sliders do (``value``, ``min``, ``max``, ``step``, ``description``,
``observe``), except that a value outside the range is an error instead of being
silently moved inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from onebyone import _validate as v

HERE = Path(__file__).resolve().parent


class _Slider(anywidget.AnyWidget):
    """What the three sliders share: the front end, the label, the readout."""

    _esm = HERE / "controls.js"
    _css = HERE / "controls.css"
    description = traitlets.Unicode("").tag(sync=True)
    continuous_update = traitlets.Bool(False).tag(sync=True)
    """send every position while the handle moves, not only where it stops"""
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """a selection slider's options as shown; empty for a slider of numbers"""
    decimals = traitlets.Int(0).tag(sync=True)
    """decimals of the readout"""


class _NumberSlider(_Slider):
    def __init__(self, description: str, value: float, min: float, max: float,
                 step: float = 1, *, continuous_update: bool = False) -> None:
        if not min <= max:
            raise ValueError(f"{description!r}: min must be at most max, got min={min}, "
                             f"max={max}")
        if not step > 0:
            raise ValueError(f"{description!r}: step must be positive, got {step}")
        super().__init__(min=min, max=max, step=step, value=value, description=description,
                         continuous_update=continuous_update)
        self.observe(self._moved_inside, names=["min", "max"])

    @traitlets.validate("value")
    def _inside(self, proposal: dict) -> float:
        value = proposal["value"]
        if not self.min <= value <= self.max:
            raise traitlets.TraitError(
                f"{self.description!r}: the value must be from {self.min} to {self.max}, "
                f"got {value}")
        return value

    def _moved_inside(self, change: dict) -> None:
        """A new min or max keeps the value: moved to the nearest end if outside."""
        self.value = min(max(self.value, self.min), self.max)


class IntSlider(_NumberSlider):
    """A labelled slider of integers, ``min`` to ``max`` by ``step``."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)


class FloatSlider(_NumberSlider):
    """A labelled slider of real numbers; the readout shows the decimals of ``step``."""

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)

    def __init__(self, description: str, value: float, min: float, max: float,
                 step: float = 0.1, *, continuous_update: bool = False) -> None:
        super().__init__(description, value, min, max, step,
                         continuous_update=continuous_update)
        self.decimals = len(f"{self.step:g}".partition(".")[2])


class SelectionSlider(_Slider):
    """A labelled slider over ``options``: the browser moves ``index`` and announces the
    option's label; ``value`` is the option itself."""

    index = traitlets.Int(0).tag(sync=True)
    value = traitlets.Any()

    def __init__(self, description: str, options: Sequence[object], value: object, *,
                 continuous_update: bool = False) -> None:
        self.options = tuple(options)
        if not self.options:
            raise ValueError(f"{description!r}: options must not be empty")
        if value not in self.options:
            raise ValueError(f"{description!r}: value must be one of the options "
                             f"{list(self.options)}, got {value!r}")
        super().__init__(labels=[str(o) for o in self.options], description=description,
                         continuous_update=continuous_update,
                         index=self.options.index(value), value=value)

    @traitlets.validate("index")
    def _an_option(self, proposal: dict) -> int:
        index = proposal["value"]
        if not 0 <= index < len(self.options):
            raise traitlets.TraitError(f"{self.description!r}: the index must be from 0 to "
                                       f"{len(self.options) - 1}, got {index}")
        return index

    @traitlets.validate("value")
    def _one_of_the_options(self, proposal: dict) -> object:
        if proposal["value"] not in self.options:
            raise traitlets.TraitError(f"{self.description!r}: the value must be one of "
                                       f"the options {list(self.options)}, "
                                       f"got {proposal['value']!r}")
        return proposal["value"]

    @traitlets.observe("index")
    def _index_to_value(self, change: dict) -> None:
        self.value = self.options[change["new"]]

    @traitlets.observe("value")
    def _value_to_index(self, change: dict) -> None:
        self.index = self.options.index(change["new"])


class Play(anywidget.AnyWidget):
    """Play and pause, with a speed to choose: a button named by what it does next
    ("play" or "pause") and a labelled choice of speed (slow, medium, fast: 2, 5 and 10
    steps a second). Playing moves ``value`` by ``step`` per tick, in the browser, and
    stops at ``max``; played from the end, it starts again at ``min``. Where the system
    asks for reduced motion, the speed starts at slow."""

    _esm = HERE / "controls.js"
    _css = HERE / "controls.css"
    kind = traitlets.Unicode("play").tag(sync=True)
    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)
    interval = traitlets.Int(200).tag(sync=True)
    """milliseconds between steps: the speed shown first is the one nearest to it"""

    def __init__(self, value: int, max: int, step: int = 1,
                 interval: int = 200) -> None:
        super().__init__(value=v.integer("value", value, minimum=0), max=v.integer("max", max),
                         step=v.integer("step", step), interval=v.integer("interval", interval))


class Stepper(widgets.HBox):
    """A position to play, pause and step through: :class:`Play` (with its speed), back
    and next buttons and a slider, all showing one ``value`` from 0 to ``count``.

    Play and the slider are linked in the browser (``jslink``), so playing moves the
    slider without a round trip through the kernel; the kernel sees the slider's value,
    and the buttons move it. Every control is keyboard operable: Tab to a button and
    press Enter or Space, to the speed and choose with the arrow keys, or to the slider
    and press the arrow keys. A frame never queues
    behind stale ones: a widget's front end sends its state to the kernel only when the
    kernel has processed the previous message, and then its latest state, so playing or
    dragging faster than the kernel draws skips to the newest position.

    Parameters
    ----------
    description : str
        The slider's label, e.g. ``"pixels done"``.
    count : int
        The largest value (the number of steps); the value runs from 0 to ``count``.
    value : int
        Where it starts.
    play_step : int
        How far Play moves per frame (the buttons move by 1), e.g. a row of pixels.
    interval : int
        Milliseconds between Play's frames, at first (the learner chooses the speed).
    """

    value = traitlets.Int(0)

    def __init__(self, description: str, count: int, value: int = 0, *, play_step: int = 1,
                 interval: int = 200) -> None:  # 200 ms: 5 frames a second
        count, play_step = v.integer("count", count), v.integer("play_step", play_step)
        value = v.integer("value", value, minimum=0)
        if value > count:
            raise ValueError(f"value must be from 0 to count={count}, got {value}")
        self.play = Play(value, count, play_step, interval)
        self.slider = IntSlider(description, value, 0, count, continuous_update=True)
        self.back = widgets.Button(description="◀ back", tooltip="one step back",
                                   layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(description="next ▶", tooltip="one step on",
                                   layout=widgets.Layout(width="auto"))
        self.link = widgets.jslink((self.play, "value"), (self.slider, "value"))
        super().__init__([self.play, self.back, self.next, self.slider],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.add_class("onebyone-stepper")
        self.value = value
        traitlets.link((self.slider, "value"), (self, "value"))
        self.back.on_click(lambda _: self._move(-1))
        self.next.on_click(lambda _: self._move(+1))

    @property
    def description(self) -> str:
        """The slider's label, which names the whole stepper."""
        return self.slider.description

    @property
    def min(self) -> int:
        return self.slider.min

    @property
    def max(self) -> int:
        return self.slider.max

    @property
    def step(self) -> int:
        return self.slider.step

    def set_count(self, count: int) -> None:
        """Let the value run to ``count``; a value beyond it moves back to ``count``."""
        self.play.max = self.slider.max = v.integer("count", count)

    def _move(self, by: int) -> None:
        self.slider.value = min(max(self.slider.value + by, 0), self.slider.max)
