"""The course's own controls: a labelled slider and the Stepper, which plays pictures.

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

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import NamedTuple

import anywidget
import traitlets

from onebyone import _validate as v

HERE = Path(__file__).resolve().parent


class _Control(anywidget.AnyWidget):
    """The course's controls: their front end (``controls.js``, which draws each by its
    ``kind``) and their styles."""

    _esm = HERE / "controls.js"
    _css = HERE / "controls.css"


class Slider(_Control):
    """What the three sliders share: the label, the readout, and naming to the kernel the
    values a key would move to next, so that their pictures are drawn ahead."""

    kind = traitlets.Unicode("slider").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    continuous_update = traitlets.Bool(False).tag(sync=True)
    """send every position while the handle moves, not only where it stops"""
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """a selection slider's options as shown; empty for a slider of numbers"""
    decimals = traitlets.Int(0).tag(sync=True)
    """decimals of the readout"""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.prepare: Callable[[object], None] | None = None
        """what to do ahead for a value the browser may send next (draw its picture)"""
        self.on_msg(self._ahead)

    def _ahead(self, _: object, content: dict, buffers: list) -> None:
        """The browser names a position it may move to next (``{"ahead": p}``: a value,
        or a selection slider's index): ``prepare`` its value, then say so, and the
        browser names the next (its neighbours, then its ends)."""
        position = content.get("ahead")
        value = self._value_at(position)
        if value is not None and self.prepare is not None:
            self.prepare(value)
        self.send({"ready": position})

    def again(self) -> None:
        """What was prepared no longer holds (another control moved): the browser names
        its positions ahead again."""
        self.send({"again": True})


class _NumberSlider(Slider):
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

    def _value_at(self, position: object) -> float | None:
        """A value ahead from the browser, snapped to the slider's steps, or None
        outside the range."""
        if not isinstance(position, (int, float)) or not self.min <= position <= self.max:
            return None
        return type(self.value)(round(position, 9))

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


class SelectionSlider(Slider):
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

    def _value_at(self, position: object) -> object:
        if not isinstance(position, int) or not 0 <= position < len(self.options):
            return None
        return self.options[position]

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


class Frame(NamedTuple):
    """What a :class:`Stepper` shows at one position."""

    png: bytes
    """the picture, PNG"""
    alt: str
    """its text alternative"""
    html: str
    """the line of text above it (HTML)"""


FrameSource = Callable[[int], Frame] | Sequence[Frame]
"""A stepper's pictures: a function of the position, or one per position."""


def kept(pictures: OrderedDict, key: Hashable, draw: Callable[[], Frame], size: int) -> Frame:
    """The picture for ``key`` in ``pictures``, drawn by ``draw()`` the first time it is
    asked for; ``pictures`` keeps the latest ``size`` used (a stepper's positions, an
    explorer's settings)."""
    if key not in pictures:
        pictures[key] = draw()
        if len(pictures) > size:
            pictures.popitem(last=False)
    pictures.move_to_end(key)
    return pictures[key]


