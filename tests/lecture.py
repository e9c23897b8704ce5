"""The lecture's numbers, written out from the lecture note (not from onebyone.data),
so that tests check the package against the source."""

import numpy as np

# the 6x6 single-channel image of the lecture
LECTURE = np.array([
    [1, 2, 3, 6, 5, 8],
    [3, 5, 5, 1, 3, 4],
    [2, 1, 3, 4, 9, 3],
    [4, 7, 8, 5, 7, 9],
    [1, 5, 3, 7, 4, 8],
    [5, 4, 9, 8, 3, 5],
])
LECTURE.flags.writeable = False
