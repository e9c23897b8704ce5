"""The machinery every explorer shares: the :class:`Explorer` (controls, a line of
text and a picture) and the checks of its settings."""

from __future__ import annotations

import base64
import functools
import html
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import traitlets
from matplotlib.figure import Figure

from onebyone import _validate as v
from onebyone import viz
from onebyone.controls import Frame, Slider, Stepper, kept


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
        return kept(self._kept, key, functools.partial(self._drawn, settings),
                    self.FRAMES_KEPT)

    def _drawn(self, settings: dict[str, object]) -> Frame:
        result = self._compute(**settings)
        figure = self._draw(result)
        return Frame(viz.to_png(figure), figure.alt, self._describe(result))

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
