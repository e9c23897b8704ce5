"""What a convolution layer costs: parameters and multiplications, as exact ints."""

from __future__ import annotations

from typing import NamedTuple

from onebyone import _validate as v


def conv_params(f: int, n_C: int, n_F: int, bias: bool = True) -> int:
    """Number of learned parameters of ``n_F`` filters of size ``f x f x n_C``.

    ``f*f*n_C*n_F`` weights, plus ``n_F`` biases when ``bias`` is true.
    """
    f, n_C, n_F = (v.integer(name, n) for name, n in (("f", f), ("n_C", n_C), ("n_F", n_F)))
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {v.describe(bias)}")
    return f * f * n_C * n_F + (n_F if bias else 0)


def conv_multiplies(n_H: int, n_W: int, f: int, n_C: int, n_F: int) -> int:
    """Multiplications of a convolution whose *output* is ``n_H x n_W x n_F``.

    Output positions (``n_H*n_W*n_F``) times multiplications per output (``f*f*n_C``).
    """
    sizes = (("n_H", n_H), ("n_W", n_W), ("f", f), ("n_C", n_C), ("n_F", n_F))
    n_H, n_W, f, n_C, n_F = (v.integer(name, n) for name, n in sizes)
    return (n_H * n_W * n_F) * (f * f * n_C)


# -- 08: a fully connected layer -----------------------------------------------------

