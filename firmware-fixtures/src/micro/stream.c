/*
 * micro-stream: one 4 KB sequential read (1024 LDRs, micro_stream_read) from a buffer in each memory,
 * with the D-cache on (cold: cleaned and invalidated just before; warm: the same read repeated at once)
 * and with the D-cache off. Result index = 1 + 3 * region + mode, mode 0 cold, 1 warm, 2 cache off;
 * regions in order: 0 DTCM, 1 AXI SRAM, 2 D2 SRAM (0x30000000, MPU non-cacheable), 3 SDRAM,
 * 4 QSPI (memory-mapped), 5 internal flash.  [0] is the empty measurement.
 * What the figures target: hw-facts 3.2/3.3/5.2/5.3 (flash wait states, bus widths and clocks, SDRAM
 * CAS/burst, QSPI phases) and the per-line fill estimates there (e.g. ~44 CPU cycles per SDRAM line,
 * ~312 per QSPI line at 400 MHz).
 */
#include "board.h"
#include "micro.h"

#define STREAM_WORDS 1024u
#define REGIONS 6u

uint32_t micro_stream_read(const uint32_t *buffer, uint32_t words);

#define STREAM_WORD(i) (0x5EED0000u + (i))
#define W4(i) STREAM_WORD(i), STREAM_WORD(i + 1), STREAM_WORD(i + 2), STREAM_WORD(i + 3)
#define W16(i) W4(i), W4(i + 4), W4(i + 8), W4(i + 12)
#define W64(i) W16(i), W16(i + 16), W16(i + 32), W16(i + 48)
#define W256(i) W64(i), W64(i + 64), W64(i + 128), W64(i + 192)
#define W1024 W256(0), W256(256), W256(512), W256(768)

__attribute__((section(".dtcmram_bss"), aligned(32))) uint32_t stream_dtcm[STREAM_WORDS];
__attribute__((aligned(32))) uint32_t stream_axi_sram[STREAM_WORDS];
__attribute__((section(".sram1_bss"), aligned(32))) uint32_t stream_d2_sram[STREAM_WORDS];
__attribute__((section(".sdram_bss"), aligned(32))) uint32_t stream_sdram[STREAM_WORDS];
__attribute__((section(".qspiflash_data"), aligned(32), used)) const uint32_t stream_qspi[STREAM_WORDS] = {W1024};
__attribute__((aligned(32), used)) const uint32_t stream_flash[STREAM_WORDS] = {W1024};

static const uint32_t *const k_buffers[REGIONS] = {
    stream_dtcm, stream_axi_sram, stream_d2_sram, stream_sdram, stream_qspi, stream_flash,
};

static void fill(uint32_t *buffer) {
  for (uint32_t i = 0; i < STREAM_WORDS; ++i) {
    buffer[i] = STREAM_WORD(i);
  }
}

int main(void) {
  micro_begin();
  fill(stream_dtcm);
  fill(stream_axi_sram);
  fill(stream_d2_sram);
  fill(stream_sdram);
  (void)micro_stream_read(stream_dtcm, STREAM_WORDS); /* warm-up of the code path */

  for (uint32_t region = 0; region < REGIONS; ++region) {
    dcache_clean_invalidate_all();
    micro_record(1u + 3u * region, micro_stream_read(k_buffers[region], STREAM_WORDS));
    micro_record(2u + 3u * region, micro_stream_read(k_buffers[region], STREAM_WORDS));
  }
  dcache_disable();
  for (uint32_t region = 0; region < REGIONS; ++region) {
    micro_record(3u + 3u * region, micro_stream_read(k_buffers[region], STREAM_WORDS));
  }
  dcache_enable();
  micro_finish(1u + 3u * REGIONS);
}
