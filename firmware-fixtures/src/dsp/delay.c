/* Stereo feedback delay of 0.75 s (36 000 frames, 288 KB of float): too big for internal RAM, so SDRAM. */
#include "dsp.h"
#include "placement.h"

#define DELAY_FRAMES 36000u
#define DELAY_FEEDBACK 0.45f

DELAY_STORAGE float delay_line[DELAY_FRAMES][2];
static uint32_t s_write_index;

/* .sdram_bss is never zeroed by startup (the FMC is off then): clear it once SDRAM runs. */
void delay_init(void) {
  for (uint32_t i = 0; i < DELAY_FRAMES; ++i) {
    delay_line[i][0] = 0.0f;
    delay_line[i][1] = 0.0f;
  }
  s_write_index = 0u;
}

DSP_HOT void delay_process(const float *frames, float *echo, uint32_t frame_count) {
  uint32_t index = s_write_index;
  for (uint32_t i = 0; i < frame_count; ++i) {
    const float left = delay_line[index][0];
    const float right = delay_line[index][1];
    echo[2u * i] = left;
    echo[2u * i + 1u] = right;
    /* cross-feedback: the echo ping-pongs between channels */
    delay_line[index][0] = frames[2u * i] + DELAY_FEEDBACK * right;
    delay_line[index][1] = frames[2u * i + 1u] + DELAY_FEEDBACK * left;
    index = index + 1u == DELAY_FRAMES ? 0u : index + 1u;
  }
  s_write_index = index;
}
