/* The audio fixtures' callback: the same DSP chain in every variant. */
#include <stddef.h>

#include "audio_io.h"
#include "dsp.h"
#include "placement.h"

#define DRY_GAIN 0.6f
#define ECHO_GAIN 0.35f
#define REVERB_GAIN 0.5f

static struct biquad s_eq[BIQUAD_STAGES];
#if defined(DSP_EXTRA_VOICES)
static struct biquad s_voice_eq[DSP_EXTRA_VOICES][BIQUAD_STAGES];
#endif

void dsp_init(float sample_rate) {
  biquad_design_highpass(&s_eq[0], 30.0f, 0.7071f, sample_rate);
  biquad_design_peak(&s_eq[1], 800.0f, 1.0f, 3.0f, sample_rate);
  biquad_design_peak(&s_eq[2], 3000.0f, 1.4f, -2.0f, sample_rate);
  biquad_design_lowpass(&s_eq[3], 12000.0f, 0.7071f, sample_rate);
#if defined(DSP_EXTRA_VOICES)
  for (uint32_t voice = 0; voice < DSP_EXTRA_VOICES; ++voice) {
    for (uint32_t stage = 0; stage < BIQUAD_STAGES; ++stage) s_voice_eq[voice][stage] = s_eq[stage];
  }
#endif
  delay_init();
  reverb_init();
}

DSP_HOT void AudioCallback(const float *in, float *out, size_t size) {
  float filtered[AUDIO_BLOCK_SAMPLES];
  float echo[AUDIO_BLOCK_SAMPLES];
  float wet[AUDIO_BLOCK_SAMPLES];
  const uint32_t frames = (uint32_t)size / AUDIO_CHANNELS;

  for (uint32_t i = 0; i < AUDIO_BLOCK_SAMPLES; ++i) {
    filtered[i] = in[i];
    wet[i] = 0.0f;
  }
  for (uint32_t stage = 0; stage < BIQUAD_STAGES; ++stage) {
    biquad_process(&s_eq[stage], filtered, frames);
  }
#if defined(DSP_EXTRA_VOICES)
  /* bug/fix-callback-overrun: DSP_EXTRA_VOICES more voices, each its own copy of the input through
   * its own EQ cascade, mixed in; enough of them and the callback outlasts the block. */
  for (uint32_t voice = 0; voice < DSP_EXTRA_VOICES; ++voice) {
    float v[AUDIO_BLOCK_SAMPLES];
    for (uint32_t i = 0; i < AUDIO_BLOCK_SAMPLES; ++i) v[i] = in[i];
    for (uint32_t stage = 0; stage < BIQUAD_STAGES; ++stage) {
      biquad_process(&s_voice_eq[voice][stage], v, frames);
    }
    for (uint32_t i = 0; i < AUDIO_BLOCK_SAMPLES; ++i) filtered[i] += v[i] * (1.0f / DSP_EXTRA_VOICES);
  }
#endif
  delay_process(filtered, echo, frames);
  reverb_process(filtered, wet, frames);
  for (uint32_t i = 0; i < AUDIO_BLOCK_SAMPLES; ++i) {
    out[i] = soft_clip(DRY_GAIN * filtered[i] + ECHO_GAIN * echo[i] + REVERB_GAIN * wet[i]);
  }
}
