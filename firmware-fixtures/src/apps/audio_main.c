/*
 * main() of the audio fixtures (audio-*, bug/fix-dma-*): Daisy-style bring-up, DSP set-up once SDRAM
 * runs, then audio; the main loop sleeps in WFI (or, with -DMAIN_LOOP_BUSY, spins like a UI loop).
 */
#include <stdint.h>

#include "audio_io.h"
#include "board.h"
#include "dsp.h"

volatile uint32_t g_main_loop_spins;

int main(void) {
  board_init();
  dsp_init(AUDIO_SAMPLE_RATE);
  audio_start(AudioCallback);
  for (;;) {
#if defined(MAIN_LOOP_BUSY)
    g_main_loop_spins = g_main_loop_spins + 1u;
#else
    __asm volatile("wfi");
#endif
  }
}
