/*
 * bug-sdram-ctor / fix-sdram-ctor: a C++ global object placed in SDRAM (.sdram_bss).
 *
 * Bug: its constructor clears the buffer. Global constructors run from __libc_init_array in
 * Reset_Handler, before main() has initialised the FMC, so the constructor writes SDRAM that is not
 * running yet (rule sdram-before-init, symbol g_echo).
 * Fix (-DFIX_SDRAM_CTOR): the constructor does nothing (constexpr, so no entry in .init_array); main calls
 * Init() after board_init() has run the SDRAM sequence.
 */
#include <stddef.h>
#include <stdint.h>

#include "audio_io.h"
#include "board.h"

namespace {
constexpr uint32_t kEchoFrames = 24000; // 0.5 s at 48 kHz
}

class Echo {
 public:
#if defined(FIX_SDRAM_CTOR)
  constexpr Echo() : buffer_{}, index_(0) {}
#else
  Echo() : index_(0) { Clear(); }
#endif

  void Init() {
    Clear();
    index_ = 0;
  }

  // Mono-summed echo added to both channels.
  void Process(const float *in, float *out, size_t samples) {
    for (size_t i = 0; i + 1 < samples; i += 2) {
      const float echoed = buffer_[index_];
      buffer_[index_] = 0.5f * (in[i] + in[i + 1]) + 0.4f * echoed;
      index_ = index_ + 1 == kEchoFrames ? 0 : index_ + 1;
      out[i] = in[i] + 0.5f * echoed;
      out[i + 1] = in[i + 1] + 0.5f * echoed;
    }
  }

 private:
  void Clear() {
    for (uint32_t i = 0; i < kEchoFrames; ++i) {
      buffer_[i] = 0.0f;
    }
  }

  float buffer_[kEchoFrames];
  uint32_t index_;
};

__attribute__((section(".sdram_bss"))) Echo g_echo;

extern "C" void AudioCallback(const float *in, float *out, size_t size) { g_echo.Process(in, out, size); }

extern "C" int main(void) {
  board_init();
#if defined(FIX_SDRAM_CTOR)
  g_echo.Init();
#endif
  audio_start(AudioCallback);
  for (;;) {
    __asm volatile("wfi");
  }
}