def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Number of learned parameters of a fully connected (dense) layer.

    ``n_in*n_out`` weights, plus ``n_out`` biases when ``bias`` is true. A 1x1
    convolution is a dense layer applied at every pixel, so
    ``dense_params(n_C, n_F) == conv_params(1, n_C, n_F)``; a dense layer on a flattened
    ``n_H x n_W x n_C`` volume has ``n_in = n_H*n_W*n_C``.
    """
    n_in, n_out = v.integer("n_in", n_in), v.integer("n_out", n_out)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {v.describe(bias)}")
    return n_in * n_out + (n_out if bias else 0)


# -- 07: bottlenecks -----------------------------------------------------------------

class BottleneckCost(NamedTuple):
    """An f x f layer n_C -> n_F, computed directly or behind a 1x1 bottleneck of n_B
    channels (see :func:`bottleneck_cost`). Exact ints."""

    direct_multiplies: int
    """the f x f convolution n_C -> n_F on its own"""
    direct_params: int
    reduce_multiplies: int
    """the 1x1 convolution n_C -> n_B (Inception's "reduce" layer)"""
    reduce_params: int
    spatial_multiplies: int
    """the f x f convolution n_B -> n_F that follows it"""
    spatial_params: int
    bottleneck_multiplies: int
    """``reduce_multiplies + spatial_multiplies``"""
    bottleneck_params: int
    """``reduce_params + spatial_params``"""

    @property
    def multiply_ratio(self) -> float:
        """``direct_multiplies / bottleneck_multiplies``: how many times fewer."""
        return self.direct_multiplies / self.bottleneck_multiplies


def bottleneck_cost(n_H: int, n_W: int, n_C: int, f: int, n_F: int, n_B: int,
                    bias: bool = True) -> BottleneckCost:
    """Cost of an f x f convolution n_C -> n_F, direct and behind a 1x1 bottleneck.

    The bottleneck first shrinks the ``n_C`` channels to ``n_B`` with a 1x1 convolution,
    then applies the f x f convolution to those ``n_B`` channels, as in Inception's
    branches (Szegedy et al., arXiv:1409.4842). Every layer keeps the ``n_H x n_W``
    size ("same" padding), so each costs :func:`conv_multiplies` with that output size.

    Parameters
    ----------
    n_H, n_W : int, height and width of the input and of the output
    n_C : int, input channels
    f : int, size of the f x f filters
    n_F : int, output channels
    n_B : int, channels of the bottleneck
    bias : bool, count one bias per filter in the parameters

    Returns
    -------
    BottleneckCost
    """
    sizes = (("n_H", n_H), ("n_W", n_W), ("n_C", n_C), ("f", f), ("n_F", n_F), ("n_B", n_B))
    n_H, n_W, n_C, f, n_F, n_B = (v.integer(name, n) for name, n in sizes)
    reduce_multiplies = conv_multiplies(n_H, n_W, 1, n_C, n_B)
    reduce_params = conv_params(1, n_C, n_B, bias)
    spatial_multiplies = conv_multiplies(n_H, n_W, f, n_B, n_F)
    spatial_params = conv_params(f, n_B, n_F, bias)
    return BottleneckCost(
        direct_multiplies=conv_multiplies(n_H, n_W, f, n_C, n_F),
        direct_params=conv_params(f, n_C, n_F, bias),
        reduce_multiplies=reduce_multiplies, reduce_params=reduce_params,
        spatial_multiplies=spatial_multiplies, spatial_params=spatial_params,
        bottleneck_multiplies=reduce_multiplies + spatial_multiplies,
        bottleneck_params=reduce_params + spatial_params,
    )


class DepthwiseSeparableCost(NamedTuple):
    """An f x f layer n_C -> n_F, computed directly or depthwise-separably (see
    :func:`depthwise_separable_cost`). Exact ints."""

    direct_multiplies: int
    """the ordinary f x f convolution n_C -> n_F"""
    direct_params: int
    depthwise_multiplies: int
    """one f x f filter per channel, each on its own channel"""
    depthwise_params: int
    pointwise_multiplies: int
    """the 1x1 convolution n_C -> n_F that mixes the channels"""
    pointwise_params: int
    separable_multiplies: int
    """``depthwise_multiplies + pointwise_multiplies``"""
    separable_params: int
    """``depthwise_params + pointwise_params``"""

    @property
    def pointwise_share(self) -> float:
        """Fraction of the separable layer's multiplications done by the 1x1 convolution:
        ``n_F / (f*f + n_F)``."""
        return self.pointwise_multiplies / self.separable_multiplies

    @property
    def multiply_ratio(self) -> float:
        """``direct_multiplies / separable_multiplies``: how many times fewer."""
        return self.direct_multiplies / self.separable_multiplies


def depthwise_separable_cost(n_H: int, n_W: int, n_C: int, f: int, n_F: int,
                             bias: bool = True) -> DepthwiseSeparableCost:
    """Cost of a depthwise-separable convolution, MobileNet's layer, and of the ordinary
    convolution it replaces (Howard et al., arXiv:1704.04861).

    Depthwise: ``n_C`` filters of ``f x f x 1``, filter ``c`` on channel ``c`` only
    (:func:`conv_multiplies` with one input channel per filter). Pointwise: a 1x1
    convolution n_C -> n_F. Every layer keeps the ``n_H x n_W`` size.

    Parameters
    ----------
    n_H, n_W : int, height and width of the input and of the output
    n_C : int, input channels
    f : int, size of the depthwise f x f filters
    n_F : int, output channels
    bias : bool, count one bias per filter in the parameters

    Returns
    -------
    DepthwiseSeparableCost
    """
    sizes = (("n_H", n_H), ("n_W", n_W), ("n_C", n_C), ("f", f), ("n_F", n_F))
    n_H, n_W, n_C, f, n_F = (v.integer(name, n) for name, n in sizes)
    depthwise_multiplies = conv_multiplies(n_H, n_W, f, 1, n_C)
    depthwise_params = conv_params(f, 1, n_C, bias)
    pointwise_multiplies = conv_multiplies(n_H, n_W, 1, n_C, n_F)
    pointwise_params = conv_params(1, n_C, n_F, bias)
    return DepthwiseSeparableCost(
        direct_multiplies=conv_multiplies(n_H, n_W, f, n_C, n_F),
        direct_params=conv_params(f, n_C, n_F, bias),
        depthwise_multiplies=depthwise_multiplies, depthwise_params=depthwise_params,
        pointwise_multiplies=pointwise_multiplies, pointwise_params=pointwise_params,
        separable_multiplies=depthwise_multiplies + pointwise_multiplies,
        separable_params=depthwise_params + pointwise_params,
    )


# -- 10: blocks of modern networks, layer by layer -------------------------------------

class LayerCost(NamedTuple):
    """One layer of a block: what it is, its parameters and its multiplications."""

    name: str
    params: int
    multiplies: int


class BlockCost(NamedTuple):
    """A block of layers (see :func:`ffn_cost` and the functions after it). Exact ints."""

    name: str
    layers: tuple[LayerCost, ...]

    @property
    def params(self) -> int:
        """Every layer's parameters."""
        return sum(layer.params for layer in self.layers)

    @property
    def multiplies(self) -> int:
        """Every layer's multiplications."""
        return sum(layer.multiplies for layer in self.layers)

    def share(self, name: str) -> float:
        """The fraction of the block's multiplications done by the layers whose name
        starts with ``name``."""
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {v.describe(name)}")
        part = sum(layer.multiplies for layer in self.layers if layer.name.startswith(name))
        if not any(layer.name.startswith(name) for layer in self.layers):
            raise ValueError(f"no layer of {self.name!r} has a name starting with {name!r}; "
                             f"its layers: {[layer.name for layer in self.layers]}")
        return part / self.multiplies


def _sizes(**sizes: object) -> list[int]:
    return [v.integer(name, n) for name, n in sizes.items()]


def _bias_flag(bias: object) -> bool:
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {v.describe(bias)}")
    return bias


def _divided(name: str, n: int, by_name: str, by: int) -> int:
    """``n // by``, or a ValueError naming both when ``by`` does not divide ``n``."""
    n, by = v.integer(name, n), v.integer(by_name, by)
    if n % by:
        raise ValueError(f"{name} = {n} must be divisible by {by_name} = {by}")
    return n // by


def _pointwise(name: str, pixels: int, n_C: int, n_F: int, bias: bool,
               groups: int = 1) -> LayerCost:
    """A 1x1 convolution n_C -> n_F in ``groups`` groups, at ``pixels`` positions."""
    per_group = conv_params(1, n_C // groups, n_F // groups, bias=False)
    return LayerCost(name, groups * per_group + (n_F if bias else 0),
                     pixels * n_F * (n_C // groups))


def _depthwise(name: str, pixels: int, f: int, n_C: int, bias: bool) -> LayerCost:
    """``n_C`` filters of f x f x 1, each on its own channel, at ``pixels`` positions."""
    return LayerCost(name, conv_params(f, 1, n_C, bias), pixels * f * f * n_C)


def ffn_cost(T: int, d_model: int, d_ff: int, bias: bool = True) -> BlockCost:
    """A transformer's position-wise feed-forward network on ``T`` tokens of ``d_model``
    numbers: two 1x1 convolutions over a 1 x T image with ``d_model`` channels,
    ``d_model -> d_ff`` (ReLU) and ``d_ff -> d_model`` (Vaswani et al., arXiv:1706.03762).

    With ``d_model = 512`` and ``d_ff = 2048``: 2,099,712 parameters, with biases.
    """
    T, d_model, d_ff = _sizes(T=T, d_model=d_model, d_ff=d_ff)
    bias = _bias_flag(bias)
    return BlockCost("feed-forward network", (
        _pointwise(f"1×1 {d_model} → {d_ff}", T, d_model, d_ff, bias),
        _pointwise(f"1×1 {d_ff} → {d_model}", T, d_ff, d_model, bias),
    ))


def squeeze_excitation_cost(n_H: int, n_W: int, n_C: int, r: int,
                            bias: bool = True) -> BlockCost:
    """A squeeze-and-excitation block on ``n_H x n_W x n_C`` (Hu et al.,
    arXiv:1709.01507): global average pooling, 1x1 ``n_C -> n_C / r`` (ReLU), 1x1
    ``n_C / r -> n_C`` (sigmoid), then every channel of the input scaled by its number.

    The pooling's additions are not multiplications and are not counted. Without biases
    the block has ``2 n_C² / r`` parameters, as the paper counts them.
    """
    n_H, n_W, n_C, r = _sizes(n_H=n_H, n_W=n_W, n_C=n_C, r=r)
    bias = _bias_flag(bias)
    hidden = _divided("n_C", n_C, "r", r)
    return BlockCost("squeeze-and-excitation", (
        LayerCost("global average pool", 0, 0),
        _pointwise(f"1×1 {n_C} → {hidden}", 1, n_C, hidden, bias),
        _pointwise(f"1×1 {hidden} → {n_C}", 1, hidden, n_C, bias),
        LayerCost("scale the channels", 0, n_H * n_W * n_C),
    ))


def inverted_residual_cost(n_H: int, n_W: int, n_C: int, t: int, n_F: int, f: int = 3,
                           stride: int = 1, bias: bool = True) -> BlockCost:
    """MobileNetV2's inverted residual block on ``n_H x n_W x n_C`` (Sandler et al.,
    arXiv:1801.04381): 1x1 expansion ``n_C -> t n_C`` (ReLU6), f x f depthwise with
    ``stride`` (ReLU6), linear 1x1 projection ``t n_C -> n_F``.

    With ``stride = 1`` the multiplications are the paper's ``h·w·d'·t·(d' + k² + d'')``.
    """
    n_H, n_W, n_C, t, n_F, f, stride = _sizes(n_H=n_H, n_W=n_W, n_C=n_C, t=t, n_F=n_F,
                                              f=f, stride=stride)
    bias = _bias_flag(bias)
    wide = t * n_C
    out_pixels = -(-n_H // stride) * -(-n_W // stride)  # 'same' padding
    return BlockCost("inverted residual", (
        _pointwise(f"1×1 expansion {n_C} → {wide}", n_H * n_W, n_C, wide, bias),
        _depthwise(f"{f}×{f} depthwise on {wide}", out_pixels, f, wide, bias),
        _pointwise(f"1×1 projection {wide} → {n_F}", out_pixels, wide, n_F, bias),
    ))


def shufflenet_unit_cost(n_H: int, n_W: int, n_C: int, m: int, g: int,
                         bias: bool = True) -> BlockCost:
    """ShuffleNet's unit on ``n_H x n_W x n_C`` (Zhang et al., arXiv:1707.01083): grouped
    1x1 ``n_C -> m`` in ``g`` groups (ReLU), channel shuffle, 3 x 3 depthwise on ``m``,
    grouped 1x1 ``m -> n_C`` in ``g`` groups, added to the input.

    The multiplications are the paper's ``h·w·(2·c·m/g + 9·m)``; the shuffle moves
    channels and multiplies nothing.
    """
    n_H, n_W, n_C, m, g = _sizes(n_H=n_H, n_W=n_W, n_C=n_C, m=m, g=g)
    bias = _bias_flag(bias)
    _divided("n_C", n_C, "g", g)
    _divided("m", m, "g", g)
    pixels = n_H * n_W
    return BlockCost("ShuffleNet unit", (
        _pointwise(f"1×1 {n_C} → {m}, {g} groups", pixels, n_C, m, bias, groups=g),
        LayerCost("channel shuffle", 0, 0),
        _depthwise(f"3×3 depthwise on {m}", pixels, 3, m, bias),
        _pointwise(f"1×1 {m} → {n_C}, {g} groups", pixels, m, n_C, bias, groups=g),
    ))


def resnet_bottleneck_cost(n_H: int, n_W: int, n_C: int, m: int,
                           bias: bool = True) -> BlockCost:
    """ResNet's bottleneck block on ``n_H x n_W x n_C`` (He et al., arXiv:1512.03385):
    1x1 ``n_C -> m``, 3 x 3 ``m -> m``, 1x1 ``m -> n_C``, each but the last with a ReLU,
    added to the input. Multiplications ``h·w·(2·c·m + 9·m²)``, as ShuffleNet's paper
    counts them."""
    n_H, n_W, n_C, m = _sizes(n_H=n_H, n_W=n_W, n_C=n_C, m=m)
    bias = _bias_flag(bias)
    pixels = n_H * n_W
    return BlockCost("ResNet bottleneck", (
        _pointwise(f"1×1 {n_C} → {m}", pixels, n_C, m, bias),
        LayerCost(f"3×3 {m} → {m}", conv_params(3, m, m, bias),
                  conv_multiplies(n_H, n_W, 3, m, m)),
        _pointwise(f"1×1 {m} → {n_C}", pixels, m, n_C, bias),
    ))
