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
