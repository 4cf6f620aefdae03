/* The fixtures' audio effect: biquad cascade -> feedback delay -> small reverb -> soft clipper. */
#ifndef SEEDSIM_DSP_H
#define SEEDSIM_DSP_H

#include <stdint.h>

#define BIQUAD_STAGES 4u

struct biquad {
  float b0, b1, b2, a1, a2; /* normalised so that a0 = 1 */
  float s1[2], s2[2];       /* transposed direct form II state per channel */
};

void biquad_design_lowpass(struct biquad *filter, float cutoff_hz, float q, float sample_rate);
void biquad_design_highpass(struct biquad *filter, float cutoff_hz, float q, float sample_rate);
void biquad_design_peak(struct biquad *filter, float center_hz, float q, float gain_db, float sample_rate);
/* Filters an interleaved stereo block in place. */
void biquad_process(struct biquad *filter, float *frames, uint32_t frame_count);

void delay_init(void);
/* Reads each frame's echo, writes input + feedback into the line; echo goes to `echo` (interleaved). */
void delay_process(const float *frames, float *echo, uint32_t frame_count);

void reverb_init(void);
/* Adds the reverb of `frames` into `wet` (interleaved). */
void reverb_process(const float *frames, float *wet, uint32_t frame_count);

float soft_clip(float x);

void dsp_init(float sample_rate);

#endif
