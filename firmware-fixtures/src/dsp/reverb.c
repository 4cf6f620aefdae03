/*
 * Small Schroeder-style reverb per channel: four parallel damped feedback combs into two series
 * all-passes. Line lengths are primes chosen for seedsim (right channel offset by 23 samples for width).
 * About 31 KB per channel of float lines.
 */
#include "dsp.h"
#include "placement.h"

#define COMBS 4u
#define ALLPASSES 2u
#define COMB_FEEDBACK 0.78f
#define COMB_DAMPING 0.25f
#define ALLPASS_GAIN 0.5f

#define COMB0 1433u
#define COMB1 1601u
#define COMB2 1867u
#define COMB3 2053u
#define ALLPASS0 347u
#define ALLPASS1 113u
#define STEREO_SPREAD 23u

struct reverb_lines {
  float comb0[2][COMB0 + STEREO_SPREAD];
  float comb1[2][COMB1 + STEREO_SPREAD];
  float comb2[2][COMB2 + STEREO_SPREAD];
  float comb3[2][COMB3 + STEREO_SPREAD];
  float allpass0[2][ALLPASS0 + STEREO_SPREAD];
  float allpass1[2][ALLPASS1 + STEREO_SPREAD];
};

struct line {
  float *samples;
  uint32_t length;
  uint32_t index;
  float damped; /* one-pole lowpass state in a comb's feedback path */
};

REVERB_STORAGE struct reverb_lines reverb_lines;
static struct line s_combs[2][COMBS];
static struct line s_allpasses[2][ALLPASSES];

static void line_init(struct line *l, float *samples, uint32_t length) {
  l->samples = samples;
  l->length = length;
  l->index = 0u;
  l->damped = 0.0f;
  for (uint32_t i = 0; i < length; ++i) {
    samples[i] = 0.0f;
  }
}

void reverb_init(void) {
  for (uint32_t ch = 0; ch < 2u; ++ch) {
    const uint32_t spread = ch * STEREO_SPREAD;
    line_init(&s_combs[ch][0], reverb_lines.comb0[ch], COMB0 + spread);
    line_init(&s_combs[ch][1], reverb_lines.comb1[ch], COMB1 + spread);
    line_init(&s_combs[ch][2], reverb_lines.comb2[ch], COMB2 + spread);
    line_init(&s_combs[ch][3], reverb_lines.comb3[ch], COMB3 + spread);
    line_init(&s_allpasses[ch][0], reverb_lines.allpass0[ch], ALLPASS0 + spread);
    line_init(&s_allpasses[ch][1], reverb_lines.allpass1[ch], ALLPASS1 + spread);
  }
}

static inline float comb_tick(struct line *l, float in) {
  const float delayed = l->samples[l->index];
  l->damped = delayed + COMB_DAMPING * (l->damped - delayed);
  l->samples[l->index] = in + COMB_FEEDBACK * l->damped;
  l->index = l->index + 1u == l->length ? 0u : l->index + 1u;
  return delayed;
}

static inline float allpass_tick(struct line *l, float in) {
  const float delayed = l->samples[l->index];
  const float v = in + ALLPASS_GAIN * delayed;
  l->samples[l->index] = v;
  l->index = l->index + 1u == l->length ? 0u : l->index + 1u;
  return delayed - ALLPASS_GAIN * v;
}

DSP_HOT void reverb_process(const float *frames, float *wet, uint32_t frame_count) {
  for (uint32_t ch = 0; ch < 2u; ++ch) {
    struct line *combs = s_combs[ch];
    struct line *allpasses = s_allpasses[ch];
    for (uint32_t i = 0; i < frame_count; ++i) {
      const float in = 0.25f * frames[2u * i + ch];
      float sum = comb_tick(&combs[0], in);
      sum += comb_tick(&combs[1], in);
      sum += comb_tick(&combs[2], in);
      sum += comb_tick(&combs[3], in);
      sum = allpass_tick(&allpasses[0], sum);
      sum = allpass_tick(&allpasses[1], sum);
      wet[2u * i + ch] += sum;
    }
  }
}
