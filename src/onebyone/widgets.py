"""Interactive explorers and quizzes for the notebooks.

Each builder returns an :class:`Explorer`, an ipywidgets ``VBox`` of sliders, a line of
text and a plot. Its callback is thin: it reads the sliders, calls a pure function of
this module (tested without a browser), and draws the result with :mod:`onebyone.viz`.
"""

from __future__ import annotations

import base64
import functools
import html
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.figure import Figure

from onebyone import _validate as v
from onebyone import cost, data, ops, viz
from onebyone.controls import FloatSlider, Frame, IntSlider, SelectionSlider, Slider, Stepper
from onebyone.exercises import Feedback, Question, check_question, grade


class _Picture(widgets.Image):
    """An Image whose ``tooltip``, the picture's text alternative, reaches the browser as
    the ``<img>``'s title, which screen readers announce. ipywidgets' front end reads a
    widget's ``description`` before its tooltip, and Image has none: the front end's
    view fails on a tooltip without it. An empty one lets the title through."""

    description = traitlets.Unicode("").tag(sync=True)


class Explorer(widgets.VBox):
    """Controls, a line of text and a picture, redrawn whenever a control moves.

    An explorer whose controls include a :class:`~onebyone.controls.Stepper` shows its
    line of text and its picture in the stepper, which has each position's picture drawn
    once and plays them in the browser; a move of its other controls gives it new
    pictures. Any other explorer draws the picture for each new setting.

    Attributes
    ----------
    controls : dict of str to widget, the sliders (and a stepper) by name
    stepper : the Stepper among them, or None
    result : the latest value of ``compute(**control values)``
    text : str, ``describe(result)``
    figure : the Figure drawn from ``result`` (drawn when first asked for, on a stepper)
    png : bytes, the picture shown, PNG
    alt : str, its text alternative
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget],
                 compute: Callable[..., Any], draw: Callable[[Any], Figure],
                 describe: Callable[[Any], str]) -> None:
        self.controls = controls
        self._compute, self._draw, self._describe = compute, draw, describe
        steppers = [name for name, c in controls.items() if isinstance(c, Stepper)]
        if len(steppers) > 1:
            raise ValueError(f"an explorer has at most one stepper, got {steppers}")
        self._position = steppers[0] if steppers else None
        self.stepper: Stepper | None = controls[self._position] if steppers else None
        sliders = widgets.HBox([c for c in controls.values() if c is not self.stepper],
                               layout=widgets.Layout(flex_flow="row wrap"))
        if self.stepper is None:
            self.line = widgets.HTML()
            # an Image widget, not an Output: the PNG is rendered once, here, and a redraw
            # replaces it without clearing and re-capturing display output
            self.image = _Picture(format="png")
            shown = [sliders, self.line, self.image]
        else:
            shown = [sliders, self.stepper] if sliders.children else [self.stepper]
        # flex-start: show the picture at its own size instead of stretched to the width
        super().__init__(shown, layout=widgets.Layout(align_items="flex-start"))
        self._kept: OrderedDict[tuple, Frame] = OrderedDict()
        for name, control in controls.items():
            control.observe(self._moved if control is self.stepper else self._redraw,
                            names="value")
            if isinstance(control, Slider):
                control.prepare = functools.partial(self._prepare, name)
        self._redraw()

    FRAMES_KEPT = 128
    """pictures kept, the latest used: those drawn ahead, and those shown before"""

    def _settings(self, **changed: object) -> dict[str, object]:
        return {name: c.value for name, c in self.controls.items()} | changed

    def _frame_for(self, settings: dict[str, object]) -> Frame:
        """The picture for ``settings``, drawn once and kept."""
        key = tuple((name, round(value, 9) if isinstance(value, float) else value)
                    for name, value in settings.items())
        if key not in self._kept:
            result = self._compute(**settings)
            figure = self._draw(result)
            self._kept[key] = Frame(viz.to_png(figure), figure.alt, self._describe(result))
            if len(self._kept) > self.FRAMES_KEPT:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        return self._kept[key]

    def forget(self) -> None:
        """Drop the pictures kept, so that the next move draws its picture anew."""
        self._kept.clear()

    def _prepare(self, name: str, value: object) -> None:
        """Draw ahead the picture a move of the slider ``name`` to ``value`` would show."""
        self._frame_for(self._settings(**{name: value}))

    def _moved(self, change: object = None) -> None:
        """The stepper moved: the browser shows the picture; the kernel keeps the result."""
        self.result = self._compute(**self._settings())
        self.text = self._describe(self.result)
        self._figure = None

    def _redraw(self, change: dict | None = None) -> None:
        self._moved()
        for control in self.controls.values():  # what they drew ahead no longer holds
            if isinstance(control, Slider) and control is not (change or {}).get("owner"):
                control.again()
        if self.stepper is not None:  # the pictures of the new settings, drawn when asked
            self.stepper.serve(self.frame_at)
            return
        frame = self._frame_for(self._settings())
        self.line.value = frame.html
        # the picture and its text alternative (the <img>'s title, which screen readers
        # announce: an Image widget has no alt) in one message, so one redraw in the browser
        with self.image.hold_sync():
            self.image.value = frame.png
            self.image.tooltip = frame.alt

    def frame_at(self, position: int) -> Frame:
        """The stepper's picture at ``position``, the other controls as they are."""
        return self._frame_for(self._settings(**{self._position: position}))

    @property
    def figure(self) -> Figure:
        if self._figure is None:
            self._figure = self._draw(self.result)
        return self._figure

    @property
    def png(self) -> bytes:
        """The picture shown, PNG."""
        return self._picture()[0]

    @property
    def alt(self) -> str:
        """The picture's text alternative."""
        return self._picture()[1]

    def _picture(self) -> tuple[bytes, str]:
        if self.stepper is None:
            return bytes(self.image.value), self.image.tooltip
        frame = self.stepper.frame(self.stepper.value)
        return frame.png, frame.alt

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        """As every widget, plus a still in HTML for where widgets cannot run (a static
        page of the course): the first picture with its text alternative, the settings,
        the line of text, and how to run it live."""
        data = super()._repr_mimebundle_(**kwargs)
        settings = ", ".join(f"{html.escape(_label(c))} {html.escape(str(c.value))}"
                             for c in self.controls.values())
        png, alt = self._picture()
        source = base64.b64encode(png).decode("ascii")
        data["text/html"] = (
            f'<div class="onebyone-still"><p><b>A still of this explorer</b>, at its first '
            f"settings: {settings}.</p><div>{self.text}</div>"
            f'<img src="data:image/png;base64,{source}" alt="{html.escape(alt)}">'
            f"<p>{LIVE_NOTE}</p></div>")
        return data