class Stepper(_Control):
    """A position from 0 to ``count`` to play, pause and step through, with the picture
    for each position: Play (its button named by what it does next, "play" or "pause"),
    a labelled speed (slow, medium, fast: 2, 5 and 25 steps a second), ◀ back, next ▶,
    a labelled slider, and below them the line of text and the picture.

    The browser keeps the position and shows the pictures; the kernel draws each picture
    once, when the browser asks for it (:meth:`serve` says how). The browser asks ahead,
    a few pictures at a time: the positions either side, then those Play will reach, so a
    step or a frame of Play shows a picture already there. Play waits for a picture not
    there yet, so it never skips one. The kernel still knows the position (``value``), and
    a ``value`` set from Python moves it in the browser.

    Every control is keyboard operable: Tab to a button and press Enter or Space, to the
    speed and choose with the arrow keys, to the slider and press the arrow keys, Page
    Up/Down, Home or End. Where the system asks for reduced motion, the speed starts at
    slow.

    Parameters
    ----------
    description : str
        The slider's label, which names the stepper, e.g. ``"pixels done"``.
    count : int
        The largest position (the number of steps).
    value : int
        Where it starts.
    play_step : int
        How far Play moves per frame (the buttons and the arrow keys move by 1), e.g. a
        row of pixels.
    interval : int
        Milliseconds between Play's frames at first: the speed nearest to it is chosen
        (the learner may choose another).
    frames : callable or sequence of Frame, optional
        The pictures; see :meth:`serve`.
    """

    kind = traitlets.Unicode("stepper").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(1).tag(sync=True)
    play_step = traitlets.Int(1).tag(sync=True)
    interval = traitlets.Int(200).tag(sync=True)
    key = traitlets.Int(0).tag(sync=True)
    """which pictures the browser shows: a new key makes it forget those it has"""
    min = 0
    """the first position (a plain attribute, as ``step``: code written for a slider's
    ``min``, ``max`` and ``step`` reads a stepper too)"""
    step = 1
    """how far ◀ back, next ▶ and the arrow keys move"""

    FRAMES_PER_MESSAGE = 2
    """pictures drawn per request: few, so that a step the browser asks for next does
    not wait long behind pictures asked for ahead"""
    FRAMES_KEPT = 256
    """pictures the kernel keeps, the latest used (another view asks for them again)"""

    def __init__(self, description: str, count: int, value: int = 0, *, play_step: int = 1,
                 interval: int = 200, frames: FrameSource | None = None) -> None:
        count, value = v.integer("count", count), v.integer("value", value, minimum=0)
        if value > count:
            raise ValueError(f"{description!r}: value must be from 0 to count={count}, "
                             f"got {value}")
        super().__init__(description=description, max=count, value=value,
                         play_step=v.integer("play_step", play_step),
                         interval=v.integer("interval", interval))
        self._given: FrameSource | None = None
        self._source: Callable[[int], Frame] | None = None
        self._kept: OrderedDict[int, Frame] = OrderedDict()
        self.on_msg(self._answer)
        if frames is not None:
            self.serve(frames)

    @traitlets.validate("value")
    def _inside(self, proposal: dict) -> int:
        if not 0 <= proposal["value"] <= self.max:
            raise traitlets.TraitError(f"{self.description!r}: the value must be from 0 to "
                                       f"{self.max}, got {proposal['value']}")
        return proposal["value"]

    def set_count(self, count: int) -> None:
        """Let the value run to ``count``; a value beyond it moves back to ``count``.
        Pictures given as a sequence no longer fit: :meth:`serve` new ones."""
        count = v.integer("count", count)
        if count < self.value:
            self.value = count
        self.max = count
        if isinstance(self._given, Sequence) and len(self._given) != count + 1:
            self._source = None

    def serve(self, frames: FrameSource) -> None:
        """Show ``frames``: a function that draws the picture for a position, or a
        sequence of ``count + 1`` pictures, one per position. The browser forgets the
        pictures it has and asks for these."""
        self._given = frames
        if callable(frames):
            self._source = frames
        elif isinstance(frames, Sequence) and not isinstance(frames, (str, bytes)):
            if len(frames) != self.max + 1:
                raise ValueError(f"{self.description!r}: frames must have one picture per "
                                 f"position, 0 to {self.max}: {self.max + 1}, got "
                                 f"{len(frames)}")
            self._source = frames.__getitem__
        else:
            raise TypeError(f"{self.description!r}: frames must be a function of the "
                            f"position or a sequence of Frame, got {v.describe(frames)}")
        self._kept.clear()
        self.key += 1

    def frame(self, position: int) -> Frame:
        """The picture at ``position``, drawn once and kept."""
        position = v.integer("position", position, minimum=0)
        if position > self.max:
            raise ValueError(f"{self.description!r}: the position must be from 0 to "
                             f"{self.max}, got {position}")
        if self._source is None:
            raise RuntimeError(f"{self.description!r}: no pictures for positions 0 to "
                               f"{self.max}; give them with serve()")
        return kept(self._kept, position, functools.partial(self._drawn, position),
                    self.FRAMES_KEPT)

    def _drawn(self, position: int) -> Frame:
        frame = self._source(position)
        if not isinstance(frame, Frame):
            raise TypeError(f"{self.description!r}: the picture at {position} must be "
                            f"a Frame, got {v.describe(frame)}")
        return frame

    def _answer(self, _: object, content: dict, buffers: list) -> None:
        """The browser asks for pictures: ``{"ask": id, "key": key, "want": positions}``.
        The answer carries them, PNG bytes as binary buffers. Pictures for an old key,
        or positions beyond the end (asked before the count shrank), are not drawn."""
        want = content.get("want", [])
        if content.get("key") != self.key or self._source is None:
            want = []
        want = [p for p in want if isinstance(p, int) and 0 <= p <= self.max]
        frames = [(p, self.frame(p)) for p in want[:self.FRAMES_PER_MESSAGE]]
        self.send({"ask": content.get("ask"), "key": content.get("key"),
                   "frames": [{"position": p, "alt": f.alt, "html": f.html}
                              for p, f in frames]},
                  buffers=[f.png for _, f in frames])
