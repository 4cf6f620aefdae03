/* Soft clipper: the [3/2] Pade approximant of tanh, x (27 + x^2) / (27 + 9 x^2), hard-limited at |x| = 3
 * where the approximant reaches exactly +-1. */
#include "dsp.h"
#include "placement.h"

DSP_HOT float soft_clip(float x) {
  if (x > 3.0f) {
    return 1.0f;
  }
  if (x < -3.0f) {
    return -1.0f;
  }
  const float x2 = x * x;
  return x * (27.0f + x2) / (27.0f + 9.0f * x2);
}