LIVE_NOTE = ("It is live in JupyterLab, where its controls redraw it: run "
             "<code>python3 tools/course.py lab</code> from a clone of the course, or open it "
             "on Binder, then run the notebook.")
"""Said wherever an explorer or a quiz is shown as a still (a static page)."""


def _label(control: widgets.ValueWidget) -> str:
    return getattr(control, "description", "") or type(control).__name__


def _largest_setting(name: str, value: object, limit: int) -> int:
    """Check a builder's slider range: a positive integer, at most ``limit`` (so that
    no reachable setting is slow or huge)."""
    value = v.integer(name, value)
    if value > limit:
        raise ValueError(f"{name} must be at most {limit}, got {value}")
    return value


# -- the explorers' volumes and filters: drawn once at their largest, then sliced -----

def _read_only(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.flags.writeable = False


@functools.cache
def _seeded_volume(n_H: int, n_W: int, n_C: int) -> np.ndarray:
    """``data.random_volume(n_H, n_W, n_C, seed=0)``, drawn once (read-only: it is shared)."""
    x = data.random_volume(n_H, n_W, n_C, seed=0)
    _read_only(x)
    return x


@functools.cache
def _seeded_filters(n_C: int, n_F: int) -> np.ndarray:
    """``data.random_filters(n_C, n_F, seed=1)``, drawn once (read-only: it is shared)."""
    w = data.random_filters(n_C, n_F, seed=1)
    _read_only(w)
    return w


def _seeded(n_H: int, n_W: int, n_C: int, n_F: int) -> tuple[np.ndarray, np.ndarray]:
    return _seeded_volume(n_H, n_W, n_C), _seeded_filters(n_C, n_F)


def _given(x: object, w: object) -> tuple[np.ndarray, np.ndarray]:
    """A learner's volume ``x`` and bank ``w`` for an explorer to slice, checked and
    copied (a read-only snapshot: changing ``x`` afterwards leaves the explorer alone)."""
    x = v.real_array("x", x, ndim=(3,), layout="(n_H, n_W, n_C)").copy()
    w = v.real_array("w", w, ndim=(2,), layout="(n_C, n_F), one filter per column").copy()
    if w.shape[0] != x.shape[2]:
        raise ValueError(f"w must have one row per channel of x ({x.shape[2]} rows), "
                         f"got shape {v.shape_str(w.shape)}")
    _read_only(x, w)
    return x, w


def _first(x: np.ndarray, w: np.ndarray, **sizes: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n_H`` rows, ``n_W`` columns and ``n_C`` channels of the volume ``x``,
    and the first ``n_C`` weights of the first ``n_F`` filters (columns) of the bank ``w``;
    a size not given keeps its axis whole.

    The explorers slice one volume and one bank, drawn at their largest, so that a slider
    changes only what it names: more filters leave filter 0 as it was, more channels
    keep the first channels and weights, another pixel leaves the volume and the filters
    alone.
    """
    largest = {"n_H": x.shape[0], "n_W": x.shape[1], "n_C": min(x.shape[2], w.shape[0]),
               "n_F": w.shape[1]}
    n = {name: _largest_setting(name, sizes[name], limit) if name in sizes else limit
         for name, limit in largest.items()}
    return x[:n["n_H"], :n["n_W"], :n["n_C"]], w[:n["n_C"], :n["n_F"]]


def _volume_and_bank(x: object, w: object, default: Callable[[], tuple[np.ndarray, np.ndarray]]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """What an explorer slices: the learner's ``x`` and ``w`` (both, checked), or, when
    neither is given, ``default()``."""
    if x is None and w is None:
        return default()
    if x is None or w is None:
        missing = "x" if x is None else "w"
        raise TypeError(f"{missing} must be given too: pass both the volume x and the bank "
                        f"of filters w, or neither (then the explorer draws its own)")
    return _given(x, w)


# -- 01: one channel ---------------------------------------------------------------

class SingleChannelResult(NamedTuple):
    image: np.ndarray
    w: float
    b: float
    output: np.ndarray


def single_channel_result(w: float, b: float,
                          image: np.ndarray = data.SEED_MATRIX) -> SingleChannelResult:
    """``image`` (2-D, one channel) convolved with a 1x1 filter of value ``w``, bias ``b``."""
    image = v.real_array("image", image, ndim=(2,), layout="(n_H, n_W)")
    w, b = v.real_number("w", w), v.real_number("b", b)
    out = ops.conv1x1(image[:, :, np.newaxis], np.array([[w]]), np.array([b]))
    return SingleChannelResult(image, w, b, out[:, :, 0])


def _draw_single_channel(r: SingleChannelResult) -> Figure:
    shape = (*r.image.shape, 1)
    return viz.volume_diagram(
        [shape, (1, 1, 1, 1), shape], ["∗", "="],
        captions=["image x", f"filter w = {r.w:g}\nbias b = {r.b:g}",
                  f"output {r.w:g}·x + {r.b:g}"],
        values=[r.image, np.array([[r.w]]), r.output])


def single_channel_explorer() -> Explorer:
    """Sliders for the filter value ``w`` and bias ``b`` on the lecture's 6x6 matrix."""
    return Explorer(
        {"w": FloatSlider("filter value w", 2.0, -3.0, 3.0, 0.5),
         "b": FloatSlider("bias b", 0.0, -10.0, 10.0, 0.5)},
        compute=single_channel_result,
        draw=_draw_single_channel,
        describe=lambda r: (f"first row: <code>{r.image[0].tolist()}</code> → "
                            f"<code>{np.round(r.output[0], 2).tolist()}</code>"),
    )


# -- 02: many channels -------------------------------------------------------------

class MultiChannelResult(NamedTuple):
    x: np.ndarray
    w: np.ndarray
    output: np.ndarray
    fiber: ops.FiberDot
    i: int
    j: int
    params: int
    multiplies: int


MULTI_CHANNEL_LARGEST = {"n_H": 6, "n_W": 6, "n_C": 256, "n_F": 256}
"""The sizes of the seeded volume and bank that :func:`multi_channel_result` slices."""


def _multi_channel(x: np.ndarray, w: np.ndarray, i: int, j: int,
                   **sizes: int) -> MultiChannelResult:
    x, w = _first(x, w, **sizes)
    (n_H, n_W, n_C), n_F = x.shape, w.shape[1]
    return MultiChannelResult(
        x=x, w=w, output=ops.relu(ops.conv1x1(x, w)),
        fiber=ops.fiber_dot(x, w[:, 0], i, j), i=i, j=j,
        params=cost.conv_params(1, n_C, n_F),
        multiplies=cost.conv_multiplies(n_H, n_W, 1, n_C, n_F),
    )


def multi_channel_result(n_C: int, n_F: int, i: int, j: int,
                         n_H: int = 6, n_W: int = 6) -> MultiChannelResult:
    """The first ``n_C`` channels of a seeded 6x6x256 volume through the first ``n_F``
    of 256 seeded 1x1 filters (their first ``n_C`` weights), and a ReLU.

    Also returns, at pixel ``(i, j)``, the fibre meeting filter 0, and the layer's
    parameter and multiplication counts. The volume and the filters are drawn once
    (:data:`MULTI_CHANNEL_LARGEST`) and sliced, so filter 0 does not depend on ``n_F``,
    and the first channels of the volume do not depend on ``n_C``. ``n_H`` and ``n_W``
    (at most 6) keep the top-left pixels.
    """
    return _multi_channel(*_seeded(**MULTI_CHANNEL_LARGEST), i, j,
                          n_C=n_C, n_F=n_F, n_H=n_H, n_W=n_W)


def _describe_multi_channel(r: MultiChannelResult) -> str:
    n_H, n_W, n_C = r.x.shape
    n_F = r.w.shape[1]
    return (f"<code>{n_H}×{n_W}×{n_C}</code> ∗ {n_F} filter{'s' if n_F > 1 else ''} of "
            f"<code>1×1×{n_C}</code> → output <code>{'×'.join(map(str, r.output.shape))}"
            f"</code> · parameters {n_C}·{n_F} + {n_F} = <b>{r.params:,}</b> · "
            f"multiplications {n_H}·{n_W}·{n_F}·{n_C} = <b>{r.multiplies:,}</b>")


def multi_channel_explorer(x: np.ndarray | None = None, w: np.ndarray | None = None, *,
                           max_channels: int = 64) -> Explorer:
    """Sliders for ``n_C``, ``n_F`` and the pixel ``(i, j)``: the first ``n_C`` channels
    of the volume ``x`` through the first ``n_F`` filters of the bank ``w``, and the
    fibre at ``(i, j)`` meeting filter 0.

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column) to explore, say a notebook's own:
        at the same settings the explorer shows the same numbers. By default those of
        :func:`multi_channel_result`.
    max_channels : int, at most 256
        Bounds the sliders ``n_C`` and ``n_F`` (and so do the sizes of ``x`` and ``w``).
    """
    max_channels = _largest_setting("max_channels", max_channels, 256)
    x, w = _volume_and_bank(x, w, lambda: _seeded(**MULTI_CHANNEL_LARGEST))
    (n_H, n_W, n_C), n_F = x.shape, w.shape[1]
    top_C, top_F = min(max_channels, n_C), min(max_channels, n_F)
    return Explorer(
        {"n_C": IntSlider("channels n_C", min(32, top_C), 1, top_C),
         "n_F": IntSlider("filters n_F", min(8, top_F), 1, top_F),
         "i": IntSlider("row i", min(3, n_H - 1), 0, n_H - 1),
         "j": IntSlider("column j", min(4, n_W - 1), 0, n_W - 1)},
        compute=lambda i, j, **sizes: _multi_channel(x, w, i, j, **sizes),
        draw=lambda r: viz.fiber(r.x, r.w[:, 0], r.i, r.j),
        describe=_describe_multi_channel,
    )


# -- a filter that slides: 01, 02 and 03 step by step ----------------------------------

class SlideStep(NamedTuple):
    """The state of a 1x1 convolution computed one step at a time (see :func:`slide_step`)."""

    x: np.ndarray
    """the input volume, ``(n_H, n_W, n_C)``"""
    w: np.ndarray
    """the ``(n_C, n_F)`` bank of 1x1 filters"""
    position: int
    """steps done"""
    steps: int
    """steps in all"""
    pixel: tuple[int, int] | None
    """where the filter sits: the pixel of the latest step (``None`` before the first)"""
    filter: int | None
    """the filter of the latest step when filters go one at a time, else ``None``"""
    z: np.ndarray
    """the latest step's dot products, before any ReLU: one per filter it used"""
    output: np.ndarray
    """``(n_H, n_W, n_F)``: the output so far (after the ReLU, if any), NaN where not
    computed yet"""
    relu: bool
    """whether a ReLU follows the dot products"""


def slide_step(x: np.ndarray, w: np.ndarray, position: int, *,
               one_filter_at_a_time: bool = False, relu: bool = True) -> SlideStep:
    """A 1x1 convolution after ``position`` steps of sliding its filters over ``x``.

    The filters visit the pixels row by row, left to right. With all filters at once (the
    default) each step computes one pixel's output fibre, ``n_F`` dot products, so there
    are ``n_H*n_W`` steps. With ``one_filter_at_a_time`` each step computes one dot
    product: filter 0 visits every pixel, then filter 1, ..., so there are
    ``n_F*n_H*n_W`` steps and the output gains one channel per filter.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W, n_C)``
    w : ndarray, shape ``(n_C, n_F)``, one filter per column
    position : int, from 0 (nothing computed) to the number of steps (all computed)
    one_filter_at_a_time : bool
    relu : bool
        Whether the output is ``relu(z)`` (02, 03) or ``z`` itself (01).

    Returns
    -------
    SlideStep
    """
    x = v.real_array("x", x, ndim=(3,), layout="(n_H, n_W, n_C)")
    w = v.real_array("w", w, ndim=(2,), layout="(n_C, n_F), one filter per column")
    if w.shape[0] != x.shape[2]:
        raise ValueError(f"w has {w.shape[0]} input channels (rows) but x has {x.shape[2]}")
    for name, flag in (("one_filter_at_a_time", one_filter_at_a_time), ("relu", relu)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {v.describe(flag)}")
    (n_H, n_W, _), n_F = x.shape, w.shape[1]
    pixels = n_H * n_W
    steps = pixels * n_F if one_filter_at_a_time else pixels
    position = v.integer("position", position, minimum=0)
    if position > steps:
        raise ValueError(f"position must be at most {steps} (the number of steps), "
                         f"got {position}")
    z_all = ops.conv1x1(x, w)
    done = np.full(z_all.shape, np.nan)
    pixel, filter_, z = None, None, np.empty(0)
    if position:
        if one_filter_at_a_time:
            filter_, last = divmod(position - 1, pixels)
            pixel = divmod(last, n_W)
            z = z_all[pixel[0], pixel[1], filter_:filter_ + 1]
            done[:, :, :filter_] = z_all[:, :, :filter_]
            flat = done[:, :, filter_].reshape(-1)  # a view: rows of pixels, left to right
            flat[:last + 1] = z_all[:, :, filter_].reshape(-1)[:last + 1]
        else:
            pixel = divmod(position - 1, n_W)
            z = z_all[pixel]
            done.reshape(pixels, n_F)[:position] = z_all.reshape(pixels, n_F)[:position]
    output = np.where(np.isnan(done), np.nan, np.maximum(done, 0)) if relu else done
    return SlideStep(x=x, w=w, position=position, steps=steps, pixel=pixel, filter=filter_,
                     z=z, output=output, relu=bool(relu))


def _draw_slide(r: SlideStep, *, face_numbers: bool = False) -> Figure:
    """The step as the lecture draws it: input ∗ filter(s) = output, the filter on its
    pixel, the output's front face filled so far (its latest channel, one filter at a
    time; else channel 0). ``face_numbers`` also writes ``x`` and ``w`` on their faces
    (a single channel)."""
    (n_H, n_W, n_C), n_F = r.x.shape, r.w.shape[1]
    if r.filter is None:  # all filters at once: the whole output, channel 0 in front
        channels, front = n_F, 0
        filters = f"{n_F} filter{'s' if n_F > 1 else ''}\n1×1×{n_C}"
        caption = f"output {n_H}×{n_W}×{n_F}" + ("\n(channel 0 in front)" if n_F > 1 else "")
    else:  # one filter at a time: the channels so far, the latest in front
        channels, front = r.filter + 1, r.filter
        filters = f"filter {r.filter} of {n_F}\n1×1×{n_C}"
        caption = f"output so far {n_H}×{n_W}×{channels}\n(of {n_H}×{n_W}×{n_F})"
    if face_numbers:
        filters = f"filter of value {_number(r.w[0, 0])}"
    return viz.volume_diagram(
        [r.x.shape, (1, 1, n_C, n_F), (n_H, n_W, channels)],
        ["∗", "ReLU\n→" if r.relu else "="],
        captions=["input x", filters, caption],
        values=[r.x[:, :, 0] if face_numbers else None,
                r.w[:, :1] if face_numbers else None, r.output[:, :, front]],
        pixel=r.pixel)


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.3f}"


def _describe_slide(r: SlideStep) -> str:
    n_C, n_F = r.w.shape
    progress = f"step {r.position} of {r.steps}"
    if r.pixel is None:
        return f"{progress}: press ▶ (or <i>next</i>) to slide the filter over the image"
    i, j = r.pixel
    if n_C == 1 and n_F == 1 and not r.relu:
        return (f"{progress} · pixel ({i}, {j}): {_number(r.w[0, 0])} × "
                f"{_number(r.x[i, j, 0])} = <b>{_number(r.z[0])}</b>")
    if r.filter is not None:
        z = float(r.z[0])
        return (f"{progress} · filter {r.filter} at pixel ({i}, {j}): "
                f"z = x[{i}, {j}, :] · w[:, {r.filter}], a sum over the {n_C} channels, "
                f"= {z:.3f} → ReLU → <b>{max(z, 0.0):.3f}</b>")
    kept = int((r.z > 0).sum())
    return (f"{progress} · pixel ({i}, {j}): the 1×1×{n_C} fibre meets each of the {n_F} "
            f"filters, {n_F} dot products; the ReLU keeps {kept} and sets "
            f"{n_F - kept} to 0 → the output's 1×1×{n_F} fibre at ({i}, {j})")


def single_channel_stepper() -> Explorer:
    """The lecture's 6x6 matrix and a 1x1 filter of value 2, one pixel per step: the
    filter's pixel highlighted in input and output, the product written out, the
    output filling with the doubled numbers."""
    image, filter_ = data.SEED_MATRIX[:, :, np.newaxis], np.array([[2]])
    steps = image.shape[0] * image.shape[1]
    return Explorer(
        {"position": Stepper("pixels done", steps, value=1)},
        compute=lambda position: slide_step(image, filter_, position, relu=False),
        draw=functools.partial(_draw_slide, face_numbers=True),
        describe=_describe_slide,
    )


def multi_channel_stepper(x: np.ndarray | None = None, w: np.ndarray | None = None, *,
                          n_F: int = 1) -> Explorer:
    """The first ``n_F`` filters of the bank ``w`` slide over the volume ``x`` one at a
    time, one pixel per step: the fibre under the filter, its dot product and ReLU,
    the number dropping into the output, whose depth grows one channel per filter. A
    slider chooses how many filters.

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column), say a notebook's own; by default
        those of :func:`multi_channel_result` (6x6x32 and 8 filters).
    n_F : int
        How many filters to start with.
    """
    x, w = _volume_and_bank(x, w, lambda: _first(*_seeded(**MULTI_CHANNEL_LARGEST),
                                                 n_C=32, n_F=8))
    n_F = _largest_setting("n_F", n_F, w.shape[1])
    pixels = x.shape[0] * x.shape[1]
    filters = IntSlider("filters n_F", n_F, 1, w.shape[1])
    position = Stepper("steps done", n_F * pixels, value=1)
    # before the explorer's own observer, so that it never sees a position past the end
    filters.observe(lambda change: position.set_count(change["new"] * pixels), names="value")
    return Explorer(
        {"n_F": filters, "position": position},
        compute=lambda n_F, position: slide_step(*_first(x, w, n_F=n_F), position,
                                                 one_filter_at_a_time=True),
        draw=_draw_slide,
        describe=_describe_slide,
    )


def shrinking_channels_stepper(x: np.ndarray | None = None,
                               w: np.ndarray | None = None) -> Explorer:
    """The bank ``w`` slides over the volume ``x``, all its filters at once: one pixel's
    output fibre per step (Play moves a row per frame, the buttons a pixel).

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column), say a notebook's own; by default
        the lecture's layer, 28x28x192 and 32 filters (those of
        :func:`shrinking_channels_result`).
    """
    x, w = _volume_and_bank(x, w, lambda: (data.feature_volume(192, seed=0),
                                           _shrinking_filters()[:192, :32]))
    n_H, n_W, _ = x.shape
    return Explorer(
        {"position": Stepper("pixels done", n_H * n_W, value=1, play_step=n_W)},
        compute=lambda position: slide_step(x, w, position),
        draw=_draw_slide,
        describe=_describe_slide,
    )


# -- quizzes -----------------------------------------------------------------------

def _feedback_html(feedback: Feedback) -> str:
    # the verdict is in words and symbols (✓ Correct, ✗ Not yet), in bold, in the theme's
    # own text colour: nothing is said by colour alone, and it reads on light and dark
    verdict, _, message = repr(feedback).partition(": ")
    return f"<b>{html.escape(verdict)}</b>: {html.escape(message)}"


class Quiz(widgets.VBox):
    """Multiple-choice questions with instant feedback; see :func:`quiz`.

    Attributes
    ----------
    questions : the questions
    choices : one RadioButtons per question
    feedback : one HTML per question, updated when its choice changes
    """

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions = [check_question(q, f"questions[{k}]") for k, q in enumerate(questions)]
        if not self.questions:
            raise ValueError("questions must hold at least one Question, got none")
        self.choices = [widgets.RadioButtons(options=list(q.options), index=None,
                                             layout=widgets.Layout(width="auto"))
                        for q in self.questions]
        self.feedback = [widgets.HTML("<i>Choose an answer.</i>") for _ in self.questions]
        boxes = []
        for k, (question, choice, feedback) in enumerate(
                zip(self.questions, self.choices, self.feedback, strict=True)):
            choice.observe(self._grader(k), names="index")
            prompt = widgets.HTML(f"<b>{k + 1}.</b> {html.escape(question.prompt)}")
            boxes.append(widgets.VBox([prompt, choice, feedback]))
        super().__init__(boxes)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        """As every widget, plus the questions and their options in HTML, without
        controls, for where widgets cannot run (a static page of the course)."""
        data = super()._repr_mimebundle_(**kwargs)
        items = "".join(
            f"<li><p>{html.escape(q.prompt)}</p><ol type=\"a\">"
            + "".join(f"<li>{html.escape(option)}</li>" for option in q.options)
            + "</ol></li>" for q in self.questions)
        data["text/html"] = (f'<div class="onebyone-still"><p><b>Quiz</b> (the answers are '
                             f"checked live, in JupyterLab)</p><ol>{items}</ol>"
                             f"<p>{LIVE_NOTE.replace('It is', 'The quiz is')}</p></div>")
        return data

    def _grader(self, k: int) -> Callable[[object], None]:
        def on_choice(change: object) -> None:
            self.feedback[k].value = _feedback_html(grade(self.questions[k],
                                                          self.choices[k].index))
        return on_choice


def quiz(questions: Sequence[Question]) -> Quiz:
    """A quiz: each question's options as radio buttons, graded as soon as one is chosen.

    Parameters
    ----------
    questions : sequence of :class:`onebyone.exercises.Question`
    """
    if isinstance(questions, Question) or not isinstance(questions, Sequence):
        raise TypeError(f"questions must be a list of Question, got {v.describe(questions)}")
    return Quiz(questions)


# -- 04: a 1x1 convolution as one matrix product --------------------------------------

class MatmulResult(NamedTuple):
    x: np.ndarray
    w: np.ndarray
    output: np.ndarray
    pixel: tuple[int, int]
    row: int


MATMUL_LARGEST = {"n_H": 6, "n_W": 6, "n_C": 8, "n_F": 8}
"""The sizes of the seeded volume and bank that :func:`matmul_result` slices: the
largest settings of :func:`matmul_explorer`."""


def matmul_result(n_H: int, n_W: int, n_C: int, n_F: int) -> MatmulResult:
    """The top-left ``(n_H, n_W)`` pixels and first ``n_C`` channels of a seeded 6x6x8
    volume through the first ``n_F`` of 8 seeded 1x1 filters (no ReLU).

    The volume and the filters are drawn once (:data:`MATMUL_LARGEST`) and sliced, so a
    size changes only what it names. Also picks the middle pixel ``(n_H // 2, n_W // 2)``
    and its row ``i*n_W + j`` in the ``(n_H*n_W, n_C)`` matrix, for the figure to follow.
    """
    x, w = _first(*_seeded(**MATMUL_LARGEST), n_H=n_H, n_W=n_W, n_C=n_C, n_F=n_F)
    n_H, n_W = x.shape[:2]
    i, j = n_H // 2, n_W // 2
    return MatmulResult(x=x, w=w, output=ops.conv1x1(x, w), pixel=(i, j), row=i * n_W + j)


def _describe_matmul(r: MatmulResult) -> str:
    n_H, n_W, n_C = r.x.shape
    n_F = r.w.shape[1]
    return (f"<code>x.reshape(-1, {n_C})</code>: {n_H}·{n_W} = {n_H * n_W} pixels × {n_C} "
            f"channels, <code>@ w</code> ({n_C}×{n_F}) → {n_H * n_W}×{n_F}, reshaped back to "
            f"<code>{'×'.join(map(str, r.output.shape))}</code> · pixel {r.pixel} is row "
            f"{r.row}")


def matmul_explorer() -> Explorer:
    """Sliders for the sizes ``n_H``, ``n_W``, ``n_C``, ``n_F`` of the reshape figure."""
    largest = MATMUL_LARGEST
    return Explorer(
        {"n_H": IntSlider("height n_H", 4, 1, largest["n_H"]),
         "n_W": IntSlider("width n_W", 4, 1, largest["n_W"]),
         "n_C": IntSlider("channels n_C", 3, 1, largest["n_C"]),
         "n_F": IntSlider("filters n_F", 2, 1, largest["n_F"])},
        compute=matmul_result,
        draw=lambda r: viz.conv1x1_as_matmul(r.x, r.w, pixel=r.pixel),
        describe=_describe_matmul,
    )


# -- 03: shrinking channels --------------------------------------------------------

class ShrinkingChannelsResult(NamedTuple):
    x: np.ndarray
    """the input volume, ``(size, size, n_C)``"""
    w: np.ndarray
    """the ``(n_C, n_F)`` bank of 1x1 filters"""
    output: np.ndarray
    """``relu(conv1x1(x, w))``, ``(size, size, n_F)``"""
    params: int
    multiplies: int


SHRINKING_CHANNELS_LARGEST = 384
"""The number of channels and of seeded filters that :func:`shrinking_channels_result`
draws its filters for, and the most :func:`shrinking_channels_explorer` allows."""


def _shrinking_channels(x: np.ndarray, w: np.ndarray, **sizes: int) -> ShrinkingChannelsResult:
    x, w = _first(x, w, **sizes)
    (n_H, n_W, n_C), n_F = x.shape, w.shape[1]
    return ShrinkingChannelsResult(
        x=x, w=w, output=ops.relu(ops.conv1x1(x, w)),
        params=cost.conv_params(1, n_C, n_F),
        multiplies=cost.conv_multiplies(n_H, n_W, 1, n_C, n_F),
    )


def _shrinking_filters() -> np.ndarray:
    size = SHRINKING_CHANNELS_LARGEST
    return _seeded_filters(size, size)


def shrinking_channels_result(n_C: int, n_F: int, size: int = 28) -> ShrinkingChannelsResult:
    """A ``(size, size, n_C)`` volume (:func:`onebyone.data.feature_volume`) through the
    first ``n_F`` of 384 seeded 1x1 filters (their first ``n_C`` weights) and a ReLU,
    with the layer's parameters (biases included) and multiplications.

    The filters are drawn once and sliced, and the volume's channels are the first
    channels of any deeper one: ``n_F`` does not change filter 0, nor ``n_C`` the first
    channels.
    """
    n_C = _largest_setting("n_C", n_C, SHRINKING_CHANNELS_LARGEST)
    return _shrinking_channels(data.feature_volume(n_C, size, seed=0),
                               _shrinking_filters(), n_F=n_F)


def _describe_shrinking_channels(r: ShrinkingChannelsResult) -> str:
    n_H, n_W, n_C = r.x.shape
    n_F = r.w.shape[1]
    if n_F < n_C:
        change = "fewer channels"
    elif n_F == n_C:
        change = "the same shape, yet the ReLU adds a nonlinearity"
    else:
        change = "more channels"
    filters = f"each of the {n_F} filters" if n_F > 1 else "the filter"
    return (f"at each of the {n_H}×{n_W} pixels: the <code>1×1×{n_C}</code> fibre · "
            f"{filters}, ReLU → {n_F} number{'s' if n_F > 1 else ''} "
            f"(<code>1×1×{n_F}</code>); all pixels: <code>{n_H}×{n_W}×{n_C}</code> → "
            f"<code>{n_H}×{n_W}×{n_F}</code> ({change})<br>parameters {n_C}·{n_F} + {n_F} "
            f"= <b>{r.params:,}</b> · multiplications {n_H}·{n_W}·{n_F}·{n_C} = "
            f"<b>{r.multiplies:,}</b>")


def _draw_shrinking_channels(r: ShrinkingChannelsResult) -> Figure:
    """The layer as the lecture draws it: input ∗ the bank, ReLU, output, each box at its
    true depth; channel 0 of input and output painted on their fronts."""
    (n_H, n_W, n_C), n_F = r.x.shape, r.w.shape[1]
    return viz.volume_diagram(
        [r.x.shape, (1, 1, n_C, n_F), r.output.shape], ["∗", "ReLU\n→"],
        captions=[f"input {n_H}×{n_W}×{n_C}", f"{n_F} filter{'s' if n_F > 1 else ''}\n1×1×{n_C}",
                  f"output {n_H}×{n_W}×{n_F}"],
        values=[r.x[:, :, 0], None, r.output[:, :, 0]])


def shrinking_channels_explorer(x: np.ndarray | None = None, w: np.ndarray | None = None,
                                *, max_channels: int = 192) -> Explorer:
    """Sliders for ``n_C`` and ``n_F``: the first ``n_C`` channels of the volume ``x``
    before and after the first ``n_F`` filters of the bank ``w`` and a ReLU.

    Parameters
    ----------
    x, w : ndarray, shapes ``(n_H, n_W, n_C)`` and ``(n_C, n_F)``, optional
        The volume and the filters (one per column) to explore, say a notebook's own:
        at the same settings the explorer shows the same picture. By default those of
        :func:`shrinking_channels_result`, 28x28.
    max_channels : int, at most 384
        Bounds both sliders (and so do the sizes of ``x`` and ``w``).
    """
    max_channels = _largest_setting("max_channels", max_channels, SHRINKING_CHANNELS_LARGEST)
    # by default, the channels the sliders reach: the first channels of any deeper volume
    x, w = _volume_and_bank(x, w, lambda: (data.feature_volume(max_channels, seed=0),
                                           _shrinking_filters()))
    top_C, top_F = min(max_channels, x.shape[2]), min(max_channels, w.shape[1])
    return Explorer(
        {"n_C": IntSlider("channels n_C", min(192, top_C), 1, top_C),
         "n_F": IntSlider("filters n_F", min(32, top_F), 1, top_F)},
        compute=lambda **sizes: _shrinking_channels(x, w, **sizes),
        draw=_draw_shrinking_channels,
        describe=_describe_shrinking_channels,
    )


# -- 07: bottlenecks ---------------------------------------------------------------

class BottleneckResult(NamedTuple):
    n_H: int
    n_W: int
    n_C: int
    f: int
    n_F: int
    n_B: int
    cost: cost.BottleneckCost


def bottleneck_result(n_H: int, n_W: int, n_C: int, f: int, n_F: int,
                      n_B: int) -> BottleneckResult:
    """The layer's sizes with their :func:`onebyone.cost.bottleneck_cost` (with biases)."""
    layer_cost = cost.bottleneck_cost(n_H, n_W, n_C, f, n_F, n_B)
    return BottleneckResult(int(n_H), int(n_W), int(n_C), int(f), int(n_F), int(n_B),
                            layer_cost)


def _describe_bottleneck(r: BottleneckResult) -> str:
    c, f = r.cost, f"{r.f}×{r.f}"
    pixels = f"{r.n_H}·{r.n_W}·{r.n_F}"
    return (f"direct {f}, {r.n_C} → {r.n_F}: {pixels}·{r.f}²·{r.n_C} = "
            f"<b>{c.direct_multiplies:,}</b> multiplications, <b>{c.direct_params:,}</b> "
            f"parameters<br>bottleneck, 1×1 {r.n_C} → {r.n_B} then {f} → {r.n_F}: "
            f"{r.n_H}·{r.n_W}·{r.n_B}·{r.n_C} + {pixels}·{r.f}²·{r.n_B} = "
            f"{c.reduce_multiplies:,} + {c.spatial_multiplies:,} = "
            f"<b>{c.bottleneck_multiplies:,}</b> multiplications, "
            f"<b>{c.bottleneck_params:,}</b> parameters: "
            f"{viz.fewer_or_more(c.multiply_ratio)} multiplications")


def cost_calculator_explorer() -> Explorer:
    """Sliders for a layer's sizes and its bottleneck width ``n_B``; bar charts of the
    multiplications and parameters, direct and behind the bottleneck."""
    return Explorer(
        {"n_H": IntSlider("height n_H", 28, 1, 112),
         "n_W": IntSlider("width n_W", 28, 1, 112),
         "n_C": IntSlider("channels n_C", 192, 1, 1024),
         "f": IntSlider("filter size f", 5, 1, 7, 2),
         "n_F": IntSlider("filters n_F", 32, 1, 1024),
         "n_B": IntSlider("bottleneck n_B", 16, 1, 1024)},
        compute=bottleneck_result,
        draw=lambda r: viz.cost_bars(r.cost),
        describe=_describe_bottleneck,
    )


# -- 05: a colour mixer --------------------------------------------------------------

MIXER_CHANNELS = ("r", "g", "b")
"""The photo's channels, in order; slider ``g_to_r`` is the weight of input green in
output red, that is ``w[1, 0]`` of the ``(3, 3)`` filter bank."""


class ColourMixResult(NamedTuple):
    image: np.ndarray
    """the input, float in [0, 1], ``(n_H, n_W, 3)``"""
    w: np.ndarray
    """the filter bank, ``(3, 3)``: ``w[c_in, c_out]``"""
    mixed: np.ndarray
    """``conv1x1(image, w)``, ``(n_H, n_W, 3)``, not clipped"""
    clipped: float
    """fraction of the values of ``mixed`` outside [0, 1], clipped for display"""


def colour_mix_result(image: np.ndarray, *, r_to_r: float, g_to_r: float, b_to_r: float,
                      r_to_g: float, g_to_g: float, b_to_g: float,
                      r_to_b: float, g_to_b: float, b_to_b: float) -> ColourMixResult:
    """An RGB image through a 3 -> 3 bank of 1x1 filters: each output colour is a
    weighted sum of the input's red, green and blue at the same pixel.

    Parameters
    ----------
    image : ndarray, shape ``(n_H, n_W, 3)``; uint8 is read as 0..255, floats as 0..1
    r_to_r, g_to_r, ... : float
        ``x_to_y`` is the weight of input channel ``x`` in output channel ``y``.

    Returns
    -------
    ColourMixResult
        NaN and inf in ``image`` propagate to ``mixed`` as in :func:`ops.conv1x1`.
    """
    image = v.real_array("image", image, ndim=(3,), layout="(n_H, n_W, 3)")
    if image.shape[2] != 3:
        raise ValueError(f"image must have 3 colour channels (red, green, blue), "
                         f"got shape {v.shape_str(image.shape)}")
    given = {"r_to_r": r_to_r, "g_to_r": g_to_r, "b_to_r": b_to_r,
             "r_to_g": r_to_g, "g_to_g": g_to_g, "b_to_g": b_to_g,
             "r_to_b": r_to_b, "g_to_b": g_to_b, "b_to_b": b_to_b}
    weights = {name: v.real_number(name, value) for name, value in given.items()}
    w = np.array([[weights[f"{c_in}_to_{c_out}"] for c_out in MIXER_CHANNELS]
                  for c_in in MIXER_CHANNELS])
    pixels = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    mixed = ops.conv1x1(pixels, w)
    with np.errstate(invalid="ignore"):  # NaN counts as neither inside nor outside
        clipped = float(np.mean((mixed < 0) | (mixed > 1)))
    return ColourMixResult(pixels, w, mixed, clipped)


def _describe_colour_mix(r: ColourMixResult) -> str:
    rows = []
    for k, out in enumerate("RGB"):
        terms = " + ".join(f"{r.w[c, k]:.2f}·{inp}" for c, inp in enumerate("RGB"))
        rows.append(f"<code>out {out} = {terms}</code>")
    return ("<br>".join(rows) + f"<br>{100 * r.clipped:.1f}% of the output values fall "
            "outside [0, 1] and are clipped for display")


def colour_mixer_explorer(max_size: int = 160) -> Explorer:
    """Nine sliders, the 3 x 3 filter bank ``w[c_in, c_out]``, mixing the colours of the
    photo (:func:`data.photo` at ``max_size``); starts at the identity (no change)."""
    max_size = _largest_setting("max_size", max_size, max(data.photo().shape))
    photo = data.photo(max_size=max_size)  # loaded once, not at every redraw
    controls = {}
    for c_out in MIXER_CHANNELS:
        for c_in in MIXER_CHANNELS:
            slider = FloatSlider(f"{c_in.upper()} → {c_out.upper()}",
                                 1.0 if c_in == c_out else 0.0, -1.0, 1.0, 0.05)
            slider.layout.width = "300px"  # three to a row: one row per output colour
            controls[f"{c_in}_to_{c_out}"] = slider
    return Explorer(
        controls,
        compute=lambda **weights: colour_mix_result(photo, **weights),
        # one picture, the mixed photo: a second one would double the redraw time
        draw=lambda r: viz.show_images(r.mixed, titles=["photo ∗ w, a 3 → 3 filter bank"]),
        describe=_describe_colour_mix,
    )


# -- 10: blocks of modern networks ---------------------------------------------------------

BLOCKS = ("ResNet bottleneck", "squeeze-and-excitation", "inverted residual",
          "ShuffleNet unit", "feed-forward network")
"""The blocks :func:`block_explorer` draws, in its order."""


class BlockResult(NamedTuple):
    block: str
    size: int
    """n_H = n_W of the volume, or the number of tokens T for the feed-forward network"""
    channels: int
    """n_C of the volume, or d_model"""
    cost: cost.BlockCost
    shapes: list[tuple[int, ...]]
    """the volumes of the block, for :func:`onebyone.viz.volume_diagram`"""
    operators: list[str]
    captions: list[str]


def block_result(block: str, size: int, channels: int, r: int = 16, t: int = 6, g: int = 4,
                 d_ff_ratio: int = 4) -> BlockResult:
    """One of ``BLOCKS`` on a ``size x size x channels`` volume (a ``1 x size`` sequence of
    ``channels`` numbers for the feed-forward network): its volumes, operators and
    captions, and its :mod:`onebyone.cost` (with biases).

    Each factor serves one block: ``r`` squeeze-and-excitation's reduction, ``t`` the
    inverted residual's expansion, ``g`` ShuffleNet's groups, ``d_ff_ratio`` the
    feed-forward network's ``d_ff / d_model``. ResNet's and ShuffleNet's bottleneck has
    ``channels / 4`` channels, as in their papers.
    """
    if not isinstance(block, str) or block not in BLOCKS:
        raise ValueError(f"block must be one of {BLOCKS}, got {block!r}")
    size, channels = v.integer("size", size), v.integer("channels", channels)
    r, t, g, d_ff_ratio = (v.integer(name, n) for name, n in
                           (("r", r), ("t", t), ("g", g), ("d_ff_ratio", d_ff_ratio)))
    n, c = size, channels
    if block == "ResNet bottleneck":
        m = cost._divided("channels", c, "4", 4)
        return BlockResult(block, n, c, cost.resnet_bottleneck_cost(n, n, c, m),
                           [(n, n, c), (n, n, m), (n, n, m), (n, n, c)],
                           ["1×1, ReLU\n→", "3×3, ReLU\n→", "1×1\n→"],
                           ["x", f"m = {m}", "filtered", "output (+ x)"])
    if block == "squeeze-and-excitation":
        hidden = cost._divided("channels", c, "r", r)
        return BlockResult(block, n, c, cost.squeeze_excitation_cost(n, n, c, r),
                           [(n, n, c), (1, 1, c), (1, 1, hidden), (1, 1, c), (n, n, c)],
                           ["GAP\n→", "1×1, ReLU\n→", "1×1, sigmoid\n→", "scale x\n→"],
                           ["x", "squeeze", f"C/r = {hidden}", "channel weights",
                            "x, reweighted"])
    if block == "inverted residual":
        return BlockResult(block, n, c, cost.inverted_residual_cost(n, n, c, t, c),
                           [(n, n, c), (n, n, t * c), (n, n, t * c), (n, n, c)],
                           ["1×1, ReLU6\n→", "3×3 depthwise\nReLU6 →", "1×1, linear\n→"],
                           ["x", f"expanded, t = {t}", "filtered", "projected (+ x)"])
    if block == "ShuffleNet unit":
        m = cost._divided("channels", c, "4", 4)
        cost._divided("channels / 4", m, "g", g)
        return BlockResult(block, n, c, cost.shufflenet_unit_cost(n, n, c, m, g),
                           [(n, n, c), (n, n, m), (n, n, m), (n, n, m), (n, n, c)],
                           [f"1×1, g = {g}\nReLU →", "shuffle\n→", "3×3\ndepthwise →",
                            f"1×1, g = {g}\n→"],
                           ["x", f"m = {m}", "shuffled", "filtered", "output (+ x)"])
    d_ff = d_ff_ratio * c
    return BlockResult(block, n, c, cost.ffn_cost(n, c, d_ff),
                       [(1, n, c), (1, n, d_ff), (1, n, c)], ["1×1, ReLU\n→", "1×1\n→"],
                       [_tokens(n), f"d_ff = {d_ff}", _tokens(n)])


def _tokens(n: int) -> str:
    return f"{n} token" if n == 1 else f"{n} tokens"


def _describe_block(r: BlockResult) -> str:
    cell = '<td style="text-align: right; padding: 0 0 0 1.5em">'
    rows = "".join(f"<tr><td>{html.escape(layer.name)}</td>{cell}{layer.params:,}</td>"
                   f"{cell}{layer.multiplies:,}</td></tr>" for layer in r.cost.layers)
    head = '<th style="text-align: right; padding: 0 0 0 1.5em">'
    return (f"<b>{html.escape(r.block)}</b>: <b>{r.cost.params:,}</b> parameters, "
            f"<b>{r.cost.multiplies:,}</b> multiplications"
            f'<table><tr><th style="text-align: left">layer</th>{head}parameters</th>'
            f"{head}multiplications</th></tr>{rows}</table>")


def block_explorer() -> Explorer:
    """Pick a block of ``BLOCKS`` and its sizes: its diagram, and its parameters and
    multiplications layer by layer (:func:`block_result`)."""
    return Explorer(
        {"block": widgets.RadioButtons(options=BLOCKS, value=BLOCKS[0], description="block"),
         "size": IntSlider("size (n_H = n_W, or tokens)", 28, 1, 56),
         "channels": IntSlider("channels (or d_model)", 256, 64, 1024, 64),
         "r": SelectionSlider("SE reduction r", [2, 4, 8, 16, 32, 64], 16),
         "t": IntSlider("expansion t", 6, 1, 8),
         "g": SelectionSlider("ShuffleNet groups g", [1, 2, 4, 8, 16], 4),
         "d_ff_ratio": IntSlider("FFN d_ff / d_model", 4, 1, 8)},
        compute=block_result,
        draw=lambda r: viz.volume_diagram(r.shapes, r.operators, captions=r.captions),
        describe=_describe_block,
    )


def explorers() -> dict[str, Callable[[], Explorer]]:
    """Every explorer builder of this module, by name (for the benchmarks and tests)."""
    return {name: builder for name, builder in sorted(globals().items())
            if callable(builder) and getattr(builder, "__module__", None) == __name__
            and getattr(builder, "__annotations__", {}).get("return") in ("Explorer", Explorer)}
