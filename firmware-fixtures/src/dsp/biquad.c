/*
 * Second-order sections. Designs follow the bilinear-transform formulas of R. Bristow-Johnson's
 * "Audio EQ Cookbook" (w0 = 2 pi f0 / fs, alpha = sin(w0) / (2 Q)), coded here from the equations.
 */
#include <math.h>

#include "dsp.h"
#include "placement.h"

static void set_normalised(struct biquad *f, float b0, float b1, float b2, float a0, float a1, float a2) {
  f->b0 = b0 / a0;
  f->b1 = b1 / a0;
  f->b2 = b2 / a0;
  f->a1 = a1 / a0;
  f->a2 = a2 / a0;
  f->s1[0] = f->s1[1] = 0.0f;
  f->s2[0] = f->s2[1] = 0.0f;
}

void biquad_design_lowpass(struct biquad *f, float cutoff_hz, float q, float sample_rate) {
  const float w0 = 6.28318531f * cutoff_hz / sample_rate;
  const float c = cosf(w0);
  const float alpha = sinf(w0) / (2.0f * q);
  set_normalised(f, (1.0f - c) * 0.5f, 1.0f - c, (1.0f - c) * 0.5f, 1.0f + alpha, -2.0f * c, 1.0f - alpha);
}

void biquad_design_highpass(struct biquad *f, float cutoff_hz, float q, float sample_rate) {
  const float w0 = 6.28318531f * cutoff_hz / sample_rate;
  const float c = cosf(w0);
  const float alpha = sinf(w0) / (2.0f * q);
  set_normalised(f, (1.0f + c) * 0.5f, -(1.0f + c), (1.0f + c) * 0.5f, 1.0f + alpha, -2.0f * c, 1.0f - alpha);
}

void biquad_design_peak(struct biquad *f, float center_hz, float q, float gain_db, float sample_rate) {
  const float amplitude = powf(10.0f, gain_db / 40.0f);
  const float w0 = 6.28318531f * center_hz / sample_rate;
  const float c = cosf(w0);
  const float alpha = sinf(w0) / (2.0f * q);
  set_normalised(f, 1.0f + alpha * amplitude, -2.0f * c, 1.0f - alpha * amplitude, 1.0f + alpha / amplitude,
                 -2.0f * c, 1.0f - alpha / amplitude);
}

DSP_HOT void biquad_process(struct biquad *f, float *frames, uint32_t frame_count) {
  const float b0 = f->b0, b1 = f->b1, b2 = f->b2, a1 = f->a1, a2 = f->a2;
  for (uint32_t ch = 0; ch < 2u; ++ch) {
    float s1 = f->s1[ch];
    float s2 = f->s2[ch];
    float *x = frames + ch;
    for (uint32_t i = 0; i < frame_count; ++i) {
      const float in = x[2u * i];
      const float out = b0 * in + s1;
      s1 = b1 * in - a1 * out + s2;
      s2 = b2 * in - a2 * out;
      x[2u * i] = out;
    }
    f->s1[ch] = s1;
    f->s2[ch] = s2;
  }
}
