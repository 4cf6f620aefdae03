/*
 * bug-qspi-early / fix-qspi-early: a wavetable stored in the external QSPI flash (.qspiflash_data,
 * 0x90000000) drives an oscillator mixed into the output.
 *
 * Bug: main() measures the table's peak to normalise it before board_init() has put the QUADSPI into
 * memory-mapped mode, so the first read of 0x90000000 happens while QSPI is not mapped
 * (rule qspi-before-mapped, symbol qspi_wavetable). Fix (-DFIX_QSPI_EARLY): measure after board_init().
 */
#include <stddef.h>
#include <stdint.h>

#include "audio_io.h"
#include "board.h"

#define WAVETABLE_SIZE 256u

/* One cycle of a soft triangle-ish wave, 8.24 fixed point, built for seedsim by hand: a piecewise
 * linear ramp 0 -> +peak -> -peak -> 0 so it needs no libm at build time. */
#define RAMP(i) ((int32_t)(i) * 65536)
__attribute__((section(".qspiflash_data"), used)) const int32_t qspi_wavetable[WAVETABLE_SIZE] = {
#define Q4(b) RAMP(b), RAMP(b + 1), RAMP(b + 2), RAMP(b + 3)
#define Q16(b) Q4(b), Q4(b + 4), Q4(b + 8), Q4(b + 12)
#define D4(b) RAMP(64 - (b)), RAMP(63 - (b)), RAMP(62 - (b)), RAMP(61 - (b))
#define D16(b) D4(b), D4(b + 4), D4(b + 8), D4(b + 12)
#define N4(b) -RAMP(b), -RAMP(b + 1), -RAMP(b + 2), -RAMP(b + 3)
#define N16(b) N4(b), N4(b + 4), N4(b + 8), N4(b + 12)
#define U4(b) -RAMP(64 - (b)), -RAMP(63 - (b)), -RAMP(62 - (b)), -RAMP(61 - (b))
#define U16(b) U4(b), U4(b + 4), U4(b + 8), U4(b + 12)
    Q16(0),  Q16(16), Q16(32), Q16(48), /* 0 .. 63 rising */
    D16(0),  D16(16), D16(32), D16(48), /* 64 .. 1 falling */
    N16(0),  N16(16), N16(32), N16(48), /* 0 .. -63 */
    U16(0),  U16(16), U16(32), U16(48), /* -64 .. -1, rising back to 0 */
};

static float s_table_scale;
static uint32_t s_phase;

static float wavetable_peak_scale(void) {
  int32_t peak = 1;
  for (uint32_t i = 0; i < WAVETABLE_SIZE; ++i) {
    const int32_t v = qspi_wavetable[i] < 0 ? -qspi_wavetable[i] : qspi_wavetable[i];
    if (v > peak) {
      peak = v;
    }
  }
  return 0.25f / (float)peak;
}

void AudioCallback(const float *in, float *out, size_t size) {
  uint32_t phase = s_phase;
  for (size_t i = 0; i + 1 < size; i += 2) {
    const float osc = (float)qspi_wavetable[phase] * s_table_scale;
    phase = (phase + 3u) & (WAVETABLE_SIZE - 1u); /* 3 x 48 kHz / 256 = 563 Hz */
    out[i] = 0.75f * in[i] + osc;
    out[i + 1] = 0.75f * in[i + 1] + osc;
  }
  s_phase = phase;
}

int main(void) {
#if !defined(FIX_QSPI_EARLY)
  s_table_scale = wavetable_peak_scale(); /* BUG: QUADSPI is not memory-mapped yet */
#endif
  board_init();
#if defined(FIX_QSPI_EARLY)
  s_table_scale = wavetable_peak_scale();
#endif
  audio_start(AudioCallback);
  for (;;) {
    __asm volatile("wfi");
  }
}
